#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_relayhost_info
short_description: List Mailcow relayhosts (smarthosts)
version_added: 0.1.0
description:
  - Returns every relayhost of the server, or those of one host name, normalised (flags as booleans, the domains
    and mailboxes that use each as sorted lists).
  - Passwords are never returned, although Mailcow's API gives them in clear; RV(relayhosts[].password_set) says
    whether one is set.
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  hostname:
    description:
      - Only the relayhosts of this host name (any case); an unknown one gives an empty list.
      - Checked as in M(glassdome.mailcow.mailcow_relayhost) before the request.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_relayhost
"""

EXAMPLES = r"""
- name: Which relayhosts the server has
  glassdome.mailcow.mailcow_relayhost_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: result

- name: Show them with the domains that use each
  ansible.builtin.debug:
    msg: "{{ item.hostname }}: {{ item.used_by_domains | join(', ') }}"
  loop: "{{ result.relayhosts }}"
"""

RETURN = r"""
relayhosts:
  description: The relayhosts found, in Mailcow's id order; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the relayhost.
      type: int
      sample: 3
    hostname:
      description: The relayhost, as stored.
      type: str
      sample: "[smtp.provider.example]:587"
    username:
      description: The user name it authenticates with, empty for none.
      type: str
      sample: mailcow@example.org
    active:
      description: Whether it may be used.
      type: bool
      sample: true
    password_set:
      description: Whether it has a password (the password itself is never returned).
      type: bool
      sample: true
    used_by_domains:
      description: The domains that send through it, sorted.
      type: list
      elements: str
      sample: [example.org]
    used_by_mailboxes:
      description: The mailboxes that send through it, sorted.
      type: list
      elements: str
      sample: [alice@example.org]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.api import read_current
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import check_hostname, key_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict) -> list:
    """The relayhosts asked for, normalised, in id order; the host name is checked before the request."""
    wanted = key_of(check_hostname(params["hostname"])) if params["hostname"] else None
    found = [current.item for key, rows in read_current(client).items() if wanted in (None, key) for current in rows]
    return sorted(found, key=lambda relayhost: relayhost["id"])


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "relayhosts": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), hostname={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
