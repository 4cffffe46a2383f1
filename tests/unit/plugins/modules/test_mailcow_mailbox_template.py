# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_mailbox_template and mailcow_mailbox_template_info in-process against the emulator over HTTPS, and
mailcow_mailbox making a mailbox from a template these modules manage."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

MIB = 1048576
DOMAIN = "tpl.example"


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/mailbox/template/all").json()
    return data if isinstance(data, list) else []


def named(emulated: Mailcow, name: str) -> dict[str, t.Any]:
    return next(row for row in listing(emulated) if row["template"] == name)


STAFF = {"name": "Staff", "quota": 300, "tags": ["staff"], "pop3_access": False, "eas_access": False, "active": "login-disabled",
         "quarantine_notification": "daily", "tagged_mail_handler": "subfolder", "acl": ["quarantine", "spam_alias"],
         "rate_limit": {"value": 20, "frame": "m"}, "force_pw_update": True}


def test_check_mode_create_unchanged_change_delete(run_module: RunModule, emulated: Mailcow) -> None:
    args = dict(emulated.conn(), **STAFF)
    checked = run_module("mailcow_mailbox_template", args, check_mode=True, diff=True)
    assert checked["changed"] and [row["template"] for row in listing(emulated)] == ["Default"]
    created = run_module("mailcow_mailbox_template", args, diff=True)
    assert created["diff"] == checked["diff"] and created["mailbox_template"]["id"] == named(emulated, "Staff")["id"]
    stored = named(emulated, "Staff")["attributes"]
    assert (stored["quota"], stored["active"], stored["pop3_access"], stored["imap_access"], stored["acl_quarantine"], stored["acl_pushover"],
            stored["rl_value"], stored["tagged_mail_handler"]) == (300 * MIB, 2, 0, 1, 1, 0, 20, "subfolder")
    again = run_module("mailcow_mailbox_template", dict(args, name="STAFF", active=2, acl=["spam_alias", "quarantine"]), diff=True)
    assert not again["changed"]
    changed = run_module("mailcow_mailbox_template", dict(emulated.conn(), name="Staff", quota=200, quarantine_category="add_header"), diff=True)
    assert changed["action"] == "updated"
    assert (changed["diff"]["before"]["quota"], changed["diff"]["after"]["quota"]) == (300, 200)
    # Mailcow's edit nulls what it is not sent and copies its row into the attributes without protocol_access and acl:
    # the module sent every value, so the template is whole.
    stored = named(emulated, "Staff")["attributes"]
    assert "attributes" not in stored and (stored["quota"], stored["quarantine_notification"], stored["tags"], stored["active"], stored["pop3_access"],
                                           stored["rl_frame"]) == (200 * MIB, "daily", ["staff"], 2, 0, "m")
    assert not run_module("mailcow_mailbox_template", dict(args, quota=200, quarantine_category="add_header"))["changed"]
    gone = run_module("mailcow_mailbox_template", dict(emulated.conn(), name="staff", state="absent"), diff=True)
    assert gone["changed"] and [row["template"] for row in listing(emulated)] == ["Default"]
    assert not run_module("mailcow_mailbox_template", dict(emulated.conn(), name="Staff", state="absent"))["changed"]


def test_a_template_edited_by_hand_into_garbage_reads_and_is_mended(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_mailbox_template", dict(emulated.conn(), name="Hand", quota=50))["changed"]
    row = named(emulated, "Hand")
    emulated.emulator.request("POST", "/api/v1/edit/mailbox/template", {"items": [str(row["id"])], "attr": {"quota": 60, "quarantine_category": "all"}})
    assert "attributes" in named(emulated, "Hand")["attributes"]  # Mailcow's copy of the row
    info = run_module("mailcow_mailbox_template_info", dict(emulated.conn(RO_KEY), name="hand"))["mailbox_templates"]
    assert [(t["name"], t["quota"], t["quarantine_category"], t["quarantine_notification"], t["rate_limit"]) for t in info] == [
        ("Hand", 60, "all", "hourly", None)]
    mended = run_module("mailcow_mailbox_template", dict(emulated.conn(), name="Hand", quota=60, quarantine_category="all", active="yes"))
    assert mended["changed"] and "attributes" not in named(emulated, "Hand")["attributes"]


def test_a_mailbox_made_from_a_managed_template_gets_its_values(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]
    assert run_module("mailcow_mailbox_template", dict(emulated.conn(), **STAFF))["changed"]
    # Named regardless of case, as the template modules (and Mailcow's duplicate check) name it.
    args = dict(emulated.conn(), address="carol@" + DOMAIN, password="Secret-Passw0rd-1", template="staff")
    planned = run_module("mailcow_mailbox", args, check_mode=True, diff=True)
    created = run_module("mailcow_mailbox", args, diff=True)
    assert created["diff"] == planned["diff"]
    mailbox = emulated.emulator.request("GET", "/api/v1/get/mailbox/carol@" + DOMAIN).json()
    assert (mailbox["quota"], mailbox["active"], mailbox["tags"], mailbox["attributes"]["pop3_access"], mailbox["attributes"]["imap_access"]) == (
        300 * MIB, 2, ["staff"], "0", "1")
    assert (created["mailbox"]["quota"], created["mailbox"]["active"], created["mailbox"]["pop3_access"]) == (300, "login-disabled", False)
    assert not run_module("mailcow_mailbox", args)["changed"]


def test_bulk_with_purge_keeps_default(run_module: RunModule, emulated: Mailcow) -> None:
    templates = [{"name": "M%d" % i, "quota": i} for i in range(3)]
    assert run_module("mailcow_mailbox_template", dict(emulated.conn(), mailbox_templates=templates))["summary"]["created"] == 3
    assert not run_module("mailcow_mailbox_template", dict(emulated.conn(), mailbox_templates=templates))["changed"]
    empty = run_module("mailcow_mailbox_template", dict(emulated.conn(), mailbox_templates=[], purge=True, purge_max_share=100))
    assert empty["failed"] and "purge_allow_empty" in empty["msg"] and len(listing(emulated)) == 4
    purged = run_module("mailcow_mailbox_template", dict(emulated.conn(), mailbox_templates=[], purge=True, purge_max_share=100,
                                                         purge_allow_empty=True), diff=True)
    assert purged["summary"]["deleted"] == 3 and [row["template"] for row in listing(emulated)] == ["Default"]
    assert len(purged["diff"]) == 3


def test_bad_input_is_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    cases = [
        (dict(name="Bad", quota=-1), "quota must be a whole number of MiB"),
        (dict(name="Bad", active="maybe"), "active must be one of yes, no, login-disabled"),
        (dict(name="Bad", acl=["everything"]), "value of acl must be one or more of"),
        (dict(name="Bad", quarantine_category="everything"), "quarantine_category must be one of"),
        (dict(name="Bad", rate_limit={"value": 5, "frame": "y"}), "frame must be one of"),
        (dict(name="Bad", tags=["ok", "bad\ttag"]), "tags must not contain control characters"),
        (dict(name="Default", state="absent"), "Default cannot be deleted"),
    ]
    for options, message in cases:
        result = run_module("mailcow_mailbox_template", dict(emulated.conn(), **options))
        assert result["failed"] and message in result["msg"], (options, result["msg"])
    assert [row["template"] for row in listing(emulated)] == ["Default"]
    ro = run_module("mailcow_mailbox_template", dict(emulated.conn(RO_KEY), name="ReadOnly"))
    assert ro["failed"] and "read-only" in ro["msg"]
