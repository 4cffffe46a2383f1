#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_transport_map_info
short_description: List Mailcow transport maps
version_added: 0.1.0
description:
  - Returns every transport map of the server, or the one of a destination, normalised (flags as booleans).
  - Passwords are never returned, although Mailcow's API gives them in clear; RV(transport_maps[].password_set) says
    whether one is set.
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  destination:
    description:
      - Only the map of this destination (any case); an unknown one gives an empty list.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_transport_map
"""

EXAMPLES = r"""
- name: Which transport maps the server has
  glassdome.mailcow.mailcow_transport_map_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: result

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.destination }} -> {{ item.nexthop }}"
  loop: "{{ result.transport_maps }}"
"""

RETURN = r"""
transport_maps:
  description: The transport maps found, in Mailcow's id order; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the map.
      type: int
      sample: 3
    destination:
      description: What the map applies to.
      type: str
      sample: partner.example
    nexthop:
      description: Where the mail goes.
      type: str
      sample: "[gw.partner.example]:587"
    username:
      description: The user name it authenticates with, empty for none.
      type: str
      sample: mailcow
    active:
      description: Whether the map is used.
      type: bool
      sample: true
    is_mx_based:
      description: Whether the destination is a regular expression on MX host names.
      type: bool
      sample: false
    password_set:
      description: Whether it has a password (the password itself is never returned).
      type: bool
      sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.api import read_current
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.model import key_of


def find(client: MailcowClient, params: dict) -> list:
    """The transport maps asked for, normalised, in id order."""
    wanted = key_of(params["destination"]) if params["destination"] else None
    found = [row.item for key, rows in read_current(client).items() if wanted in (None, key) for row in rows]
    return sorted(found, key=lambda transport: transport["id"])


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "transport_maps": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), destination={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
