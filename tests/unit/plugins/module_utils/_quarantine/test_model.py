# SPDX-License-Identifier: GPL-3.0-or-later
"""Quarantine items normalised, named, selected and planned (no I/O), from the rows the real Mailcow recorded."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.model import (
    FILTER_OPTIONS,
    desired_from_params,
    diff,
    identity,
    normalize,
    plan,
    select,
    selection_from_params,
    summary,
)
from ...scripted_mailcow import transcript

ROWS = transcript("get_quarantine_all", "transcripts-quarantine.jsonl")["body"]  # QID1/QID2 for alice, QID3 for bob, all at 1796608147
NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.timezone.utc)  # 10 h 10 min 53 s after the rows were quarantined
ITEMS = [normalize(row) for row in ROWS]


def params(**given):
    return dict(dict.fromkeys(("identities",) + FILTER_OPTIONS), **given)


def test_normalize_names_the_fields_and_gives_the_time_in_iso_8601() -> None:
    first = ITEMS[0]
    assert first == {
        "identity": identity("QID1", "alice@rb.example", 1796608147), "time": "2026-12-07T01:49:07Z", "timestamp": 1796608147,
        "sender": "spammer@bad.example", "recipient": "alice@rb.example", "subject": "Win now 1", "score": 15.5, "action": "reject",
        "virus": False, "notified": False, "queue_id": "QID1", "mailcow_id": 1,
    }
    assert ITEMS[2]["score"] == 22.0 and ITEMS[1]["action"] == "add header"
    assert summary(first) == "2026-12-07T01:49:07Z from spammer@bad.example to alice@rb.example, score 15.5: Win now 1"


def test_identity_is_stable_and_tells_recipients_and_arrivals_apart() -> None:
    assert identity("QID1", "alice@rb.example", 1796608147) == identity("QID1", "Alice@RB.example", "1796608147")
    assert len(identity("QID1", "alice@rb.example", 1796608147)) == 16
    others = {identity("QID1", "bob@rb.example", 1796608147), identity("QID1", "alice@rb.example", 1796608148),
              identity("QID9", "alice@rb.example", 1796608147), identity("QID1", "alice@rb.example", 1796608147)}
    assert len(others) == 4
    # Mailcow's row number is not part of it: the same message read again under another id keeps its name.
    assert normalize(dict(ROWS[0], id=77))["identity"] == ITEMS[0]["identity"]


@pytest.mark.parametrize("given, expected", [
    ({"mailbox": ["Alice@rb.example"]}, ["QID1", "QID2"]),
    ({"domain": ["rb.example"]}, ["QID1", "QID2", "QID3"]),
    ({"domain": ["@other.example"]}, []),
    ({"sender": ["bad.example"]}, ["QID1", "QID2", "QID3"]),
    ({"sender": ["@bad.example"], "mailbox": ["bob@rb.example"]}, ["QID3"]),
    ({"sender": ["someone@bad.example"]}, []),
    ({"min_score": 15.5}, ["QID1", "QID3"]),
    ({"max_score": 15.5}, ["QID1", "QID2"]),
    ({"min_score": 7, "max_score": 8}, ["QID2"]),
    ({"older_than": "10h"}, ["QID1", "QID2", "QID3"]),
    ({"older_than": "11h"}, []),
    ({"newer_than": "11h"}, ["QID1", "QID2", "QID3"]),
    ({"newer_than": "2026-12-07T01:49:08Z"}, []),
    ({"newer_than": "2026-12-07T01:49:07"}, ["QID1", "QID2", "QID3"]),
    ({"older_than": "2026-12-07T02:49:07+01:00"}, []),
    ({"identities": [identity("QID3", "bob@rb.example", 1796608147).upper()]}, ["QID3"]),
    ({"identities": [], "domain": ["rb.example"]}, []),
])
def test_filters_select(given, expected) -> None:
    chosen = select(selection_from_params(params(**given), NOW), ITEMS)
    assert [item["queue_id"] for item in chosen] == expected


@pytest.mark.parametrize("given, message", [
    ({"identities": ["42"]}, "identities[0] must be an item's identity as mailcow_quarantine_info returns it (16 hex digits"),
    ({"identities": ["0123456789abcdeg"]}, "identities[0] must be"),
    ({"mailbox": ["alice"]}, "mailbox[0]: 'alice' is not a valid address"),
    ({"domain": ["not a domain"]}, "domain[0] 'not a domain' is not a valid domain name"),
    ({"sender": [""]}, "sender[0] is required: an address or a domain"),
    ({"older_than": "yesterday"}, "older_than must be an ISO 8601 time such as 2026-12-07T08:00:00Z"),
    ({"newer_than": "5 minutes"}, "newer_than must be an ISO 8601 time"),
    ({"older_than": "2d", "newer_than": "3d2h"}, "newer_than must be an ISO 8601 time"),
    ({"older_than": "3d", "newer_than": "2d"}, "newer_than (2026-12-05T12:00:00Z) must be earlier than older_than (2026-12-04T12:00:00Z)"),
    ({"min_score": 9, "max_score": 3}, "min_score (9) must not be above max_score (3)"),
    ({"min_score": float("nan")}, "min_score must be a number"),
    ({"older_than": "1d\n"}, "older_than must not contain control characters"),
])
def test_bad_filters_are_refused_naming_the_option(given, message) -> None:
    with pytest.raises(MailcowOptionError) as caught:
        selection_from_params(params(**given), NOW)
    assert message in str(caught.value)


def test_an_action_needs_identities_or_a_filter_and_a_share_in_range() -> None:
    with pytest.raises(MailcowOptionError, match="name the items to learn spam with identities .* or select them with at least one of mailbox"):
        desired_from_params(params(action="learn_spam"), NOW)
    with pytest.raises(MailcowOptionError, match="max_share must be a percentage from 0 to 100, got 101"):
        desired_from_params(params(action="delete", domain=["rb.example"], max_share=101), NOW)
    with pytest.raises(MailcowOptionError, match="action must be one of release, learn_ham, learn_spam, delete"):
        desired_from_params(params(action="learnspam", domain=["rb.example"]), NOW)
    assert desired_from_params(params(action="delete", identities=[]), NOW).selection.identities == ()


def test_filters_alone_may_select_at_most_max_share_of_the_quarantine() -> None:
    alice = params(action="delete", mailbox=["alice@rb.example"])
    with pytest.raises(MailcowOptionError) as caught:
        plan(desired_from_params(dict(alice, max_share=50), NOW), ITEMS)
    text = str(caught.value)
    assert "the filters select 2 of the 3 quarantined items (66%), more than max_share=50% in one run; they would be deleted" in text
    assert "2026-12-07T01:49:07Z from spammer@bad.example to alice@rb.example, score 7.2: Win now 2" in text and "raise max_share" in text
    assert len(plan(desired_from_params(dict(alice, max_share=67), NOW), ITEMS).targets) == 2
    # Named items are not limited: the names are the user's choice, not a filter's reach.
    named = params(action="delete", identities=[item["identity"] for item in ITEMS], max_share=0)
    assert len(plan(desired_from_params(named, NOW), ITEMS).targets) == 3


def test_missing_identities_are_done_unless_asked_to_fail() -> None:
    gone = identity("QID7", "alice@rb.example", 1796600000)
    the_plan = plan(desired_from_params(params(action="release", identities=[gone, ITEMS[1]["identity"]]), NOW), ITEMS)
    assert the_plan.missing == [gone] and [item["queue_id"] for item in the_plan.targets] == ["QID2"] and the_plan.total == 3
    with pytest.raises(MailcowOptionError, match="1 of the identities are not in the quarantine \\(%s\\)" % gone):
        plan(desired_from_params(params(action="release", identities=[gone], fail_on_missing=True), NOW), ITEMS)


def test_diff_lists_each_item_by_identity_in_one_readable_line() -> None:
    the_plan = plan(desired_from_params(params(action="learn_ham", mailbox=["bob@rb.example"]), NOW), ITEMS)
    assert diff(the_plan) == {
        "before_header": "quarantine", "after_header": "quarantine after the items are released and learnt as ham",
        "before": {ITEMS[2]["identity"]: "2026-12-07T01:49:07Z from spammer@bad.example to bob@rb.example, score 22: Win now 3"},
        "after": {},
    }


def test_the_guard_shows_ten_items_and_counts_the_rest() -> None:
    many = [normalize(dict(ROWS[0], id=n, qid="Q%02d" % n, subject="Spam %d" % n)) for n in range(12)]
    with pytest.raises(MailcowOptionError) as caught:
        plan(desired_from_params(params(action="delete", sender=["bad.example"]), NOW), many)
    text = str(caught.value)
    assert "Spam 9" in text and "Spam 10" not in text and "score 15.5: Spam 9 and 2 more. Narrow the filters" in text
