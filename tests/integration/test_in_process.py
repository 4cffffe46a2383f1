# SPDX-License-Identifier: GPL-3.0-or-later
"""The API modules' action plugin: in the task's worker on the controller, the same results as a module process.

One playbook (connection from module_defaults and the play's `environment:` only, nothing from the
shell) runs twice against the sandbox: as it runs by default on the controller with the
controller's Python (the module's main() in the worker), and with glassdome_mailcow_in_process=false
(a module process, as before). Every registered result must be the same in both runs: created then
unchanged, check mode with a diff and nothing written, a bulk create with a password, warnings,
bad input refused, a no_log task, a loop. -vvv says which way each task ran; no secret is in either output.
A third run shows that an async task still starts a module process.
"""

from __future__ import annotations

import json
import re
import typing as t
import uuid
from pathlib import Path

import yaml

from conftest import Runner

TAG = uuid.uuid4().hex[:8]
PASSWORD = "Pw-InProcess-%s" % TAG
MODULE_TASKS = 9  # the module tasks of PLAYBOOK, loop items counted

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_key: "{{ sandbox_key }}"
      ca_path: "{{ sandbox_ca }}"
  # Not a secret: -vvv prints a module process's environment in its command line.
  environment:
    MAILCOW_API_URL: "{{ sandbox_url }}"
  tasks:
    - name: Create the domain
      glassdome.mailcow.mailcow_domain: {domain: "{{ domain }}", description: first, max_mailboxes: 10}
      register: created
    - name: The same again
      glassdome.mailcow.mailcow_domain: {domain: "{{ domain }}", description: first, max_mailboxes: 10}
      register: unchanged
    - name: A change in check mode
      glassdome.mailcow.mailcow_domain: {domain: "{{ domain }}", description: second, max_mailboxes: 10}
      check_mode: true
      diff: true
      register: checked
    - name: Read the domain back
      glassdome.mailcow.mailcow_domain_info: {domain: "{{ domain }}"}
      register: read
    - name: Mailboxes with a password
      glassdome.mailcow.mailcow_mailbox:
        domain: "{{ domain }}"
        mailboxes: [{local_part: alice, name: Alice, password: "{{ password }}", quota: 512}]
      diff: true
      register: mailboxes
    - name: Aliases to a mailbox that does not exist, one per loop item
      glassdome.mailcow.mailcow_alias: {address: "{{ item }}@{{ domain }}", goto: ["nobody@{{ domain }}"]}
      loop: [team, staff]
      register: warned
    - name: Bad input
      glassdome.mailcow.mailcow_mailbox:
        domain: "{{ domain }}"
        mailboxes: [{local_part: bob, quota: 1G}]
      register: refused
      ignore_errors: true
    - name: A no_log task
      glassdome.mailcow.mailcow_domain: {domain: "{{ domain }}", state: absent, force: true}
      no_log: true
      register: hidden
    - name: Keep the results
      ansible.builtin.copy:
        content: "{{ {'created': created, 'unchanged': unchanged, 'checked': checked, 'read': read, 'mailboxes': mailboxes,
                      'warned': warned, 'refused': refused, 'hidden': hidden} | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""

ASYNC_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: An async task
      glassdome.mailcow.mailcow_domain_info: {api_url: "{{ sandbox_url }}", ca_path: "{{ sandbox_ca }}", api_key: "{{ sandbox_key }}"}
      async: 60
      poll: 1
"""


def run(runner: Runner, facts: dict[str, t.Any], tmp_path: Path, playbook: str, name: str, *extra: str) -> tuple[str, dict[str, t.Any]]:
    book, out, variables = tmp_path / (name + ".yml"), tmp_path / (name + ".json"), tmp_path / (name + "-vars.yml")
    book.write_text(playbook)
    # The key and password in a vars file, not on the command line (which -vvv does not print anyway).
    variables.write_text(yaml.safe_dump({
        "sandbox_url": facts["api_url"], "sandbox_ca": facts["ca_path"], "sandbox_key": facts["rw_key"],
        "password": PASSWORD, "domain": "%s-%s.example" % (name, TAG), "out": str(out),
    }))
    unset = {"MAILCOW_API_URL": "", "MAILCOW_API_KEY": "", "MAILCOW_CA_PATH": ""}
    proc = runner.playbook(book, "-vvv", "-e", "@%s" % variables, *extra, extra_env=unset)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    for secret in (PASSWORD, facts["rw_key"]):
        where = (proc.stdout + proc.stderr).find(secret)
        assert where < 0, (proc.stdout + proc.stderr)[max(0, where - 600):where + 100]
    return proc.stdout + proc.stderr, json.loads(out.read_text()) if out.exists() else {}


def normalized(results: dict[str, t.Any], name: str) -> str:
    """The results as text without what differs between two runs: the domain's name, timestamps, the alias's id."""
    text = json.dumps(results, sort_keys=True).replace("%s-%s.example" % (name, TAG), "DOMAIN")
    return re.sub(r'"id": \d+', '"id": ID', re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "TIME", text))


def test_in_process_results_equal_a_module_process(runner: Runner, facts: dict[str, t.Any], tmp_path: Path) -> None:
    inside, results = run(runner, facts, tmp_path, PLAYBOOK, "inproc")
    outside, module_results = run(runner, facts, tmp_path, PLAYBOOK, "modproc", "-e", "glassdome_mailcow_in_process=false")

    assert inside.count(": in process (local connection, the controller's Python)") == MODULE_TASKS, inside[-3000:]
    assert "module process" not in inside
    assert outside.count(": module process (glassdome_mailcow_in_process is false)") == MODULE_TASKS, outside[-3000:]

    assert results["created"]["changed"] and not results["unchanged"]["changed"]
    assert results["checked"]["changed"] and results["checked"]["diff"]["after"]["description"] == "second"
    assert [d["description"] for d in results["read"]["domains"]] == ["first"]
    assert results["mailboxes"]["summary"]["created"] == 1 and results["mailboxes"]["diff"][0]["after"]["password"] == "(set)"
    # A loop: main() twice in one worker; each item's warning shown once.
    for out in (inside, outside):
        assert [len(re.findall(r"\[WARNING\]: alias %s@\S+ goto nobody@" % name, out)) for name in ("team", "staff")] == [1, 1], out[-4000:]
    assert results["refused"]["failed"] and "quota" in results["refused"]["msg"]
    assert results["hidden"]["changed"] and all("'no_log: true' was specified for this result" in out for out in (inside, outside))
    assert normalized(results, "inproc") == normalized(module_results, "modproc")


def test_async_task_runs_a_module_process(runner: Runner, facts: dict[str, t.Any], tmp_path: Path) -> None:
    output, _results = run(runner, facts, tmp_path, ASYNC_PLAYBOOK, "async")
    assert "glassdome.mailcow.mailcow_domain_info: module process (async)" in output, output[-3000:]
