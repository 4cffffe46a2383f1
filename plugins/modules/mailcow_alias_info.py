#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_alias_info
short_description: List Mailcow aliases
version_added: 0.1.0
description:
  - Returns every alias of the server, of one domain, or one alias, normalised (flags as booleans,
    goto as a list), with Mailcow's raw object on request (O(include_raw)).
  - Mailboxes' own addresses are not aliases here, as in Mailcow's API.
  - A read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  domain:
    description:
      - Only the aliases of this domain. An internationalised name is converted to its ASCII form.
      - An unknown domain gives an empty list and a warning (one more read, made only when nothing is found).
    type: str
  address:
    description:
      - Only this alias (any case), or V(@domain) for the catch-all. An unknown address gives an empty list, and a
        warning when its domain does not exist.
    type: str
  include_raw:
    description:
      - Add Mailcow's unmodified object to each alias as RV(aliases[].raw).
      - Off by default, which keeps the result (and C(-v) output) short; turn it on to see fields this module does not normalise.
    type: bool
    default: false
seealso:
  - module: glassdome.mailcow.mailcow_alias
"""

EXAMPLES = r"""
- name: List one domain's aliases with a read-only key
  glassdome.mailcow.mailcow_alias_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    domain: example.org
  register: result

- name: Show where each alias forwards to
  ansible.builtin.debug:
    msg: "{{ item.address }} -> {{ item.goto | join(', ') }}"
  loop: "{{ result.aliases }}"

- name: Read one alias, connection from module_defaults
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_ro_key }}"
  glassdome.mailcow.mailcow_alias_info:
    address: sales@example.org
  register: sales
"""

RETURN = r"""
aliases:
  description: The aliases found, sorted by address; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id.
      type: int
      sample: 189
    address:
      description: Address, with the case of its local part as created; V(@domain) for a catch-all.
      type: str
      sample: info@example.org
    domain:
      description: Domain.
      type: str
      sample: example.org
    goto:
      description: Targets; V([null@localhost]), V([spam@localhost]) or V([ham@localhost]) for the special ones.
      type: list
      elements: str
      sample: [alice@example.org]
    goto_null:
      description: Whether the alias discards its mail. C(goto_spam) and C(goto_ham) are returned likewise.
      type: bool
      sample: false
    active:
      description: Whether the alias works.
      type: bool
      sample: true
    sogo_visible:
      description: Whether SOGo shows the alias as an identity.
      type: bool
      sample: false
    sender_allowed:
      description: Whether the goto mailboxes may send as the alias.
      type: bool
      sample: false
    internal:
      description: Whether the alias accepts mail from this server's users only.
      type: bool
      sample: false
    public_comment:
      description: Comment for users, possibly empty.
      type: str
      sample: ""
    private_comment:
      description: Comment for administrators, possibly empty.
      type: str
      sample: ""
    is_catch_all:
      description: Whether this is a catch-all alias.
      type: bool
      sample: false
    created:
      description: When the alias was created (server time).
      type: str
      sample: "2026-11-24 00:28:06"
    modified:
      description: When the alias was last changed (server time), or null.
      type: str
      sample: null
    raw:
      description: Mailcow's object as the API returned it.
      type: dict
      returned: when O(include_raw=true)
      sample: {id: 189, address: info@example.org, goto: alice@example.org, active: 1, sender_allowed: 0}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.api import get_alias, list_aliases
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._info import Lookup, find_objects
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict, warnings: list | None = None) -> list:
    """The aliases asked for; when none is found, a warning in ``warnings`` if their domain does not exist."""
    lookup = Lookup(get_alias, list_aliases, normalize, lambda alias: alias["address"].lower(), catch_all=True)
    return find_objects(client, params, lookup, warnings)


def task(client: MailcowClient, params: dict) -> dict:
    warnings: list = []
    return {"changed": False, "aliases": find(client, params, warnings), "warnings": warnings}


def main() -> None:
    spec = dict(api_argspec(), domain={"type": "str"}, address={"type": "str"}, include_raw={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, mutually_exclusive=[("domain", "address")], supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
