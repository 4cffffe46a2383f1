# SPDX-License-Identifier: GPL-3.0-or-later
"""Bench phase `mail_wait`: send-to-seen latency of mailcow_message_info's wait, IDLE against polling.

run.py calls run() when BENCH_PHASES includes mail_wait (the sandbox then runs Postfix and
Dovecot); mail_wait_probe.py measures, in its own process, with the pinned collection on its
PYTHONPATH. The side-by-side table becomes a section of results.md, the figures results.json's
sections["mail_wait"]. Alone: ``BENCH_PHASES=mail_wait make bench`` (about 100 s).
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


def run(bench: t.Any) -> None:
    """The part: measure, then add the section (title, data, markdown, problems) that run.py reports."""
    bench.note("mail_wait: send-to-seen latency, IDLE against polling")
    results = phase(bench.sandbox.directory / "sandbox.json", bench.logs, bench.work / "collections")
    problems = [results["error"]] if "error" in results else [
        "mail_wait %s: %d of %d waits failed; see %s" % (label, got["failed"], results["n"], bench.logs / "mail_wait.log")
        for label, got in results["methods"].items() if got["failed"]]
    markdown = ("## Waiting for mail (mail_wait)\n\n%s\n\nFrom the start of the SMTP send to mailcow_message_info returning the "
                "message (sandbox Postfix and Dovecot, loopback). Dovecot tells an idling client about a change after 0.5 s." % table(results))
    bench.sections.append({"title": "mail_wait", "data": results, "markdown": markdown, "targets": [], "problems": problems})
