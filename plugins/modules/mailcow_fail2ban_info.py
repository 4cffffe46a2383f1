#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_fail2ban_info
short_description: Read Mailcow's fail2ban settings and current bans
version_added: 0.1.0
description:
  - Returns Mailcow's fail2ban settings (as M(glassdome.mailcow.mailcow_fail2ban) takes them), the networks banned now,
    with when each ban ends, and the log filters that count as failed logins.
  - One request; a read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options: {}
seealso:
  - module: glassdome.mailcow.mailcow_fail2ban
  - module: glassdome.mailcow.mailcow_status_info
"""

EXAMPLES = r"""
- name: Who is banned now
  glassdome.mailcow.mailcow_fail2ban_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_api_key }}"
  register: f2b

- name: List the bans
  ansible.builtin.debug:
    msg: "{{ item.network }} until {{ item.banned_until | default('forever', true) }}"
  loop: "{{ f2b.bans }}"
"""

RETURN = r"""
fail2ban:
  description: The settings, in the form of M(glassdome.mailcow.mailcow_fail2ban)'s RV(glassdome.mailcow.mailcow_fail2ban#module:fail2ban).
  returned: success
  type: dict
  sample:
    ban_time: 1800
    max_ban_time: 10000
    ban_time_increment: true
    max_attempts: 10
    retry_window: 600
    netban_ipv4: 32
    netban_ipv6: 128
    allowlist: []
    denylist: []
    manage_external: false
bans:
  description: The networks banned now, temporary bans first, each by network.
  returned: success
  type: list
  elements: dict
  contains:
    network:
      description: The banned network, C(address/prefix) (the size is the ban's O(glassdome.mailcow.mailcow_fail2ban#module:netban_ipv4) or V(netban_ipv6)).
      type: str
      sample: 198.51.100.7/32
    ip:
      description: The network's address.
      type: str
      sample: 198.51.100.7
    permanent:
      description: Whether the ban has no end (a network on the deny list).
      type: bool
      sample: false
    banned_until:
      description: When the ban ends, ISO 8601 in UTC (computed from the time left Mailcow shows, to the second); null for a permanent ban.
      type: str
      sample: "2026-12-07T04:12:09Z"
    seconds_left:
      description: Seconds until the ban ends; null for a permanent ban.
      type: int
      sample: 1799
    queued_for_unban:
      description: Whether the ban is being lifted (Mailcow's netfilter container does so within seconds).
      type: bool
      sample: false
filters:
  description: The log filters (regular expressions) whose matches count as failed logins, by id.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The filter's number.
      type: int
      sample: 1
    regex:
      description: The regular expression; its group is the client's address.
      type: str
      sample: "mailcow UI: Invalid password for .+ by ([0-9a-f\\.:]+)"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.manager import info
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=api_argspec(), supports_check_mode=True)
    run_api_module(module, info)


if __name__ == "__main__":
    main()
