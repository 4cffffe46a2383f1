#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_queue_info
short_description: List the messages waiting in Mailcow's mail queue (Postfix), by sender, recipient, age or queue
version_added: 0.1.0
description:
  - Lists the messages in the mail queue of Mailcow's Postfix, as Mailcow's queue manager shows them, optionally only those
    from a sender, to a recipient, older than an age, or in given Postfix queues (deferred, hold, ...).
  - Each message comes with its queue id, its queue, when it arrived (ISO 8601, UTC) and how long ago, its sender, its
    recipients with the reason their delivery was deferred, and its size.
  - Also returns how many messages the whole queue holds, and how many in each Postfix queue, for monitoring.
  - One request; a read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
  - glassdome.mailcow.queue
seealso:
  - module: glassdome.mailcow.mailcow_queue
  - module: glassdome.mailcow.mailcow_log_info
"""

EXAMPLES = r"""
- name: Mail deferred for more than an hour
  glassdome.mailcow.mailcow_queue_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_api_key }}"
    status: [deferred]
    older_than: 1h
  register: stuck

- name: Why each of them waits
  ansible.builtin.debug:
    msg: "{{ item.queue_id }} from {{ item.sender }}: {{ item.recipients | map(attribute='delay_reason') | unique | join('; ') }}"
  loop: "{{ stuck.queue }}"

- name: Alert when the queue grows (a scheduled AWX job)
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_ro_api_key }}"
  block:
    - name: Read the queue
      glassdome.mailcow.mailcow_queue_info:
      register: queue
    - name: Fail above 100 deferred messages
      ansible.builtin.assert:
        that: queue.counts.deferred <= 100
        fail_msg: "{{ queue.counts.deferred }} messages deferred"
"""

RETURN = r"""
queue:
  description: The selected messages, oldest first.
  returned: success
  type: list
  elements: dict
  contains:
    queue_id:
      description: Postfix's queue id, which M(glassdome.mailcow.mailcow_queue) takes in O(glassdome.mailcow.mailcow_queue#module:queue_ids).
      type: str
      sample: 4F2A91C0D3
    status:
      description: The Postfix queue the message is in (V(active), V(deferred), V(hold), V(incoming), V(maildrop)).
      type: str
      sample: deferred
    arrival_time:
      description: When it arrived, ISO 8601 in UTC.
      type: str
      sample: "2026-12-07T05:59:34Z"
    timestamp:
      description: The same as a Unix time.
      type: int
      sample: 1796623174
    age_seconds:
      description: Seconds since it arrived.
      type: int
      sample: 3600
    sender:
      description: The envelope sender; empty for a bounce.
      type: str
      sample: alice@example.org
    recipients:
      description: The recipients not yet delivered to.
      type: list
      elements: dict
      contains:
        address:
          description: The recipient's address.
          type: str
          sample: bob@example.net
        delay_reason:
          description: Why its delivery was deferred; null when it was not tried yet.
          type: str
          sample: "connect to mx.example.net[192.0.2.25]:25: Connection refused"
    size:
      description: The message's size in bytes.
      type: int
      sample: 2048
    forced_expire:
      description: Whether the message was marked to expire (Postfix's postsuper -e) and is returned to its sender at the next attempt.
      type: bool
      sample: false
  sample:
    - queue_id: 4F2A91C0D3
      status: deferred
      arrival_time: "2026-12-07T05:59:34Z"
      timestamp: 1796623174
      age_seconds: 3600
      sender: alice@example.org
      recipients:
        - address: bob@example.net
          delay_reason: "connect to mx.example.net[192.0.2.25]:25: Connection refused"
      size: 2048
      forced_expire: false
total:
  description: How many messages the whole queue holds, whatever the selection.
  returned: success
  type: int
  sample: 3
counts:
  description: How many messages of the whole queue are in each Postfix queue.
  returned: success
  type: dict
  sample: {active: 0, deferred: 2, hold: 1, incoming: 0, maildrop: 0}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.argspec import selection_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.manager import info
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **selection_argspec()), supports_check_mode=True)
    run_api_module(module, info)


if __name__ == "__main__":
    main()
