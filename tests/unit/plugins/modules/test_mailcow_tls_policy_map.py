# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_tls_policy_map and mailcow_tls_policy_map_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/tls-policy-map/all").json()
    return data if isinstance(data, list) else []


def test_check_mode_create_unchanged_change_delete(run_module: RunModule, emulated: Mailcow) -> None:
    args = dict(emulated.conn(), destination="partner.example", policy="secure", parameters="protocols=>=TLSv1.2")
    checked = run_module("mailcow_tls_policy_map", args, check_mode=True, diff=True)
    assert checked["changed"] and listing(emulated) == []
    created = run_module("mailcow_tls_policy_map", args, diff=True)
    assert created["diff"] == checked["diff"] and created["tls_policy_map"]["id"] == listing(emulated)[0]["id"]
    assert [(r["dest"], r["policy"], r["parameters"], r["active"]) for r in listing(emulated)] == [
        ("partner.example", "secure", "protocols=>=TLSv1.2", 1)]
    assert not run_module("mailcow_tls_policy_map", args)["changed"]
    changed = run_module("mailcow_tls_policy_map", dict(args, policy="dane-only", parameters="", active=False), diff=True)
    assert changed["action"] == "updated"
    assert changed["diff"]["after"] == {"destination": "partner.example", "policy": "dane-only", "parameters": "", "active": False}
    assert [(r["policy"], r["parameters"], r["active"]) for r in listing(emulated)] == [("dane-only", "", 0)]
    assert run_module("mailcow_tls_policy_map", dict(emulated.conn(), destination="partner.example", state="absent"))["changed"]
    assert listing(emulated) == []


def test_bulk_with_purge_guards_and_info(run_module: RunModule, emulated: Mailcow) -> None:
    maps = [{"destination": "a.example", "policy": "encrypt"}, {"destination": "b.example", "policy": "dane"},
            {"destination": "user@c.example", "policy": "none"}]
    assert run_module("mailcow_tls_policy_map", dict(emulated.conn(), tls_policy_maps=maps))["summary"]["created"] == 3
    assert not run_module("mailcow_tls_policy_map", dict(emulated.conn(), tls_policy_maps=maps))["changed"]
    refused = run_module("mailcow_tls_policy_map", dict(emulated.conn(), tls_policy_maps=maps[:1], purge=True))
    assert refused["failed"] and "purge_max_share" in refused["msg"] and len(listing(emulated)) == 3
    purged = run_module("mailcow_tls_policy_map", dict(emulated.conn(), tls_policy_maps=maps[:2], purge=True))
    assert purged["tls_policy_maps"] == [{"destination": "user@c.example", "action": "deleted", "changed": True}]
    info = run_module("mailcow_tls_policy_map_info", dict(emulated.conn(RO_KEY)))
    assert [(m["destination"], m["policy"], m["active"]) for m in info["tls_policy_maps"]] == [("a.example", "encrypt", True), ("b.example", "dane", True)]
    ro = run_module("mailcow_tls_policy_map", dict(emulated.conn(RO_KEY), destination="d.example", policy="may"))
    assert ro["failed"] and "read-only" in ro["msg"]
    bad = run_module("mailcow_tls_policy_map", dict(emulated.conn(), destination="d.example", policy="strict"))
    assert bad["failed"] and "policy" in bad["msg"] and len(listing(emulated)) == 2
