#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_domain_template_info
short_description: List Mailcow domain templates
version_added: 0.1.0
description:
  - Returns every domain template of the server (C(Default) first, by id), or the one of a name, normalised as
    M(glassdome.mailcow.mailcow_domain_template) takes them (quotas in MiB, flags as booleans).
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  name:
    description:
      - Only the template of this name (any case); an unknown one gives an empty list.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_domain_template
"""

EXAMPLES = r"""
- name: What a new domain gets
  glassdome.mailcow.mailcow_domain_template_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    name: Default
  register: result
"""

RETURN = r"""
domain_templates:
  description: The templates found, in id order; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the template.
      type: int
      sample: 1
    name:
      description: The template's name.
      type: str
      sample: Default
    max_mailboxes:
      description: How many mailboxes a domain made from it may hold.
      type: int
      sample: 10
    max_aliases:
      description: How many aliases such a domain may hold.
      type: int
      sample: 400
    default_quota:
      description: The quota of a new mailbox in such a domain, in MiB.
      type: int
      sample: 3072
    max_quota:
      description: The largest quota of one mailbox in such a domain, in MiB.
      type: int
      sample: 10240
    total_quota:
      description: The quota of such a domain, in MiB.
      type: int
      sample: 10240
    rate_limit:
      description: The rate limit of such a domain, or null for none.
      type: dict
      sample: null
    tags:
      description: The tags such a domain gets, sorted.
      type: list
      elements: str
      sample: []
    active:
      description: Whether such a domain is active.
      type: bool
      sample: true
    gal:
      description: Whether such a domain's global address list is shown.
      type: bool
      sample: true
    backupmx:
      description: Whether such a domain is relayed as a backup MX.
      type: bool
      sample: false
    relay_all_recipients:
      description: Whether such a domain relays mail for every recipient.
      type: bool
      sample: false
    relay_unknown_only:
      description: Whether such a domain relays mail only for recipients without a mailbox.
      type: bool
      sample: false
    dkim_selector:
      description: The selector of such a domain's DKIM key.
      type: str
      sample: dkim
    dkim_key_size:
      description: The size of such a domain's DKIM key in bits, 0 for none.
      type: int
      sample: 2048
    created:
      description: When the template was created (server time).
      type: str
      sample: "2026-12-07 01:25:30"
    modified:
      description: When the template was last changed (server time), or null.
      type: str
      sample: null
"""


from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.api import find
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), name={"type": "str"}), supports_check_mode=True)
    run_api_module(module, find)


if __name__ == "__main__":
    main()
