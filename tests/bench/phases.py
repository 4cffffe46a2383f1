# SPDX-License-Identifier: GPL-3.0-or-later
"""Scenarios and phases: what the benchmark runs, each phase measured alone.

A phase = reset the emulator's request counter, run one command under measure.py (wall time,
peak RSS of that command's process tree), read the emulator's counter and the phase's counts.
A scenario = a fresh domain, then its phases in order (first run, re-run, re-run with 10 % changed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import inventory
from bench_sandbox import Sandbox

HERE = Path(__file__).resolve().parent
PLAYBOOKS = {"role": "role.yml", "module": "module_loop.yml", "uri": "uri_loop.yml"}
LABELS = {"role": "role", "module": "module loop (b)", "uri": "uri loop (a)", "floor": "floor (c)"}
PHASE_TIMEOUT = 3600


def ansible_playbook() -> str:
    """The ansible-playbook of the interpreter running the benchmark, else the one on PATH."""
    beside = Path(sys.executable).parent / "ansible-playbook"
    return str(beside) if beside.exists() else (shutil.which("ansible-playbook") or "ansible-playbook")


def scenario_label(kind: str, concurrency: int | None) -> str:
    label = LABELS[kind]
    return "%s c=%d" % (label, concurrency) if kind == "role" and concurrency is not None else label


class Bench:
    """Runs phases against the benchmark's sandbox and keeps every measurement."""

    def __init__(self, sandbox: Sandbox, work: Path, logs: Path) -> None:
        self.sandbox = sandbox
        self.work = work
        self.logs = logs
        self.records: list[dict[str, t.Any]] = []
        # Parts reported outside the main table (e.g. the soak): title, data, markdown, targets.
        self.sections: list[dict[str, t.Any]] = []
        self.started = time.monotonic()
        self.inventories: dict[tuple[int, bool], Path] = {}
        (work / "ansible.cfg").write_text("[defaults]\n")

    # -- inputs -----------------------------------------------------------------------------

    def inventory(self, n: int, *, changed: bool = False) -> Path:
        key = (n, changed)
        if key not in self.inventories:
            boxes = inventory.mailboxes(n)
            boxes = inventory.with_changes(boxes) if changed else boxes
            name = "inventory-%d%s.json" % (n, "-changed" if changed else "")
            self.inventories[key] = inventory.write_inventory(self.work / name, boxes)
        return self.inventories[key]

    def env(self) -> dict[str, str]:
        # The benchmark's sandbox only: no MAILCOW_* left over from a user's shell (say, a sourced env.sh).
        env = {key: value for key, value in os.environ.items() if not key.startswith("MAILCOW_")}
        env.update(self.sandbox.client_env())
        env.update({
            "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_counts",
            "ANSIBLE_STDOUT_CALLBACK": "default",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "PYTHONUNBUFFERED": "1",
        })
        # Only the inventory we write; a user's ansible.cfg must not change what is measured.
        env["ANSIBLE_CONFIG"] = str(self.work / "ansible.cfg")
        return env

    def argv(self, kind: str, phase: str, inv: Path, concurrency: int | None) -> list[str]:
        if kind == "floor":
            argv = [sys.executable, str(HERE / "floor.py"), str(inv), "rerun" if phase.startswith("rerun") else phase]
            return argv + (["--listing", "full"] if phase == "rerun-full" else [])
        argv = [ansible_playbook(), "-i", str(inv), str(HERE / PLAYBOOKS[kind])]
        if concurrency is not None:
            argv += ["-e", json.dumps({"mailcow_mailboxes_concurrency": concurrency})]
        return argv

    # -- one phase --------------------------------------------------------------------------

    def phase(self, kind: str, n: int, phase: str, *, changed: bool = False, concurrency: int | None = None,
              latency: str = "realistic") -> dict[str, t.Any]:
        label = scenario_label(kind, concurrency)
        slug = "%d-%s-%s" % (n, label.replace(" ", "_").replace("(", "").replace(")", "").replace("=", ""), phase)
        log, counts_file = self.logs / (slug + ".log"), self.work / "counts.json"
        log.unlink(missing_ok=True)
        counts_file.unlink(missing_ok=True)
        env = dict(self.env(), BENCH_COUNTS_FILE=str(counts_file))
        self.sandbox.reset_stats()
        wrapper = [sys.executable, str(HERE / "measure.py"), str(log), "--"] + self.argv(kind, phase, self.inventory(n, changed=changed), concurrency)
        proc = subprocess.run(wrapper, env=env, cwd=str(self.work), capture_output=True, text=True, timeout=PHASE_TIMEOUT, check=False)
        measured = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 and proc.stdout.strip() else {"rc": -1}
        stats = self.sandbox.stats()
        counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
        record = {
            "scenario": label, "kind": kind, "n": n, "phase": phase, "latency": latency, "concurrency": concurrency,
            "wall_s": measured.get("wall_s"), "rc": measured.get("rc"),
            "peak_rss_mib": round(measured.get("peak_rss_kib", 0) / 1024, 1), "cpu_s": measured.get("cpu_s"),
            "requests": stats.get("requests"), "by_route": stats.get("by_route", {}),
            "changed": counts.get("changed"), "tasks_changed": counts.get("tasks_changed"),
            "failed": counts.get("failed"), "first_failure": counts.get("first_failure"),
            "log": str(log),
        }
        self.records.append(record)
        self.progress(record)
        return record

    def progress(self, rec: dict[str, t.Any]) -> None:
        status = "ok" if rec["rc"] == 0 and not rec["failed"] else "FAILED (rc=%s: %s; see %s)" % (rec["rc"], rec["first_failure"], rec["log"])
        print("[%6.0fs] N=%-5d %-18s %-12s %8.2f s  %5s requests  %6.1f MiB  changed %-5s %s" % (
            time.monotonic() - self.started, rec["n"], rec["scenario"], rec["phase"], rec["wall_s"] or 0.0,
            rec["requests"], rec["peak_rss_mib"], rec["changed"], status), flush=True)

    def note(self, text: str) -> None:
        print("[%6.0fs] %s" % (time.monotonic() - self.started, text), flush=True)

    # -- scenarios --------------------------------------------------------------------------

    def fresh(self, n: int, what: str) -> None:
        self.note("N=%d %s: fresh domain" % (n, what))
        self.sandbox.fresh_domain(inventory.DOMAIN)
        self.sandbox.wait_quiet()

    def three_phases(self, kind: str, n: int, concurrency: int | None = None) -> None:
        """First run on an empty domain, re-run with no change, re-run with 10 % changed."""
        self.fresh(n, scenario_label(kind, concurrency))
        self.phase(kind, n, "first", concurrency=concurrency)
        self.phase(kind, n, "rerun", concurrency=concurrency)
        self.phase(kind, n, "change10", changed=True, concurrency=concurrency)

    def role(self, n: int) -> None:
        """Sequential first run, then the default concurrency through all phases, then the
        no-change re-run at zero latency (role and floor on the same data)."""
        self.fresh(n, scenario_label("role", 1))
        self.phase("role", n, "first", concurrency=1)
        self.three_phases("role", n, concurrency=4)
        self.sandbox.set_latency("zero")
        try:
            self.phase("role", n, "rerun-zero", changed=True, concurrency=4, latency="zero")
            self.phase("floor", n, "rerun-zero", changed=True, latency="zero")
        finally:
            self.sandbox.set_latency("realistic")

    def floor(self, n: int) -> None:
        """The floor's three phases, then its no-change re-run through the full listing: the same
        re-run as "rerun" (reduced listing, what the role reads), for the listings side by side."""
        self.three_phases("floor", n)
        self.phase("floor", n, "rerun-full")

    def baselines(self, n: int) -> None:
        self.three_phases("uri", n)
        self.three_phases("module", n)
