# SPDX-License-Identifier: GPL-3.0-or-later
"""Part "listing": the no-change re-run of N mailboxes with both of Mailcow's listings side by side.

Mailcow lists a domain's mailboxes two ways: get/mailbox/all/<domain> (~4.7 ms per mailbox on a
real Mailcow) and get/mailbox/reduced/<domain> (~1.4 ms per mailbox, Mailcow 2022-01 and later;
every field the collection compares). The collection reads the reduced one; the floor script
reads either (floor.py --listing full), so the comparison needs no switch in the collection.

Run alone (BENCH_PHASES=listing) it seeds a fresh domain with N mailboxes at zero latency (the
floor's adds, not measured), then measures at realistic latency: the floor through the reduced
listing, the floor through the full listing, and the role with its defaults. The default run
gets the same section from the floor and role parts' own measurements (report.listing_sections).
"""

from __future__ import annotations

import subprocess
import sys
import typing as t

import report
from phases import HERE, Bench

SEED_TIMEOUT = 1800


def seed(bench: Bench, n: int) -> None:
    """N mailboxes in the (fresh) benchmark domain, added by the floor script at zero latency."""
    bench.sandbox.set_latency("zero")
    try:
        argv = [sys.executable, str(HERE / "floor.py"), str(bench.inventory(n)), "first"]
        proc = subprocess.run(argv, env=bench.env(), cwd=str(bench.work), capture_output=True, text=True, timeout=SEED_TIMEOUT, check=False)
    finally:
        bench.sandbox.set_latency("realistic")
    if proc.returncode != 0:
        raise RuntimeError("seeding %d mailboxes failed: %s" % (n, (proc.stdout + proc.stderr)[-500:]))


def measure(bench: Bench, kind: str, n: int, phase: str, concurrency: int | None = None) -> dict[str, t.Any]:
    """One phase, measured and printed like the others but kept out of the main table."""
    record = bench.phase(kind, n, phase, concurrency=concurrency)
    bench.records.remove(record)
    return record


def side_by_side(bench: Bench, n: int) -> None:
    bench.fresh(n, "listings side by side (seeded at zero latency)")
    seed(bench, n)
    bench.sandbox.wait_quiet()
    reduced = measure(bench, "floor", n, "rerun")
    full = measure(bench, "floor", n, "rerun-full")
    role = measure(bench, "role", n, "rerun", concurrency=4)
    bench.sections.append(report.listing_section(n, reduced, full, role, seeded=True))
