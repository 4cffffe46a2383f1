#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_bcc_map_info
short_description: List Mailcow BCC maps
version_added: 0.1.0
description:
  - Returns every BCC map of the server, or those of one local destination, normalised (C(active) as a boolean, the
    kind as V(sender) or V(recipient), a domain without its leading C(@)).
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  local_dest:
    description:
      - Only the maps of this mailbox address or domain (any case, a domain with or without its leading V(@)); an
        unknown one gives an empty list.
    type: str
  kind:
    description:
      - Only the maps of this kind.
    type: str
    choices: [sender, recipient]
seealso:
  - module: glassdome.mailcow.mailcow_bcc_map
"""

EXAMPLES = r"""
- name: Which mailboxes and domains are copied, and where to
  glassdome.mailcow.mailcow_bcc_map_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: result
"""

RETURN = r"""
bcc_maps:
  description: The maps found, sorted by name (local destination, then kind); empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the map.
      type: int
      sample: 1
    name:
      description: What names the map in mailcow_bcc_map's results and messages, its local destination and kind.
      type: str
      sample: alice@example.org (sender)
    local_dest:
      description: The mailbox address or domain (without a leading C(@)) whose mail is copied.
      type: str
      sample: alice@example.org
    kind:
      description: V(sender) or V(recipient).
      type: str
      sample: sender
    bcc_dest:
      description: The address that gets the copies.
      type: str
      sample: archive@archive.example
    active:
      description: Whether the map is used.
      type: bool
      sample: true
    domain:
      description: The domain of the local destination.
      type: str
      sample: example.org
    created:
      description: When the map was created (server time).
      type: str
      sample: "2026-12-07 01:49:03"
    modified:
      description: When the map was last changed (server time), or null.
      type: str
      sample: null
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.api import read_current
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.model import KINDS, check_local_dest
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict) -> list:
    """The maps asked for, normalised, sorted by name."""
    wanted = check_local_dest(params["local_dest"]) if params["local_dest"] else None
    return [row.item for key, rows in sorted(read_current(client).items()) for row in rows
            if wanted in (None, row.item["local_dest"]) and params["kind"] in (None, row.item["kind"])]


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "bcc_maps": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), local_dest={"type": "str"}, kind={"type": "str", "choices": list(KINDS)})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
