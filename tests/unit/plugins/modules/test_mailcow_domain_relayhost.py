# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_domain's relayhost option (by host name) in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import Mailcow, RunModule

HOST = "[smtp.relay.example]:587"


def stored(emulated: Mailcow, domain: str) -> t.Any:
    return emulated.emulator.request("GET", "/api/v1/get/domain/" + domain).json()["relayhost"]


def test_relayhost_by_host_name_create_unchanged_change_none(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay2.example:25"))["changed"]
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname=HOST))["changed"]  # id 2
    args = dict(emulated.conn(), domain="rb.example", relayhost=HOST.upper())
    checked = run_module("mailcow_domain", args, check_mode=True, diff=True)
    assert checked["changed"] and checked["diff"]["after"]["relayhost"] == HOST.lower()
    created = run_module("mailcow_domain", args, diff=True)
    assert created["action"] == "created" and created["domain"]["relayhost_id"] == 2 and stored(emulated, "rb.example") == "2"
    again = run_module("mailcow_domain", args, diff=True)
    assert not again["changed"] and again["domain"]["relayhost"] == HOST
    moved = run_module("mailcow_domain", dict(args, relayhost="relay2.example:25"), diff=True)
    assert moved["diff"]["before"]["relayhost"] == HOST and moved["diff"]["after"]["relayhost"] == "relay2.example:25"
    assert stored(emulated, "rb.example") == "1"
    direct = run_module("mailcow_domain", dict(args, relayhost=""), diff=True)
    assert direct["changed"] and direct["diff"]["after"]["relayhost"] == "" and stored(emulated, "rb.example") == "0"
    assert not run_module("mailcow_domain", dict(args, relayhost=""))["changed"]
    info = run_module("mailcow_domain_info", dict(emulated.conn(), domain="rb.example"))
    assert info["domains"][0]["relayhost_id"] == 0


def test_unknown_or_invalid_relayhost_is_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    missing = run_module("mailcow_domain", dict(emulated.conn(), domain="rb.example", relayhost="relay9.example"))
    assert missing["failed"] and "relay9.example is not a relayhost of this Mailcow, so domain rb.example was not written" in missing["msg"]
    assert "mailcow_relayhost" in missing["msg"]
    bad = run_module("mailcow_domain", dict(emulated.conn(), domain="rb.example", relayhost="not a host!"))
    assert bad["failed"] and "relayhost 'not a host!' is not a valid relayhost" in bad["msg"]
    assert emulated.emulator.request("GET", "/api/v1/get/domain/all").json() == {}


def test_a_deleted_relayhost_reads_as_none_on_the_domain(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname=HOST))["changed"]
    assert run_module("mailcow_domain", dict(emulated.conn(), domain="rb.example", relayhost=HOST))["changed"]
    assert run_module("mailcow_relayhost", dict(emulated.conn(), hostname=HOST, state="absent"))["changed"]
    assert stored(emulated, "rb.example") == "0"
    assert not run_module("mailcow_domain", dict(emulated.conn(), domain="rb.example", relayhost=""))["changed"]
