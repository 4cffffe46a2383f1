# SPDX-License-Identifier: GPL-3.0-or-later
"""_drift: the role's registered results (as its modules return them in check mode) summed up per domain.

The end-to-end case (real check mode runs of the role) is tests/integration/test_export.py; these are
the shapes that run does not reach: a run without --diff, loops, skipped tasks, password fields.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.model import diff_text
from ansible_collections.glassdome.mailcow.plugins.plugin_utils._drift import drift


def test_bulk_and_single_results_with_diff() -> None:
    results = {
        "mailbox": {"changed": True, "diff": [
            {"before_header": "alice@x.example", "before": {"address": "alice@x.example", "quota": 1024, "name": "A"},
             "after": {"address": "alice@x.example", "quota": 2048, "name": "A", "password": "(set)"}},
            {"before_header": "eve@x.example", "before": {"address": "eve@x.example"}, "after": {}},
        ]},
        "domain": {"changed": True, "action": "updated",
                   "diff": {"before": {"domain": "x.example", "max_quota": 1}, "after": {"domain": "x.example", "max_quota": 2}}},
        "alias domain": {"changed": True, "results": [
            {"changed": True, "item": {"alias_domain": "a.example"}, "diff": {"before": {}, "after": {"alias_domain": "a.example", "active": True}}},
            {"changed": False, "item": {"alias_domain": "b.example"}},
        ]},
        "sync job": {"skipped": True, "changed": False},
    }
    got = drift(results, "x.example")
    assert got["create"] == ["alias domain a.example"]
    assert got["change"] == {"domain x.example": ["max_quota"], "mailbox alice@x.example": ["quota"]}
    assert got["not_in_code"] == ["mailbox eve@x.example"]
    assert got["summary"] == "x.example: 1 to create, 2 to change (max_quota, quota), 1 not in code"
    assert got["drift"] is True and got["report"] == {"create": got["create"], "change": got["change"], "not_in_code": got["not_in_code"]}


def test_without_diff_a_bulk_result_still_names_its_objects() -> None:
    items = [{"address": "new@x.example", "action": "deleted", "changed": True}, {"address": "s@x.example", "action": "created", "changed": True}]
    results = {"alias": {"changed": True, "aliases": items}}
    got = drift(results, "x.example")
    assert (got["create"], got["change"], got["not_in_code"]) == (["alias s@x.example"], {}, ["alias new@x.example"])
    assert got["summary"] == "x.example: 1 to create, 1 not in code"


def test_nothing_changed_is_no_drift() -> None:
    got = drift({"mailbox": {"changed": False, "mailboxes": [], "diff": []}, "dkim": {}}, "x.example")
    assert got["summary"] == "x.example: no drift" and got["drift"] is False


def test_text_diffs_of_sieve_filters_read_as_their_fields() -> None:
    def item(**extra: t.Any) -> dict[str, t.Any]:
        return dict({"mailbox": "a@x.example", "filter_type": "prefilter", "description": "Spam", "active": True, "script": "keep;\n"}, **extra)

    name = "prefilter 'Spam' of a@x.example"
    results = {"Sieve filter": {"changed": True, "filters": [], "diff": [
        {"before_header": name, "after_header": name, "before": diff_text(item()), "after": diff_text(item(script="discard;\n", active=False))},
        {"before_header": "postfilter 'Old' of a@x.example", "before": diff_text(item(description="Old")), "after": ""},
    ]}}
    got = drift(results, "x.example")
    assert got["change"] == {"Sieve filter " + name: ["active", "script"]}
    assert got["not_in_code"] == ["Sieve filter postfilter 'Old' of a@x.example"]
    bulk = {"Sieve filter": {"changed": True, "filters": [{"filter": name, "action": "created", "changed": True}]}}
    assert drift(bulk, "x.example")["create"] == ["Sieve filter " + name]
