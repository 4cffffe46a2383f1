#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_domain_admin_info
short_description: List Mailcow domain administrators
version_added: 0.1.0
description:
  - Returns every domain administrator of the server, those of one domain, or one administrator, normalised
    (flags as booleans, domains as a sorted list), with Mailcow's raw object on request (O(include_raw)).
  - Passwords are never returned (Mailcow's API has none to give), and neither is the ACL, which Mailcow's API cannot read.
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  username:
    description:
      - Only this administrator (any case); an unknown one gives an empty list.
    type: str
  domain:
    description:
      - Only the administrators of this domain. An internationalised name is converted to its ASCII form.
    type: str
  include_raw:
    description:
      - Add Mailcow's unmodified object to each administrator as RV(domain_admins[].raw).
    type: bool
    default: false
seealso:
  - module: glassdome.mailcow.mailcow_domain_admin
"""

EXAMPLES = r"""
- name: Who administers example.org
  glassdome.mailcow.mailcow_domain_admin_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    domain: example.org
  register: result

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.username }}: {{ item.domains | join(', ') }}"
  loop: "{{ result.domain_admins }}"
"""

RETURN = r"""
domain_admins:
  description: The administrators found, sorted by name; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    username:
      description: Login name, lower-case.
      type: str
      sample: example-admin
    domains:
      description: The domains it manages, sorted.
      type: list
      elements: str
      sample: [example.net, example.org]
    active:
      description: Whether it may log in.
      type: bool
      sample: true
    tfa_active:
      description: Whether two-factor authentication is set up.
      type: bool
      sample: false
    force_tfa:
      description: Whether it must set up two-factor authentication.
      type: bool
      sample: false
    force_pw_update:
      description: Whether it must change its password at the next login.
      type: bool
      sample: false
    created:
      description: When its domains were last set (server time; Mailcow rewrites this on every edit).
      type: str
      sample: "2026-11-25 20:41:14"
    raw:
      description: Mailcow's object as the API returned it.
      type: dict
      returned: when O(include_raw=true)
      sample: {username: example-admin, active: 1, selected_domains: [example.org], unselected_domains: ""}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.model import check_username, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.api import get_domain_admin, list_domain_admins
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict) -> list:
    """The administrators asked for, normalised and sorted; the names are checked before the request."""
    domain = ascii_domain(params["domain"]) if params["domain"] else None
    if params["username"]:
        raws = [raw for raw in [get_domain_admin(client, check_username(params["username"]))] if raw]
    else:
        raws = list_domain_admins(client)
    found = [normalize(raw, include_raw=params["include_raw"]) for raw in raws]
    if domain:
        found = [item for item in found if domain in item["domains"]]
    return sorted(found, key=lambda item: item["username"])


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "domain_admins": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), username={"type": "str"}, domain={"type": "str"}, include_raw={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
