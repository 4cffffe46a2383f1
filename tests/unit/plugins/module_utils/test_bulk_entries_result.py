# SPDX-License-Identifier: GPL-3.0-or-later
"""The bulk forms' result: one diff per changed object with its own headers, and a summary in words."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, summary_sentence


class FakePlan(t.NamedTuple):
    address: str
    action: str
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None

    @property
    def changed(self) -> bool:
        return self.action != "none"


def plans() -> list[FakePlan]:
    return [
        FakePlan("alice@example.org", "update", {"quota": 1}, {"quota": 2}),
        FakePlan("bob@example.org", "none", {"quota": 1}, {"quota": 1}),
        FakePlan("dave@example.org", "create", None, {"quota": 5}),
        FakePlan("erin@example.org", "create", None, {"quota": 5}),
        FakePlan("old@example.org", "delete", {"quota": 3}, None),
    ]


def result(check_mode: bool = False, diff: bool = True) -> dict[str, t.Any]:
    return bulk_result(plans(), kind="mailboxes", diff=diff, check_mode=check_mode, before_view=lambda p: p.before, after_view=lambda p: p.after)


def test_one_diff_per_changed_object_headed_by_its_address() -> None:
    assert result()["diff"] == [
        {"before_header": "alice@example.org", "after_header": "alice@example.org", "before": {"quota": 1}, "after": {"quota": 2}},
        {"before_header": "dave@example.org", "after_header": "dave@example.org", "before": {}, "after": {"quota": 5}},
        {"before_header": "erin@example.org", "after_header": "erin@example.org", "before": {}, "after": {"quota": 5}},
        {"before_header": "old@example.org", "after_header": "old@example.org", "before": {"quota": 3}, "after": {}},
    ]


def test_no_diff_without_diff_mode_and_counts_kept() -> None:
    res = result(diff=False)
    assert "diff" not in res
    assert res["summary"] == {"created": 2, "updated": 1, "deleted": 1, "unchanged": 1}
    assert res["changed"] is True


def test_sentence_names_what_changed() -> None:
    assert result()["msg"] == "created 2 (dave, erin), updated 1 (alice), deleted 1 (old), 1 unchanged"


def test_check_mode_sentence_says_would() -> None:
    assert result(check_mode=True)["msg"] == "would create 2 (dave, erin), would update 1 (alice), would delete 1 (old), 1 unchanged"


def test_sentence_names_the_first_ten_then_counts() -> None:
    many = [FakePlan("u%02d@example.org" % i, "create", None, {}) for i in range(13)]
    assert summary_sentence(many) == "created 13 (u00, u01, u02, u03, u04, u05, u06, u07, u08, u09, and 3 more)"


def test_sentence_without_changes_and_catch_all_name() -> None:
    assert summary_sentence([FakePlan("a@example.org", "none", {}, {})]) == "no change (1 unchanged)"
    assert summary_sentence([]) == "no change (none listed)"
    assert summary_sentence([FakePlan("@example.org", "delete", {}, None)], check_mode=True) == "would delete 1 (@example.org)"
