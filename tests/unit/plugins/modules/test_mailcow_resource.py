# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_resource and mailcow_resource_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

DOMAIN = "res.example"


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/resource/all").json()
    return data if isinstance(data, list) else []


def setup(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]


def test_check_mode_create_unchanged_change_delete(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    args = dict(emulated.conn(), domain=DOMAIN, description="Room 1", kind="location", multiple_bookings=1)
    checked = run_module("mailcow_resource", args, check_mode=True, diff=True)
    assert checked["changed"] and listing(emulated) == [] and checked["resource"]["address"] == "Room1@" + DOMAIN
    created = run_module("mailcow_resource", args, diff=True)
    assert created["diff"] == checked["diff"] and created["resource"] == checked["resource"]
    # Mailcow would make a resource added without ``active`` inactive: the module says active.
    assert [(r["name"], r["description"], r["kind"], r["multiple_bookings"], r["active"]) for r in listing(emulated)] == [
        ("Room1@" + DOMAIN, "Room 1", "location", 1, 1)]
    assert not run_module("mailcow_resource", args)["changed"]
    assert not run_module("mailcow_resource", dict(emulated.conn(), address="ROOM1@" + DOMAIN, active=True, multiple_bookings=1))["changed"]
    renamed = run_module("mailcow_resource", dict(emulated.conn(), address="room1@" + DOMAIN, description="Big room", multiple_bookings=-1), diff=True)
    assert renamed["action"] == "updated" and renamed["diff"]["before"]["description"] == "Room 1"
    assert renamed["diff"]["after"] == {"address": "Room1@" + DOMAIN, "description": "Big room", "kind": "location", "multiple_bookings": -1,
                                        "active": True}
    assert [(r["name"], r["description"], r["multiple_bookings"]) for r in listing(emulated)] == [("Room1@" + DOMAIN, "Big room", -1)]
    assert not run_module("mailcow_resource", dict(emulated.conn(), domain=DOMAIN, local_part="Room1", description="Big room"))["changed"]
    gone = run_module("mailcow_resource", dict(emulated.conn(), address="Room1@" + DOMAIN, state="absent"), diff=True)
    assert gone["changed"] and gone["diff"]["after"] == {} and listing(emulated) == []
    assert not run_module("mailcow_resource", dict(emulated.conn(), address="Room1@" + DOMAIN, state="absent"))["changed"]


def test_bulk_per_domain_with_purge_guards_and_info(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    assert run_module("mailcow_domain", dict(emulated.conn(), domain="other.example"))["changed"]
    assert run_module("mailcow_resource", dict(emulated.conn(), domain="other.example", description="Elsewhere", kind="group"))["changed"]
    rooms = [{"description": "Room %d" % i, "kind": "location"} for i in range(1, 4)]
    resources = rooms + [{"description": "Beamer", "kind": "thing", "multiple_bookings": -1}]
    args = dict(emulated.conn(), domain=DOMAIN, resources=resources)
    assert run_module("mailcow_resource", args)["summary"]["created"] == 4
    assert not run_module("mailcow_resource", args)["changed"]
    refused = run_module("mailcow_resource", dict(args, resources=resources[:1], purge=True))
    assert refused["failed"] and "purge_max_share" in refused["msg"] and len(listing(emulated)) == 5
    purged = run_module("mailcow_resource", dict(args, resources=resources[:2] + [{"address": "beamer@" + DOMAIN, "active": False}], purge=True),
                        diff=True)
    assert purged["resources"] == [{"address": "Beamer@" + DOMAIN, "action": "updated", "changed": True},
                                   {"address": "Room3@" + DOMAIN, "action": "deleted", "changed": True}]
    assert len(purged["diff"]) == 2
    # The other domain's resource is not the list's to purge.
    assert sorted(r["name"] for r in listing(emulated)) == ["Beamer@" + DOMAIN, "Elsewhere@other.example", "Room1@" + DOMAIN, "Room2@" + DOMAIN]
    info = run_module("mailcow_resource_info", dict(emulated.conn(RO_KEY), domain=DOMAIN))["resources"]
    expected = [("Beamer@" + DOMAIN, "thing", False), ("Room1@" + DOMAIN, "location", True), ("Room2@" + DOMAIN, "location", True)]
    assert [(r["address"], r["kind"], r["active"]) for r in info] == expected
    one = run_module("mailcow_resource_info", dict(emulated.conn(RO_KEY), address="ROOM2@" + DOMAIN))["resources"]
    assert [r["description"] for r in one] == ["Room 2"]
    assert len(run_module("mailcow_resource_info", dict(emulated.conn(RO_KEY)))["resources"]) == 4


def test_each_failure_class(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    refusals = [
        (dict(address="Room9@" + DOMAIN, description="Room 1", kind="location"), "Mailcow makes the address of a new resource from its description"),
        (dict(address="Room9@" + DOMAIN, kind="location"), "description is required to create"),
        (dict(domain=DOMAIN, description="Room 9"), "kind is required to create"),
        (dict(domain=DOMAIN, description="!!!", kind="thing"), "has no letter or digit"),
        (dict(domain=DOMAIN, description="Room 9", kind="thing", multiple_bookings=-2), "multiple_bookings must be"),
        (dict(domain=DOMAIN, description="Room\n9", kind="thing"), "description must not contain control characters"),
        (dict(description="Room 9", kind="thing"), "domain is required"),
        (dict(domain=DOMAIN, resources=[{"description": "Room 9", "kind": "thing"}, {"local_part": "room9"}]), "listed twice"),
        (dict(domain=DOMAIN, resources=[{"address": "x@elsewhere.example"}]), "is not in domain " + DOMAIN),
    ]
    for options, message in refusals:
        result = run_module("mailcow_resource", dict(emulated.conn(), **options))
        assert result["failed"] and message in result["msg"], (options, result["msg"])
    assert listing(emulated) == []
    unknown = run_module("mailcow_resource", dict(emulated.conn(), domain="nowhere.example", description="Room 9", kind="thing"))
    assert unknown["failed"] and "access denied" in unknown["msg"].lower() and listing(emulated) == []
    assert run_module("mailcow_mailbox", dict(emulated.conn(), address="room9@" + DOMAIN, password="Secret-Passw0rd-1"))["changed"]
    clash = run_module("mailcow_resource", dict(emulated.conn(), domain=DOMAIN, description="Room 9", kind="thing"))
    assert clash["failed"] and "Room9@" + DOMAIN in clash["msg"] and listing(emulated) == []
    ro = run_module("mailcow_resource", dict(emulated.conn(RO_KEY), domain=DOMAIN, description="Room 8", kind="thing"))
    assert ro["failed"] and "read-only" in ro["msg"]


def test_a_domain_is_deleted_with_its_resources_only_with_force(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    assert run_module("mailcow_resource", dict(emulated.conn(), domain=DOMAIN, description="Room 1", kind="location"))["changed"]
    # Mailcow counts resources as mailboxes of their domain: without force its delete is refused, and nothing goes.
    kept = run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN, state="absent"))
    assert kept["failed"] and len(listing(emulated)) == 1
    checked = run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN, state="absent", force=True), check_mode=True)
    assert checked["resources_deleted"] == ["Room1@" + DOMAIN] and len(listing(emulated)) == 1
    gone = run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN, state="absent", force=True))
    assert gone["changed"] and gone["resources_deleted"] == ["Room1@" + DOMAIN] and listing(emulated) == []
    assert emulated.emulator.request("GET", "/api/v1/get/domain/" + DOMAIN).body == b"{}"
