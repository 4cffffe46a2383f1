# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading the mail queue and carrying out a queue action over the API.

Mailcow answers ``queue_command_success`` whatever Postfix did, so after a hold, release or delete the
queue is read again and each message checked. A flush only asks Postfix to try delivery now: its
outcome (delivered, deferred again) shows in a later read.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, api_path
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowValidationError

MAILCOW_ACTIONS = {"hold": "hold", "release": "unhold"}


def read_queue(client: MailcowClient) -> t.Any:
    """get/mailq/all as Mailcow answers it. One request."""
    return client.get("mailq", "all")


def carry_out(client: MailcowClient, action: str, queue_ids: list[str], *, flush_all: bool) -> None:
    """One request: edit/mailq (hold, unhold, deliver each message, or flush the whole queue) or delete/mailq."""
    if action == "delete":
        client.write("delete", "mailq", queue_ids)
    elif action == "flush":
        # flush runs postqueue -f (Mailcow ignores the items then); deliver runs postqueue -i for each id.
        client.write("edit", "mailq", {"items": queue_ids, "attr": {"action": "flush" if flush_all else "deliver"}})
    else:
        client.write("edit", "mailq", {"items": queue_ids, "attr": {"action": MAILCOW_ACTIONS[action]}})


def refused(action: str, wrong: list[str]) -> MailcowValidationError:
    """Mailcow said queue_command_success, yet the queue read afterwards shows messages not as the action leaves them."""
    path = api_path("delete" if action == "delete" else "edit", "mailq")
    return MailcowValidationError("Mailcow answered queue_command_success to %s, but the queue read afterwards still shows %s. Is Mailcow's "
                                  "postfix container running (mailcow_status_info)? Its log (mailcow_log_info log=postfix) may say why"
                                  % (action, ", ".join(wrong)), method="POST", path=path, status=200, msg_key="queue_command_success")
