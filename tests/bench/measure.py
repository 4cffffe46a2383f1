# SPDX-License-Identifier: GPL-3.0-or-later
"""Run ONE command and report its wall time and the peak RSS of its process tree.

usage: python measure.py LOGFILE [--timeline] -- COMMAND [ARG...]

This wrapper exists so that getrusage(RUSAGE_CHILDREN) sees that command's processes only: it is
the largest resident set of any descendant that was waited for (ansible-playbook, its workers,
its module processes), which is what "controller peak RSS" means here. It prints one JSON line:
{"rc": ..., "wall_s": ..., "peak_rss_kib": ..., "cpu_s": ..., "started_at": ...}; started_at is the epoch second the
command was started (the emulator's first_request_at minus it is the time to the first request). The command's output
goes to LOGFILE.

With --timeline it also samples the CPU time (user + system) of the command's process tree every
0.1 s from /proc and adds "cpu_timeline": [[epoch second, CPU seconds], ...]: what the command had
used by a given moment (say, its first request), which a busy machine does not inflate as it does
wall time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
import typing as t

TICK = 0.1


def tree_cpu(root: int) -> float:
    """CPU seconds of the live process tree under ``root``, each process with the children it has reaped (/proc)."""
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open("/proc/%d/stat" % pid) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            for tid in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/children" % (pid, tid)) as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError, IndexError):
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def sample(proc: subprocess.Popen[bytes], timeline: list[list[float]]) -> None:
    while proc.poll() is None:
        timeline.append([time.time(), tree_cpu(proc.pid)])
        time.sleep(TICK)


def measure(log_path: str, argv: list[str], *, with_timeline: bool = False) -> dict[str, t.Any]:
    timeline: list[list[float]] = []
    with open(log_path, "ab") as log:
        started_at = time.time()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sampler = threading.Thread(target=sample, args=(proc, timeline), daemon=True)
        if with_timeline:
            sampler.start()
        proc.wait()
        wall = time.perf_counter() - start
        if with_timeline:
            sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Linux reports ru_maxrss in KiB. CPU time (user + system) of the tree tells the command's own
    # work from waiting (for the server, or for a CPU on a busy machine).
    result = {"rc": proc.returncode, "wall_s": round(wall, 3), "peak_rss_kib": int(usage.ru_maxrss),
              "cpu_s": round(usage.ru_utime + usage.ru_stime, 3), "started_at": started_at}
    if with_timeline:
        result["cpu_timeline"] = [[round(when, 3), round(cpu, 2)] for when, cpu in timeline]
    return result


def main(args: list[str]) -> int:
    with_timeline = len(args) > 1 and args[1] == "--timeline"
    if with_timeline:
        args = args[:1] + args[2:]
    if len(args) < 3 or args[1] != "--":
        print("usage: measure.py LOGFILE [--timeline] -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    print(json.dumps(measure(args[0], args[2:], with_timeline=with_timeline)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
