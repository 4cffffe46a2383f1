# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_domain_template and mailcow_domain_template_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

MIB = 1048576


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/domain/template/all").json()
    return data if isinstance(data, list) else []


def named(emulated: Mailcow, name: str) -> dict[str, t.Any]:
    return next(row for row in listing(emulated) if row["template"] == name)


def test_check_mode_create_unchanged_change_delete(run_module: RunModule, emulated: Mailcow) -> None:
    args = dict(emulated.conn(), name="Small", max_mailboxes=20, default_quota=256, max_quota=512, total_quota=4096,
                rate_limit={"value": 50, "frame": "h"}, tags=["b", "a"], gal=False, dkim_key_size=0)
    checked = run_module("mailcow_domain_template", args, check_mode=True, diff=True)
    assert checked["changed"] and [row["template"] for row in listing(emulated)] == ["Default"]
    created = run_module("mailcow_domain_template", args, diff=True)
    assert created["diff"] == checked["diff"] and created["domain_template"]["id"] == named(emulated, "Small")["id"]
    stored = named(emulated, "Small")["attributes"]
    # Read back in bytes, the rate limit's value as sent, flags as 0/1: all compare equal to the options.
    assert (stored["max_num_mboxes_for_domain"], stored["def_quota_for_mbox"], stored["max_quota_for_domain"], stored["rl_value"],
            stored["gal"], stored["key_size"], sorted(stored["tags"])) == (20, 256 * MIB, 4096 * MIB, 50, 0, 0, ["a", "b"])
    again = run_module("mailcow_domain_template", dict(args, name="small", tags=["a", "b"]), diff=True)
    assert not again["changed"] and again["action"] == "unchanged"
    changed = run_module("mailcow_domain_template", dict(emulated.conn(), name="Small", max_aliases=0), diff=True)
    assert changed["action"] == "updated" and changed["diff"]["before"]["max_aliases"] == 400 and changed["diff"]["after"]["max_aliases"] == 0
    # The edit sent every value: the ones not set in this task are kept, not zeroed as Mailcow would for an omitted one.
    stored = named(emulated, "Small")["attributes"]
    assert (stored["max_num_aliases_for_domain"], stored["max_num_mboxes_for_domain"], stored["def_quota_for_mbox"], stored["rl_value"]) == (
        0, 20, 256 * MIB, 50)
    assert not run_module("mailcow_domain_template", dict(emulated.conn(), name="Small", max_aliases=0))["changed"]
    gone = run_module("mailcow_domain_template", dict(emulated.conn(), name="SMALL", state="absent"), diff=True)
    assert gone["changed"] and gone["diff"]["after"] == {} and [row["template"] for row in listing(emulated)] == ["Default"]
    assert not run_module("mailcow_domain_template", dict(emulated.conn(), name="Small", state="absent"))["changed"]


def test_a_zero_on_create_is_set_by_an_edit_after_the_add(run_module: RunModule, emulated: Mailcow) -> None:
    args = dict(emulated.conn(), name="NoMailboxes", max_mailboxes=0)
    assert run_module("mailcow_domain_template", args)["domain_template"]["max_mailboxes"] == 0
    assert named(emulated, "NoMailboxes")["attributes"]["max_num_mboxes_for_domain"] == 0  # add alone would have made it 10
    assert not run_module("mailcow_domain_template", args)["changed"]


def test_default_is_changed_never_deleted(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_domain_template", dict(emulated.conn(), name="Default", dkim_key_size=1024), diff=True)
    assert result["changed"] and named(emulated, "Default")["attributes"]["key_size"] == 1024
    refused = run_module("mailcow_domain_template", dict(emulated.conn(), name="default", state="absent"))
    assert refused["failed"] and "Default cannot be deleted" in refused["msg"]


def test_bulk_with_purge_one_delete_per_template_and_info(run_module: RunModule, emulated: Mailcow) -> None:
    templates = [{"name": "T%d" % i, "max_mailboxes": i + 1} for i in range(4)]
    assert run_module("mailcow_domain_template", dict(emulated.conn(), domain_templates=templates))["summary"]["created"] == 4
    assert not run_module("mailcow_domain_template", dict(emulated.conn(), domain_templates=templates))["changed"]
    refused = run_module("mailcow_domain_template", dict(emulated.conn(), domain_templates=templates[:1], purge=True))
    assert refused["failed"] and "purge_max_share" in refused["msg"] and len(listing(emulated)) == 5
    # Mailcow deletes only the first id of a list: three purged templates are three requests, all gone; Default stays.
    purged = run_module("mailcow_domain_template", dict(emulated.conn(), domain_templates=templates[:1], purge=True, purge_max_share=100))
    assert purged["summary"]["deleted"] == 3 and [row["template"] for row in listing(emulated)] == ["Default", "T0"]
    info = run_module("mailcow_domain_template_info", dict(emulated.conn(RO_KEY)))
    assert [(t["name"], t["max_mailboxes"], t["default_quota"]) for t in info["domain_templates"]] == [("Default", 10, 3072), ("T0", 1, 3072)]
    one = run_module("mailcow_domain_template_info", dict(emulated.conn(RO_KEY), name="t0"))["domain_templates"]
    assert [t["name"] for t in one] == ["T0"]


def test_bad_input_is_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    cases = [
        (dict(name="Bad", default_quota=4096, max_quota=2048), "default_quota (4096 MiB) must not exceed max_quota"),
        (dict(name="Bad", max_quota=20480), "max_quota (20480 MiB) must not exceed total_quota"),
        (dict(name="Bad", max_mailboxes=-1), "max_mailboxes must be a whole number"),
        (dict(name="Bad", dkim_selector="no spaces"), "dkim_selector must be letters"),
        (dict(name="Bad", rate_limit={"value": -5}), "rate_limit.value"),
        (dict(name="  "), "name must be the name of a template"),
        (dict(name="Bad\nname"), "name must not contain control characters"),
    ]
    for options, message in cases:
        result = run_module("mailcow_domain_template", dict(emulated.conn(), **options))
        assert result["failed"] and message in result["msg"], (options, result["msg"])
    assert [row["template"] for row in listing(emulated)] == ["Default"]
    ro = run_module("mailcow_domain_template", dict(emulated.conn(RO_KEY), name="ReadOnly"))
    assert ro["failed"] and "read-only" in ro["msg"]
    twice = run_module("mailcow_domain_template", dict(emulated.conn(), domain_templates=[{"name": "A"}, {"name": "a"}]))
    assert twice["failed"] and "domain_templates[1]" in twice["msg"]


def test_a_name_held_twice_is_refused_not_guessed(run_module: RunModule, emulated: Mailcow) -> None:
    for name in ("One", "Two"):
        assert run_module("mailcow_domain_template", dict(emulated.conn(), name=name))["changed"]
    two = named(emulated, "Two")["id"]
    # Mailcow accepts a rename onto a taken name.
    emulated.emulator.request("POST", "/api/v1/edit/domain/template", {"items": [str(two)], "attr": {"template": "One"}})
    result = run_module("mailcow_domain_template", dict(emulated.conn(), name="One", max_mailboxes=5))
    assert result["failed"] and "2 times" in result["msg"]
    assert run_module("mailcow_domain_template", dict(emulated.conn(), name="One", state="absent"))["changed"]
    assert [row["template"] for row in listing(emulated)] == ["Default"]


def test_a_domain_made_from_a_managed_template_gets_its_values(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain_template", dict(emulated.conn(), name="Small", max_mailboxes=20, default_quota=256, max_quota=512,
                                                      total_quota=4096, tags=["customer"], gal=False, dkim_key_size=0))["changed"]
    args = dict(emulated.conn(), domain="made.example", template="small", description="Made")
    planned = run_module("mailcow_domain", args, check_mode=True, diff=True)
    assert planned["changed"] and emulated.emulator.request("GET", "/api/v1/get/domain/all").body == b"{}"
    created = run_module("mailcow_domain", args, diff=True)
    assert created["diff"] == planned["diff"]
    read = emulated.emulator.request("GET", "/api/v1/get/domain/made.example").json()
    assert (read["max_num_mboxes_for_domain"], read["def_quota_for_mbox"], read["max_quota_for_domain"], read["gal"], read["tags"]) == (
        20, 256 * MIB, 4096 * MIB, 0, ["customer"])
    assert emulated.emulator.request("GET", "/api/v1/get/dkim/made.example").json() in ({}, [])  # the template's key size 0: no key
    assert (created["domain"]["max_mailboxes"], created["domain"]["default_quota"], created["domain"]["gal"]) == (20, 256, False)
    assert not run_module("mailcow_domain", args)["changed"]
    unknown = run_module("mailcow_domain", dict(emulated.conn(), domain="other.example", template="Big"))
    assert unknown["failed"] and "Big is not a domain template" in unknown["msg"] and "Small" in unknown["msg"]
    assert [d["domain_name"] for d in emulated.emulator.request("GET", "/api/v1/get/domain/all").json()] == ["made.example"]
