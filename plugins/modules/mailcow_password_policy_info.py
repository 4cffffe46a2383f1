#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_password_policy_info
short_description: Read Mailcow's password policy
version_added: 0.1.0
description:
  - Returns Mailcow's password policy, as M(glassdome.mailcow.mailcow_password_policy) takes it.
  - One request; a read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options: {}
seealso:
  - module: glassdome.mailcow.mailcow_password_policy
"""

EXAMPLES = r"""
- name: Read the password policy
  glassdome.mailcow.mailcow_password_policy_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_api_key }}"
  register: policy

- name: Say how long a password must be
  ansible.builtin.debug:
    msg: "At least {{ policy.password_policy.length }} characters"
"""

RETURN = r"""
password_policy:
  description: The policy, in the form of M(glassdome.mailcow.mailcow_password_policy)'s RV(glassdome.mailcow.mailcow_password_policy#module:password_policy).
  returned: success
  type: dict
  sample:
    length: 6
    chars: false
    special_chars: false
    lowerupper: false
    numbers: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.manager import info
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=api_argspec(), supports_check_mode=True)
    run_api_module(module, info)


if __name__ == "__main__":
    main()
