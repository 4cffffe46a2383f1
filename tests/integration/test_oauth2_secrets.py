# SPDX-License-Identifier: GPL-3.0-or-later
"""OAuth2 client secrets at -vvvv with --diff, on the real write path.

Mailcow makes a client's secret itself and returns it in clear on every read (the sandbox's emulator
does the same: tests/emulator/test_filters_oauth2_transcripts.py). mailcow_oauth2_client returns it in
one place only, ``client_secret`` (``oauth2_clients[].client_secret`` in the bulk form), to the task that
creates the client or renews its secret; the info module never does. The playbook creates a client in
the plain (the secret must then show in that task's result, under that key only), renews its secret
in a ``no_log`` task (the new secret must not show at all, yet reach the registered variable), fails a
renewal with the read-only key, reads the clients, creates one in the bulk form, and cleans up. The
whole output is searched for each secret, and for Ansible's mask, which would mean a secret reached a
result the module did not mean it for.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from conftest import Runner
from test_secrets import forms

TAG = uuid.uuid4().hex[:8]
URI = "https://app-%s.example/oauth/callback" % TAG
BULK_URI = "https://bulk-%s.example/cb" % TAG

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  # The connection comes from the sandbox's MAILCOW_* environment.
  tasks:
    - name: create a client (its secret is this task's result, once)
      glassdome.mailcow.mailcow_oauth2_client:
        redirect_uri: "{uri}"
      diff: true
      register: created
    - name: keep the secret the task returned
      ansible.builtin.copy:
        dest: "{out}/created.json"
        content: "{{{{ {{'id': created.oauth2_client.client_id, 'secret': created.client_secret}} | to_json }}}}"
        mode: "0600"
      no_log: true
    - name: the same again (no secret)
      glassdome.mailcow.mailcow_oauth2_client:
        redirect_uri: "{uri}"
      diff: true
    - name: renew the secret, not printed
      glassdome.mailcow.mailcow_oauth2_client:
        redirect_uri: "{uri}"
        renew_secret: true
      diff: true
      no_log: true
      register: renewed
    - name: keep the renewed secret
      ansible.builtin.copy:
        dest: "{out}/renewed.json"
        content: "{{{{ {{'secret': renewed.client_secret}} | to_json }}}}"
        mode: "0600"
      no_log: true
    - name: refused by Mailcow (read-only key)
      glassdome.mailcow.mailcow_oauth2_client:
        redirect_uri: "{uri}"
        renew_secret: true
        api_key: "{{{{ lookup('env', 'MAILCOW_API_KEY_RO') }}}}"
      diff: true
      ignore_errors: true
    - glassdome.mailcow.mailcow_oauth2_client_info:
        redirect_uri: "{uri}"
    - name: bulk form
      glassdome.mailcow.mailcow_oauth2_client:
        oauth2_clients:
          - redirect_uri: "{bulk_uri}"
      diff: true
      register: bulk
    - name: keep the bulk secret
      ansible.builtin.copy:
        dest: "{out}/bulk.json"
        content: "{{{{ {{'secret': bulk.oauth2_clients[0].client_secret}} | to_json }}}}"
        mode: "0600"
      no_log: true
    - name: clean up
      glassdome.mailcow.mailcow_oauth2_client:
        oauth2_clients:
          - {{redirect_uri: "{uri}", state: absent}}
          - {{redirect_uri: "{bulk_uri}", state: absent}}
"""


def test_oauth2_client_secret_printed_only_as_the_documented_return_value_at_vvvv(runner: Runner, tmp_path: Path) -> None:
    playbook = tmp_path / "oauth2-secrets.yml"
    playbook.write_text(PLAYBOOK.format(uri=URI, bulk_uri=BULK_URI, out=tmp_path))
    run = runner.playbook(playbook, "-vvvv", "--diff")
    text = run.stdout + run.stderr
    assert run.returncode == 0 and "changed=7" in run.stdout and "ignored=1" in run.stdout, text[-3000:]
    assert "read-only" in text and '"client_secret": "(new)"' in text  # the diffs say a secret is made, without it
    created = json.loads((tmp_path / "created.json").read_text())["secret"]
    renewed = json.loads((tmp_path / "renewed.json").read_text())["secret"]
    bulk = json.loads((tmp_path / "bulk.json").read_text())["secret"]
    assert re.match(r"^[0-9a-f]{24}$", created) and re.match(r"^[0-9a-f]{24}$", renewed) and renewed != created
    # The created and the bulk secret appear only as the value of client_secret in their own task's result.
    for secret in (created, bulk):
        assert text.count(secret) >= 1 and text.count(secret) == text.count('"client_secret": "%s"' % secret), secret
    # The renewed one was returned by a no_log task: never printed.
    assert [form for form in sorted(forms(renewed)) if form in text] == []
    assert "the output has been hidden" in text
    masked = re.search(r"(?<!\*)\*{8}(?!\*)", text)  # Ansible's mask, not a header rule of asterisks
    assert masked is None, text[masked.start() - 500:masked.end() + 200]
