# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's inventory: one host (the controller) whose vars describe N mailboxes.

Every playbook (role, module loop, uri loop) and the floor script read the same file. It is JSON,
which is YAML too, so Ansible's yaml inventory plugin reads it and the floor needs no YAML parser.
The passwords are obviously fake and never printed.
"""

from __future__ import annotations

import json
import sys
import typing as t
from pathlib import Path

from bench_sandbox import DOMAIN_ROLE_SETTINGS

DOMAIN = "bench.example.test"
HOST = "mailcow-bench"
BASE_QUOTA = 1024
CHANGED_QUOTA = 2048


def mailbox(index: int) -> dict[str, t.Any]:
    return {
        "local_part": "user%04d" % index,
        "name": "Bench User %04d" % index,
        "quota": BASE_QUOTA,
        "password": "fake-bench-password-%04d" % index,
    }


def mailboxes(count: int) -> list[dict[str, t.Any]]:
    return [mailbox(index) for index in range(count)]


def changed_indexes(count: int) -> list[int]:
    """Every tenth mailbox: 10 % of them."""
    return list(range(0, count, 10))


def with_changes(boxes: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """10 % changed: half of them renamed (a different edit each), half given a bigger quota (one
    equal edit, which a client can batch). Realistic, and neither flatters nor hides batching."""
    changed = [dict(box) for box in boxes]
    for rank, index in enumerate(changed_indexes(len(boxes))):
        if rank % 2 == 0:
            changed[index]["name"] = changed[index]["name"] + " (renamed)"
        else:
            changed[index]["quota"] = CHANGED_QUOTA
    return changed


def inventory(boxes: list[dict[str, t.Any]], *, concurrency: int = 4) -> dict[str, t.Any]:
    host_vars = {
        "ansible_connection": "local",
        # The interpreter that runs the benchmark has requests; Ansible's discovery would probe.
        "ansible_python_interpreter": sys.executable,
        "mailcow_domain": DOMAIN,
        "mailcow_domain_settings": DOMAIN_ROLE_SETTINGS,
        "mailcow_mailboxes": boxes,
        "mailcow_mailboxes_concurrency": concurrency,
    }
    return {"all": {"hosts": {HOST: host_vars}}}


def write_inventory(path: Path, boxes: list[dict[str, t.Any]], *, concurrency: int = 4) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(inventory(boxes, concurrency=concurrency), indent=1) + "\n")
    return path


def read_host_vars(path: Path) -> dict[str, t.Any]:
    """The one host's vars, for the floor script."""
    hosts = json.loads(path.read_text())["all"]["hosts"]
    return dict(next(iter(hosts.values())))
