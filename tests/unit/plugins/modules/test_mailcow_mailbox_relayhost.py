# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_mailbox's relayhost option (by host name, as mailcow_domain's) in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import Mailcow, RunModule

HOST = "[smtp.relay.example]:587"
DOMAIN = "rb.example"
PASSWORD = "Relay-Passw0rd-1"


def stored(emulated: Mailcow, address: str) -> t.Any:
    return emulated.emulator.request("GET", "/api/v1/get/mailbox/" + address).json()["attributes"]["relayhost"]


def setup(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay2.example:25"))["changed"]  # id 1
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname=HOST))["changed"]  # id 2
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]


def test_single_form_create_unchanged_change_none(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    args = dict(emulated.conn(), address="alice@" + DOMAIN, password=PASSWORD, relayhost=HOST.upper())
    checked = run_module("mailcow_mailbox", args, check_mode=True, diff=True)
    assert checked["changed"] and checked["diff"]["after"]["relayhost"] == HOST
    created = run_module("mailcow_mailbox", args, diff=True)
    assert created["diff"] == checked["diff"] and created["mailbox"]["relayhost_id"] == 2 and stored(emulated, "alice@" + DOMAIN) == "2"
    again = run_module("mailcow_mailbox", args, diff=True)
    assert not again["changed"] and again["mailbox"]["relayhost"] == HOST
    moved = run_module("mailcow_mailbox", dict(args, relayhost="relay2.example:25"), diff=True)
    assert moved["diff"]["before"]["relayhost"] == HOST and moved["diff"]["after"]["relayhost"] == "relay2.example:25"
    assert stored(emulated, "alice@" + DOMAIN) == "1"
    direct = run_module("mailcow_mailbox", dict(args, relayhost=""), diff=True)
    assert direct["changed"] and direct["diff"]["after"]["relayhost"] == "" and stored(emulated, "alice@" + DOMAIN) == "0"
    assert not run_module("mailcow_mailbox", dict(args, relayhost=""))["changed"]
    info = run_module("mailcow_mailbox_info", dict(emulated.conn(), address="alice@" + DOMAIN))
    assert info["mailboxes"][0]["relayhost_id"] == 0


def test_bulk_form_one_listing_of_relayhosts_and_a_deleted_one(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    entries = [{"local_part": "a", "password": PASSWORD, "relayhost": HOST}, {"local_part": "b", "password": PASSWORD},
               {"local_part": "c", "password": PASSWORD, "relayhost": "relay2.example:25"}]
    assert run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries))["summary"]["created"] == 3
    assert [stored(emulated, name + "@" + DOMAIN) for name in "abc"] == ["2", "0", "1"]
    assert not run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries))["changed"]
    # Mailcow leaves a mailbox pointing at a deleted relayhost's id: the task names it and sets it again.
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay2.example:25", state="absent"))["changed"]
    assert stored(emulated, "c@" + DOMAIN) == "1"
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay2.example:25"))["changed"]  # id 3
    fixed = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries), diff=True)
    assert fixed["summary"]["updated"] == 1 and fixed["diff"][0]["before"]["relayhost"] == "(id 1, deleted)"
    assert stored(emulated, "c@" + DOMAIN) == "3"


def test_unknown_or_invalid_relayhost_is_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    missing = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=[
        {"local_part": "a", "password": PASSWORD}, {"local_part": "b", "password": PASSWORD, "relayhost": "relay9.example"}]))
    assert missing["failed"] and "relay9.example is not a relayhost of this Mailcow, so mailbox b@rb.example was not written" in missing["msg"]
    bad = run_module("mailcow_mailbox", dict(emulated.conn(), address="a@" + DOMAIN, password=PASSWORD, relayhost="not a host!"))
    assert bad["failed"] and "relayhost 'not a host!' is not a valid relayhost" in bad["msg"]
    assert emulated.emulator.request("GET", "/api/v1/get/mailbox/all/" + DOMAIN).json() == {}
