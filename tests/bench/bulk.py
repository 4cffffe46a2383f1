# SPDX-License-Identifier: GPL-3.0-or-later
"""Part "bulk": one mailcow_mailbox call with thousands of entries, each with its own password, in check mode.

An entry's password is a no_log value, and ansible-core masks every no_log value in every string a
module returns, one value after the other: strings x values, which grows with the square of the
entries (before the collection masked its results itself: 5,000 entries 5.3 s, 10,000 15.3 s, 50,000
not done after 15 minutes). This part runs bulk_check.yml (the whole list in one call, check mode,
against an empty domain) at 5,000 and 50,000 entries, in the task's worker (the default on a
controller set up as README says) and as a module process, and measures for each run the time from
starting ansible-playbook to the emulator's first API request, the CPU time the run had used by then,
the whole run's wall and CPU time, and the peak RSS of its process tree.

Baseline, in the same run: bulk_ansible_only.yml, ansible-core alone with the same inventory, carrying
the same list to one API request with ansible.builtin.uri. Loading an inventory variable of 50,000
entries alone costs ansible-core about 10 s of CPU, 5,000 about 1.5 s: the baseline says how much of
each figure is not the collection's.

Targets. Absolute, the issue's (wall time, as a user waits): 5,000 entries reach the first request
within 2 s and 50,000 within 30 s; the whole check-mode run of 50,000 takes under 60 s. Relative, against
the same run's baselines, in CPU time (which other jobs on a busy machine do not inflate, as they do
wall time): the CPU to the first request at most 1.5 times ansible-core's with the same list; the 50,000
run at most 15 times the CPU of the 5,000 run (linear growth is 10 times; the quadratic masking was
about 100 times); a peak RSS at most 2.5 times ansible-core's with the same list.

BENCH_BULK_N=5000,50000 (default) sets the sizes; the targets name the two default sizes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

import inventory
from phases import HERE, PHASE_TIMEOUT, Bench, ansible_playbook

DOMAIN = "bulk.bench.example.test"
# add/domain values that hold 50,000 mailboxes of the default quota (nothing is created: check mode).
LIMITS = {"mailboxes": 100000, "aliases": 400, "quota": 1024 * 100000}
SMALL, LARGE = 5000, 50000
FIRST_REQUEST_LIMITS = {SMALL: 2.0, LARGE: 30.0}
TOTAL_LIMIT = 60.0
GROWTH_LIMIT = 15.0
FIRST_CPU_FACTOR_LIMIT = 1.5
RSS_FACTOR_LIMIT = 2.5
ALONE = "ansible-core alone"
RUNS = (("in process", "bulk_check.yml", True), ("module process", "bulk_check.yml", False), (ALONE, "bulk_ansible_only.yml", True))


def sizes() -> list[int]:
    return sorted({int(n) for n in os.environ.get("BENCH_BULK_N", "%d,%d" % (SMALL, LARGE)).split(",") if n.strip()})


def write_inventory(bench: Bench, n: int, in_process: bool) -> Path:
    data = inventory.inventory(inventory.mailboxes(n))
    host = data["all"]["hosts"][inventory.HOST]
    host["mailcow_domain"] = DOMAIN
    host["glassdome_mailcow_in_process"] = in_process
    path = bench.work / ("inventory-bulk-%d-%s.json" % (n, "inprocess" if in_process else "module"))
    path.write_text(json.dumps(data) + "\n")
    return path


def run_one(bench: Bench, label: str, playbook: str, inv: Path, n: int) -> dict[str, t.Any]:
    """One ansible-playbook under measure.py; the emulator says when its first API request came."""
    slug = "bulk-%d-%s" % (n, label.replace(" ", "_").replace("-", "_"))
    log, counts_file = bench.logs / (slug + ".log"), bench.work / "counts.json"
    log.unlink(missing_ok=True)
    counts_file.unlink(missing_ok=True)
    bench.sandbox.reset_stats()
    argv = [sys.executable, str(HERE / "measure.py"), str(log), "--timeline", "--", ansible_playbook(), "-i", str(inv), str(HERE / playbook)]
    proc = subprocess.run(argv, env=dict(bench.env(), BENCH_COUNTS_FILE=str(counts_file)), cwd=str(bench.work), capture_output=True, text=True,
                          timeout=PHASE_TIMEOUT, check=False)
    measured = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 and proc.stdout.strip() else {"rc": -1}
    stats = bench.sandbox.stats()
    counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    first = stats.get("first_request_at")
    record = {
        "run": label, "n": n, "rc": measured.get("rc"), "wall_s": measured.get("wall_s"), "cpu_s": measured.get("cpu_s"),
        "first_request_s": round(first - measured["started_at"], 3) if first and measured.get("started_at") else None,
        "first_request_cpu_s": cpu_at(measured.get("cpu_timeline") or [], first),
        "peak_rss_mib": round(measured.get("peak_rss_kib", 0) / 1024, 1), "requests": stats.get("requests"),
        "changed": counts.get("changed"), "failed": counts.get("failed"), "first_failure": counts.get("first_failure"), "log": str(log),
    }
    bench.note("bulk N=%d %-18s first request %s s (CPU %s s), wall %s s (CPU %s s), %s MiB, changed %s%s" % (
        n, label, record["first_request_s"], record["first_request_cpu_s"], record["wall_s"], record["cpu_s"], record["peak_rss_mib"],
        record["changed"],
        "" if ok(record) else " FAILED (see %s)" % log))
    return record


def cpu_at(timeline: list[list[float]], when: float | None) -> float | None:
    """The command's CPU seconds at the moment ``when``, from measure.py's samples (every 0.1 s), interpolated."""
    if when is None or not timeline:
        return None
    before = [sample for sample in timeline if sample[0] <= when] or timeline[:1]
    after = [sample for sample in timeline if sample[0] >= when] or timeline[-1:]
    (t0, c0), (t1, c1) = before[-1], after[0]
    return round(c0 if t1 == t0 else c0 + (c1 - c0) * (when - t0) / (t1 - t0), 2)


def ok(record: dict[str, t.Any] | None) -> bool:
    return record is not None and record.get("rc") == 0 and not record.get("failed") and record.get("wall_s") is not None


def run(bench: Bench) -> None:
    bench.note("bulk: fresh domain %s" % DOMAIN)
    bench.sandbox.fresh_domain(DOMAIN, **LIMITS)
    bench.sandbox.wait_quiet()
    records = []
    for n in sizes():
        inventories = {in_process: write_inventory(bench, n, in_process) for in_process in (True, False)}
        for label, playbook, in_process in RUNS:
            records.append(run_one(bench, label, playbook, inventories[in_process], n))
        for path in inventories.values():
            path.unlink(missing_ok=True)
    bench.sections.append(section(records))


def find(records: list[dict[str, t.Any]], label: str, n: int) -> dict[str, t.Any] | None:
    return next((r for r in records if r["run"] == label and r["n"] == n), None)


def _fmt(value: float | None, unit: str = " s") -> str:
    return "n/a" if value is None else "%.2f%s" % (value, unit)


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top is not None and bottom else None


def targets(records: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    results = []
    for label in ("in process", "module process"):
        for n, limit in sorted(FIRST_REQUEST_LIMITS.items()):
            rec, alone = find(records, label, n), find(records, ALONE, n)
            if rec is None:
                continue
            first = rec["first_request_s"]
            results.append({"target": "bulk N=%d check mode, %s: first request within %.0f s" % (n, label, limit),
                            "passed": ok(rec) and first is not None and first <= limit,
                            "detail": "first request after %s (%s of CPU)" % (_fmt(first), _fmt(rec["first_request_cpu_s"]))})
            if alone is not None:
                factor = _ratio(rec["first_request_cpu_s"], alone["first_request_cpu_s"]) if ok(rec) and ok(alone) else None
                results.append({"target": "bulk N=%d %s: CPU to the first request <= %.1fx ansible-core alone with the same list" % (
                    n, label, FIRST_CPU_FACTOR_LIMIT), "passed": factor is not None and factor <= FIRST_CPU_FACTOR_LIMIT,
                    "detail": "%s / %s = %s" % (_fmt(rec["first_request_cpu_s"]), _fmt(alone["first_request_cpu_s"]), _fmt(factor, "x"))})
        small, large, alone = find(records, label, SMALL), find(records, label, LARGE), find(records, ALONE, LARGE)
        if large is not None:
            results.append({"target": "bulk N=%d check mode, %s: whole run under %.0f s" % (LARGE, label, TOTAL_LIMIT),
                            "passed": ok(large) and large["wall_s"] < TOTAL_LIMIT,
                            "detail": "wall %s (%s of CPU)" % (_fmt(large["wall_s"]), _fmt(large["cpu_s"]))})
        if small is not None and large is not None:
            growth = _ratio(large["cpu_s"], small["cpu_s"]) if ok(small) and ok(large) else None
            results.append({"target": "bulk %s: N=%d run <= %.0fx the CPU of the N=%d run (linear, not quadratic)" % (
                label, LARGE, GROWTH_LIMIT, SMALL), "passed": growth is not None and growth <= GROWTH_LIMIT,
                "detail": "%s / %s = %s (wall %s / %s)" % (_fmt(large["cpu_s"]), _fmt(small["cpu_s"]), _fmt(growth, "x"),
                                                           _fmt(large["wall_s"]), _fmt(small["wall_s"]))})
        if large is not None and alone is not None:
            factor = _ratio(large["peak_rss_mib"], alone["peak_rss_mib"]) if ok(large) and ok(alone) else None
            results.append({"target": "bulk N=%d %s: peak RSS <= %.1fx ansible-core alone with the same list" % (LARGE, label, RSS_FACTOR_LIMIT),
                            "passed": factor is not None and factor <= RSS_FACTOR_LIMIT,
                            "detail": "%s MiB / %s MiB = %s" % (large["peak_rss_mib"], alone["peak_rss_mib"], _fmt(factor, "x"))})
    return results


def problems(records: list[dict[str, t.Any]]) -> list[str]:
    found = []
    for rec in records:
        if not ok(rec):
            found.append("bulk N=%d %s failed (rc=%s: %s); log %s" % (rec["n"], rec["run"], rec["rc"], rec["first_failure"], rec["log"]))
        elif rec["run"] != ALONE and rec["changed"] != rec["n"]:
            found.append("bulk N=%d %s would change %s mailboxes, expected %d" % (rec["n"], rec["run"], rec["changed"], rec["n"]))
    return found


def section(records: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    lines = [
        "## Bulk: one mailcow_mailbox call with N entries, each with a password, check mode",
        "",
        "| run | N | first request s | its CPU s | wall s | peak RSS MiB | CPU s | requests | would change |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rec in records:
        lines.append("| %s | %d | %s | %s | %s | %.1f | %s | %s | %s |" % (
            rec["run"], rec["n"], _fmt(rec["first_request_s"], ""), _fmt(rec["first_request_cpu_s"], ""),
            _fmt(rec["wall_s"], "") + ("" if ok(rec) else " (failed)"),
            rec["peak_rss_mib"], _fmt(rec["cpu_s"], ""), rec["requests"], rec["changed"] if rec["run"] != ALONE else "-"))
    lines += ["", "First request: from starting ansible-playbook to the emulator's first API request; its CPU: the CPU time the "
              "process tree had used by then (user + system, sampled every 0.1 s), which a busy machine does not inflate as it does "
              "wall time. \"ansible-core alone\" carries the same list from the same inventory to one API request with "
              "ansible.builtin.uri (tests/bench/bulk_ansible_only.yml): the part of each figure that is not the collection's."]
    return {"title": "bulk", "data": records, "markdown": "\n".join(lines), "targets": targets(records), "problems": problems(records)}
