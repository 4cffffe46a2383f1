# SPDX-License-Identifier: GPL-3.0-or-later
"""Run ONE command and report its wall time and the peak RSS of its process tree.

usage: python measure.py LOGFILE -- COMMAND [ARG...]

This wrapper exists so that getrusage(RUSAGE_CHILDREN) sees that command's processes only: it is
the largest resident set of any descendant that was waited for (ansible-playbook, its workers,
its module processes), which is what "controller peak RSS" means here. It prints one JSON line:
{"rc": ..., "wall_s": ..., "peak_rss_kib": ..., "cpu_s": ...}. The command's output goes to LOGFILE.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def measure(log_path: str, argv: list[str]) -> dict[str, float | int]:
    with open(log_path, "ab") as log:
        start = time.perf_counter()
        proc = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Linux reports ru_maxrss in KiB. CPU time (user + system) of the tree tells the command's own
    # work from waiting (for the server, or for a CPU on a busy machine).
    return {"rc": proc.returncode, "wall_s": round(wall, 3), "peak_rss_kib": int(usage.ru_maxrss),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 3)}


def main(args: list[str]) -> int:
    if len(args) < 3 or args[1] != "--":
        print("usage: measure.py LOGFILE -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    print(json.dumps(measure(args[0], args[2:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
