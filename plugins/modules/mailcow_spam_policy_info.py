#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_spam_policy_info
short_description: Read the allow and deny lists of senders of a Mailcow domain or mailbox
version_added: 0.1.0
description:
  - Reads the allow list (never treated as spam) and the deny list (always rejected) of one domain or mailbox. Two requests.
  - A read-only API key is enough.
  - Mailcow answers the lists of a domain or mailbox that does not exist like empty lists; the module then reads the
    object once and warns when it does not exist.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  domain:
    description: The domain whose lists are read. Mutually exclusive with O(mailbox); one of them is required.
    type: str
  mailbox:
    description: The address of the mailbox whose lists are read.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_spam_policy
"""

EXAMPLES = r"""
- name: Read the lists of example.org
  glassdome.mailcow.mailcow_spam_policy_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    domain: example.org
  register: lists

- name: Show the denied senders
  ansible.builtin.debug:
    var: lists.spam_policy.deny
"""

RETURN = r"""
spam_policy:
  description: The object's lists.
  returned: success
  type: dict
  sample: {domain: example.org, allow: ["*@partner.example"], deny: [spammer@bad.example]}
entries:
  description: Every entry, sorted by list then sender, with Mailcow's prefid (for reference only; the modules never need it).
  returned: success
  type: list
  elements: dict
  sample:
    - {sender: "*@partner.example", list: allow, prefid: 1}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.argspec import target_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.manager import find


def main() -> None:
    module = AnsibleModule(argument_spec=target_argspec(), supports_check_mode=True,
                           mutually_exclusive=[("domain", "mailbox")], required_one_of=[("domain", "mailbox")])
    run_api_module(module, find)


if __name__ == "__main__":
    main()
