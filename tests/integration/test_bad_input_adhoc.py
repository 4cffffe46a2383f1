# SPDX-License-Identifier: GPL-3.0-or-later
"""A few bad inputs as users meet them: `ansible -m` against the sandbox, argument spec included.

The in-process table (tests/unit/plugins/modules/test_bad_input.py) covers every case; these show the same messages
come out of a real run, and that the sandbox saw no write (its request statistics by route). The
mailboxes role passes its purge_max_share to the modules: a purge over it is refused there too.
"""

from __future__ import annotations

import json
import re
import ssl
import urllib.request
import uuid

import pytest

from conftest import Runner


def writes(facts: dict) -> int:
    """How many add/edit/delete requests the sandbox has answered so far."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    with urllib.request.urlopen(facts["api_url"] + "/_sandbox/stats", context=context, timeout=10) as answer:
        stats = json.loads(answer.read())
    return sum(count for route, count in stats["by_route"].items() if re.search(r"POST /api/v1/(add|edit|delete)/", route))


def failed_msg(proc) -> str:
    match = re.search(r"FAILED! => (\{.*\})", proc.stdout, re.S)
    assert match, proc.stdout + proc.stderr
    return json.loads(match.group(1))["msg"]


CASES = [
    ("glassdome.mailcow.mailcow_domain", "domain=example.org total_quota=9223372036854775807", {},
     "total_quota must be a whole number of MiB from 1 to 8796093022207, got 9223372036854775807"),
    ("glassdome.mailcow.mailcow_mailbox", '{"domain": "example.org", "mailboxes": [], "concurrency": 1000}', {},
     "concurrency must be a whole number of parallel adds from 1 to 32, got 1000"),
    ("glassdome.mailcow.mailcow_mailbox", '{"domain": "example.org", "mailboxes": [], "purge": true}', {},
     "purge=true with an empty mailboxes list would delete"),
    ("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org", {"MAILCOW_API_KEY": ""},
     "api_key (or MAILCOW_API_KEY, MAIL_API) is required: set the option or its environment variable"),
    ("glassdome.mailcow.mailcow_alias_info", "domain=example.org timeout=0", {}, "timeout must be a whole number of seconds from 1 to 3600, got 0"),
]


@pytest.mark.parametrize("module, args, env, words", CASES, ids=[c[3][:30] for c in CASES])
def test_bad_input_through_ansible(runner: Runner, facts: dict, module: str, args: str, env: dict, words: str) -> None:
    before = writes(facts)
    proc = runner.adhoc(module, args, extra_env=env)
    assert proc.returncode != 0
    assert words in failed_msg(proc)
    assert writes(facts) == before


ROLE_SHARE = """
- hosts: localhost
  gather_facts: false
  vars:
    mailcow_domain: {domain}
  tasks:
    - name: A domain with four mailboxes
      glassdome.mailcow.mailcow_domain:
        domain: "{{{{ mailcow_domain }}}}"
    - name: Four mailboxes
      ansible.builtin.include_role:
        name: glassdome.mailcow.mailboxes
      vars:
        mailcow_mailboxes: [{{local_part: m1, password: Share-Pass-1234}}, {{local_part: m2, password: Share-Pass-1234}},
                            {{local_part: m3, password: Share-Pass-1234}}, {{local_part: m4, password: Share-Pass-1234}}]
    - name: A purge keeping one of four is refused
      block:
        - name: Purge down to one
          ansible.builtin.include_role:
            name: glassdome.mailcow.mailboxes
          vars: &one
            mailcow_mailboxes: [{{local_part: m1}}]
            mailcow_mailboxes_purge: true
        - name: Not reached
          ansible.builtin.fail:
            msg: the purge of three of four went through
      rescue:
        - name: The refusal names what would go and the option
          ansible.builtin.assert:
            that:
              - "'would delete 3 of the 4 mailboxes of {domain}: m2@{domain}, m3@{domain}, m4@{domain}' in ansible_failed_result.msg"
              - "'purge_max_share=50%' in ansible_failed_result.msg"
              - "'in the glassdome.mailcow.mailboxes role: mailcow_mailboxes_purge_max_share' in ansible_failed_result.msg"
    - name: Raised, it goes through
      ansible.builtin.include_role:
        name: glassdome.mailcow.mailboxes
      vars:
        mailcow_mailboxes: [{{local_part: m1}}]
        mailcow_mailboxes_purge: true
        mailcow_mailboxes_purge_max_share: 75
    - name: One mailbox is left
      glassdome.mailcow.mailcow_mailbox_info:
        domain: "{{{{ mailcow_domain }}}}"
      register: left
    - name: Clean up
      glassdome.mailcow.mailcow_domain:
        domain: "{{{{ mailcow_domain }}}}"
        state: absent
        force: true
    - name: Only the raised purge deleted
      ansible.builtin.assert:
        that:
          - left.mailboxes | map(attribute='local_part') | list == ['m1']
"""


def test_role_purge_share_guard(runner: Runner, tmp_path) -> None:
    domain = "share-%s.example" % uuid.uuid4().hex[:8]
    playbook = tmp_path / "share.yml"
    playbook.write_text(ROLE_SHARE.format(domain=domain))
    runner.playbook(playbook, check=True)
