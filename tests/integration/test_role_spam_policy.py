# SPDX-License-Identifier: GPL-3.0-or-later
"""The mailboxes role with the domain's allow and deny lists and per-mailbox spam scores and relayhosts, against the sandbox.

A first run creates them, a second changes nothing (changed=0), and a read with the _info modules shows
them as Mailcow stores them; a sender the module would refuse fails the role's check before any write.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from conftest import Runner

PLAY = """
- name: The role with spam filter settings
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    mailcow_domain: {domain}
    mailcow_domain_settings: {{max_mailboxes: 10}}
    mailcow_mailboxes:
      - {{local_part: alice, password: Spam-Policy-Pass-1234, spam_score: "8,15", relayhost: "{relay}"}}
      - {{local_part: bob, password: Spam-Policy-Pass-1234, spam_score: default}}
    mailcow_spam_policy:
      allow: ["*@partner.example"]
      deny: [{deny}]
    mailcow_spam_policy_purge: true
  pre_tasks:
    - name: The relayhost the mailbox names
      glassdome.mailcow.mailcow_relayhost:
        hostname: "{relay}"
  roles:
    - glassdome.mailcow.mailboxes
  post_tasks:
    - name: Read the domain's lists
      glassdome.mailcow.mailcow_spam_policy_info:
        domain: "{{{{ mailcow_domain }}}}"
      register: lists
    - name: Read the mailboxes with their spam scores
      glassdome.mailcow.mailcow_mailbox_info:
        domain: "{{{{ mailcow_domain }}}}"
        include_spam_score: true
      register: boxes
    - name: What Mailcow holds
      ansible.builtin.assert:
        that:
          - lists.spam_policy.allow == ["*@partner.example"]
          - lists.spam_policy.deny == ["junk.example", "spammer@bad.example"]
          - boxes.mailboxes | map(attribute='spam_score') | list == ["8,15", "5,15"]
          - boxes.mailboxes[0].relayhost_id > 0 and boxes.mailboxes[1].relayhost_id == 0
"""

CLEANUP = """
- name: Clean up
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The domain
      glassdome.mailcow.mailcow_domain:
        domain: {domain}
        state: absent
        force: true
    - name: The relayhost
      glassdome.mailcow.mailcow_relayhost:
        hostname: "{relay}"
        state: absent
"""


def test_created_then_unchanged_then_a_bad_sender_refused_before_any_write(runner: Runner, tmp_path: Path) -> None:
    domain = "spam-%s.example" % uuid.uuid4().hex[:8]
    relay = "relay-%s.example:25" % uuid.uuid4().hex[:6]
    play = tmp_path / "play.yml"
    try:
        play.write_text(PLAY.format(domain=domain, relay=relay, deny='spammer@bad.example, "junk.example."'))
        first = runner.playbook(play, check=True)
        assert "failed=0" in first.stdout and "allow and deny lists" in first.stdout, first.stdout
        again = runner.playbook(play, check=True)
        assert "changed=0" in again.stdout and "failed=0" in again.stdout, again.stdout
        play.write_text(PLAY.format(domain=domain, relay=relay, deny='"not valid!"'))
        bad = runner.playbook(play, check=False)
        assert "mailcow_spam_policy.deny[0]: 'not valid!' is not a sender" in bad.stdout, bad.stdout
        assert "changed=0" in bad.stdout
    finally:
        cleanup = tmp_path / "cleanup.yml"
        cleanup.write_text(CLEANUP.format(domain=domain, relay=relay))
        runner.playbook(cleanup)
