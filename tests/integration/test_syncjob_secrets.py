# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote password of a sync job, at -vvvv with --diff, on the real write path.

Mailcow's add/syncjob answer echoes the request, password1 in clear, in its ``log``; the sandbox's
emulator does the same (tests/emulator/test_lifecycle_transcripts.py, add_syncjob_success). The
playbook creates jobs in the single and the bulk form (sending a password again with
update_password=always), fails one write after the password was sent, and reads the jobs; the
whole output is then searched for the password in every escaped form, and for Ansible's mask,
which would mean it reached a result and was only caught there.
"""

from __future__ import annotations

import json
import re
import ssl
import urllib.request
import uuid
from pathlib import Path

from conftest import Runner
from test_secrets import forms

TAG = uuid.uuid4().hex[:8]
REMOTE_PASSWORD = 'Remote-%s "q\\b/+é' % TAG

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  # The connection comes from the sandbox's MAILCOW_* environment; the test made the domain and mailboxes.
  vars_files: [syncjob-vars.yml]
  tasks:
    - name: create (the add answer echoes the password)
      glassdome.mailcow.mailcow_syncjob: &job
        mailbox: bob@{domain}
        remote_host: imap.old.example
        remote_user: bob
        remote_password: "{{{{ remote_password }}}}"
      diff: true
    - name: bulk form, the password sent again
      glassdome.mailcow.mailcow_syncjob:
        domain: {domain}
        syncjobs:
          - {{mailbox: bob, remote_host: imap.old.example, remote_user: bob, remote_password: "{{{{ remote_password }}}}", update_password: always}}
          - {{mailbox: carol, remote_host: imap.old.example, remote_user: carol, remote_password: "{{{{ remote_password }}}}"}}
      diff: true
    - name: refused by Mailcow after the password was sent (read-only key)
      glassdome.mailcow.mailcow_syncjob:
        <<: *job
        update_password: always
        api_key: "{{{{ lookup('env', 'MAILCOW_API_KEY_RO') }}}}"
      ignore_errors: true
    - glassdome.mailcow.mailcow_syncjob_info:
        domain: {domain}
        include_raw: true
"""


def api(facts: dict, path: str, body: object) -> None:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(facts["api_url"] + "/api/v1/" + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-API-Key": facts["rw_key"]})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        assert answer.status == 200 and b"danger" not in answer.read()


def test_remote_password_never_printed_at_vvvv(runner: Runner, facts: dict, tmp_path: Path) -> None:
    domain = "sjs%s.example" % TAG
    api(facts, "add/domain", {"domain": domain, "mailboxes": 10, "aliases": 10, "defquota": 100, "maxquota": 1000, "quota": 5000, "active": 1})
    for name in ("bob", "carol"):
        api(facts, "add/mailbox", {"local_part": name, "domain": domain, "password": "Pass-2026-x-" + name, "password2": "Pass-2026-x-" + name,
                                   "quota": 100, "active": 1})
    playbook = tmp_path / "syncjob-secrets.yml"
    playbook.write_text(PLAYBOOK.format(domain=domain))
    (tmp_path / "syncjob-vars.yml").write_text(json.dumps({"remote_password": REMOTE_PASSWORD}))
    try:
        run = runner.playbook(playbook, "-vvvv", "--diff")
    finally:
        api(facts, "delete/mailbox", ["bob@" + domain, "carol@" + domain])
        api(facts, "delete/domain", [domain])
    text = run.stdout + run.stderr
    assert run.returncode == 0 and "changed=2" in run.stdout and "ignored=1" in run.stdout, text[-3000:]
    assert "read-only" in text and "/edit/syncjob" in text
    assert '"remote_password": "(set)"' in text  # the diff says it is sent, without it
    assert [form for form in sorted(forms(REMOTE_PASSWORD)) if form in text] == []
    masked = re.search(r"(?<!\*)\*{8}(?!\*)", text)  # Ansible's mask, not a header rule of asterisks
    assert masked is None, text[masked.start() - 500:masked.end() + 200]
