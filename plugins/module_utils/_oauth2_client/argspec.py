# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_oauth2_client's options."""

from __future__ import annotations

import typing as t


def oauth2_client_entry_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one client in each entry of the bulk form (and at top level)."""
    return {"redirect_uri": {"type": "str"}}


def oauth2_client_single_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of the single form only: the client picked by its client id, and the one-off actions."""
    return {
        "client_id": {"type": "str"},
        "renew_secret": {"type": "bool", "no_log": False},
        "revoke_tokens": {"type": "bool", "no_log": False},
    }


# mailcow_oauth2_client: one client by redirect URI (or client id), or the server's list of them.
OAUTH2_CLIENT_CONSTRAINTS: dict[str, t.Any] = {
    "mutually_exclusive": [("oauth2_clients", "redirect_uri"), ("oauth2_clients", "client_id"), ("oauth2_clients", "renew_secret"),
                           ("oauth2_clients", "revoke_tokens")],
    "required_one_of": [("redirect_uri", "client_id", "oauth2_clients")],
}
