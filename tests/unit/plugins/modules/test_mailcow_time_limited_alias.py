# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_time_limited_alias and mailcow_time_limited_alias_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import json
import time
import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

DOMAIN = "tla.example"
ALICE = "alice@" + DOMAIN


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/time_limited_aliases/" + ALICE).json()
    return data if isinstance(data, list) else []


def setup(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]
    assert run_module("mailcow_mailbox", dict(emulated.conn(), address=ALICE, password="Secret-Passw0rd-1"))["changed"]


def test_single_form_by_description_check_create_unchanged_change_delete(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    args = dict(emulated.conn(), mailbox=ALICE.upper(), description=" shop signup ", validity=24)
    checked = run_module("mailcow_time_limited_alias", args, check_mode=True, diff=True)
    assert checked["changed"] and checked["time_limited_alias"]["address"] is None and listing(emulated) == []
    created = run_module("mailcow_time_limited_alias", args, diff=True)
    assert created["diff"] == checked["diff"] == {"before": {}, "after": {"address": None, "description": "shop signup", "permanent": False}}
    (stored,) = listing(emulated)
    alias = created["time_limited_alias"]
    assert alias["address"] == stored["address"] and alias["address"].endswith("@" + DOMAIN) and alias["mailbox"] == ALICE
    assert abs(alias["validity"] - (time.time() + 24 * 3600)) < 120 and alias["expires"].endswith("Z") and alias["permanent"] is False
    again = run_module("mailcow_time_limited_alias", dict(args, validity=48))  # validity is not compared
    assert not again["changed"] and again["time_limited_alias"]["address"] == alias["address"]
    permanent = run_module("mailcow_time_limited_alias", dict(args, permanent=True), diff=True)
    assert permanent["action"] == "updated"
    assert permanent["diff"]["after"] == {"address": alias["address"], "description": "shop signup", "permanent": True}
    assert listing(emulated)[0]["permanent"] == 1 and listing(emulated)[0]["description"] == "shop signup"
    renamed = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, address=alias["address"], description="webshop"))
    assert renamed["changed"] and listing(emulated)[0]["description"] == "webshop"
    gone = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, description="webshop", state="absent"))
    assert gone["changed"] and listing(emulated) == []
    assert not run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, description="webshop", state="absent"))["changed"]


def test_bulk_form_with_purge_and_its_guards_and_info(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    entries = [{"description": "newsletters", "permanent": True}, {"description": "conference", "validity": 2160}, {"description": "shop"}]
    created = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, time_limited_aliases=entries), diff=True)
    assert created["summary"]["created"] == 3 and len(created["diff"]) == 3
    assert sorted((a["description"], a["permanent"]) for a in listing(emulated)) == [("conference", 0), ("newsletters", 1), ("shop", 0)]
    assert not run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, time_limited_aliases=entries))["changed"]
    refused = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, time_limited_aliases=entries[:1], purge=True))
    assert refused["failed"] and "purge_max_share" in refused["msg"] and len(listing(emulated)) == 3
    empty = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, time_limited_aliases=[], purge=True, purge_max_share=100))
    assert empty["failed"] and "purge_allow_empty" in empty["msg"] and len(listing(emulated)) == 3
    purged = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, time_limited_aliases=entries[:2], purge=True))
    assert purged["time_limited_aliases"] == [{"description": "shop", "action": "deleted", "changed": True}]
    info = run_module("mailcow_time_limited_alias_info", dict(emulated.conn(RO_KEY), mailbox=ALICE, description="newsletters"))
    assert [(a["description"], a["permanent"]) for a in info["time_limited_aliases"]] == [("newsletters", True)]
    assert len(run_module("mailcow_time_limited_alias_info", dict(emulated.conn(RO_KEY), mailbox=ALICE))["time_limited_aliases"]) == 2


def test_each_failure_class(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    for bad, says in (({"description": ""}, "description must not be empty"), ({"description": "x", "validity": 0}, "validity must be"),
                      ({"description": "x", "validity": 87601}, "validity must be"), ({"description": "a\nb"}, "control characters")):
        result = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, **bad))
        assert result["failed"] and says in result["msg"], result["msg"]
    by_address = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, address="made.up@" + DOMAIN))
    assert by_address["failed"] and "create one by its description" in by_address["msg"]
    twice = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, time_limited_aliases=[{"description": "x"}, {"description": "x"}]))
    assert twice["failed"] and "listed twice" in twice["msg"]
    assert listing(emulated) == []
    missing = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox="nobody@" + DOMAIN, description="x"))
    assert missing["failed"] and "mailbox nobody@%s does not exist" % DOMAIN in missing["msg"]
    # Two aliases of one description (Mailcow does not refuse them): refused, then both deleted by state=absent.
    for _twice in range(2):
        emulated.emulator.request("POST", "/api/v1/add/time_limited_alias", {"username": ALICE, "domain": DOMAIN, "description": "dup"})
    ambiguous = run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, description="dup", permanent=True))
    assert ambiguous["failed"] and "2 time-limited aliases described 'dup'" in ambiguous["msg"]
    assert run_module("mailcow_time_limited_alias", dict(emulated.conn(), mailbox=ALICE, description="dup", state="absent"))["changed"]
    assert listing(emulated) == []
    ro = run_module("mailcow_time_limited_alias", dict(emulated.conn(RO_KEY), mailbox=ALICE, description="x"))
    assert ro["failed"] and "read-only" in ro["msg"] and RO_KEY not in json.dumps(ro)
