#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_password_policy
short_description: Set Mailcow's password policy (minimum length, required character classes)
version_added: 0.1.0
description:
  - Ensures Mailcow's password policy, which Mailcow applies to every password it is given for a mailbox, an app
    password or a domain administrator.
  - Rules not given keep their value on the server.
  - Every option is checked before any request, because Mailcow silently keeps its old length when the new one is below 3
    and still answers success. After a change the policy is read back and compared with what was sent.
  - M(glassdome.mailcow.mailcow_mailbox), M(glassdome.mailcow.mailcow_app_password) and
    M(glassdome.mailcow.mailcow_domain_admin) check the passwords they are about to write against this policy, before
    any write and in check mode too.
  - Needs the read-write API key.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the policy and predicts C(changed), the diff and the result.
  diff_mode:
    support: full
    details:
      - The diff shows the policy before and after.
  idempotent:
    support: full
    details:
      - Rules that already have the given values are not written, so a second run changes nothing.
options:
  length:
    description:
      - Minimum length of a password, at least 3. Mailcow counts bytes, so a non-ASCII character counts 2 to 4.
    type: int
  chars:
    description:
      - Whether a password needs a letter (a-z or A-Z).
    type: bool
  special_chars:
    description:
      - Whether a password needs a character other than a-z, A-Z and 0-9.
    type: bool
  lowerupper:
    description:
      - Whether a password needs both a lower-case and an upper-case letter (a-z, A-Z).
    type: bool
  numbers:
    description:
      - Whether a password needs a digit (0-9).
    type: bool
seealso:
  - module: glassdome.mailcow.mailcow_password_policy_info
"""

EXAMPLES = r"""
- name: Passwords of at least 12 characters with a digit, a special character and both cases
  glassdome.mailcow.mailcow_password_policy:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    length: 12
    lowerupper: true
    numbers: true
    special_chars: true
"""

RETURN = r"""
password_policy:
  description: The policy after the task (predicted in check mode).
  returned: success
  type: dict
  contains:
    length:
      description: Minimum length of a password, in bytes.
      type: int
      sample: 12
    chars:
      description: Whether a letter is required.
      type: bool
      sample: false
    special_chars:
      description: Whether a character other than a-z, A-Z and 0-9 is required.
      type: bool
      sample: true
    lowerupper:
      description: Whether both a lower-case and an upper-case letter are required.
      type: bool
      sample: true
    numbers:
      description: Whether a digit is required.
      type: bool
      sample: true
changes:
  description: Names of the rules that changed (or would, in check mode).
  returned: success
  type: list
  elements: str
  sample: [length, numbers]
outcome:
  description: V(confirmed) when the answer to the change was lost and reading the policy back showed it was made.
  returned: when a re-read decided the change
  type: str
  sample: confirmed
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.argspec import password_policy_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **password_policy_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
