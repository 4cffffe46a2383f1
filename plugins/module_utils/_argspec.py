# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: argument-spec parts every object type shares (the bulk form, rate limits).

Each object type's own options live in its package (``_mailbox/argspec.py``...), the connection options
in ``_api/argspec.py``. plugins/doc_fragments documents exactly these."""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import env_fallback

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import whole


CONCURRENCY_RANGE = (1, 32)
PURGE_MAX_SHARE_DEFAULT = 50


def single_or_bulk_argspec(entry: dict[str, dict[str, t.Any]], kind: str) -> dict[str, dict[str, t.Any]]:
    """A module that manages one object (``entry`` options at top level) or a domain's list of them (``kind``).

    plugins/doc_fragments/bulk.py documents the purge guard options.
    """
    spec = server_single_or_bulk_argspec(entry, kind)
    spec["domain"] = {"type": "str", "fallback": (env_fallback, ["MAILCOW_DOMAIN"])}
    return spec


def server_single_or_bulk_argspec(entry: dict[str, dict[str, t.Any]], kind: str) -> dict[str, dict[str, t.Any]]:
    """A module that manages one server-wide object (``entry`` options at top level) or the server's list of them (``kind``)."""
    state = {"type": "str", "choices": ["present", "absent"], "default": "present"}
    spec = dict(api_argspec(), **entry)
    spec.update({
        "state": state,
        kind: {"type": "list", "elements": "dict", "options": dict(entry, state=state)},
        "purge": {"type": "bool", "default": False},
        "purge_allow_empty": {"type": "bool", "default": False},
        "purge_max_share": {"type": "int", "default": PURGE_MAX_SHARE_DEFAULT},
        "concurrency": {"type": "int", "default": 4},
    })
    return spec


def single_or_bulk_constraints(kind: str) -> dict[str, t.Any]:
    """AnsibleModule keywords of a single-or-bulk module: one object by address or local_part, or a list."""
    return {
        "mutually_exclusive": [("address", "local_part"), (kind, "address"), (kind, "local_part")],
        "required_one_of": [("address", "local_part", kind)],
    }


def server_single_or_bulk_constraints(kind: str, name: str) -> dict[str, t.Any]:
    """AnsibleModule keywords of a server-wide single-or-bulk module: one object by ``name``, or a list."""
    return {"mutually_exclusive": [(kind, name)], "required_one_of": [(name, kind)]}


def check_bulk_options(params: dict[str, t.Any]) -> None:
    """The bounds of the bulk form's own options, before any request."""
    whole(params.get("concurrency", 4), "concurrency", CONCURRENCY_RANGE[0], CONCURRENCY_RANGE[1], "a whole number of parallel adds")
    whole(params.get("purge_max_share", PURGE_MAX_SHARE_DEFAULT), "purge_max_share", 0, 100, "a percentage")


def rate_limit_argspec() -> dict[str, t.Any]:
    """``rate_limit: {value, frame}`` of a domain or a mailbox; ``value: 0`` removes the limit."""
    return {
        "type": "dict",
        "options": {"value": {"type": "int", "required": True}, "frame": {"type": "str", "choices": ["s", "m", "h", "d"], "default": "s"}},
    }
