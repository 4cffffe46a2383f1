# SPDX-License-Identifier: GPL-3.0-or-later
"""The mailboxes role as a new user first runs it against the sandbox (whose API URL is an IP address).

- List variables left empty in YAML (``mailcow_aliases:``, null) mean empty lists: no argument-spec dump.
- Nobody asked for DNS records (no ``mailcow_dns``): the role says nothing about them, though the API
  URL's host (127.0.0.1) cannot be a mail host name. With ``mailcow_dns`` set and no mail_host, one note
  says what to set.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from conftest import Runner

PLAY = """
- name: A first run of the role
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    mailcow_domain: {domain}
    mailcow_domain_settings: {{max_mailboxes: 10}}
    mailcow_mailboxes:
      - {{local_part: first, password: First-Run-Pass-1234}}
    mailcow_aliases:
    mailcow_syncjobs:
    mailcow_app_passwords:
{dns}
  roles:
    - glassdome.mailcow.mailboxes
  post_tasks:
    - name: Clean up
      glassdome.mailcow.mailcow_domain:
        domain: "{{{{ mailcow_domain }}}}"
        state: absent
        force: true
"""


def _run(runner: Runner, tmp_path: Path, dns: str) -> str:
    domain = "first-%s.example" % uuid.uuid4().hex[:8]
    playbook = tmp_path / ("first-%s.yml" % uuid.uuid4().hex[:6])
    playbook.write_text(PLAY.format(domain=domain, dns=dns))
    proc = runner.playbook(playbook, check=True)
    assert "argument_spec_data" not in proc.stdout
    assert "mailboxes created 1 (first)" in proc.stdout, proc.stdout
    return proc.stdout


def test_null_lists_are_empty_and_no_dns_note_unasked(runner: Runner, tmp_path: Path) -> None:
    out = _run(runner, tmp_path, dns="")
    assert "aliases" not in out.split("mailboxes created 1 (first)", 1)[1].split("\n", 1)[0], "no alias task without aliases"
    note = out.split("DNS records to publish for the domain]", 1)[1].split("TASK [", 1)[0]
    assert "skipping: [localhost]" in note, note
    assert "No DNS records listed" not in out and "mail_host" not in out


def test_dns_asked_without_a_host_name_gives_one_note(runner: Runner, tmp_path: Path) -> None:
    out = _run(runner, tmp_path, dns="    mailcow_dns: {dmarc_rua: postmaster@example.org}")
    assert "No DNS records listed, as the host name of the mail server is not known: set mailcow_dns.mail_host (e.g. mail.first-" in out
    assert "fatal" not in out and "[ERROR]" not in out
