#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_recipient_map_info
short_description: List Mailcow recipient maps
version_added: 0.1.0
description:
  - Returns every recipient map of the server, or the one of an old recipient, normalised (C(active) as a boolean, a
    domain without its leading C(@)).
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  old_recipient:
    description:
      - Only the map of this old address or domain (any case, a domain with or without its leading V(@)); an unknown one
        gives an empty list.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_recipient_map
"""

EXAMPLES = r"""
- name: Which addresses and domains are rewritten, and to what
  glassdome.mailcow.mailcow_recipient_map_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: result
"""

RETURN = r"""
recipient_maps:
  description: The maps found, sorted by old recipient; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the map.
      type: int
      sample: 1
    old_recipient:
      description: The address or domain (without a leading C(@)) whose mail is rewritten.
      type: str
      sample: old-company.example
    new_recipient:
      description: The address or domain (without a leading C(@)) the mail goes to instead.
      type: str
      sample: example.org
    active:
      description: Whether the map is used.
      type: bool
      sample: true
    created:
      description: When the map was created (server time).
      type: str
      sample: "2026-12-07 01:49:04"
    modified:
      description: When the map was last changed (server time), or null.
      type: str
      sample: null
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.api import read_current
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.model import key_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict) -> list:
    """The maps asked for, normalised, sorted by old recipient."""
    wanted = key_of(params["old_recipient"]) if params["old_recipient"] else None
    return [row.item for key, rows in sorted(read_current(client).items()) if wanted in (None, key) for row in rows]


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "recipient_maps": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), old_recipient={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
