# SPDX-License-Identifier: GPL-3.0-or-later
"""A '/' in a new mailbox's or alias's local part: refused before anything is written, through the collection's code.

Mailcow accepts such a name (PHP's FILTER_VALIDATE_EMAIL allows '/'), but its API route is split on
'/', so the object could never be named in a request again: created, it made the next run fail.
"""
from __future__ import annotations

import typing as t

import pytest

from conftest import Emulator, client_of

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias import manager as _alias_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox import manager as _mailbox_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError

DOMAIN = "slash.example"
PW = "Slash-Name-1"
MAILBOX = {"state": "present", "update_password": "on_create", "purge_tags": True}
ALIAS = {"state": "present"}


def _post(emulator: Emulator, path: str, body: t.Any) -> None:
    reply = emulator.request("POST", "/api/v1/" + path, body).json()
    assert all(item.get("type") == "success" for item in (reply if isinstance(reply, list) else [reply])), reply


def _writes(emulator: Emulator) -> int:
    stats = emulator.control("GET", "stats")["by_route"]
    return sum(count for route, count in stats.items() if route.startswith("POST "))


@pytest.fixture
def server(emulator: Emulator) -> Emulator:
    _post(emulator, "add/domain", {"domain": DOMAIN, "key_size": 0, "mailboxes": 50})
    _post(emulator, "add/mailbox", {"local_part": "owner", "domain": DOMAIN, "password": PW, "password2": PW})
    emulator.control("POST", "stats/reset")
    return emulator


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_mailbox_with_a_slash_is_not_created(server: Emulator, check_mode: bool) -> None:
    params = dict(MAILBOX, address="a/b@" + DOMAIN, password=PW, domain=None, mailboxes=None)
    with pytest.raises(MailcowOptionError, match=r"mailbox a/b@slash.example cannot be created: its local part contains '/'.*Nothing was written"):
        _mailbox_manager.manage_one(client_of(server), params, check_mode=check_mode, diff=False)
    assert _writes(server) == 0


def test_a_slash_in_a_bulk_list_stops_the_whole_list_before_any_write(server: Emulator) -> None:
    entries = [dict(MAILBOX, local_part="fine", password=PW), dict(MAILBOX, local_part="x/y", password=PW)]
    params = {"domain": DOMAIN, "mailboxes": entries, "purge": False, "purge_tags": True, "concurrency": 2}
    with pytest.raises(MailcowOptionError, match=r"mailboxes\[1\]: mailbox x/y@slash.example cannot be created"):
        _mailbox_manager.manage_many(client_of(server), params, check_mode=False, diff=False)
    assert _writes(server) == 0
    usernames = [box["username"] for box in server.request("GET", "/api/v1/get/mailbox/all/" + DOMAIN).json()]
    assert usernames == ["owner@" + DOMAIN]


def test_an_alias_with_a_slash_is_not_created(server: Emulator) -> None:
    params = dict(ALIAS, address="sales/eu@" + DOMAIN, goto=["owner@" + DOMAIN], domain=None, aliases=None)
    with pytest.raises(MailcowOptionError, match=r"alias sales/eu@slash.example cannot be created: its local part contains '/'"):
        _alias_manager.manage_one(client_of(server), params, check_mode=False, diff=False)
    assert _writes(server) == 0


def test_other_unusual_names_are_still_created(server: Emulator) -> None:
    params = dict(MAILBOX, address="a+b&c=d@" + DOMAIN, password=PW, domain=None, mailboxes=None)
    result = _mailbox_manager.manage_one(client_of(server), params, check_mode=False, diff=False)
    assert result["changed"] and result["action"] == "created"
