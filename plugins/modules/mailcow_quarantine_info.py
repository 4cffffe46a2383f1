#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_quarantine_info
short_description: List the mail held in Mailcow's quarantine, by recipient, domain, sender, age and spam score
version_added: 0.1.0
description:
  - Lists the items of Mailcow's quarantine (the messages Rspamd held back), each with its time in ISO 8601, sender,
    recipient, subject, spam score, Rspamd's action and a stable RV(quarantined[].identity) that
    M(glassdome.mailcow.mailcow_quarantine) takes to release, learn or delete it.
  - Every filter given must hold; a filter that is a list matches any of its entries.
  - One request; a read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.quarantine
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  identities:
    description:
      - Only the items with these identities (as RV(quarantined[].identity) returned them). An empty list selects nothing.
    type: list
    elements: str
notes:
  - An item's identity is made from its Postfix queue id, its recipient and the time it was quarantined, which do not
    change while it is held; a message held for two recipients is two items. Mailcow's own numeric ids are returned too
    (RV(quarantined[].mailcow_id)), but cannot be known outside Mailcow.
seealso:
  - module: glassdome.mailcow.mailcow_quarantine
"""

EXAMPLES = r"""
- name: What the quarantine holds for alice, from the last week, scored 10 or more
  glassdome.mailcow.mailcow_quarantine_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_api_key }}"
    mailbox: alice@example.org
    newer_than: 7d
    min_score: 10
  register: held

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.identity }} {{ item.time }} {{ item.sender }}: {{ item.subject }} ({{ item.score }})"
  loop: "{{ held.quarantined }}"

- name: Everything held for example.org for more than 30 days
  glassdome.mailcow.mailcow_quarantine_info:
    domain: example.org
    older_than: 30d
  register: old
"""

RETURN = r"""
quarantined:
  description: The items that match, in the order Mailcow lists them (the order they were quarantined).
  returned: success
  type: list
  elements: dict
  contains:
    identity:
      description: The item's stable name (16 hex digits), for O(glassdome.mailcow.mailcow_quarantine#module:identities).
      type: str
      sample: 5b0f6d0e1c2a9b37
    time:
      description: When the message was quarantined, ISO 8601 in UTC.
      type: str
      sample: "2026-12-07T01:49:07Z"
    timestamp:
      description: The same as a Unix time.
      type: int
      sample: 1796608147
    sender:
      description: The envelope sender.
      type: str
      sample: spammer@bad.example
    recipient:
      description: The recipient (a mailbox of this Mailcow).
      type: str
      sample: alice@example.org
    subject:
      description: The subject.
      type: str
      sample: Win now
    score:
      description: Rspamd's spam score.
      type: float
      sample: 15.5
    action:
      description: What Rspamd decided, V(reject) or V(add header).
      type: str
      sample: reject
    virus:
      description: Whether a virus was found.
      type: bool
      sample: false
    notified:
      description: Whether the recipient was sent a quarantine notification for it.
      type: bool
      sample: false
    queue_id:
      description: The Postfix queue id of the message.
      type: str
      sample: 4Zx3Lq0pQhz9sJk
    mailcow_id:
      description: Mailcow's row number of the item (for reference only; it is not known outside Mailcow).
      type: int
      sample: 17
total:
  description: How many items the quarantine holds, before the filters.
  returned: success
  type: int
  sample: 42
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.argspec import selection_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.manager import info
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **selection_argspec()), supports_check_mode=True)
    run_api_module(module, info)


if __name__ == "__main__":
    main()
