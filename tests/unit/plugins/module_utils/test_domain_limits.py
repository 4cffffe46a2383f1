# SPDX-License-Identifier: GPL-3.0-or-later
"""What the domain's limits let a run write, from a recorded get/domain answer (tests/fixtures/mailcow-api)."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_limits import alias_problems, mailbox_problems, refuse
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowValidationError
from ..scripted_mailcow import transcript

MIB = 1024 * 1024
# example.org as recorded: 10 mailboxes, 400 aliases, 2048 MiB per mailbox, 4096 MiB in all, nothing used.
DOMAIN = transcript("get_domain_single")["body"]


class Plan(t.NamedTuple):
    address: str
    action: str
    before: dict[str, t.Any] | None = None
    after: dict[str, t.Any] | None = None


def create(name: str, quota: int = 0) -> Plan:
    return Plan(name + "@example.org", "create", None, {"quota": quota})


def used(mailboxes: int, quota_m: int) -> dict[str, t.Any]:
    """The domain holding ``mailboxes`` mailboxes that use ``quota_m`` MiB of its total."""
    return dict(DOMAIN, mboxes_in_domain=mailboxes, quota_used_in_domain=str(quota_m * MIB))


def test_recorded_limits_let_a_fitting_run_through() -> None:
    assert mailbox_problems(DOMAIN, [create("a", 2048), create("b", 2048), create("c")]) == []
    assert alias_problems(DOMAIN, [create("a"), create("b")]) == []


def test_quota_above_the_maximum_per_mailbox_names_the_entry_and_the_limit() -> None:
    assert mailbox_problems(DOMAIN, [create("a", 100), create("dan", 3000)]) == [
        ("dan@example.org", "quota 3000 MiB is above the domain's maximum per mailbox (2048 MiB)", "mailbox_quota_exceeded")]


def test_unlimited_quota_is_never_refused_and_takes_nothing() -> None:
    assert mailbox_problems(used(1, 4096), [create("a", 0)]) == []


def test_sum_counts_deletes_and_resizes_first() -> None:
    full = used(2, 4096)
    assert [problem[0] for problem in mailbox_problems(full, [create("a", 10)])] == ["a@example.org"]
    freed = Plan("old@example.org", "delete", {"quota": 2048}, None)
    shrunk = Plan("big@example.org", "update", {"quota": 2048}, {"quota": 1000})
    assert mailbox_problems(full, [freed, shrunk, create("a", 2048), create("b", 1048)]) == []
    assert mailbox_problems(full, [freed, shrunk, create("a", 2048), create("b", 1049)])[0][1:] == (
        "the new quotas add up to 4097 MiB, more than the 4096 MiB left of the domain's total quota (4096 MiB)", "mailbox_quota_left_exceeded")


def test_an_entry_refused_for_its_own_quota_does_not_count_in_the_sum() -> None:
    assert [problem[0] for problem in mailbox_problems(DOMAIN, [create("a", 2048), create("dan", 3000)])] == ["dan@example.org"]


def test_mailbox_count_counts_deletes_first() -> None:
    nine = used(9, 0)
    assert mailbox_problems(nine, [create("a"), create("b")]) == [
        ("b@example.org", "the domain allows 10 mailboxes and holds 9: 1 more can be added, 2 are to be added", "max_mailbox_exceeded")]
    assert mailbox_problems(nine, [Plan("old@example.org", "delete", {"quota": 0}), create("a"), create("b")]) == []


def test_aliases_beyond_what_is_left() -> None:
    few = dict(DOMAIN, aliases_left=1)
    assert alias_problems(few, [create("a"), create("b")]) == [
        ("b@example.org", "the domain allows 400 aliases and has 1 left: 2 are to be added", "max_alias_exceeded")]
    assert alias_problems(few, [Plan("old@example.org", "delete"), create("a"), create("b")]) == []
    # Mailcow refuses only when exactly none is left: a domain above its (lowered) maximum still takes aliases.
    assert alias_problems(dict(DOMAIN, aliases_left=-3), [create("a")]) == []


def test_refusal_lists_each_entry_once_with_all_its_reasons() -> None:
    with pytest.raises(MailcowValidationError) as info:
        refuse([("a@x", "one", "k1"), ("b@x", "two", "k2"), ("a@x", "three", "k3")], "x")
    assert str(info.value) == "Mailcow would refuse 2 entries in domain x, so nothing was written: a@x: one; three; b@x: two"
    assert info.value.msg_key == "k1"
    assert info.value.to_result()["failed_entries"] == [
        {"item": "a@x", "error": "one; three", "msg_key": "k1"}, {"item": "b@x", "error": "two", "msg_key": "k2"}]
    refuse([], "x")
