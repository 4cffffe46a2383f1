# SPDX-License-Identifier: GPL-3.0-or-later
"""Two pipelines provisioning the same domain at once: two concurrent ansible-playbook runs of the
mailboxes role with the same 200 mailboxes and 20 aliases both succeed, every object is created
exactly once, the server ends exactly as declared, and a third run changes nothing.

A real Mailcow answers the loser of two identical adds with HTTP 200 and an empty body (or
object_exists when the other add has finished); the emulator does the same. Each add is held
20 ms by an injected delay so that the two runs' adds overlap, as they do on a real server.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import urllib.request
import uuid
from pathlib import Path

from conftest import Runner
from test_errors import control

MAILBOXES = 200
ALIASES = 20

PLAYBOOK = """
- name: Provision one domain with the mailboxes role
  hosts: localhost
  gather_facts: false
  vars:
    mailcow_domain: {domain}
    mailcow_domain_settings: {{max_mailboxes: 500, max_aliases: 500, default_quota: 10, max_quota: 100, total_quota: 100000}}
    mailcow_mailboxes: {mailboxes}
    mailcow_aliases: {aliases}
    mailcow_mailboxes_concurrency: 4
  roles:
    - glassdome.mailcow.mailboxes
  post_tasks:
    - name: Keep what each module reported
      ansible.builtin.copy:
        content: "{{{{ {{'mailboxes': _glassdome_mailcow_mailboxes, 'aliases': _glassdome_mailcow_aliases}} | to_json }}}}"
        dest: "{{{{ result_file }}}}"
        mode: "0600"
      changed_when: false
"""


def _playbook(tmp: Path, domain: str) -> Path:
    mailboxes = [{"local_part": "user%03d" % n, "name": "User %d" % n, "password": "Pw-%s-%03d" % (domain[:6], n), "quota": 10}
                 for n in range(MAILBOXES)]
    aliases = [{"address": "list%02d@%s" % (n, domain), "goto": ["user%03d@%s" % (n, domain)]} for n in range(ALIASES)]
    path = tmp / "concurrent.yml"
    path.write_text(PLAYBOOK.format(domain=domain, mailboxes=json.dumps(mailboxes), aliases=json.dumps(aliases)))
    return path


def _start(runner: Runner, playbook: Path, result: Path) -> subprocess.Popen:
    argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", "result_file=%s" % result]
    return subprocess.Popen(argv, env=runner.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)


def _plain_creates(result: dict, kind: str) -> set:
    """Objects this run created itself (not decided by re-reading after the other run's add)."""
    return {item["address"] for item in result[kind].get(kind, []) if item["action"] == "created" and "outcome" not in item}


def test_two_concurrent_role_runs_then_a_third_changes_nothing(runner: Runner, facts: dict, tmp_path: Path) -> None:
    domain = "race%s.example" % uuid.uuid4().hex[:8]
    playbook = _playbook(tmp_path, domain)
    results = [tmp_path / "first.json", tmp_path / "second.json"]
    control(facts, "workers", {"workers": 8})
    control(facts, "faults", {"kind": "slow", "delay": 0.02, "count": 0, "path": "/api/v1/add/"})
    try:
        runs = [_start(runner, playbook, result) for result in results]
        outputs = [run.communicate(timeout=600)[0] for run in runs]
    finally:
        control(facts, "faults/clear", {})
        control(facts, "workers", {"workers": 2})
    try:
        for run, output in zip(runs, outputs):
            assert run.returncode == 0, output[-6000:]
        first, second = (json.loads(result.read_text()) for result in results)
        for kind, count in (("mailboxes", MAILBOXES), ("aliases", ALIASES)):
            # Each object created exactly once: by one run plainly, the other reports it decided by re-reading.
            assert len(_plain_creates(first, kind) | _plain_creates(second, kind)) == count
            assert not _plain_creates(first, kind) & _plain_creates(second, kind)
            assert all(item.get("outcome") in (None, "created_concurrently") for res in (first, second) for item in res[kind].get(kind, []))

        third = runner.playbook(playbook, "-e", "result_file=%s" % (tmp_path / "third.json"), check=True)
        assert "changed=0" in third.stdout.split("PLAY RECAP")[-1], third.stdout[-3000:]
        _assert_server_state(runner, facts, domain)
    finally:
        runner.adhoc("glassdome.mailcow.mailcow_domain", "domain=%s state=absent force=true" % domain)


def _get(runner: Runner, facts: dict, path: str) -> list:
    """One GET of Mailcow's API, out of band (no module involved)."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(facts["api_url"] + "/api/v1/get/" + path, headers={"X-API-Key": runner.env["MAILCOW_API_KEY"]})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        data = json.loads(answer.read())
    return data if isinstance(data, list) else [data] if data else []


def _assert_server_state(runner: Runner, facts: dict, domain: str) -> None:
    mailboxes = [m for m in _get(runner, facts, "mailbox/all/" + domain) if m["domain"] == domain]
    assert sorted(m["username"] for m in mailboxes) == ["user%03d@%s" % (n, domain) for n in range(MAILBOXES)]
    assert sorted((m["name"], m["quota"]) for m in mailboxes) == sorted(("User %d" % n, 10 * 1024 * 1024) for n in range(MAILBOXES))
    aliases = [a for a in _get(runner, facts, "alias/all/" + domain) if a["address"] != a["goto"]]
    assert sorted((a["address"], a["goto"]) for a in aliases) == [("list%02d@%s" % (n, domain), "user%03d@%s" % (n, domain)) for n in range(ALIASES)]
