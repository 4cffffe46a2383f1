# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper: count what a playbook changed, without a stdout callback's buffering.

Enabled by tests/bench/run.py (ANSIBLE_CALLBACKS_ENABLED=bench_counts); writes one JSON object to
the file named by BENCH_COUNTS_FILE when the playbook ends:
  tasks_changed  task results with changed=true (what PLAY RECAP's changed= counts)
  changed        mailboxes changed: a bulk result's summary (created+updated+deleted), else one
                 per changed loop item or changed task
  failed         failed task results and loop items; first_failure: the first one's msg
It keeps counters only, so it adds nothing to the controller's memory.
"""

from __future__ import annotations

import json
import os
import typing as t

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_counts
type: aggregate
short_description: Count changed and failed results for the benchmark
description:
  - Writes counts to the file named by the BENCH_COUNTS_FILE environment variable.
requirements:
  - enabled in callbacks_enabled
"""

SUMMARY_CHANGES = ("created", "updated", "deleted")


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_counts"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.counts: dict[str, t.Any] = {"tasks_changed": 0, "changed": 0, "failed": 0, "first_failure": None}

    def _changes_of(self, result: dict[str, t.Any]) -> int:
        summary = result.get("summary")
        if isinstance(summary, dict) and any(key in summary for key in SUMMARY_CHANGES):
            return sum(int(summary.get(key) or 0) for key in SUMMARY_CHANGES)
        return 1 if result.get("changed") else 0

    def _failure(self, result: dict[str, t.Any]) -> None:
        self.counts["failed"] += 1
        if self.counts["first_failure"] is None:
            self.counts["first_failure"] = str(result.get("msg", "?"))[:500]

    def v2_runner_on_ok(self, result: t.Any) -> None:
        res = result._result
        if res.get("changed"):
            self.counts["tasks_changed"] += 1
        if "results" not in res:
            self.counts["changed"] += self._changes_of(res)

    def v2_runner_item_on_ok(self, result: t.Any) -> None:
        self.counts["changed"] += self._changes_of(result._result)

    def v2_runner_on_failed(self, result: t.Any, ignore_errors: bool = False) -> None:
        if "results" not in result._result:
            self._failure(result._result)

    def v2_runner_item_on_failed(self, result: t.Any) -> None:
        self._failure(result._result)

    def v2_runner_on_unreachable(self, result: t.Any) -> None:
        self._failure(result._result)

    def v2_playbook_on_stats(self, stats: t.Any) -> None:
        path = os.environ.get("BENCH_COUNTS_FILE")
        if path:
            with open(path, "w") as out:
                json.dump(self.counts, out)
