# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_forwarding_host and mailcow_forwarding_host_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/fwdhost/all").json()
    return data if isinstance(data, list) else []


def test_check_mode_add_unchanged_change_remove(run_module: RunModule, emulated: Mailcow) -> None:
    args = dict(emulated.conn(), host="2001:DB8::25")
    checked = run_module("mailcow_forwarding_host", args, check_mode=True, diff=True)
    assert checked["changed"] and listing(emulated) == []
    created = run_module("mailcow_forwarding_host", args, diff=True)
    assert created["diff"] == checked["diff"] == {"before": {}, "after": {"host": "2001:db8::25", "keep_spam": False}}
    assert listing(emulated) == [{"host": "2001:db8::25", "source": "2001:db8::25", "keep_spam": "no"}]
    assert not run_module("mailcow_forwarding_host", dict(args, keep_spam=False))["changed"]
    kept = run_module("mailcow_forwarding_host", dict(args, keep_spam=True), diff=True)
    assert kept["action"] == "updated" and listing(emulated)[0]["keep_spam"] == "yes"
    assert run_module("mailcow_forwarding_host", dict(args, state="absent"))["changed"] and listing(emulated) == []


def test_bulk_with_purge_guards_and_info(run_module: RunModule, emulated: Mailcow) -> None:
    hosts = [{"host": "192.0.2.10"}, {"host": "198.51.100.0/24", "keep_spam": True}, {"host": "192.0.2.11"}]
    created = run_module("mailcow_forwarding_host", dict(emulated.conn(), forwarding_hosts=hosts))
    assert created["summary"]["created"] == 3
    assert not run_module("mailcow_forwarding_host", dict(emulated.conn(), forwarding_hosts=hosts))["changed"]
    refused = run_module("mailcow_forwarding_host", dict(emulated.conn(), forwarding_hosts=[], purge=True))
    assert refused["failed"] and "purge_allow_empty" in refused["msg"] and len(listing(emulated)) == 3
    purged = run_module("mailcow_forwarding_host", dict(emulated.conn(), forwarding_hosts=hosts[:2], purge=True))
    assert purged["forwarding_hosts"] == [{"host": "192.0.2.11", "action": "deleted", "changed": True}]
    info = run_module("mailcow_forwarding_host_info", dict(emulated.conn(RO_KEY)))
    assert info["forwarding_hosts"] == [{"id": "192.0.2.10", "host": "192.0.2.10", "source": "192.0.2.10", "keep_spam": False},
                                        {"id": "198.51.100.0/24", "host": "198.51.100.0/24", "source": "198.51.100.0/24", "keep_spam": True}]
    bad = run_module("mailcow_forwarding_host", dict(emulated.conn(), host="mail.example.org"))
    assert bad["failed"] and "host names are not taken" in bad["msg"]
    ro = run_module("mailcow_forwarding_host", dict(emulated.conn(RO_KEY), host="192.0.2.12"))
    assert ro["failed"] and "read-only" in ro["msg"]
