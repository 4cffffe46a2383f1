# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_spam_policy and mailcow_spam_policy_info in-process against the emulator over HTTPS."""

from __future__ import annotations

import json
import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

DOMAIN = "lists.example"
ALICE = "alice@" + DOMAIN


def lists(emulated: Mailcow, scope: str, name: str) -> dict[str, list[str]]:
    """Both lists of a domain or mailbox, read from the emulator directly."""
    found = {}
    for which, api in (("allow", "wl"), ("deny", "bl")):
        data = emulated.emulator.request("GET", "/api/v1/get/policy_%s_%s/%s" % (api, scope, name)).json()
        found[which] = sorted(row["value"] for row in data) if isinstance(data, list) else []
    return found


def setup(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]
    assert run_module("mailcow_mailbox", dict(emulated.conn(), address=ALICE, password="Secret-Passw0rd-1"))["changed"]


def test_single_sender_check_mode_create_unchanged_move_and_remove(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    args = dict(emulated.conn(), domain=DOMAIN.upper(), sender=" Spammer@Bad.example ", list="deny")
    checked = run_module("mailcow_spam_policy", args, check_mode=True, diff=True)
    assert checked["changed"] and checked["action"] == "created" and lists(emulated, "domain", DOMAIN) == {"allow": [], "deny": []}
    created = run_module("mailcow_spam_policy", args, diff=True)
    assert created["diff"] == checked["diff"] and created["entry"] == {"sender": "spammer@bad.example", "list": "deny"}
    assert created["diff"]["before"] == {"domain": DOMAIN, "allow": [], "deny": []}
    assert created["diff"]["after"] == {"domain": DOMAIN, "allow": [], "deny": ["spammer@bad.example"]}
    assert lists(emulated, "domain", DOMAIN) == {"allow": [], "deny": ["spammer@bad.example"]}
    again = run_module("mailcow_spam_policy", args)
    assert not again["changed"] and again["action"] == "unchanged"
    moved = run_module("mailcow_spam_policy", dict(args, list="allow"), diff=True)
    assert moved["changed"] and moved["action"] == "updated" and lists(emulated, "domain", DOMAIN) == {"allow": ["spammer@bad.example"], "deny": []}
    gone = run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, sender="spammer@bad.example", state="absent"))
    assert gone["changed"] and gone["action"] == "deleted" and lists(emulated, "domain", DOMAIN) == {"allow": [], "deny": []}
    assert not run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, sender="spammer@bad.example", state="absent"))["changed"]


def test_bulk_lists_of_a_mailbox_with_purge_and_its_guards(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    args = dict(emulated.conn(), mailbox=ALICE, allow=["*@trusted.example", "partner.example."], deny=["spammer@bad.example", "*.*@junk.example"])
    checked = run_module("mailcow_spam_policy", args, check_mode=True, diff=True)
    assert checked["summary"] == {"created": 4, "updated": 0, "deleted": 0, "unchanged": 0}
    assert lists(emulated, "mailbox", ALICE) == {"allow": [], "deny": []}
    done = run_module("mailcow_spam_policy", args, diff=True)
    assert done["diff"] == checked["diff"] and done["spam_policy"] == {
        "mailbox": ALICE, "allow": ["*@trusted.example", "partner.example"], "deny": ["**@junk.example", "spammer@bad.example"]}
    assert lists(emulated, "mailbox", ALICE) == {"allow": ["*@trusted.example", "partner.example"], "deny": ["**@junk.example", "spammer@bad.example"]}
    assert not run_module("mailcow_spam_policy", args)["changed"]
    # One sender moves to the deny list, one goes: without purge, nothing else is touched.
    moved = run_module("mailcow_spam_policy", dict(emulated.conn(), mailbox=ALICE, deny=["partner.example"]))
    assert moved["senders"] == [{"sender": "partner.example", "action": "updated", "changed": True, "list": "deny"}]
    refused = run_module("mailcow_spam_policy", dict(emulated.conn(), mailbox=ALICE, deny=["partner.example"], purge=True))
    assert refused["failed"] and "purge_max_share" in refused["msg"] and "*@trusted.example" in refused["msg"]
    empty = run_module("mailcow_spam_policy", dict(emulated.conn(), mailbox=ALICE, allow=[], purge=True, purge_max_share=100))
    assert empty["failed"] and "purge_allow_empty" in empty["msg"]
    assert len(lists(emulated, "mailbox", ALICE)["deny"]) == 3  # refused before any write
    purged = run_module("mailcow_spam_policy", dict(emulated.conn(), mailbox=ALICE, allow=["*@trusted.example"], deny=["partner.example"],
                                                    purge=True, purge_max_share=100), diff=True)
    assert purged["summary"]["deleted"] == 2 and lists(emulated, "mailbox", ALICE) == {"allow": ["*@trusted.example"], "deny": ["partner.example"]}
    info = run_module("mailcow_spam_policy_info", dict(emulated.conn(RO_KEY), mailbox=ALICE))
    assert info["spam_policy"] == {"mailbox": ALICE, "allow": ["*@trusted.example"], "deny": ["partner.example"]}
    assert [(e["sender"], e["list"]) for e in info["entries"]] == [("*@trusted.example", "allow"), ("partner.example", "deny")]
    assert all(isinstance(e["prefid"], int) for e in info["entries"])


def test_each_failure_class_before_or_without_a_write(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    bad = run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, allow=["ok.example", "not valid!"]))
    assert bad["failed"] and "allow[1]" in bad["msg"] and "letters, digits" in bad["msg"]
    twice = run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, allow=["x.example"], deny=["X.example"]))
    assert twice["failed"] and "listed twice" in twice["msg"] and "deny[0]" in twice["msg"]
    no_list = run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, sender="x.example"))
    assert no_list["failed"] and "list is required" in no_list["msg"]
    both = run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, mailbox=ALICE, sender="x.example", list="deny"))
    assert both["failed"] and "mutually exclusive" in both["msg"]
    share = run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, allow=["x.example"], purge_max_share=101))
    assert share["failed"] and "purge_max_share" in share["msg"]
    assert lists(emulated, "domain", DOMAIN) == {"allow": [], "deny": []}
    missing = run_module("mailcow_spam_policy", dict(emulated.conn(), domain="nowhere.example", sender="x.example", list="deny"))
    assert missing["failed"] and "domain nowhere.example does not exist" in missing["msg"]
    predicted = run_module("mailcow_spam_policy", dict(emulated.conn(), mailbox="nobody@" + DOMAIN, deny=["x.example"]), check_mode=True)
    assert predicted["changed"] and "does not exist" in " ".join(predicted["warnings"])
    ro = run_module("mailcow_spam_policy", dict(emulated.conn(RO_KEY), domain=DOMAIN, sender="x.example", list="deny"))
    assert ro["failed"] and "read-only" in ro["msg"] and RO_KEY not in json.dumps(ro)
    info = run_module("mailcow_spam_policy_info", dict(emulated.conn(RO_KEY), domain="nowhere.example"))
    assert not info.get("failed")
    assert info["spam_policy"] == {"domain": "nowhere.example", "allow": [], "deny": []} and "does not exist" in " ".join(info["warnings"])


def test_a_domain_deleted_takes_its_lists(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    assert run_module("mailcow_spam_policy", dict(emulated.conn(), domain=DOMAIN, deny=["junk.example"]))["changed"]
    assert run_module("mailcow_mailbox", dict(emulated.conn(), address=ALICE, state="absent"))["changed"]
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN, state="absent"))["changed"]
    setup(run_module, emulated)
    result: dict[str, t.Any] = run_module("mailcow_spam_policy_info", dict(emulated.conn(), domain=DOMAIN))
    assert result["spam_policy"]["deny"] == []
