# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared batching helpers: grouping equal edits, collecting failures, bounded parallel adds,
stopping on a dead server, and summarising long failure lists."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowBatchError,
    MailcowError,
    MailcowExistsError,
    MailcowTransportError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import STOP_AFTER, Writes, group


class P(t.NamedTuple):
    address: str
    attr: dict | None
    id: int = 0


def test_group_shares_equal_attributes_and_skips_empty() -> None:
    plans = [P("a", {"x": 1, "y": 2}, 1), P("b", {"y": 2, "x": 1}, 2), P("c", {"x": 2}, 3), P("d", None, 4)]
    assert group(plans, "attr") == [({"x": 1, "y": 2}, ["a", "b"]), ({"x": 2}, ["c"])]
    assert group(plans, "attr", item=lambda p: str(p.id)) == [({"x": 1, "y": 2}, ["1", "2"]), ({"x": 2}, ["3"])]


def _raise(exc: MailcowError) -> t.Callable[[], None]:
    def call() -> None:
        raise exc
    return call


def test_attempt_records_instead_of_raising() -> None:
    writes = Writes()
    assert writes.attempt(["a"], _raise(MailcowValidationError("nope"))) is False
    assert writes.attempt(["b"], lambda: None) is True
    assert [items for items, _exc in writes.failures] == [["a"]]
    assert writes.done == ["b"]


def test_undecided_answers_are_set_aside() -> None:
    writes = Writes()
    writes.attempt(["empty"], _raise(MailcowUnknownOutcomeError("empty body", status=200)))
    writes.attempt(["lost"], _raise(MailcowTransportError("connection lost after sending")))
    writes.attempt(["refused"], _raise(MailcowTransportError("could not connect", not_sent=True)))
    writes.attempt(["exists"], _raise(MailcowExistsError("exists")), exists_unknown=True)
    writes.attempt(["exists-edit"], _raise(MailcowExistsError("exists")))
    assert [items[0] for items, _exc in writes.unknown] == ["empty", "lost", "exists"]
    assert [items[0] for items, _exc in writes.failures] == ["refused", "exists-edit"]


def test_raise_failures_one_as_is_several_summarised() -> None:
    Writes().raise_failures()
    one = Writes()
    one.attempt(["a"], _raise(MailcowValidationError("only one")))
    with pytest.raises(MailcowValidationError, match="only one"):
        one.raise_failures()
    several = Writes()
    several.attempt(["a"], _raise(MailcowError("first")))
    several.attempt(["b", "c"], _raise(MailcowError("second")))
    with pytest.raises(MailcowBatchError, match=r"^3 failed \(.*\): a, b, c; 0 done") as info:
        several.raise_failures()
    assert info.value.details["failed_entries"] == [
        {"item": "a", "error": "first"}, {"item": "b", "error": "second"}, {"item": "c", "error": "second"}]


def test_an_undecided_write_left_over_says_it_may_have_been_applied() -> None:
    writes = Writes()
    writes.attempt(["a"], _raise(MailcowTransportError("no answer within 30 seconds after sending POST /add/mailbox")))
    with pytest.raises(MailcowUnknownOutcomeError, match="after sending POST /add/mailbox; its outcome is unknown: the write may have been applied"):
        writes.raise_failures()


def test_summary_of_114_failures_is_short_and_lists_every_entry() -> None:
    writes = Writes()
    for number in range(100):
        writes.attempt(["q%03d@example.org" % number], _raise(MailcowValidationError(
            "Mailcow refused POST /add/mailbox: the mailbox quota exceeds what is left", msg_key="mailbox_quota_left_exceeded")))
    for number in range(14):
        writes.attempt(["x%03d@example.org" % number], _raise(MailcowError("Mailcow refused POST /add/mailbox: mailbox_invalid", msg_key="mailbox_invalid")))
    writes.attempt(["ok@example.org"], lambda: None)
    with pytest.raises(MailcowBatchError) as info:
        writes.raise_failures()
    message = str(info.value)
    assert message.startswith("114 failed (100 mailbox_quota_left_exceeded, e.g. Mailcow refused POST /add/mailbox: the mailbox quota exceeds what is left; "
                              "14 mailbox_invalid, e.g. ")
    assert "q009@example.org, ... (104 more); 1 done" in message
    assert "q010@" not in message and len(message) < 600
    entries = info.value.to_result()["failed_entries"]
    assert len(entries) == 114 and entries[113] == {"item": "x013@example.org", "error": "Mailcow refused POST /add/mailbox: mailbox_invalid"}
    assert info.value.to_result()["done"] == ["ok@example.org"]


def test_a_dead_server_stops_new_writes() -> None:
    writes = Writes()
    calls: list[str] = []

    def refused(name: str) -> t.Callable[[], None]:
        def call() -> None:
            calls.append(name)
            raise MailcowTransportError("could not connect to Mailcow API at https://x/api/v1: Connection refused", not_sent=True)
        return call

    writes.attempt(["first"], lambda: None)
    writes.attempt_parallel([(["n%02d" % n], refused("n%02d" % n)) for n in range(20)], concurrency=1)
    assert len(calls) == STOP_AFTER
    with pytest.raises(MailcowBatchError) as info:
        writes.raise_failures()
    assert str(info.value).startswith("3 failed (3 could not connect, e.g. could not connect to Mailcow API at https://x/api/v1: Connection refused): "
                                      "n00, n01, n02; 17 not attempted after 3 consecutive connection failures: n03, ")
    assert info.value.details["not_attempted"] == ["n%02d" % n for n in range(3, 20)]


@pytest.mark.parametrize(("statuses", "reason"), [
    ((502, 502, 503), "3 consecutive HTTP 502/503/504 answers of a proxy (Mailcow itself not answering)"),
    ((None, 502, None), "3 consecutive connection failures or HTTP 502/503/504 answers of a proxy"),
])
def test_a_dead_server_behind_a_proxy_is_named_as_such(statuses: tuple[int | None, ...], reason: str) -> None:
    writes = Writes()
    for n, status in enumerate(statuses):
        text = "Mailcow API answered POST /add/mailbox with HTTP %s (text/html): Bad Gateway" % status if status else "connection lost after sending"
        writes.attempt(["n%d" % n], _raise(MailcowTransportError(text, status=status)))
    writes.attempt(["n3"], lambda: None)
    with pytest.raises(MailcowBatchError) as info:
        writes.raise_failures()
    assert "; 1 not attempted after %s: n3; 0 done." % reason in str(info.value)
    assert "connection failures: " not in str(info.value)


def test_a_success_or_a_refusal_resets_the_dead_server_count() -> None:
    writes = Writes()
    lost = MailcowTransportError("connection lost after sending")
    for _round in range(3):
        writes.attempt(["a"], _raise(lost))
        writes.attempt(["b"], _raise(lost))
        writes.attempt(["c"], _raise(MailcowValidationError("refused", status=200)))
    assert not writes.stopped and not writes.not_attempted


def test_attempt_parallel_bounds_concurrency() -> None:
    lock = threading.Lock()
    running = [0, 0]  # now, peak

    def job(name: str) -> t.Callable[[], None]:
        def run() -> None:
            with lock:
                running[0] += 1
                running[1] = max(running[1], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            if name in ("b", "e"):
                raise MailcowError("failed " + name)
        return run

    writes = Writes()
    writes.attempt_parallel([([n], job(n)) for n in "abcdef"], concurrency=2)
    assert running[1] == 2
    assert sorted(items[0] for items, _exc in writes.failures) == ["b", "e"]


def test_gateway_errors_count_as_a_dead_server_and_504_is_undecided() -> None:
    writes = Writes()
    page = "Mailcow API answered POST /add/mailbox with HTTP %d (text/html): %d nginx"
    writes.attempt(["a"], _raise(MailcowTransportError(page % (502, 502), status=502)))
    writes.attempt(["b"], _raise(MailcowError("Mailcow API refused POST /add/mailbox: HTTP 503 busy", status=503, msg_key="busy")))
    writes.attempt(["c"], _raise(MailcowTransportError(page % (504, 504), status=504)))
    writes.attempt(["d"], lambda: None)
    assert writes.stopped and writes.not_attempted == ["d"]
    assert [items for items, _exc in writes.failures] == [["a"], ["b"]]
    assert [items for items, _exc in writes.unknown] == [["c"]]
