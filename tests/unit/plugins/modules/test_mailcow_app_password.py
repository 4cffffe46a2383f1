# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_app_password and mailcow_app_password_info in-process against the emulator over HTTPS.

Every write is read back from the emulator's listing; every result is searched for the app password.
"""

from __future__ import annotations

import json
import typing as t

import pytest
from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

DOMAIN = "apppw.example"
MAILBOX = "alice@" + DOMAIN
# Characters that repr, JSON and URL encoding each change.
SECRET = 'App-Pw-9 "q\\b/+é'
LISTING = "/api/v1/get/app-passwd/all/" + MAILBOX


def leaked(result: t.Any) -> bool:
    text = json.dumps(result) + json.dumps(result, ensure_ascii=False)
    return any(form in text for form in (SECRET, repr(SECRET)[1:-1], json.dumps(SECRET)[1:-1]))


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", LISTING).json()
    return data if isinstance(data, list) else []


@pytest.fixture
def mailbox(run_module: RunModule, emulated: Mailcow) -> Mailcow:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["rc"] == 0
    assert run_module("mailcow_mailbox", dict(emulated.conn(), address=MAILBOX, password="Mailbox-Pw-1"))["changed"]
    return emulated


def phone(emulated: Mailcow, **extra: t.Any) -> dict[str, t.Any]:
    return dict(emulated.conn(), mailbox=MAILBOX, name="CalDAV <sync> & 'Tom'", password=SECRET, protocols=["imap_access", "dav_access"], **extra)


def test_check_mode_then_create_then_ok_then_update_with_diff(run_module: RunModule, mailbox: Mailcow) -> None:
    checked = run_module("mailcow_app_password", phone(mailbox), check_mode=True, diff=True)
    assert checked["changed"] and checked["action"] == "created" and listing(mailbox) == []
    created = run_module("mailcow_app_password", phone(mailbox), diff=True)
    assert created["changed"] and created["diff"] == checked["diff"]
    assert created["diff"]["after"] == {"mailbox": MAILBOX, "name": "CalDAV <sync> & 'Tom'", "protocols": ["imap_access", "dav_access"],
                                        "active": True, "password": "(set)"}
    rows = listing(mailbox)
    assert len(rows) == 1 and created["app_password"]["id"] == rows[0]["id"] and rows[0]["active"] == 1
    # Stored escaped, read escaped again: still the same name to the module.
    assert rows[0]["name"] == "CalDAV &amp;lt;sync&amp;gt; &amp;amp; &amp;#039;Tom&amp;#039;"
    again = run_module("mailcow_app_password", phone(mailbox), diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["action"] == "unchanged"
    update = dict(phone(mailbox), protocols=["smtp_access"], active=False)
    changed = run_module("mailcow_app_password", update, diff=True)
    assert changed["changed"] and changed["diff"]["before"]["protocols"] == ["imap_access", "dav_access"]
    row = listing(mailbox)[0]
    assert (row["smtp_access"], row["imap_access"], row["active"], row["password"]) == (1, 0, 0, rows[0]["password"])
    assert row["name"] == rows[0]["name"], "an edit must send the name, or Mailcow escapes it once more"
    assert not run_module("mailcow_app_password", update)["changed"]
    assert not any(leaked(r) for r in (checked, created, again, changed))


def test_update_password_always_sets_it_and_absent_deletes(run_module: RunModule, mailbox: Mailcow) -> None:
    run_module("mailcow_app_password", phone(mailbox))
    before = listing(mailbox)[0]["password"]
    always = run_module("mailcow_app_password", phone(mailbox, update_password="always"), diff=True)
    assert always["changed"] and always["diff"]["after"]["password"] == "(set)" and listing(mailbox)[0]["password"] != before
    assert not leaked(always)
    gone = dict(mailbox.conn(), mailbox=MAILBOX, name="CalDAV <sync> & 'Tom'", state="absent")
    assert run_module("mailcow_app_password", gone)["changed"] and listing(mailbox) == []
    assert not run_module("mailcow_app_password", gone)["changed"]


def test_duplicates_on_the_server_are_named_and_never_guessed(run_module: RunModule, mailbox: Mailcow) -> None:
    body = {"username": MAILBOX, "app_name": "Phone", "app_passwd": "Dup-Pw-123", "app_passwd2": "Dup-Pw-123", "protocols": ["imap_access"], "active": 1}
    for _round in range(2):
        mailbox.emulator.request("POST", "/api/v1/add/app-passwd", body)
    ids = [row["id"] for row in listing(mailbox)]
    args = dict(mailbox.conn(), mailbox=MAILBOX, name="Phone", protocols=["smtp_access"])
    refused = run_module("mailcow_app_password", args)
    assert refused["rc"] == 1 and "2 app passwords named 'Phone'" in refused["msg"] and "%d, %d" % tuple(ids) in refused["msg"]
    assert [row["smtp_access"] for row in listing(mailbox)] == [0, 0]
    assert run_module("mailcow_app_password", dict(mailbox.conn(), mailbox=MAILBOX, name="Phone", state="absent"))["changed"]
    assert listing(mailbox) == []


def test_bulk_form_purge_guard_and_check_mode(run_module: RunModule, mailbox: Mailcow) -> None:
    entries = [{"name": n, "password": SECRET, "protocols": ["imap_access"]} for n in ("Phone", "Laptop", "Tablet")]
    args = dict(mailbox.conn(), mailbox=MAILBOX, app_passwords=entries)
    first = run_module("mailcow_app_password", args, diff=True)
    assert first["changed"] and first["summary"]["created"] == 3 and [i["name"] for i in first["app_passwords"]] == ["Phone", "Laptop", "Tablet"]
    assert not run_module("mailcow_app_password", args)["changed"]
    only = dict(args, app_passwords=entries[:1], purge=True)
    refused = run_module("mailcow_app_password", only)
    assert refused["rc"] == 1 and "purge_max_share" in refused["msg"] and "Laptop" in refused["msg"] and len(listing(mailbox)) == 3
    empty = run_module("mailcow_app_password", dict(args, app_passwords=[], purge=True))
    assert empty["rc"] == 1 and "purge_allow_empty" in empty["msg"] and "empty the mailbox" in empty["msg"]
    would = run_module("mailcow_app_password", dict(args, app_passwords=entries[:2], purge=True), check_mode=True)
    assert would["changed"] and would["msg"] == "would delete 1 (Tablet), 2 unchanged" and len(listing(mailbox)) == 3
    done = run_module("mailcow_app_password", dict(args, app_passwords=entries[:2], purge=True), diff=True)
    assert done["summary"] == {"created": 0, "updated": 0, "deleted": 1, "unchanged": 2}
    assert sorted(row["name"] for row in listing(mailbox)) == ["Laptop", "Phone"]
    assert not any(leaked(r) for r in (first, refused, empty, would, done))


def test_info_with_the_read_only_key_and_a_name(run_module: RunModule, mailbox: Mailcow) -> None:
    run_module("mailcow_app_password", phone(mailbox))
    run_module("mailcow_app_password", dict(phone(mailbox), name="Laptop", protocols=[]))
    found = run_module("mailcow_app_password_info", dict(mailbox.conn(RO_KEY), mailbox=MAILBOX))
    assert found["rc"] == 0 and not found["changed"]
    assert [(a["name"], a["protocols"]) for a in found["app_passwords"]] == [("CalDAV <sync> & 'Tom'", ["imap_access", "dav_access"]), ("Laptop", [])]
    assert "password" not in found["app_passwords"][0] and "BLF-CRYPT" not in json.dumps(found)
    one = run_module("mailcow_app_password_info", dict(mailbox.conn(RO_KEY), mailbox=MAILBOX, name="Laptop"))
    assert [a["name"] for a in one["app_passwords"]] == ["Laptop"]


def test_read_only_key_is_refused_clearly_and_writes_nothing(run_module: RunModule, mailbox: Mailcow) -> None:
    result = run_module("mailcow_app_password", dict(phone(mailbox), api_key=RO_KEY))
    assert result["rc"] == 1 and "read-only" in result["msg"] and result["status"] == 403
    assert listing(mailbox) == [] and not leaked(result)


def test_missing_mailbox_is_a_clear_error_except_for_absent(run_module: RunModule, mailbox: Mailcow) -> None:
    ghost = dict(phone(mailbox), mailbox="ghost@" + DOMAIN)
    for name in ("mailcow_app_password", "mailcow_app_password_info"):
        args = ghost if name == "mailcow_app_password" else dict(mailbox.conn(), mailbox="ghost@" + DOMAIN)
        result = run_module(name, args)
        assert result["rc"] == 1 and "mailbox ghost@%s does not exist" % DOMAIN in result["msg"], result
    absent = run_module("mailcow_app_password", dict(ghost, state="absent"))
    assert absent["rc"] == 0 and not absent["changed"] and not leaked(absent)
    # Check mode predicts: an earlier task of the run may be about to create the mailbox.
    with pytest.MonkeyPatch.context() as patch:
        # Warnings in the result, as on a target host (not to the controller's display the test process imported).
        patch.setattr(ansible_internal, "is_controller", False)
        patch.setattr(ansible_warnings, "_global_warnings", {})
        checked = run_module("mailcow_app_password", ghost, check_mode=True)
    warning = checked["warnings"][0]
    assert checked["rc"] == 0 and checked["changed"] and "does not exist (yet)" in json.dumps(warning) and not leaked(checked)


BAD = [
    ({"name": "   "}, "name must not be empty"),
    ({"name": "Pho\nne"}, "name must not contain control characters"),
    ({"name": "<" * 64}, "at most 255 characters"),
    ({"password": " \t "}, "password must not be empty"),
    ({"password": None}, "password is required to create"),
    ({"protocols": None}, "protocols is required to create"),
    ({"protocols": ["imap"]}, "protocols"),
    ({"mailbox": "alice"}, "mailbox: address must be local_part@domain"),
    ({"mailbox": "al/ice@" + DOMAIN}, "lists app passwords only by the mailbox's address in the URL"),
    ({"name": None, "app_passwords": [{"name": "A", "password": SECRET, "protocols": []}, {"name": "A", "password": SECRET}]}, "listed twice"),
    ({"name": None, "app_passwords": [{"name": "A", "password": SECRET, "protocols": []}], "purge": True, "purge_max_share": 101}, "purge_max_share"),
]


@pytest.mark.parametrize(("change", "expected"), BAD, ids=[e for _c, e in BAD])
def test_bad_input_is_refused_before_any_write(run_module: RunModule, mailbox: Mailcow, change: dict[str, t.Any], expected: str) -> None:
    args = {k: v for k, v in dict(phone(mailbox), **change).items() if v is not None}
    result = run_module("mailcow_app_password", args)
    assert result["rc"] == 1 and expected in result["msg"], result["msg"]
    assert listing(mailbox) == [] and not leaked(result)
