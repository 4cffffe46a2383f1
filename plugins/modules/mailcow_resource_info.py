#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_resource_info
short_description: List Mailcow resources (rooms, equipment, groups)
version_added: 0.1.0
description:
  - Returns every resource of the server, those of one domain, or the one of an address, normalised as
    M(glassdome.mailcow.mailcow_resource) takes them.
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  address:
    description:
      - Only the resource of this address (any case); an unknown one gives an empty list.
    type: str
  domain:
    description:
      - Only the resources of this domain. Mutually exclusive with O(address).
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_resource
"""

EXAMPLES = r"""
- name: The rooms and equipment of example.org
  glassdome.mailcow.mailcow_resource_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    domain: example.org
  register: result
"""

RETURN = r"""
resources:
  description: The resources found, sorted by domain and address; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    address:
      description: The resource's address, its local part in the case Mailcow keeps.
      type: str
      sample: Room1@example.org
    local_part:
      description: The part of the address before the C(@).
      type: str
      sample: Room1
    domain:
      description: The resource's domain.
      type: str
      sample: example.org
    description:
      description: The name SOGo shows.
      type: str
      sample: Room 1
    kind:
      description: V(location), V(thing) or V(group).
      type: str
      sample: location
    multiple_bookings:
      description: V(0) always free, V(-1) any number shown busy, or the most bookings at one time.
      type: int
      sample: 1
    active:
      description: Whether the resource can be booked.
      type: bool
      sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.api import find
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    spec = dict(api_argspec(), address={"type": "str"}, domain={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, mutually_exclusive=[("address", "domain")])
    run_api_module(module, find)


if __name__ == "__main__":
    main()
