# SPDX-License-Identifier: GPL-3.0-or-later
"""The mailboxes role with the domain's resources (mailcow_resources, mailcow_resources_purge), against the sandbox.

A first run creates them, a second changes nothing (changed=0), a read with mailcow_resource_info shows them
as Mailcow stores them, and purge removes one the list no longer names; a bad entry fails the role's check
before any write, even the mailbox of the same run.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from conftest import Runner

PLAY = """
- name: The role with resources
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    mailcow_resources: {resources}
    mailcow_resources_purge: true
    mailcow_domain: {domain}
    mailcow_domain_settings: {{max_mailboxes: 10}}
    mailcow_mailboxes:
      - {{local_part: {mailbox}, password: Resource-Pass-1234}}
  roles:
    - glassdome.mailcow.mailboxes
  post_tasks:
    - name: Read the domain's resources
      glassdome.mailcow.mailcow_resource_info:
        domain: "{{{{ mailcow_domain }}}}"
      register: found
    - name: What Mailcow holds
      ansible.builtin.assert:
        that:
          - found.resources | map(attribute='address') | sort == {addresses}
"""

CLEANUP = """
- name: Remove the resources, then the domain (Mailcow keeps a domain that has resources)
  hosts: localhost
  gather_facts: false
  connection: local
  tasks:
    - name: The resources
      glassdome.mailcow.mailcow_resource:
        domain: {domain}
        resources: []
        purge: true
        purge_allow_empty: true
        purge_max_share: 100
    - name: The domain
      glassdome.mailcow.mailcow_domain:
        domain: {domain}
        state: absent
        force: true
"""

TWO = ('[{description: "Room 1", kind: location, multiple_bookings: 1},'
       ' {description: Beamer, kind: thing, multiple_bookings: -1, active: false}]')


def test_created_unchanged_purged_then_a_bad_entry_refused_before_any_write(runner: Runner, tmp_path: Path) -> None:
    domain = "res-%s.example" % uuid.uuid4().hex[:8]
    play = tmp_path / "play.yml"
    try:
        play.write_text(PLAY.format(domain=domain, mailbox="alice", resources=TWO, addresses=["Beamer@" + domain, "Room1@" + domain]))
        first = runner.playbook(play, check=True)
        assert "failed=0" in first.stdout and "changed: [localhost] => (item=resources)" in first.stdout, first.stdout
        again = runner.playbook(play, check=True)
        assert "changed=0" in again.stdout and "failed=0" in again.stdout, again.stdout
        # The room renamed in SOGo by its address (which stays); the beamer no longer listed goes with purge.
        play.write_text(PLAY.format(domain=domain, mailbox="alice", addresses=["Room1@" + domain],
                                    resources='[{address: "room1@%s", description: Big room}]' % domain))
        purged = runner.playbook(play, check=True)
        assert "failed=0" in purged.stdout and "changed=1" in purged.stdout, purged.stdout
        # A bad entry fails the check: the new mailbox of the same run is not created either.
        play.write_text(PLAY.format(domain=domain, mailbox="bob", addresses=[], resources='[{description: Van, kind: vehicle}]'))
        bad = runner.playbook(play, check=False)
        assert "mailcow_resources[0] (Van): kind must be one of location, thing, group, got 'vehicle'" in bad.stdout, bad.stdout
        assert "changed=0" in bad.stdout
    finally:
        cleanup = tmp_path / "cleanup.yml"
        cleanup.write_text(CLEANUP.format(domain=domain))
        runner.playbook(cleanup)
