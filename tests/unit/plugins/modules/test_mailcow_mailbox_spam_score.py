# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_mailbox's spam_score option in-process against the emulator over HTTPS."""

from __future__ import annotations

import typing as t

from ..mailcow_inprocess import Mailcow, RunModule

DOMAIN = "score.example"
PASSWORD = "Score-Passw0rd-1"


def score(emulated: Mailcow, address: str) -> t.Any:
    return emulated.emulator.request("GET", "/api/v1/get/spam-score/" + address).json()


def add_domain(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]


def test_single_form_create_unchanged_change_default(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    alice = "alice@" + DOMAIN
    args = dict(emulated.conn(), address=alice, password=PASSWORD, spam_score=" 8.0, 15 ")
    checked = run_module("mailcow_mailbox", args, check_mode=True, diff=True)
    assert checked["changed"] and checked["diff"]["after"]["spam_score"] == "8,15" and score(emulated, alice) == {}
    created = run_module("mailcow_mailbox", args, diff=True)
    assert created["diff"] == checked["diff"] and score(emulated, alice) == {"score": "8,15"}
    again = run_module("mailcow_mailbox", args, diff=True)
    assert not again["changed"] and again["mailbox"]["spam_score"] == "8,15"
    changed = run_module("mailcow_mailbox", dict(args, spam_score="5.5,12.5"), diff=True)
    assert changed["diff"]["before"]["spam_score"] == "8,15" and changed["diff"]["after"]["spam_score"] == "5.5,12.5"
    assert score(emulated, alice) == {"score": "5.5,12.5"}
    default = run_module("mailcow_mailbox", dict(args, spam_score="default"), diff=True)
    assert default["changed"] and default["diff"]["after"]["spam_score"] == "5,15" and score(emulated, alice) == {"score": "5,15"}
    assert not run_module("mailcow_mailbox", dict(args, spam_score="default"))["changed"]
    assert not run_module("mailcow_mailbox", dict(args, spam_score="5,15"))["changed"]


def test_bulk_form_reads_only_what_is_compared_and_sets_scores(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    entries = [{"local_part": "a", "password": PASSWORD, "spam_score": "7,14"}, {"local_part": "b", "password": PASSWORD},
               {"local_part": "c", "password": PASSWORD, "spam_score": "7,14"}, {"local_part": "d", "password": PASSWORD, "spam_score": "default"}]
    created = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries))
    assert created["summary"]["created"] == 4
    assert [score(emulated, name + "@" + DOMAIN)["score"] for name in "abcd"] == ["7,14", "5,15", "7,14", "5,15"]
    assert not run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries))["changed"]
    entries[1]["spam_score"] = "9,20"
    entries[2]["spam_score"] = "default"
    updated = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries), diff=True)
    assert updated["summary"]["updated"] == 2 and [d["after"]["spam_score"] for d in updated["diff"]] == ["9,20", "5,15"]
    assert [score(emulated, name + "@" + DOMAIN)["score"] for name in "abcd"] == ["7,14", "9,20", "5,15", "5,15"]
    info = run_module("mailcow_mailbox_info", dict(emulated.conn(), domain=DOMAIN, include_spam_score=True))
    assert [(m["local_part"], m["spam_score"]) for m in info["mailboxes"]] == [("a", "7,14"), ("b", "9,20"), ("c", "5,15"), ("d", "5,15")]
    assert "spam_score" not in run_module("mailcow_mailbox_info", dict(emulated.conn(), domain=DOMAIN))["mailboxes"][0]


def test_bad_spam_scores_are_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    for bad, says in (("8", "not a spam score"), ("a,b", "not a spam score"), ("15,8", "0 <= LOW < HIGH"), ("-1,5", "0 <= LOW < HIGH"),
                      ("1,2,3", "not a spam score")):
        result = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=[
            {"local_part": "a", "password": PASSWORD}, {"local_part": "b", "password": PASSWORD, "spam_score": bad}]))
        assert result["failed"] and "mailboxes[1] (b): spam_score" in result["msg"] and says in result["msg"], result["msg"]
    assert emulated.emulator.request("GET", "/api/v1/get/mailbox/all/" + DOMAIN).json() == {}
