# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_bcc_map and mailcow_bcc_map_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

DOMAIN = "bcc.example"


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/bcc/all").json()
    return data if isinstance(data, list) else []


def setup(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]
    assert run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=[
        {"local_part": "alice", "password": "Secret-Passw0rd-1"}, {"local_part": "bob", "password": "Secret-Passw0rd-2"}]))["changed"]


def test_check_mode_create_unchanged_change_delete(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    args = dict(emulated.conn(), local_dest="Alice@" + DOMAIN, kind="recipient", bcc_dest="archive@archive.example")
    checked = run_module("mailcow_bcc_map", args, check_mode=True, diff=True)
    assert checked["changed"] and listing(emulated) == []
    created = run_module("mailcow_bcc_map", args, diff=True)
    assert created["diff"] == checked["diff"] and created["bcc_map"]["id"] == listing(emulated)[0]["id"]
    assert [(r["local_dest"], r["type"], r["bcc_dest"], r["active"]) for r in listing(emulated)] == [
        ("alice@" + DOMAIN, "rcpt", "archive@archive.example", 1)]
    assert not run_module("mailcow_bcc_map", args)["changed"]
    changed = run_module("mailcow_bcc_map", dict(args, bcc_dest="vault@archive.example", active=False), diff=True)
    assert changed["action"] == "updated"
    assert changed["diff"]["after"] == {"local_dest": "alice@" + DOMAIN, "kind": "recipient", "bcc_dest": "vault@archive.example", "active": False}
    assert [(r["bcc_dest"], r["active"]) for r in listing(emulated)] == [("vault@archive.example", 0)]
    gone = run_module("mailcow_bcc_map", dict(emulated.conn(), local_dest="alice@" + DOMAIN, kind="recipient", state="absent"), diff=True)
    assert gone["changed"] and listing(emulated) == []


def test_bulk_with_purge_guards_and_info(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    maps = [{"local_dest": DOMAIN, "kind": "sender", "bcc_dest": "archive@archive.example"},
            {"local_dest": "@" + DOMAIN, "kind": "recipient", "bcc_dest": "archive@archive.example"},
            {"local_dest": "bob@" + DOMAIN, "kind": "sender", "bcc_dest": "bob-out@archive.example"}]
    assert run_module("mailcow_bcc_map", dict(emulated.conn(), bcc_maps=maps))["summary"]["created"] == 3
    assert sorted((r["local_dest"], r["type"]) for r in listing(emulated)) == [("@" + DOMAIN, "rcpt"), ("@" + DOMAIN, "sender"), ("bob@" + DOMAIN, "sender")]
    assert not run_module("mailcow_bcc_map", dict(emulated.conn(), bcc_maps=maps))["changed"]
    refused = run_module("mailcow_bcc_map", dict(emulated.conn(), bcc_maps=maps[:1], purge=True))
    assert refused["failed"] and "purge_max_share" in refused["msg"] and len(listing(emulated)) == 3
    purged = run_module("mailcow_bcc_map", dict(emulated.conn(), bcc_maps=maps[:2], purge=True))
    assert purged["bcc_maps"] == [{"name": "bob@%s (sender)" % DOMAIN, "action": "deleted", "changed": True}]
    info = run_module("mailcow_bcc_map_info", dict(emulated.conn(RO_KEY), local_dest="@" + DOMAIN, kind="recipient"))
    assert [(m["name"], m["bcc_dest"], m["active"]) for m in info["bcc_maps"]] == [(DOMAIN + " (recipient)", "archive@archive.example", True)]
    assert len(run_module("mailcow_bcc_map_info", dict(emulated.conn(RO_KEY)))["bcc_maps"]) == 2
    ro = run_module("mailcow_bcc_map", dict(emulated.conn(RO_KEY), local_dest="alice@" + DOMAIN, kind="sender", bcc_dest="a@archive.example"))
    assert ro["failed"] and "read-only" in ro["msg"]
    unknown = run_module("mailcow_bcc_map", dict(emulated.conn(), local_dest="nobody@" + DOMAIN, kind="sender", bcc_dest="a@archive.example"))
    assert unknown["failed"] and "access denied" in unknown["msg"] and len(listing(emulated)) == 2
    bad = run_module("mailcow_bcc_map", dict(emulated.conn(), local_dest="alice@" + DOMAIN, kind="sender", bcc_dest="not-an-address"))
    assert bad["failed"] and "bcc_dest" in bad["msg"] and len(listing(emulated)) == 2
    no_kind = run_module("mailcow_bcc_map", dict(emulated.conn(), local_dest="alice@" + DOMAIN, bcc_dest="a@archive.example"))
    assert no_kind["failed"] and "kind" in no_kind["msg"]
