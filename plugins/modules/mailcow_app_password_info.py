#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_app_password_info
short_description: List the app passwords of a Mailcow mailbox
version_added: 0.1.0
description:
  - Returns the app passwords of one mailbox, or only those of one name, normalised (protocols as a list, flags as
    booleans, names as written although Mailcow returns them HTML-escaped twice). Never a password or its hash.
  - A read-only API key is enough.
  - A mailbox that does not exist fails the task (Mailcow answers the same empty listing for it as for a mailbox
    without app passwords, so the module reads the mailbox once when the listing is empty).
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  mailbox:
    description: Address of the mailbox.
    type: str
    required: true
  name:
    description:
      - Only the app passwords of this name (compared exactly). Mailcow allows several of one name; all are returned.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_app_password
"""

EXAMPLES = r"""
- name: List alice's app passwords with a read-only key
  glassdome.mailcow.mailcow_app_password_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    mailbox: alice@example.org
  register: result

- name: Show which devices may use ActiveSync
  ansible.builtin.debug:
    msg: "{{ item.name }}"
  loop: "{{ result.app_passwords | selectattr('protocols', 'contains', 'eas_access') }}"
"""

RETURN = r"""
app_passwords:
  description: The app passwords found, sorted by name (then Mailcow id); empty when there are none.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's id, for reference only.
      type: int
      sample: 33
    mailbox:
      description: The mailbox.
      type: str
      sample: alice@example.org
    name:
      description: The name as written (unescaped).
      type: str
      sample: CalDAV <sync>
    protocols:
      description: What it may log in to, by Mailcow's names, in a fixed order.
      type: list
      elements: str
      sample: [imap_access, smtp_access]
    active:
      description: Whether it can be used.
      type: bool
      sample: true
    created:
      description: When it was created (server time).
      type: str
      sample: "2026-11-25 20:41:15"
    modified:
      description: When it was last changed (server time), or null.
      type: str
      sample: null
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.manager import find
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def task(client: MailcowClient, params: dict) -> dict:
    return {"changed": False, "app_passwords": find(client, params)}


def main() -> None:
    spec = dict(api_argspec(), mailbox={"type": "str", "required": True}, name={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
