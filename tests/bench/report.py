# SPDX-License-Identifier: GPL-3.0-or-later
"""Results as JSON and Markdown: the measurements, the ratios to the floor, the targets.

The targets are the issue's (a benchmark, not tests): each is PASS, FAIL or "not measured".
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

SCENARIO_ORDER = ("role c=1", "role c=4", "uri loop (a)", "module loop (b)", "floor (c)")
PHASE_ORDER = ("first", "rerun", "change10", "rerun-zero", "rerun-full")
PHASE_TEXT = {"first": "first run", "rerun": "re-run, no change", "change10": "re-run, 10 % changed", "rerun-zero": "re-run, no change, zero latency",
              "rerun-full": "re-run, no change, full listing"}
# The collection's no-change re-run at this size and above: within the floor (same reads) + 2 s.
LISTING_TARGET_N, LISTING_TARGET_S = 1000, 2.0

Record = t.Dict[str, t.Any]


def find(records: list[Record], scenario: str, n: int, phase: str) -> Record | None:
    return next((r for r in records if r["scenario"] == scenario and r["n"] == n and r["phase"] == phase), None)


def ok(rec: Record | None) -> bool:
    return rec is not None and rec.get("rc") == 0 and not rec.get("failed") and rec.get("wall_s") is not None


def floor_ratio(records: list[Record], rec: Record) -> float | None:
    floor = find(records, "floor (c)", rec["n"], rec["phase"])
    if not ok(floor) or not ok(rec) or not floor["wall_s"]:  # type: ignore[index]
        return None
    return float(rec["wall_s"]) / float(floor["wall_s"])  # type: ignore[index]


def sort_key(rec: Record) -> tuple[int, int, int]:
    return (rec["n"], SCENARIO_ORDER.index(rec["scenario"]), PHASE_ORDER.index(rec["phase"]))


# -- targets -------------------------------------------------------------------------------------


def target(name: str, passed: bool | None, detail: str) -> dict[str, t.Any]:
    return {"target": name, "passed": passed, "detail": detail}


def fmt(value: float | None, unit: str = " s") -> str:
    return "n/a" if value is None else "%.2f%s" % (value, unit)


def rerun_targets(records: list[Record], n: int) -> list[dict[str, t.Any]]:
    out = []
    for phase, latency in (("rerun", "realistic"), ("rerun-zero", "zero")):
        rec = find(records, "role c=4", n, phase)
        if rec is None:
            continue
        passed = ok(rec) and rec["changed"] == 0 and rec["tasks_changed"] == 0 and (rec["requests"] or 0) <= 3
        out.append(target("N=%d re-run, no change (%s latency): changed=0, <= 3 requests" % (n, latency), passed,
                          "changed=%s (tasks %s), %s requests" % (rec["changed"], rec["tasks_changed"], rec["requests"])))
    rec, floor = find(records, "role c=4", n, "rerun"), find(records, "floor (c)", n, "rerun")
    if rec and floor:
        passed = ok(rec) and ok(floor) and rec["wall_s"] <= floor["wall_s"] + 3.0
        out.append(target("N=%d re-run, no change: wall <= floor + 3 s (realistic)" % n, passed,
                          "role %s, floor %s, limit %s" % (fmt(rec["wall_s"]), fmt(floor["wall_s"]), fmt((floor["wall_s"] or 0) + 3.0))))
    zero = find(records, "role c=4", n, "rerun-zero")
    if zero and n >= 1000:
        out.append(target("N=%d re-run, no change, zero latency: wall < 5 s" % n, ok(zero) and zero["wall_s"] < 5.0,
                          "role %s" % fmt(zero["wall_s"])))
    return out


def first_run_targets(records: list[Record], n: int) -> list[dict[str, t.Any]]:
    out = []
    for scenario, limit, what in (("role c=1", 1.25, "sequential (concurrency 1)"), ("role c=4", 0.7, "bounded concurrency (4)")):
        rec = find(records, scenario, n, "first")
        if rec is None:
            continue
        ratio = floor_ratio(records, rec)
        out.append(target("N=%d first run, %s: <= %.2fx floor" % (n, what, limit), ratio is not None and ratio <= limit,
                          "role %s, floor %s, ratio %s" % (fmt(rec["wall_s"]), fmt(_wall(records, "floor (c)", n, "first")), fmt(ratio, "x"))))
    return out


def _wall(records: list[Record], scenario: str, n: int, phase: str) -> float | None:
    rec = find(records, scenario, n, phase)
    return rec["wall_s"] if rec else None


def baseline_targets(records: list[Record], n: int) -> list[dict[str, t.Any]]:
    factor = 5.0 if n < 1000 else 30.0
    role = find(records, "role c=4", n, "rerun")
    out = []
    for scenario in ("uri loop (a)", "module loop (b)"):
        rec = find(records, scenario, n, "rerun")
        if rec is None or role is None:
            continue
        speedup = rec["wall_s"] / role["wall_s"] if ok(rec) and ok(role) and role["wall_s"] else None
        out.append(target("N=%d re-run: %s >= %.0fx slower than the role" % (n, scenario, factor), speedup is not None and speedup >= factor,
                          "%s %s, role %s, factor %s" % (scenario, fmt(rec["wall_s"]), fmt(role["wall_s"]), fmt(speedup, "x"))))
    return out


def targets(records: list[Record]) -> list[dict[str, t.Any]]:
    out = []
    for n in sorted({r["n"] for r in records}):
        out += rerun_targets(records, n) + first_run_targets(records, n) + baseline_targets(records, n)
    return out


def checks(records: list[Record]) -> list[str]:
    """Correctness of what was measured: a fast wrong run is no result."""
    problems = []
    for rec in records:
        expected = {"first": rec["n"], "rerun": 0, "rerun-zero": 0, "rerun-full": 0, "change10": (rec["n"] + 9) // 10}.get(rec["phase"])
        if not ok(rec):
            problems.append("N=%d %s %s failed (rc=%s, %s failed results: %s); log %s" % (
                rec["n"], rec["scenario"], rec["phase"], rec["rc"], rec["failed"], rec.get("first_failure"), rec["log"]))
        elif rec["changed"] != expected:
            problems.append("N=%d %s %s changed %s mailboxes, expected %s" % (rec["n"], rec["scenario"], rec["phase"], rec["changed"], expected))
    return problems


# -- the listings side by side (part "listing", or the floor and role parts) ----------------------


def _listing_reads(rec: Record) -> str:
    """Which mailbox listing(s) a phase read, from the emulator's request counter."""
    routes = {route.split("/get/mailbox/", 1)[1].split("/")[0] for route in (rec.get("by_route") or {}) if "/get/mailbox/" in route}
    return "/".join(sorted(routes & {"all", "reduced"})) or "no listing"


def listing_section(n: int, reduced: Record | None, full: Record | None, role: Record | None, *, seeded: bool) -> dict[str, t.Any]:
    """N-mailbox no-change re-run: the floor through each listing, the role with its defaults."""
    def wall(rec: Record | None) -> str:
        return fmt(rec["wall_s"] if ok(rec) else None)  # type: ignore[index]

    lines = [
        "## Listings side by side (N=%d, re-run, no change, realistic latency%s)" % (n, ", domain seeded at zero latency" if seeded else ""),
        "",
        "| listing | floor (c) wall | role c=4 wall (its defaults) | role requests | role - floor | role CPU |",
        "|---|---:|---:|---:|---:|---:|",
        "| reduced `get/mailbox/reduced/<domain>` | %s | %s | %s (%s) | %s | %s |" % (
            wall(reduced), wall(role), role["requests"] if role else "n/a", _listing_reads(role) if role else "n/a",
            fmt(role["wall_s"] - reduced["wall_s"] if ok(role) and ok(reduced) else None),  # type: ignore[index]
            fmt(role.get("cpu_s") if role else None)),
        "| full `get/mailbox/all/<domain>` | %s | (not read: the collection reads the reduced listing) | | | |" % wall(full),
        "",
        "The floor is a plain `requests` script making the same reads (tests/bench/floor.py, `--listing full` for the second row). "
        "Role CPU is the user + system time of ansible-playbook's process tree: what the role costs the controller whatever the load.",
    ]
    results = []
    if n >= LISTING_TARGET_N and reduced is not None and role is not None:
        limit = (reduced["wall_s"] or 0) + LISTING_TARGET_S
        passed = ok(role) and ok(reduced) and role["changed"] == 0 and role["wall_s"] <= limit
        results.append(target("N=%d re-run, no change: wall <= floor (reduced listing, same reads) + %.0f s" % (n, LISTING_TARGET_S), passed,
                              "role %s, floor %s, limit %s; full-listing floor %s" % (wall(role), wall(reduced), fmt(limit), wall(full))))
    data = {"n": n, "seeded": seeded, "floor_reduced": reduced, "floor_full": full, "role": role}
    return {"title": "listing-%d%s" % (n, "-seeded" if seeded else ""), "data": data, "markdown": "\n".join(lines), "targets": results}


def listing_sections(records: list[Record]) -> list[dict[str, t.Any]]:
    """The same comparison from the floor and role parts' measurements, for every N that has them."""
    sections = []
    for n in sorted({r["n"] for r in records}):
        full = find(records, "floor (c)", n, "rerun-full")
        if full is not None:
            sections.append(listing_section(n, find(records, "floor (c)", n, "rerun"), full, find(records, "role c=4", n, "rerun"), seeded=False))
    return sections


# -- output --------------------------------------------------------------------------------------


def table(records: list[Record]) -> str:
    lines = ["| scenario | N | phase | wall s | requests | peak RSS MiB | changed | ratio to floor |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]
    for rec in sorted(records, key=sort_key):
        ratio = floor_ratio(records, rec)
        wall = "%.2f" % rec["wall_s"] if rec["wall_s"] is not None else "n/a"
        if not ok(rec):
            wall += " (failed)"
        lines.append("| %s | %d | %s | %s | %s | %.1f | %s | %s |" % (
            rec["scenario"], rec["n"], PHASE_TEXT[rec["phase"]], wall, rec["requests"], rec["peak_rss_mib"], rec["changed"],
            "%.2fx" % ratio if ratio is not None else "n/a"))
    return "\n".join(lines)


def target_lines(results: list[dict[str, t.Any]]) -> list[str]:
    word = {True: "PASS", False: "FAIL", None: "n/a"}
    return ["- **%s** %s: %s" % (word[r["passed"]], r["target"], r["detail"]) for r in results]


def markdown(records: list[Record], results: list[dict[str, t.Any]], problems: list[str], meta: dict[str, t.Any],
             sections: list[dict[str, t.Any]] | None = None) -> str:
    parts = [
        "# glassdome.mailcow benchmark",
        "",
        "%s; ansible-core %s; tree %s; emulator latency model `%s`, %s php-fpm-like workers; total run %.0f s%s." % (
            meta["machine"], meta.get("ansible_core", "?"), meta.get("commit", "?"), meta["latency"], meta["workers"], meta["total_s"],
            "; BENCH_FULL=1" if meta["full"] else ""),
        "Wall time is the whole command (ansible-playbook or python) as a user would time it; requests are counted "
        "by the emulator; peak RSS is the largest process of that command's tree; ratio is wall time / the floor's "
        "for the same N and phase.",
        "",
        table(records),
        "",
    ]
    for section in sections or []:
        parts += [section["markdown"], ""]
    parts += [
        "## Targets",
        "",
    ] + target_lines(results)
    if problems:
        parts += ["", "## Problems", ""] + ["- " + p for p in problems]
    return "\n".join(parts) + "\n"


def write(out: Path, records: list[Record], meta: dict[str, t.Any],
          sections: list[dict[str, t.Any]] | None = None) -> tuple[list[dict[str, t.Any]], list[str]]:
    """sections: parts reported beside the main table ({"title", "data", "markdown", "targets", "problems"})."""
    sections = sections or []
    results = targets(records) + [r for section in sections for r in section.get("targets", [])]
    problems = checks(records) + [p for section in sections for p in section.get("problems", [])]
    out.mkdir(parents=True, exist_ok=True)
    document = {"meta": meta, "records": sorted(records, key=sort_key), "targets": results, "problems": problems,
                "sections": {section["title"]: section["data"] for section in sections}}
    (out / "results.json").write_text(json.dumps(document, indent=2) + "\n")
    (out / "results.md").write_text(markdown(records, results, problems, meta, sections))
    return results, problems
