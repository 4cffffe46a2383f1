# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared batching helpers: grouping equal edits, collecting failures, bounded parallel adds."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._batch import attempt, attempt_parallel, group, raise_failures
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowValidationError


class P(t.NamedTuple):
    address: str
    attr: dict | None
    id: int = 0


def test_group_shares_equal_attributes_and_skips_empty() -> None:
    plans = [P("a", {"x": 1, "y": 2}, 1), P("b", {"y": 2, "x": 1}, 2), P("c", {"x": 2}, 3), P("d", None, 4)]
    assert group(plans, "attr") == [({"x": 1, "y": 2}, ["a", "b"]), ({"x": 2}, ["c"])]
    assert group(plans, "attr", item=lambda p: str(p.id)) == [({"x": 1, "y": 2}, ["1", "2"]), ({"x": 2}, ["3"])]


def test_attempt_records_instead_of_raising() -> None:
    failures: list = []

    def boom() -> None:
        raise MailcowValidationError("nope")

    assert attempt(failures, ["a"], boom) == (["a"], failures[0][1])
    assert attempt(failures, ["b"], lambda: None) is None
    assert [items for items, _exc in failures] == [["a"]]


def test_raise_failures_one_as_is_several_named() -> None:
    raise_failures([])
    one = MailcowValidationError("only one")
    with pytest.raises(MailcowValidationError, match="only one"):
        raise_failures([(["a"], one)])
    with pytest.raises(MailcowError, match=r"2 writes failed: a: first; b, c: second"):
        raise_failures([(["a"], MailcowError("first")), (["b", "c"], MailcowError("second"))])


def test_attempt_parallel_bounds_concurrency_and_keeps_job_order() -> None:
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

    failures: list = []
    attempt_parallel(failures, [([n], job(n)) for n in "abcdef"], concurrency=2)
    assert running[1] == 2
    assert [items for items, _exc in failures] == [["b"], ["e"]]
