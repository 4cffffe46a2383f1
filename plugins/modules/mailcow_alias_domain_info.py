#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_alias_domain_info
short_description: List Mailcow alias domains
version_added: 0.1.0
description:
  - Returns every alias domain of the server, those of one target domain, or one alias domain, normalised
    (flags as booleans), with Mailcow's raw object on request (O(include_raw)).
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  alias_domain:
    description:
      - Only this alias domain; an unknown one gives an empty list. An internationalised name is converted to its ASCII form.
    type: str
  target_domain:
    description:
      - Only the alias domains of this target domain.
    type: str
  include_raw:
    description:
      - Add Mailcow's unmodified object to each alias domain as RV(alias_domains[].raw).
    type: bool
    default: false
seealso:
  - module: glassdome.mailcow.mailcow_alias_domain
"""

EXAMPLES = r"""
- name: List the alias domains of example.org with a read-only key
  glassdome.mailcow.mailcow_alias_domain_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    target_domain: example.org
  register: result

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.alias_domain }} -> {{ item.target_domain }}{{ '' if item.active else ' (inactive)' }}"
  loop: "{{ result.alias_domains }}"
"""

RETURN = r"""
alias_domains:
  description: The alias domains found, sorted by name; empty when nothing matches.
  returned: success
  type: list
  elements: dict
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
      description: When it was created (server time).
      type: str
      sample: "2026-11-25 20:41:14"
    modified:
      description: When it was last changed (server time), or null.
      type: str
      sample: null
    raw:
      description: Mailcow's object as the API returned it.
      type: dict
      returned: when O(include_raw=true)
      sample: {alias_domain: example.net, parent_is_backupmx: 0, target_domain: example.org, active: 1, rl: false}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.model import normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.api import get_alias_domain, list_alias_domains
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict) -> list:
    """The alias domains asked for, normalised and sorted; the names are checked before the request."""
    target = ascii_domain(params["target_domain"], option="target_domain") if params["target_domain"] else None
    if params["alias_domain"]:
        raws = [raw for raw in [get_alias_domain(client, ascii_domain(params["alias_domain"], option="alias_domain"))] if raw]
    else:
        raws = list_alias_domains(client)
    found = [normalize(raw, include_raw=params["include_raw"]) for raw in raws]
    if target:
        found = [item for item in found if item["target_domain"] == target]
    return sorted(found, key=lambda item: item["alias_domain"])


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "alias_domains": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), alias_domain={"type": "str"}, target_domain={"type": "str"}, include_raw={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
