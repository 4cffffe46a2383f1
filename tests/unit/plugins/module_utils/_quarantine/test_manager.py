# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_quarantine's and mailcow_quarantine_info's decisions as exact HTTP conversations, with the answers the real Mailcow recorded."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowForbiddenError,
    MailcowOptionError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.manager import info, manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.model import FILTER_OPTIONS, identity
from ...scripted_mailcow import DROP, recorded_request, transcript

Q = "transcripts-quarantine.jsonl"
ALL = "/api/v1/get/quarantine/all"
EDIT, DELETE = "/api/v1/edit/qitem", "/api/v1/delete/qitem"
ROWS = transcript("get_quarantine_all", Q)["body"]  # ids 1, 2 (alice), 3 (bob)
ONE, TWO, THREE = (identity(row["qid"], row["rcpt"], row["created"]) for row in ROWS)


def recorded(case: str):
    return transcript(case, Q)["body"]


def without(*ids: int) -> list:
    return [row for row in ROWS if row["id"] not in ids]


def params(**given):
    return dict(dict.fromkeys(("identities",) + FILTER_OPTIONS), **dict({"max_share": 50, "fail_on_missing": False}, **given))


def run(server, check_mode=False, key="K", **given):
    return manage(MailcowClient(server.url, key, retries=0), params(**given), check_mode=check_mode, diff_mode=True)


def test_info_lists_normalised_items_with_one_read(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    result = info(MailcowClient(mailcow.url, "K", retries=0), params(mailbox=["alice@rb.example"], min_score=10))
    assert result["total"] == 3 and [(i["identity"], i["subject"], i["time"]) for i in result["quarantined"]] == [(ONE, "Win now 1", "2026-12-07T01:49:07Z")]
    mailcow.expect("GET", ALL, reply=recorded("get_quarantine_all_empty"))
    assert info(MailcowClient(mailcow.url, "K", retries=0), params()) == {"changed": False, "quarantined": [], "total": 0}


def test_delete_by_identity_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", DELETE, recorded_request("delete_qitem_success", Q)["body"], reply=recorded("delete_qitem_success"))
    mailcow.expect("GET", ALL, reply=without(1))
    result = run(mailcow, action="delete", identities=[ONE])
    assert result["changed"] and [i["identity"] for i in result["quarantined"]] == [ONE] and result["missing"] == [] and result["total"] == 3
    assert result["diff"]["before"] == {ONE: "2026-12-07T01:49:07Z from spammer@bad.example to alice@rb.example, score 15.5: Win now 1"}
    assert "warnings" not in result and "outcome" not in result
    mailcow.expect("GET", ALL, reply=without(1))
    again = run(mailcow, action="delete", identities=[ONE])
    assert not again["changed"] and again["quarantined"] == [] and again["missing"] == [ONE] and again["diff"]["before"] == {}


def test_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    result = run(mailcow, check_mode=True, action="learn_spam", domain=["rb.example"], max_share=100)
    assert result["changed"] and [i["identity"] for i in result["quarantined"]] == [ONE, TWO, THREE] and len(result["diff"]["before"]) == 3
    assert [call[0] for call in mailcow.seen] == ["GET"]


def test_learn_spam_without_rspamd_fails_saying_the_item_is_gone_all_the_same(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", EDIT, recorded_request("edit_qitem_learnspam", Q)["body"], reply=recorded("edit_qitem_learnspam"))
    mailcow.expect("GET", ALL, reply=recorded("get_quarantine_after_learnspam"))
    with pytest.raises(MailcowValidationError) as caught:
        run(mailcow, action="learn_spam", identities=[TWO])
    assert "the 1 items left the quarantine (learnt as spam and deleted) but Rspamd did not learn them" in str(caught.value)
    assert "Rspamd could not learn the message as spam: Curl: Couldn't connect to server" in str(caught.value)
    assert caught.value.details == {"changed": True, "done": [TWO], "not_done": []}


def test_release_that_cannot_reach_postfix_fails_naming_the_item_kept(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=without(2))
    mailcow.expect("POST", EDIT, recorded_request("edit_qitem_release", Q)["body"], reply=recorded("edit_qitem_release"))
    mailcow.expect("GET", ALL, reply=recorded("get_quarantine_after_release"))
    with pytest.raises(MailcowValidationError) as caught:
        run(mailcow, action="release", identities=[ONE])
    text = str(caught.value)
    assert text.startswith("Mailcow did not act on 1 of the 1 items (0 released): 2026-12-07T01:49:07Z from spammer@bad.example to alice@rb.example")
    assert text.endswith("Mailcow said: Cannot connect to Postfix") and caught.value.details == {"changed": False, "done": [], "not_done": [ONE]}


def test_release_whose_ham_learning_fails_succeeds_with_a_warning(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", EDIT, {"items": ["3"], "attr": {"action": "release"}},
                   reply=[{"type": "success", "msg": ["item_released", "3"]}, {"type": "danger", "msg": ["ham_learn_error", "Curl: x"]}])
    mailcow.expect("GET", ALL, reply=without(3))
    result = run(mailcow, action="release", identities=[THREE])
    assert result["changed"] and result["warnings"] == [
        "the 1 items were released; Mailcow also said: Mailcow refused POST /edit/qitem: Rspamd could not learn the message as ham: Curl: x "
        "(1 other part(s) of the request succeeded)"]


def test_learn_ham_sends_learnham_for_every_item_in_one_request(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", EDIT, {"items": ["1", "2"], "attr": {"action": "learnham"}},
                   reply=[{"type": "success", "msg": ["item_released", i]} for i in ("1", "2")]
                   + [{"type": "success", "msg": ["learned_ham", i]} for i in ("1", "2")])
    mailcow.expect("GET", ALL, reply=without(1, 2))
    result = run(mailcow, action="learn_ham", mailbox=["alice@rb.example"], max_share=70)
    assert result["changed"] and [i["mailcow_id"] for i in result["quarantined"]] == [1, 2] and "warnings" not in result


def test_a_lost_answer_is_decided_by_reading_the_quarantine_again(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", DELETE, ["2", "3"], reply=DROP)
    mailcow.expect("GET", ALL, reply=without(2, 3))
    result = run(mailcow, action="delete", identities=[TWO, THREE])
    assert result["changed"] and result["outcome"] == "confirmed"


def test_a_lost_answer_and_a_failed_re_read_leave_the_outcome_unknown(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", DELETE, ["3"], reply=DROP)
    mailcow.expect("GET", ALL, reply=DROP)
    with pytest.raises(MailcowUnknownOutcomeError, match="its outcome is unknown \\(re-reading the quarantine failed"):
        run(mailcow, action="delete", identities=[THREE])


def test_read_only_key_is_refused_by_mailcow_on_the_write(mailcow) -> None:
    ro = transcript("edit_qitem_ro_key", Q)
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", EDIT, {"items": ["1"], "attr": {"action": "release"}}, reply=ro["body"], status=ro["status"])
    with pytest.raises(MailcowForbiddenError, match="read/write access denied"):
        run(mailcow, action="release", identities=[ONE])


@pytest.mark.parametrize("given, message", [
    ({"action": "delete"}, "name the items to delete with identities"),
    ({"action": "delete", "older_than": "last week"}, "older_than must be an ISO 8601 time"),
    ({"action": "release", "identities": ["QID1"]}, "identities[0] must be an item's identity"),
    ({"action": "delete", "domain": ["rb.example"], "max_share": -1}, "max_share must be a percentage from 0 to 100"),
])
def test_bad_input_is_refused_before_any_request(mailcow, given, message) -> None:
    with pytest.raises(MailcowOptionError) as caught:
        run(mailcow, **given)
    assert message in str(caught.value) and mailcow.seen == []


def test_guard_refuses_after_the_read_and_before_any_write(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=ROWS)
    with pytest.raises(MailcowOptionError, match="the filters select 3 of the 3 quarantined items \\(100%\\), more than max_share=50%"):
        run(mailcow, action="delete", older_than="1h")
    assert [call[0] for call in mailcow.seen] == ["GET"]


def test_items_gone_before_the_write_are_a_warning_not_a_failure(mailcow) -> None:
    """Two runs at once: the other took item 3 out between this run's read and its write; Mailcow answers access_denied."""
    mailcow.expect("GET", ALL, reply=ROWS)
    mailcow.expect("POST", EDIT, {"items": ["3"], "attr": {"action": "learnspam"}}, reply=recorded("edit_qitem_missing"))
    mailcow.expect("GET", ALL, reply=without(3))
    result = run(mailcow, action="learn_spam", identities=[THREE])
    assert result["changed"] and result["warnings"] == [
        "the 1 items left the quarantine; Mailcow did not find some of them any more when the request came: Mailcow refused POST /edit/qitem: "
        "access denied, or the object does not exist"]
