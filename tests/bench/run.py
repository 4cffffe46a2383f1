# SPDX-License-Identifier: GPL-3.0-or-later
"""`make bench`: the role against its baselines and the floor, on the benchmark's own sandbox.

Environment:
  BENCH_FULL=1        baselines (a) and (b) at N = 1000 too (adds about 45 minutes on 2 cores)
  BENCH_N=100,1000    the sizes to run (default 100,1000); baselines run at the smallest, and
                      at every size with BENCH_FULL=1
  BENCH_OUT=DIR       where results go (default bench-results/ at the repository root)
  BENCH_PHASES=a,b    run only these parts (default: all but "listing"); each part runs alone:
                        floor      the floor (c): first run, re-run (reduced listing), 10 % changed,
                                   re-run through the full listing (rerun-full)
                        role       the role: first run c=1, then c=4 through all phases, zero latency
                        baselines  uri loop (a) and module loop (b)
                        listing    N-mailbox no-change re-run, both listings side by side, on a
                                   domain seeded at zero latency (about a minute at N = 1000)
                        soak       8 concurrent role runs on 8 domains x 250 mailboxes, then 8 re-runs
                        adopt      export of 50 domains x 100 mailboxes, and the no-change re-apply of all
                                   50 in one run, each against its floor (adopt.py)
                        server     the server role: 240 server-wide objects created, then the no-change
                                   re-run against its floor, one listing per type (server.py)
                        mail_wait  send-to-seen latency of mailcow_message_info's wait, IDLE against
                                   polling (mail_wait.py; the sandbox then runs Postfix and Dovecot too)
                        bulk       one mailcow_mailbox call of 5,000 and 50,000 entries with passwords,
                                   check mode: time to the first request, wall, peak RSS (bulk.py;
                                   BENCH_BULK_N sets the sizes)
                      The same names may be given as arguments: run.py listing soak
  BENCH_SANDBOX_DIR, BENCH_API_PORT, BENCH_API_HTTP_PORT, BENCH_PORT_BASE: the benchmark's
                      sandbox (default .build/bench-sandbox, ports 18543, 18180, 12000+)
The collection comes from ANSIBLE_COLLECTIONS_PATH (the Makefile points it at the installed
artifact), copied once at the start so that every phase measures the same code.
Writes results.json, results.md and chart.png; exits 0 even when a target is missed (it is a
report), printing a MISSED line for each.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import adopt
import bulk
import listing
import mail_wait
import report
import server
import soak
from bench_sandbox import REPO, Sandbox, SandboxError, sandbox_dir
from chart import write_chart
from phases import Bench

WORKERS = 2
# What Ansible needs of the collection (a source tree also holds .venv, .build, tests...).
COLLECTION_CONTENT = ("MANIFEST.json", "FILES.json", "galaxy.yml", "meta", "plugins", "roles")


def sizes() -> list[int]:
    return sorted({int(n) for n in os.environ.get("BENCH_N", "100,1000").split(",") if n.strip()})


def full() -> bool:
    return os.environ.get("BENCH_FULL", "") not in ("", "0", "false", "no")


def out_dir() -> Path:
    return Path(os.environ.get("BENCH_OUT") or REPO / "bench-results")


def machine() -> str:
    return "%s, %d cores, Python %s" % (platform.platform(terse=True), os.cpu_count() or 0, platform.python_version())


def git_commit() -> str:
    proc = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "unknown"


def ansible_version() -> str:
    try:
        from ansible.release import __version__
    except ImportError:
        return "unknown"
    return str(__version__)


def meta(total: float, collection: str, chosen: list[str]) -> dict[str, t.Any]:
    return {
        "machine": machine(), "latency": "realistic", "workers": WORKERS, "full": full(), "sizes": sizes(), "parts": chosen,
        "total_s": round(total, 1), "commit": git_commit(), "ansible_core": ansible_version(),
        "collection": collection,
        # Names only: a user's ANSIBLE_* settings (say, pipelining) change what is measured.
        "ansible_env": sorted(key for key in os.environ if key.startswith("ANSIBLE_") and key != "ANSIBLE_COLLECTIONS_PATH"),
    }


def pin_collection(work: Path) -> str:
    """Copy glassdome.mailcow from ANSIBLE_COLLECTIONS_PATH and use the copy: a rebuild of the
    installed artifact during the run (make collection) must not change or break what is measured."""
    for entry in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
        source = Path(entry) / "ansible_collections" / "glassdome" / "mailcow"
        if entry and (source / "plugins").is_dir():
            target = work / "collections" / "ansible_collections" / "glassdome" / "mailcow"
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for name in COLLECTION_CONTENT:
                if (source / name).is_dir():
                    shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
                elif (source / name).is_file():
                    shutil.copy2(source / name, target / name)
            os.environ["ANSIBLE_COLLECTIONS_PATH"] = str(work / "collections")
            return str(source.resolve())
    return "(not found in ANSIBLE_COLLECTIONS_PATH: Ansible's default search path)"


# -- parts (BENCH_PHASES) ---------------------------------------------------------------------
PARTS = ("floor", "role", "baselines", "listing", "soak", "adopt", "server", "mail_wait", "bulk")
DEFAULT_PARTS = ("floor", "role", "baselines", "soak", "adopt", "server", "mail_wait", "bulk")  # "listing" repeats what floor + role measure


def parts(argv: list[str]) -> list[str]:
    chosen = [p.strip() for p in (argv or os.environ.get("BENCH_PHASES", "").split(",")) if p.strip()] or list(DEFAULT_PARTS)
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        raise SystemExit("bench: unknown part(s) %s in BENCH_PHASES or the arguments; known: %s" % (", ".join(unknown), ", ".join(PARTS)))
    return chosen


def run_all(bench: Bench, chosen: list[str]) -> None:
    for n in sizes():
        if "floor" in chosen:
            bench.floor(n)
        if "role" in chosen:
            bench.role(n)
        if "baselines" in chosen and (full() or n == min(sizes())):
            bench.baselines(n)
        if "listing" in chosen:
            listing.side_by_side(bench, n)
    if "soak" in chosen:
        soak.run(bench)
    if "adopt" in chosen:
        adopt.run(bench)
    if "server" in chosen:
        server.run(bench)
    if "mail_wait" in chosen:
        mail_wait.run(bench)
    if "bulk" in chosen:
        bulk.run(bench)


def summarize(bench: Bench, out: Path, total: float, collection: str, chosen: list[str]) -> int:
    bench.sections[:0] = report.listing_sections(bench.records)
    results, problems = report.write(out, bench.records, meta(total, collection, chosen), bench.sections)
    print("\n" + report.table(bench.records) + "\n")
    for section in bench.sections:
        print(section["markdown"] + "\n")
    for line in report.target_lines(results):
        print(line)
    for result in results:
        if result["passed"] is False:
            print("MISSED: %s (%s)" % (result["target"], result["detail"]))
    for problem in problems:
        print("PROBLEM: %s" % problem)
    print(write_chart(out / "chart.png", bench.records))
    print("results: %s, %s; total %.0f s" % (out / "results.json", out / "results.md", total))
    return 0


def main(argv: list[str]) -> int:
    chosen = parts(argv)
    out = out_dir()
    (out / "logs").mkdir(parents=True, exist_ok=True)
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    collection = pin_collection(work)
    sandbox = Sandbox(sandbox_dir(), out / "logs" / "sandbox.log")
    bench = Bench(sandbox, work, out / "logs")
    started = time.monotonic()
    bench.note("glassdome.mailcow from %s (a copy of it)" % collection)
    bench.note("benchmark sandbox in %s (%s, latency realistic, %d workers); sizes %s%s; parts %s" % (
        sandbox.directory, "API, Postfix and Dovecot" if "mail_wait" in chosen else "API only", WORKERS, sizes(),
        ", BENCH_FULL" if full() else "", ",".join(chosen)))
    try:
        sandbox.start(latency="realistic", workers=WORKERS, mail="mail_wait" in chosen)
        run_all(bench, chosen)
    except SandboxError as exc:
        print("bench: %s" % exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; reporting what was measured", file=sys.stderr)
    finally:
        sandbox.stop()
    return summarize(bench, out, time.monotonic() - started, collection, chosen)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
