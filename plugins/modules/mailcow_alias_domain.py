#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_alias_domain
short_description: Create, change and delete Mailcow alias domains
version_added: 0.1.0
description:
  - Ensures an alias domain is present (forwarding every address to the same local part of its target domain)
    with the given target and state, or absent.
  - Before a write it checks that O(target_domain) is a domain of the server and, on create, that O(alias_domain)
    is not a domain itself; Mailcow would answer a bare C(access_denied) or C(alias_domain_invalid) instead.
  - Changing O(target_domain) is an edit. Mailcow cannot rename an alias domain (see O(rename_from)).
  - No DKIM key is made for the alias domain; manage it with the DKIM module of this collection.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details: Check mode makes the same reads (and so the same checks) as a real run, and predicts C(changed) and the diff without writing.
  diff_mode:
    support: full
  idempotent:
    support: full
options:
  alias_domain:
    description:
      - The alias domain. An internationalised name is converted to its ASCII form.
    type: str
    required: true
  target_domain:
    description:
      - The domain whose mailboxes receive the alias domain's mail. Required to create an alias domain.
      - It must be a domain of the server, not an alias domain, and must differ from O(alias_domain).
    type: str
  active:
    description:
      - Whether the alias domain is active. A new one is active unless this is V(false).
    type: bool
  state:
    description:
      - V(present) creates the alias domain or changes it to match; V(absent) deletes it with its aliases.
    type: str
    choices: [present, absent]
    default: present
  rename_from:
    description:
      - Mailcow cannot rename an alias domain, so giving this option fails before any request, saying how to move
        to the new name (add O(alias_domain), then delete the old one with O(state=absent); its aliases go with it).
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_alias_domain_info
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: Mail for example.net goes to the mailboxes of example.org
  glassdome.mailcow.mailcow_alias_domain:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    alias_domain: example.net
    target_domain: example.org

- name: Disable it for now
  glassdome.mailcow.mailcow_alias_domain:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    alias_domain: example.net
    active: false

- name: Remove it
  glassdome.mailcow.mailcow_alias_domain:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    alias_domain: example.net
    state: absent
"""

RETURN = r"""
alias_domain:
  description: The alias domain after the task (as predicted in check mode); empty when absent.
  returned: success
  type: dict
  contains:
    alias_domain:
      description: Name, lower-case ASCII.
      type: str
      sample: example.net
    alias_domain_unicode:
      description: Name in Unicode.
      type: str
      sample: example.net
    target_domain:
      description: The target domain.
      type: str
      sample: example.org
    active:
      description: Whether the alias domain is active.
      type: bool
      sample: true
    created:
      description: When it was created (server time); null for one just created.
      type: str
      sample: "2026-11-25 20:41:14"
    modified:
      description: When it was last changed (server time), or null.
      type: str
      sample: null
action:
  description: What was done (or would be done in check mode).
  returned: success
  type: str
  sample: created
outcome:
  description:
    - Only when the write's answer was lost, empty or ambiguous and re-reading the alias domain once decided it.
    - V(created_concurrently) the add was answered with an empty body or C(alias_domain_invalid) (how Mailcow answers the
      loser of two runs adding it at once) and the alias domain now exists as wanted; V(deleted_concurrently) the delete
      was refused as "not there" (another run deleted it at the same time) and it is gone; V(confirmed) the write turns
      out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: created_concurrently
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.argspec import alias_domain_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **alias_domain_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
