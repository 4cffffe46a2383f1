# SPDX-License-Identifier: GPL-3.0-or-later
"""Bench phase `mail_wait`: send-to-seen latency of mailcow_message_info's wait, IDLE against polling.

run.py calls phase() when BENCH_PHASES includes mail_wait (the sandbox then runs Postfix and
Dovecot); mail_wait_probe.py measures, in its own process, with the pinned collection on its
PYTHONPATH. add_to_results() puts the side-by-side table into results.md and results.json.
Alone: ``BENCH_PHASES=mail_wait make bench`` (about a minute).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

HERE = Path(__file__).resolve().parent
MESSAGES = 20
# label in the probe's results: how the table names it
METHODS = {"idle": "wait_method=idle", "poll": "wait_method=poll (wait_interval=1)", "poll-0.1": "wait_method=poll, wait_interval=0.1"}
TIMEOUT = 900


def phase(facts: Path, logs: Path, collections: Path) -> dict[str, t.Any]:
    """Run the probe; its results, or {"error": ...} when it could not measure."""
    out, log = logs / "mail_wait.json", logs / "mail_wait.log"
    out.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(collections), os.environ.get("PYTHONPATH")])))
    print("mail_wait: %d messages per way of waiting (%s), log %s" % (MESSAGES, ", ".join(METHODS.values()), log), flush=True)
    with log.open("w") as stream:
        proc = subprocess.run([sys.executable, str(HERE / "mail_wait_probe.py"), str(facts), str(out), str(MESSAGES)], env=env,
                              stdout=stream, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=TIMEOUT, check=False)
    if not out.exists():
        return {"error": "mail_wait_probe.py exited %d without results; see %s" % (proc.returncode, log)}
    return dict(json.loads(out.read_text()), rc=proc.returncode)


def table(results: dict[str, t.Any]) -> str:
    if "error" in results:
        return "mail_wait: not measured: %s" % results["error"]
    lines = ["| wait for mail: send-to-seen latency over %d messages | median ms | p95 ms | failed |" % results["n"], "|---|---:|---:|---:|"]
    for label, text in METHODS.items():
        got = results["methods"].get(label)
        if got:
            lines.append("| %s | %s | %s | %d |" % (text, got["median_ms"], got["p95_ms"], got["failed"]))
    return "\n".join(lines)


def add_to_results(out: Path, results: dict[str, t.Any]) -> str:
    """Append the table to results.md and the figures to results.json (report.py writes both first)."""
    text = table(results)
    with (out / "results.md").open("a") as md:
        md.write("\n## Waiting for mail (mail_wait)\n\n%s\n\nFrom the start of the SMTP send to mailcow_message_info returning the "
                 "message (sandbox Postfix and Dovecot, loopback).\n" % text)
    document = json.loads((out / "results.json").read_text())
    document["mail_wait"] = results
    (out / "results.json").write_text(json.dumps(document, indent=2) + "\n")
    return text
