# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_recipient_map and mailcow_recipient_map_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/recipient_map/all").json()
    return data if isinstance(data, list) else []


def test_check_mode_create_unchanged_change_delete(run_module: RunModule, emulated: Mailcow) -> None:
    args = dict(emulated.conn(), old_recipient="Old-Company.example", new_recipient="example.org")
    checked = run_module("mailcow_recipient_map", args, check_mode=True, diff=True)
    assert checked["changed"] and listing(emulated) == []
    created = run_module("mailcow_recipient_map", args, diff=True)
    assert created["diff"] == checked["diff"] and created["recipient_map"]["id"] == listing(emulated)[0]["id"]
    assert [(r["recipient_map_old"], r["recipient_map_new"], r["active"]) for r in listing(emulated)] == [("@old-company.example", "@example.org", 1)]
    assert not run_module("mailcow_recipient_map", args)["changed"]
    changed = run_module("mailcow_recipient_map", dict(emulated.conn(), old_recipient="@old-company.example", active=False), diff=True)
    assert changed["action"] == "updated"
    assert changed["diff"]["after"] == {"old_recipient": "old-company.example", "new_recipient": "example.org", "active": False}
    assert [(r["recipient_map_new"], r["active"]) for r in listing(emulated)] == [("@example.org", 0)]
    moved = run_module("mailcow_recipient_map", dict(args, new_recipient="sales@example.org"), diff=True)
    assert moved["diff"]["before"]["new_recipient"] == "example.org" and listing(emulated)[0]["recipient_map_new"] == "sales@example.org"
    assert run_module("mailcow_recipient_map", dict(emulated.conn(), old_recipient="old-company.example", state="absent"))["changed"]
    assert listing(emulated) == []


def test_bulk_with_purge_guards_and_info(run_module: RunModule, emulated: Mailcow) -> None:
    maps = [{"old_recipient": "a@old.example", "new_recipient": "a@new.example"}, {"old_recipient": "b@old.example", "new_recipient": "b@new.example"},
            {"old_recipient": "c.example", "new_recipient": "new.example"}]
    assert run_module("mailcow_recipient_map", dict(emulated.conn(), recipient_maps=maps))["summary"]["created"] == 3
    assert not run_module("mailcow_recipient_map", dict(emulated.conn(), recipient_maps=maps))["changed"]
    refused = run_module("mailcow_recipient_map", dict(emulated.conn(), recipient_maps=maps[:1], purge=True))
    assert refused["failed"] and "purge_max_share" in refused["msg"] and len(listing(emulated)) == 3
    purged = run_module("mailcow_recipient_map", dict(emulated.conn(), recipient_maps=maps[:2], purge=True))
    assert purged["recipient_maps"] == [{"old_recipient": "c.example", "action": "deleted", "changed": True}]
    info = run_module("mailcow_recipient_map_info", dict(emulated.conn(RO_KEY)))
    assert [(m["old_recipient"], m["new_recipient"], m["active"]) for m in info["recipient_maps"]] == [
        ("a@old.example", "a@new.example", True), ("b@old.example", "b@new.example", True)]
    one = run_module("mailcow_recipient_map_info", dict(emulated.conn(RO_KEY), old_recipient="B@old.example"))
    assert [m["old_recipient"] for m in one["recipient_maps"]] == ["b@old.example"]
    ro = run_module("mailcow_recipient_map", dict(emulated.conn(RO_KEY), old_recipient="d@old.example", new_recipient="d@new.example"))
    assert ro["failed"] and "read-only" in ro["msg"]
    bad = run_module("mailcow_recipient_map", dict(emulated.conn(), old_recipient="d@old.example", new_recipient="not an address"))
    assert bad["failed"] and "new_recipient" in bad["msg"] and len(listing(emulated)) == 2
