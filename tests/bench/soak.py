# SPDX-License-Identifier: GPL-3.0-or-later
"""Part "soak": 8 concurrent role runs on 8 domains of 250 mailboxes each, then 8 re-runs.

All against one emulator with the benchmark's php-fpm-like worker pool and realistic latency, so
the runs queue for workers as pipelines sharing one Mailcow would. Each run is its own
ansible-playbook under measure.py (wall time, peak RSS of its process tree). After the first
round the server's state is read back over the API (the full listing, not the route the
collection reads) and compared with the inventories: every domain, every mailbox with its name
and quota, and nothing else. A first run changes its domain (created) and its 250 mailboxes;
the re-runs must all report changed=0.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import inventory
from phases import HERE, PHASE_TIMEOUT, Bench, ansible_playbook

RUNS = 8
MAILBOXES = 250
MIB = 1024 * 1024


def domains() -> list[str]:
    return ["soak%d.bench.example.test" % index for index in range(1, RUNS + 1)]


def write_inventories(bench: Bench) -> list[Path]:
    paths = []
    for domain in domains():
        data = inventory.inventory(inventory.mailboxes(MAILBOXES))
        data["all"]["hosts"][inventory.HOST]["mailcow_domain"] = domain
        path = bench.work / ("inventory-soak-%s.json" % domain.split(".")[0])
        path.write_text(json.dumps(data, indent=1) + "\n")
        paths.append(path)
    return paths


def one_round(bench: Bench, inventories: list[Path], phase: str) -> dict[str, t.Any]:
    """All runs at once; returns the round's wall time, the emulator's counters and each run."""
    bench.sandbox.reset_stats()
    started = time.monotonic()
    procs = []
    for index, inv in enumerate(inventories, 1):
        log, counts = bench.logs / ("soak-%s-%d.log" % (phase, index)), bench.work / ("soak-counts-%d.json" % index)
        log.unlink(missing_ok=True)
        counts.unlink(missing_ok=True)
        argv = [sys.executable, str(HERE / "measure.py"), str(log), "--", ansible_playbook(), "-i", str(inv), str(HERE / "role.yml")]
        env = dict(bench.env(), BENCH_COUNTS_FILE=str(counts))
        procs.append((index, log, counts, subprocess.Popen(argv, env=env, cwd=str(bench.work), stdout=subprocess.PIPE, text=True)))
    runs = [_finish(index, log, counts, proc) for index, log, counts, proc in procs]
    wall = time.monotonic() - started
    stats = bench.sandbox.stats()
    result = {"phase": phase, "wall_s": round(wall, 2), "requests": stats.get("requests"), "by_status": stats.get("by_status", {}),
              "peak_concurrency": stats.get("peak_concurrency"), "runs": runs}
    bench.note("soak %s: %d runs in %.1f s, %s requests, statuses %s" % (phase, len(runs), wall, result["requests"], result["by_status"]))
    return result


def _finish(index: int, log: Path, counts_file: Path, proc: subprocess.Popen[str]) -> dict[str, t.Any]:
    out, _err = proc.communicate(timeout=PHASE_TIMEOUT)
    lines = out.strip().splitlines()
    measured = json.loads(lines[-1]) if proc.returncode == 0 and lines else {"rc": -1}
    counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    return {"run": index, "domain": domains()[index - 1], "rc": measured.get("rc"), "wall_s": measured.get("wall_s"),
            "peak_rss_mib": round(measured.get("peak_rss_kib", 0) / 1024, 1), "cpu_s": measured.get("cpu_s"), "changed": counts.get("changed"),
            "tasks_changed": counts.get("tasks_changed"), "failed": counts.get("failed"), "first_failure": counts.get("first_failure"),
            "log": str(log)}


def state_problems(bench: Bench) -> list[str]:
    """The server's state read back, against the inventories: exactly the declared mailboxes."""
    expected = {box["local_part"]: box for box in inventory.mailboxes(MAILBOXES)}
    problems = []
    bench.sandbox.set_latency("zero")  # reading 2000 mailboxes back is checking, not measuring
    try:
        for domain in domains():
            if not bench.sandbox.api_get("get/domain/" + domain):
                problems.append("soak: domain %s is missing" % domain)
            problems += _mailbox_problems(domain, _as_list(bench.sandbox.api_get("get/mailbox/all/" + domain)), expected)
        everything = _as_list(bench.sandbox.api_get("get/mailbox/all"))
        if len(everything) != RUNS * MAILBOXES:
            problems.append("soak: the server holds %d mailboxes, expected %d" % (len(everything), RUNS * MAILBOXES))
    finally:
        bench.sandbox.set_latency("realistic")
    return problems


def _as_list(data: t.Any) -> list[dict[str, t.Any]]:
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _mailbox_problems(domain: str, listed: list[dict[str, t.Any]], expected: dict[str, dict[str, t.Any]]) -> list[str]:
    found = {str(item.get("local_part")): item for item in listed if item.get("domain") == domain}
    problems = []
    if sorted(found) != sorted(expected):
        problems.append("soak: %s holds %d mailboxes (%d missing, %d unexpected), expected %d" % (
            domain, len(found), len(set(expected) - set(found)), len(set(found) - set(expected)), len(expected)))
    wrong = [name for name, item in found.items() if name in expected and (
        item.get("name") != expected[name]["name"] or int(item.get("quota") or 0) // MIB != expected[name]["quota"])]
    if wrong:
        problems.append("soak: %s: %d mailboxes with a wrong name or quota, e.g. %s" % (domain, len(wrong), sorted(wrong)[:3]))
    return problems


def run(bench: Bench) -> None:
    bench.note("soak: %d concurrent role runs, %d domains x %d mailboxes (fresh server)" % (RUNS, RUNS, MAILBOXES))
    bench.sandbox.control_post("reset")
    inventories = write_inventories(bench)
    first = one_round(bench, inventories, "first")
    problems = state_problems(bench)
    rerun = one_round(bench, inventories, "rerun")
    bench.sections.append(section(first, rerun, problems))


def _run_problems(round_: dict[str, t.Any], changed: int) -> list[str]:
    out = []
    for rec in round_["runs"]:
        if rec["rc"] != 0 or rec["failed"]:
            out.append("soak %s run %d (%s) failed (rc=%s): %s; log %s" % (
                round_["phase"], rec["run"], rec["domain"], rec["rc"], rec["first_failure"], rec["log"]))
        elif rec["changed"] != changed:
            out.append("soak %s run %d (%s) changed %s mailboxes, expected %d" % (round_["phase"], rec["run"], rec["domain"], rec["changed"], changed))
    return out


def section(first: dict[str, t.Any], rerun: dict[str, t.Any], state: list[str]) -> dict[str, t.Any]:
    # A first run creates the domain (one change) and its mailboxes.
    first_problems, rerun_problems = _run_problems(first, MAILBOXES + 1), _run_problems(rerun, 0)
    lines = [
        "## Soak: %d concurrent role runs, %d domains x %d mailboxes, then %d re-runs" % (RUNS, RUNS, MAILBOXES, RUNS),
        "",
        "| run | domain | first run wall s | CPU s | peak RSS MiB | changed | re-run wall s | CPU s | peak RSS MiB | changed |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a, b in zip(first["runs"], rerun["runs"]):
        lines.append("| %d | %s | %.2f | %.2f | %.1f | %s | %.2f | %.2f | %.1f | %s |" % (
            a["run"], a["domain"], a["wall_s"] or 0.0, a["cpu_s"] or 0.0, a["peak_rss_mib"], a["changed"],
            b["wall_s"] or 0.0, b["cpu_s"] or 0.0, b["peak_rss_mib"], b["changed"]))
    for round_ in (first, rerun):
        lines.append("")
        lines.append("%s round: all runs done in %.1f s; %s requests (HTTP status counts %s); at most %s of the emulator's workers busy at once." % (
            "First" if round_ is first else "Re-run", round_["wall_s"], round_["requests"], round_["by_status"], round_["peak_concurrency"]))
    lines += ["", "Server state read back after the first round: %s." % ("exact" if not state else "; ".join(state))]
    results = [
        {"target": "soak: %d concurrent first runs succeed" % RUNS, "passed": not first_problems, "detail": "; ".join(first_problems) or "all rc=0"},
        {"target": "soak: server state exact after them", "passed": not state, "detail": "; ".join(state) or "%d domains x %d mailboxes" % (RUNS, MAILBOXES)},
        {"target": "soak: %d concurrent re-runs succeed with changed=0" % RUNS, "passed": not rerun_problems,
         "detail": "; ".join(rerun_problems) or "all changed=0"},
    ]
    data = {"runs": RUNS, "mailboxes": MAILBOXES, "first": first, "rerun": rerun, "state_problems": state}
    return {"title": "soak", "data": data, "markdown": "\n".join(lines), "targets": results, "problems": first_problems + state + rerun_problems}
