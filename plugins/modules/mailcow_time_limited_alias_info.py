#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_time_limited_alias_info
short_description: List the time-limited aliases of a Mailcow mailbox
version_added: 0.1.0
description:
  - Returns the time-limited (spam) aliases of one mailbox that still deliver, sorted by address. One request.
  - A read-only API key is enough. A mailbox that does not exist gives an empty list, as Mailcow answers.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  mailbox:
    description: The address of the mailbox.
    type: str
    required: true
  description:
    description: Only the aliases of this description.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_time_limited_alias
"""

EXAMPLES = r"""
- name: Alice's time-limited aliases
  glassdome.mailcow.mailcow_time_limited_alias_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    mailbox: alice@example.org
  register: aliases
"""

RETURN = r"""
time_limited_aliases:
  description: The aliases, as M(glassdome.mailcow.mailcow_time_limited_alias) returns one.
  returned: success
  type: list
  elements: dict
  sample:
    - address: caveda.vojico@example.org
      mailbox: alice@example.org
      description: shop signup
      permanent: false
      validity: 1796694545
      expires: "2026-12-08T01:49:05Z"
      created: "2026-12-07 01:49:05"
      modified: null
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._time_limited_alias.manager import find


def main() -> None:
    spec = dict(api_argspec(), mailbox={"type": "str", "required": True}, description={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, find)


if __name__ == "__main__":
    main()
