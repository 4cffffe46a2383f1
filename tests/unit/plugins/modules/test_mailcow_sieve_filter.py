# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_sieve_filter and mailcow_sieve_filter_info in-process against the emulator over HTTPS.

Every write is read back from the emulator's listing of filters (tests/emulator/test_filters_oauth2_transcripts.py
replays the recording the emulator follows: no duplicate check, one active filter per mailbox and type).
"""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

DOMAIN = "sf.example"
ALICE = "alice@" + DOMAIN
SPAM = 'require "fileinto";\nif header :contains "Subject" "[SPAM]" {\n  fileinto "Junk";\n  stop;\n}\n'
BIG = "if size :over 50M { discard; }\n"


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", "/api/v1/get/filters/all").json()
    return data if isinstance(data, list) else []


def setup_mailboxes(emulated: Mailcow, *names: str) -> None:
    emulated.emulator.request("POST", "/api/v1/add/domain", {"domain": DOMAIN, "active": 1})
    for name in names or ("alice", "bob"):
        mailbox = {"local_part": name, "domain": DOMAIN, "password": "Sf-Pw-2026!x", "password2": "Sf-Pw-2026!x", "active": 1}
        emulated.emulator.request("POST", "/api/v1/add/mailbox", mailbox)


def spam(emulated: Mailcow, **extra: t.Any) -> dict[str, t.Any]:
    """alice's spam filter; an option given as None is left out (as Ansible leaves out one not set)."""
    args = dict(dict(emulated.conn(), mailbox=ALICE, filter_type="prefilter", description="Spam to Junk", script=SPAM), **extra)
    return {key: value for key, value in args.items() if value is not None}


def test_check_mode_then_create_then_unchanged_then_script_change_with_unified_diff(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(emulated)
    checked = run_module("mailcow_sieve_filter", spam(emulated), check_mode=True, diff=True)
    assert checked["changed"] and checked["action"] == "created" and listing(emulated) == []
    created = run_module("mailcow_sieve_filter", spam(emulated), diff=True)
    assert created["changed"] and created["diff"] == checked["diff"] and created["diff"]["before"] == ""
    assert 'script: |\n  require "fileinto";\n' in created["diff"]["after"] and "active: true" in created["diff"]["after"]
    rows = listing(emulated)
    assert [(r["username"], r["filter_type"], r["script_desc"], r["script_data"], r["active"]) for r in rows] == [
        (ALICE, "prefilter", "Spam to Junk", SPAM, 1)]
    assert created["filter"]["id"] == rows[0]["id"] and created["filter"]["name"] == "prefilter 'Spam to Junk' of " + ALICE
    again = run_module("mailcow_sieve_filter", spam(emulated, mailbox=ALICE.upper(), active=True), diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["action"] == "unchanged"
    changed_script = SPAM.replace('"Junk"', '"Spam"')
    changed = run_module("mailcow_sieve_filter", spam(emulated, script=changed_script), diff=True)
    assert changed["changed"] and changed["action"] == "updated"
    assert '  fileinto "Junk";' in changed["diff"]["before"] and '  fileinto "Spam";' in changed["diff"]["after"]
    assert listing(emulated)[0]["script_data"] == changed_script and len(listing(emulated)) == 1
    off = run_module("mailcow_sieve_filter", spam(emulated, script=None, active=False), check_mode=True)
    assert off["changed"] and listing(emulated)[0]["active"] == 1
    assert run_module("mailcow_sieve_filter", spam(emulated, script=None, active=False))["changed"] and listing(emulated)[0]["active"] == 0
    assert not run_module("mailcow_sieve_filter", spam(emulated, script=None, active=False))["changed"]


def test_activating_one_filter_switches_off_the_other_of_its_type_and_says_so(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(emulated)
    assert run_module("mailcow_sieve_filter", spam(emulated))["changed"]
    post = run_module("mailcow_sieve_filter", spam(emulated, filter_type="postfilter", description="Big", script=BIG))
    assert post["changed"] and "deactivated" not in post  # another type: both stay active
    checked = run_module("mailcow_sieve_filter", spam(emulated, description="Big", script=BIG), check_mode=True, diff=True)
    assert checked["deactivated"] == ["prefilter 'Spam to Junk' of " + ALICE]
    assert [d["before_header"] for d in checked["diff"]] == ["prefilter 'Big' of " + ALICE, "prefilter 'Spam to Junk' of " + ALICE]
    assert "active: true" in checked["diff"][1]["before"] and "active: false" in checked["diff"][1]["after"]
    second = run_module("mailcow_sieve_filter", spam(emulated, description="Big", script=BIG), diff=True)
    assert second["deactivated"] == checked["deactivated"] and second["diff"] == checked["diff"]
    active = {(r["filter_type"], r["script_desc"]): r["active"] for r in listing(emulated)}
    assert active == {("prefilter", "Spam to Junk"): 0, ("postfilter", "Big"): 1, ("prefilter", "Big"): 1}
    again = run_module("mailcow_sieve_filter", spam(emulated, description="Big", script=BIG))
    assert not again["changed"] and "deactivated" not in again


def test_missing_mailbox_and_bad_input_are_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(emulated)
    missing = run_module("mailcow_sieve_filter", spam(emulated, mailbox="nobody@" + DOMAIN))
    assert missing["failed"] and "mailbox nobody@sf.example does not exist" in missing["msg"] and "nothing was written" in missing["msg"]
    cases = {
        "description": ({"description": ""}, "description is required"),
        "zero": ({"description": "0"}, "which Mailcow takes for empty"),
        "padded": ({"description": " Spam "}, "must not begin or end with white space"),
        "long": ({"description": "x" * 256}, "at most 255 characters"),
        "empty script": ({"script": "  \n"}, "script must be a Sieve script"),
        "no script": ({"script": None}, "script is required to create the filter"),
        "bad mailbox": ({"mailbox": "not an address"}, "mailbox: 'not an address' is not a valid address"),
        "no type": ({"filter_type": None}, "filter_type is required"),
    }
    for name, (extra, message) in cases.items():
        result = run_module("mailcow_sieve_filter", spam(emulated, **extra))
        assert result["failed"] and message in result["msg"], (name, result["msg"])
    assert listing(emulated) == []
    sieve = run_module("mailcow_sieve_filter", spam(emulated, script="discard"))
    assert sieve["failed"] and "line 1: script end where semicolon expected" in sieve["msg"] and listing(emulated) == []
    ro = run_module("mailcow_sieve_filter", spam(emulated, api_key=RO_KEY))
    assert ro["failed"] and "read-only" in ro["msg"] and listing(emulated) == []


def test_duplicates_are_refused_and_absent_deletes_them_all(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(emulated)
    body = {"username": ALICE, "filter_type": "prefilter", "script_desc": "Spam to Junk", "script_data": SPAM}
    emulated.emulator.request("POST", "/api/v1/add/filter", body)
    emulated.emulator.request("POST", "/api/v1/add/filter", body)
    refused = run_module("mailcow_sieve_filter", spam(emulated, active=True))
    assert refused["failed"] and "2 times (ids 1, 2)" in refused["msg"]
    gone = run_module("mailcow_sieve_filter", spam(emulated, script=None, state="absent"), diff=True)
    assert gone["changed"] and gone["action"] == "deleted" and gone["diff"]["after"] == "" and listing(emulated) == []
    assert not run_module("mailcow_sieve_filter", spam(emulated, script=None, state="absent"))["changed"]


def test_bulk_create_unchanged_then_purge_within_the_domain_and_its_guards(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(emulated)
    emulated.emulator.request("POST", "/api/v1/add/domain", {"domain": "other.example", "active": 1})
    carol = {"local_part": "carol", "domain": "other.example", "password": "Sf-Pw-2026!x", "password2": "Sf-Pw-2026!x", "active": 1}
    emulated.emulator.request("POST", "/api/v1/add/mailbox", carol)
    emulated.emulator.request("POST", "/api/v1/add/filter", {"username": "carol@other.example", "filter_type": "prefilter",
                                                             "script_desc": "Keep", "script_data": "keep;", "active": 1})
    entries = [{"mailbox": "alice", "filter_type": "prefilter", "description": "Spam to Junk", "script": SPAM},
               {"mailbox": "bob", "filter_type": "postfilter", "description": "Big", "script": BIG, "active": False},
               {"mailbox": "bob", "filter_type": "prefilter", "description": "Spam to Junk", "script": SPAM}]
    args = dict(emulated.conn(), domain=DOMAIN, filters=entries)
    checked = run_module("mailcow_sieve_filter", args, check_mode=True, diff=True)
    assert checked["changed"] and checked["summary"]["created"] == 3 and len(listing(emulated)) == 1
    created = run_module("mailcow_sieve_filter", args, diff=True)
    assert created["summary"] == {"created": 3, "updated": 0, "deleted": 0, "unchanged": 0} and created["diff"] == checked["diff"]
    assert created["msg"].startswith("created 3 (prefilter 'Spam to Junk' of alice, postfilter 'Big' of bob")
    assert len(listing(emulated)) == 4
    again = run_module("mailcow_sieve_filter", args)
    assert not again["changed"] and again["msg"] == "no change (3 unchanged)"
    two_active = entries[:2] + [dict(entries[2], active=True), dict(entries[2], description="Other", active=True)]
    both = run_module("mailcow_sieve_filter", dict(args, filters=two_active))
    assert both["failed"] and "are both to be active" in both["msg"] and len(listing(emulated)) == 4
    empty = run_module("mailcow_sieve_filter", dict(args, filters=[], purge=True))
    assert empty["failed"] and "purge_allow_empty" in empty["msg"]
    too_many = run_module("mailcow_sieve_filter", dict(args, filters=entries[:1], purge=True))
    assert too_many["failed"] and "would delete 2 of the 3 filters of sf.example" in too_many["msg"]
    purged = run_module("mailcow_sieve_filter", dict(args, filters=entries[:2], purge=True), diff=True)
    assert purged["filters"] == [{"filter": "prefilter 'Spam to Junk' of bob@sf.example", "action": "deleted", "changed": True}]
    assert sorted((r["username"], r["script_desc"]) for r in listing(emulated)) == [
        (ALICE, "Spam to Junk"), ("bob@sf.example", "Big"), ("carol@other.example", "Keep")]
    outside = run_module("mailcow_sieve_filter", dict(args, filters=[dict(entries[0], mailbox="carol@other.example")]))
    assert outside["failed"] and "is not in domain sf.example" in outside["msg"]


def test_bulk_activation_switches_off_an_unnamed_filter_without_a_write_of_its_own(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(emulated)
    assert run_module("mailcow_sieve_filter", spam(emulated))["changed"]
    entry = {"mailbox": "alice", "filter_type": "prefilter", "description": "Big", "script": BIG}
    result = run_module("mailcow_sieve_filter", dict(emulated.conn(), domain=DOMAIN, filters=[entry]), diff=True)
    assert result["summary"] == {"created": 1, "updated": 1, "deleted": 0, "unchanged": 0}
    assert [item["filter"] for item in result["filters"]] == ["prefilter 'Big' of " + ALICE, "prefilter 'Spam to Junk' of " + ALICE]
    assert {r["script_desc"]: r["active"] for r in listing(emulated)} == {"Spam to Junk": 0, "Big": 1}


def test_info_lists_filters_by_mailbox_domain_and_type(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(emulated)
    assert run_module("mailcow_sieve_filter", spam(emulated))["changed"]
    assert run_module("mailcow_sieve_filter", spam(emulated, mailbox="bob@" + DOMAIN, filter_type="postfilter", script=BIG))["changed"]
    everything = run_module("mailcow_sieve_filter_info", dict(emulated.conn(RO_KEY)))
    assert [f["name"] for f in everything["filters"]] == ["prefilter 'Spam to Junk' of " + ALICE, "postfilter 'Spam to Junk' of bob@sf.example"]
    assert everything["filters"][0] == {"id": 1, "name": "prefilter 'Spam to Junk' of " + ALICE, "mailbox": ALICE, "filter_type": "prefilter",
                                        "description": "Spam to Junk", "script": SPAM, "active": True}
    mine = run_module("mailcow_sieve_filter_info", dict(emulated.conn(), mailbox=ALICE.upper(), include_user_script=True))
    assert [f["id"] for f in mine["filters"]] == [1] and mine["user_script"] is None
    post = run_module("mailcow_sieve_filter_info", dict(emulated.conn(), domain=DOMAIN, filter_type="postfilter"))
    assert [f["mailbox"] for f in post["filters"]] == ["bob@sf.example"]
    assert run_module("mailcow_sieve_filter_info", dict(emulated.conn(), mailbox="nobody@" + DOMAIN))["filters"] == []
    bad = run_module("mailcow_sieve_filter_info", dict(emulated.conn(), include_user_script=True))
    assert bad["failed"] and "include_user_script needs mailbox" in bad["msg"]
