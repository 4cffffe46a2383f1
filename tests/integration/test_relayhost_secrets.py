# SPDX-License-Identifier: GPL-3.0-or-later
"""Relayhost and transport map passwords, at -vvvv with --diff, on the real write path.

Mailcow returns these passwords in clear in every read, and its add and edit answers echo the
request, password included, in their ``log``; the sandbox's emulator does the same
(tests/emulator/test_routing_transcripts.py). The playbook creates a relayhost and a transport map
in the single and the bulk form, changes the password with update_password=always, fails one write
after the password was sent, and reads them back; the whole output is then searched for the
passwords in every escaped form, and for Ansible's mask, which would mean a password reached a
result and was only caught there.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from conftest import Runner
from test_secrets import forms

TAG = uuid.uuid4().hex[:8]
PASSWORD = 'Relay-%s "q\\b/+é' % TAG
NEW_PASSWORD = "Relay-new-%s" % TAG

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  # The connection comes from the sandbox's MAILCOW_* environment.
  vars:
    relay_password: {password}
    relay_new_password: {new_password}
  tasks:
    - name: create a relayhost (the add answer echoes the password)
      glassdome.mailcow.mailcow_relayhost:
        hostname: "[smtp.{tag}.example]:587"
        username: relayuser
        password: "{{{{ relay_password }}}}"
      diff: true
    - name: bulk form, the password changed
      glassdome.mailcow.mailcow_relayhost:
        update_password: always
        relayhosts:
          - {{hostname: "[smtp.{tag}.example]:587", username: relayuser, password: "{{{{ relay_new_password }}}}"}}
      diff: true
    - name: a transport map with a login
      glassdome.mailcow.mailcow_transport_map:
        destination: partner-{tag}.example
        nexthop: "[gw.{tag}.example]:587"
        username: gwuser
        password: "{{{{ relay_password }}}}"
      diff: true
    - name: refused by Mailcow after the password was sent (read-only key)
      glassdome.mailcow.mailcow_relayhost:
        hostname: "[smtp.{tag}.example]:587"
        password: "{{{{ relay_password }}}}"
        update_password: always
        api_key: "{{{{ lookup('env', 'MAILCOW_API_KEY_RO') }}}}"
      ignore_errors: true
    - glassdome.mailcow.mailcow_relayhost_info:
        hostname: "[smtp.{tag}.example]:587"
    - glassdome.mailcow.mailcow_transport_map_info:
        destination: partner-{tag}.example
    - name: clean up
      glassdome.mailcow.mailcow_relayhost:
        hostname: "[smtp.{tag}.example]:587"
        state: absent
    - glassdome.mailcow.mailcow_transport_map:
        destination: partner-{tag}.example
        state: absent
"""


def test_relayhost_and_transport_passwords_never_printed_at_vvvv(runner: Runner, tmp_path: Path) -> None:
    playbook = tmp_path / "relayhost-secrets.yml"
    playbook.write_text(PLAYBOOK.format(tag=TAG, password=_yaml(PASSWORD), new_password=_yaml(NEW_PASSWORD)))
    run = runner.playbook(playbook, "-vvvv", "--diff")
    text = run.stdout + run.stderr
    assert run.returncode == 0 and "changed=5" in run.stdout and "ignored=1" in run.stdout, text[-3000:]
    assert "read-only" in text and "/edit/relayhost" in text
    assert '"password": "(set)"' in text  # the diff says it is sent, without it
    for secret in (PASSWORD, NEW_PASSWORD):
        assert [form for form in sorted(forms(secret)) if form in text] == []
    masked = re.search(r"(?<!\*)\*{8}(?!\*)", text)  # Ansible's mask, not a header rule of asterisks
    assert masked is None, text[masked.start() - 500:masked.end() + 200]


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar of ``text``."""
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')
