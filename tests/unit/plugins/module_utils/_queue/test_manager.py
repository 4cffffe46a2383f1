# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_queue's and mailcow_queue_info's decisions as exact HTTP conversations, with the answers the real Mailcow recorded.

The recording's queue was empty (get_mailq_all: ``[]``); a listing with messages is written here in
the form Mailcow gives it: Postfix's ``postqueue -j`` entries with each recipient flattened to
``"address (delay reason)"``.
"""

from __future__ import annotations

import datetime
import time

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowForbiddenError,
    MailcowNotFoundError,
    MailcowOptionError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.manager import info, manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.model import normalize
from ...scripted_mailcow import recorded_request, transcript

QUEUE = "transcripts-queue.jsonl"
EMPTY = transcript("get_mailq_all", QUEUE)["body"]
HELD = transcript("edit_mailq_hold", QUEUE)["body"]
DELETED = transcript("delete_mailq_one", QUEUE)["body"]
RO = transcript("delete_mailq_ro_key", QUEUE)
GET, EDIT, DELETE = "/api/v1/get/mailq/all", "/api/v1/edit/mailq", "/api/v1/delete/mailq"
NOW = int(time.time())
REFUSED = "connect to mx.remote.example[192.0.2.5]:25: Connection refused"


def listed(qid: str, queue_name: str = "deferred", sender: str = "alice@rb.example", age: int = 7200, rcpts: tuple = ()) -> dict:
    return {"queue_name": queue_name, "queue_id": qid, "arrival_time": NOW - age, "message_size": 2048, "forced_expire": False,
            "sender": sender, "recipients": list(rcpts) or ["x@remote.example (%s)" % REFUSED]}


LISTING = [listed("ABCDEF123"), listed("0123456789", sender="bob@rb.example", age=60, rcpts=("y@up.example",))]


def params(action: str | None = None, **given):
    base = {"queue_ids": [], "sender": None, "recipient": None, "older_than": None, "status": [], "allow_delete_all": False,
            "delete_max_share": 50}
    return dict(base, action=action, **given)


def run(server, action, check_mode=False, key="K", **given):
    return manage(MailcowClient(server.url, key, retries=0), params(action, **given), check_mode=check_mode, diff_mode=True)


def test_hold_is_the_recorded_request_then_read_back(mailcow) -> None:
    recorded = recorded_request("edit_mailq_hold", QUEUE)
    mailcow.expect("GET", GET, reply=LISTING).expect("POST", EDIT, recorded["body"], reply=HELD)
    mailcow.expect("GET", GET, reply=[listed("ABCDEF123", "hold"), LISTING[1]])
    result = run(mailcow, "hold", queue_ids=["abcdef123"])
    assert result["changed"] and result["queue_ids"] == ["ABCDEF123"] and result["total"] == 2
    assert result["diff"] == {"before": {"queue": {"ABCDEF123": {"status": "deferred", "sender": "alice@rb.example", "recipients": ["x@remote.example"]}}},
                              "after": {"queue": {"ABCDEF123": {"status": "hold", "sender": "alice@rb.example", "recipients": ["x@remote.example"]}}}}


def test_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", GET, reply=LISTING)
    result = run(mailcow, "delete", check_mode=True, sender="rb.example", delete_max_share=100)
    assert result["changed"] and result["queue_ids"] == ["ABCDEF123", "0123456789"] and result["diff"]["after"] == {"queue": {}}
    assert [seen[0] for seen in mailcow.seen] == ["GET"]


def test_delete_sends_a_bare_list_and_checks_the_queue_after(mailcow) -> None:
    mailcow.expect("GET", GET, reply=LISTING).expect("POST", DELETE, ["ABCDEF123"], reply=DELETED).expect("GET", GET, reply=LISTING[1:])
    result = run(mailcow, "delete", queue_ids=["ABCDEF123", "FEDCBA987"])
    assert result["changed"] and result["queue_ids"] == ["ABCDEF123"] and result["missing"] == ["FEDCBA987"]


def test_success_that_did_nothing_is_an_error(mailcow) -> None:
    """The recorded stub answered queue_command_success for a queue id it never acted on: only the re-read tells."""
    mailcow.expect("GET", GET, reply=LISTING).expect("POST", DELETE, ["ABCDEF123"], reply=DELETED).expect("GET", GET, reply=LISTING)
    with pytest.raises(MailcowValidationError, match=r"still shows ABCDEF123 \(deferred\)"):
        run(mailcow, "delete", queue_ids=["ABCDEF123"])


def test_flush_without_selection_flushes_the_queue_and_with_one_delivers(mailcow) -> None:
    mailcow.expect("GET", GET, reply=LISTING)
    mailcow.expect("POST", EDIT, {"items": ["ABCDEF123", "0123456789"], "attr": {"action": "flush"}},
                   reply=transcript("edit_mailq_flush", QUEUE)["body"])
    assert run(mailcow, "flush")["changed"]
    mailcow.expect("GET", GET, reply=LISTING)
    mailcow.expect("POST", EDIT, {"items": ["0123456789"], "attr": {"action": "deliver"}}, reply=transcript("edit_mailq_deliver", QUEUE)["body"])
    assert run(mailcow, "flush", sender="bob@rb.example")["queue_ids"] == ["0123456789"]


def test_release_sends_unhold(mailcow) -> None:
    mailcow.expect("GET", GET, reply=[listed("ABCDEF123", "hold")])
    mailcow.expect("POST", EDIT, recorded_request("edit_mailq_unhold", QUEUE)["body"], reply=transcript("edit_mailq_unhold", QUEUE)["body"])
    mailcow.expect("GET", GET, reply=[listed("ABCDEF123", "active")])
    assert run(mailcow, "release", status=["hold"])["queue_ids"] == ["ABCDEF123"]


@pytest.mark.parametrize("empty", [EMPTY, {}])
def test_empty_queue_changes_nothing(mailcow, empty) -> None:
    mailcow.expect("GET", GET, reply=empty).expect("GET", GET, reply=empty)
    assert not run(mailcow, "delete", older_than="1d")["changed"]
    seen = info(MailcowClient(mailcow.url, "K", retries=0), params())
    assert seen["queue"] == [] and seen["total"] == 0 and seen["counts"]["deferred"] == 0


def test_unknown_queue_id_fails_after_the_read_only(mailcow) -> None:
    mailcow.expect("GET", GET, reply=LISTING)
    with pytest.raises(MailcowNotFoundError, match="FEDCBA987 is not in the mail queue"):
        run(mailcow, "hold", queue_ids=["FEDCBA987"])


def test_long_queue_ids_are_refused_before_any_write(mailcow) -> None:
    """Postfix's long queue ids (enable_long_queue_ids) are not hexadecimal: Mailcow's dockerapi would skip them and say success."""
    mailcow.expect("GET", GET, reply=[listed("4dXx1q0Gz9zJ8vX"), LISTING[1]])
    with pytest.raises(MailcowOptionError, match="4dXx1q0Gz9zJ8vX would be held, but Mailcow acts only on hexadecimal queue ids"):
        run(mailcow, "hold", sender="alice@rb.example")


def test_read_only_key_is_refused_on_the_write(mailcow) -> None:
    mailcow.expect("GET", GET, reply=LISTING).expect("POST", DELETE, ["ABCDEF123"], status=RO["status"], reply=RO["body"])
    with pytest.raises(MailcowForbiddenError):
        run(mailcow, "delete", queue_ids=["ABCDEF123"])


@pytest.mark.parametrize("given, message", [
    ({"queue_ids": ["ABC"]}, "queue_ids: 'ABC' is not a Postfix queue id"),
    ({"queue_ids": ["4F2A91C0DX"]}, "queue_ids: '4F2A91C0DX' is not a Postfix queue id"),
    ({"older_than": "1y"}, "older_than must be an age"),
    ({"recipient": "a@b@c"}, "recipient"),
    ({"status": ["held"]}, "status must name Postfix queues"),
    ({"delete_max_share": -1}, "delete_max_share must be a percentage from 0 to 100, got -1"),
])
def test_bad_input_sends_nothing(mailcow, given, message) -> None:
    with pytest.raises(MailcowOptionError, match=message):
        run(mailcow, "delete", **given)
    assert mailcow.seen == []


@pytest.mark.parametrize("raw, expected", [
    ("x@remote.example", {"address": "x@remote.example", "delay_reason": None}),
    ("x@remote.example (%s)" % REFUSED, {"address": "x@remote.example", "delay_reason": REFUSED}),
    ("x@remote.example (host mx[192.0.2.5] said: 450 4.2.0 busy (in reply to RCPT TO command))",
     {"address": "x@remote.example", "delay_reason": "host mx[192.0.2.5] said: 450 4.2.0 busy (in reply to RCPT TO command)"}),
    ({"address": "x@remote.example", "delay_reason": "r"}, {"address": "x@remote.example", "delay_reason": "r"}),
])
def test_recipients_are_split_back(raw, expected) -> None:
    now = datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc)
    entry = normalize(dict(listed("ABCDEF123"), recipients=[raw]), now)
    assert entry["recipients"] == [expected] and entry["age_seconds"] == 7200
