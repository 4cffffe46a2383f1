# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_quarantine and mailcow_quarantine_info in-process against the emulator over HTTPS, its quarantine seeded through the control API."""

from __future__ import annotations

import json
import time

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

NOW = int(time.time())
ITEMS = [
    {"qid": "4ZqA1", "rcpt": "alice@q.example", "sender": "news@spam.example", "subject": "Cheap pills", "score": 18.5, "created": NOW - 40 * 86400},
    {"qid": "4ZqA2", "rcpt": "alice@q.example", "sender": "boss@partner.example", "subject": "Invoice", "score": 6.1, "action": "add header",
     "created": NOW - 3600},
    {"qid": "4ZqA3", "rcpt": "bob@q.example", "sender": "news@spam.example", "subject": "Cheap pills", "score": 19.0, "created": NOW - 35 * 86400},
    {"qid": "4ZqA4", "rcpt": "carol@other.example", "sender": "x@spam.example", "subject": "Hello", "score": 9.0, "created": NOW - 60},
]


def seed(emulated: Mailcow) -> None:
    emulated.emulator.control("POST", "quarantine", {"items": ITEMS})


def held(emulated: Mailcow) -> list[str]:
    return [row["qid"] for row in emulated.emulator.control("GET", "quarantine")["items"]]


def test_info_with_the_read_only_key_filters_and_normalises(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    result = run_module("mailcow_quarantine_info", dict(emulated.conn(RO_KEY), domain=["q.example"], older_than="30d", min_score=18))
    assert result["rc"] == 0 and not result["changed"] and result["total"] == 4, result
    expected = [("4ZqA1", "alice@q.example", 18.5), ("4ZqA3", "bob@q.example", 19.0)]
    assert [(i["queue_id"], i["recipient"], i["score"]) for i in result["quarantined"]] == expected
    assert all(len(i["identity"]) == 16 and i["time"].endswith("Z") for i in result["quarantined"])
    again = run_module("mailcow_quarantine_info", dict(emulated.conn(RO_KEY), identities=[result["quarantined"][1]["identity"]]))
    assert [i["queue_id"] for i in again["quarantined"]] == ["4ZqA3"]


def test_release_by_identity_check_mode_then_change_then_unchanged(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    found = run_module("mailcow_quarantine_info", dict(emulated.conn(RO_KEY), mailbox=["alice@q.example"], sender=["partner.example"]))
    args = dict(emulated.conn(), action="release", identities=[i["identity"] for i in found["quarantined"]])
    predicted = run_module("mailcow_quarantine", args, check_mode=True, diff=True)
    assert predicted["rc"] == 0 and predicted["changed"] and held(emulated) == ["4ZqA1", "4ZqA2", "4ZqA3", "4ZqA4"], predicted
    line = list(predicted["diff"]["before"].values())
    assert line == ["%s from boss@partner.example to alice@q.example, score 6.1: Invoice" % found["quarantined"][0]["time"]]
    assert predicted["diff"]["after"] == {}
    released = run_module("mailcow_quarantine", args, diff=True)
    assert released["rc"] == 0 and released["changed"] and released["diff"] == predicted["diff"] and held(emulated) == ["4ZqA1", "4ZqA3", "4ZqA4"]
    again = run_module("mailcow_quarantine", args, diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["missing"] == args["identities"] and again["diff"]["before"] == {}


def test_filters_within_the_guard_and_beyond_it(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    spam = dict(emulated.conn(), action="learn_spam", sender=["spam.example"], older_than="30d")
    done = run_module("mailcow_quarantine", spam)
    assert done["rc"] == 0 and done["changed"] and [i["queue_id"] for i in done["quarantined"]] == ["4ZqA1", "4ZqA3"], done
    assert held(emulated) == ["4ZqA2", "4ZqA4"]
    refused = run_module("mailcow_quarantine", dict(emulated.conn(), action="delete", older_than="0s"))
    assert refused["rc"] == 1 and "the filters select 2 of the 2 quarantined items (100%), more than max_share=50%" in refused["msg"]
    assert held(emulated) == ["4ZqA2", "4ZqA4"]
    emptied = run_module("mailcow_quarantine", dict(emulated.conn(), action="delete", older_than="0s", max_share=100))
    assert emptied["changed"] and held(emulated) == []


def test_read_only_key_and_postfix_down_fail_naming_the_cause(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    bob = run_module("mailcow_quarantine_info", dict(emulated.conn(RO_KEY), mailbox=["bob@q.example"]))["quarantined"][0]["identity"]
    ro = run_module("mailcow_quarantine", dict(emulated.conn(RO_KEY), action="delete", identities=[bob]))
    assert ro["rc"] == 1 and "the API key is read-only (HTTP 403" in ro["msg"] and RO_KEY not in json.dumps(ro), ro
    emulated.emulator.control("POST", "quarantine/services", {"postfix": False})
    down = run_module("mailcow_quarantine", dict(emulated.conn(), action="learn_ham", identities=[bob]))
    assert down["rc"] == 1 and down["not_done"] == [bob] and down["done"] == [] and not down["changed"], down
    assert "Mailcow did not act on 1 of the 1 items (0 released and learnt as ham)" in down["msg"] and down["msg"].endswith("Cannot connect to Postfix")
    assert held(emulated) == ["4ZqA1", "4ZqA2", "4ZqA3", "4ZqA4"]
