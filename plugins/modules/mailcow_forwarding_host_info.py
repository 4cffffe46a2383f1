#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_forwarding_host_info
short_description: List Mailcow forwarding hosts
version_added: 0.1.0
description:
  - Returns every forwarding host of the server (addresses and networks whose mail skips Mailcow's spam checks),
    or the one of an address, normalised (C(keep_spam) as a boolean).
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  host:
    description:
      - Only this address or network (compared in canonical form); an unknown one gives an empty list.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_forwarding_host
"""

EXAMPLES = r"""
- name: Which hosts skip the spam checks
  glassdome.mailcow.mailcow_forwarding_host_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: result
"""

RETURN = r"""
forwarding_hosts:
  description: The forwarding hosts found, sorted by host; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The host again (Mailcow knows forwarding hosts by host only).
      type: str
      sample: 192.0.2.10
    host:
      description: The address or network.
      type: str
      sample: 192.0.2.10
    source:
      description: What it was added as (a host name Mailcow resolved, or the address itself).
      type: str
      sample: 192.0.2.10
    keep_spam:
      description: Whether its spam is kept.
      type: bool
      sample: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.api import read_current
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.model import key_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict) -> list:
    """The forwarding hosts asked for, normalised, sorted by host."""
    wanted = key_of(params["host"]) if params["host"] else None
    return [row.item for key, rows in sorted(read_current(client).items()) if wanted in (None, key) for row in rows]


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "forwarding_hosts": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), host={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
