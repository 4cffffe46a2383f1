# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/health.yml, the job of the 5-minute AWX schedule of docs/operate.md, against the sandbox (installed artifact)."""

from __future__ import annotations

import json
import ssl
import typing as t
import urllib.request

from conftest import Runner


def set_containers(facts: dict[str, t.Any], states: dict[str, str]) -> None:
    request = urllib.request.Request(facts["control_url"] + "/status", data=json.dumps({"containers": states}).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10, context=ssl.create_default_context(cafile=facts["ca_path"])):
        pass


def test_health_playbook_fails_only_while_mailcow_is_unhealthy(runner: Runner, facts: dict[str, t.Any]) -> None:
    healthy = runner.playbook("glassdome.mailcow.health")
    assert healthy.returncode == 0, healthy.stdout[-4000:]
    assert "is healthy: 18 containers" in healthy.stdout
    set_containers(facts, {"clamd": "exited"})
    try:
        down = runner.playbook("glassdome.mailcow.health")
        ignored = runner.playbook("glassdome.mailcow.health", "-e", json.dumps({"mailcow_health_ignore_containers": ["clamd"]}))
    finally:
        set_containers(facts, {"clamd": "running"})
    assert down.returncode == 2, down.stdout[-4000:]
    assert "Mailcow is not healthy: container clamd-mailcow is exited" in down.stdout
    assert ignored.returncode == 0, ignored.stdout[-4000:]
