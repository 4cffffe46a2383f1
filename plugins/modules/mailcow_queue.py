#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_queue
short_description: Flush, hold, release or delete messages in Mailcow's mail queue (Postfix)
version_added: 0.1.0
description:
  - Acts on the messages in the mail queue of Mailcow's Postfix, selected by queue id, sender, recipient, age or Postfix queue
    (all criteria given must hold), as Mailcow's queue manager does.
  - V(flush) asks Postfix to try delivering them now; V(hold) puts them on hold (Postfix leaves them alone until released);
    V(release) takes them off hold; V(delete) deletes them for good (their senders are not told).
  - The queue is read first, so only what the action changes is touched, and C(changed) says whether anything was. After a
    hold, release or delete the queue is read again and every message checked, because Mailcow answers success whatever
    Postfix did.
  - Deleting is guarded like the purge of the bulk modules. Deleting without any selection is refused unless
    O(allow_delete_all=true); deleting, through O(sender), O(recipient), O(older_than) or O(status), more than
    O(delete_max_share) percent of the messages in the queue is refused. Messages named by O(queue_ids) are deleted as asked.
  - Needs the read-write API key.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.queue
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the queue and predicts C(changed), the messages and the diff; the delete guards apply alike.
  diff_mode:
    support: full
    details:
      - The diff shows each message the action changes, by queue id, with its queue before and after (a deleted one is gone,
        a flushed one reads V(flushed)), its sender and its recipients.
  idempotent:
    support: partial
    details:
      - Holding held messages, releasing messages not on hold, and deleting messages already gone (named by O(queue_ids) too)
        change nothing.
      - V(flush) changes something whenever a selected message is not on hold, since it asks for a delivery attempt; once
        the messages are delivered, it changes nothing.
options:
  action:
    description:
      - V(flush) - try delivering the selected messages now. Without any selection, the whole queue is flushed (Postfix's
        C(postqueue -f)); with one, each selected message is delivered (C(postqueue -i)). Messages on hold are left alone.
      - V(hold) - put the selected messages on hold (C(postsuper -h)).
      - V(release) - release the selected messages from hold (C(postsuper -H)); Postfix tries them again soon.
      - V(delete) - delete the selected messages (C(postsuper -d)). A message named by O(queue_ids) that is no longer in the
        queue counts as deleted.
      - V(flush), V(hold) and V(release) fail, before any change, when a message named by O(queue_ids) is not in the queue.
    type: str
    required: true
    choices: [flush, hold, release, delete]
  allow_delete_all:
    description:
      - With O(action=delete) and no selection at all, allow deleting every message in the queue.
      - Without it such a run is refused before anything is written (also in check mode), naming what would be deleted.
      - O(delete_max_share) still applies, so emptying the queue takes both options.
    type: bool
    default: false
  delete_max_share:
    description:
      - With O(action=delete), the largest share, in percent from V(0) to V(100), of the messages in the queue that one run may
        delete through O(sender), O(recipient), O(older_than) or O(status).
      - A run that would delete more is refused before anything is written (also in check mode); the message names the first
        10 messages that would be deleted, their count, and this option.
      - Not applied when O(queue_ids) names the messages.
    type: int
    default: 50
notes:
  - Only the listed messages are acted on, by queue id, even for a delete of the whole queue, so mail that arrives meanwhile
    is never deleted by accident. Mailcow's own "delete all" (C(postsuper -d ALL)) is not used.
  - Mailcow acts only on Postfix's short, hexadecimal queue ids. With long queue ids (Postfix's C(enable_long_queue_ids)),
    an action that would touch such a message is refused before any change, since Mailcow would skip it and report success.
seealso:
  - module: glassdome.mailcow.mailcow_queue_info
"""

EXAMPLES = r"""
- name: Deliver the mail deferred for example.net now (its server is back)
  glassdome.mailcow.mailcow_queue:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    action: flush
    recipient: example.net

- name: Hold everything a compromised account sent, then delete it after review
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Hold
      glassdome.mailcow.mailcow_queue:
        action: hold
        sender: newsletter@example.org
      register: held
    - name: Delete what was held
      glassdome.mailcow.mailcow_queue:
        action: delete
        queue_ids: "{{ held.queue_ids }}"
      when: held.queue_ids | length > 0

- name: Delete bounces older than two days
  glassdome.mailcow.mailcow_queue:
    action: delete
    sender: "<>"
    older_than: 2d
    delete_max_share: 100
"""

RETURN = r"""
action:
  description: The action, as given.
  returned: success
  type: str
  sample: hold
queue_ids:
  description: The queue ids of the messages the action changed (or would, in check mode).
  returned: success
  type: list
  elements: str
  sample: [4F2A91C0D3]
messages:
  description:
    - The messages the action changed (or would, in check mode), as they were before it, in the form of
      RV(glassdome.mailcow.mailcow_queue_info#module:queue).
  returned: success
  type: list
  elements: dict
  sample:
    - {queue_id: 9B01C77E42, status: hold, arrival_time: "2026-12-06T22:10:05Z", timestamp: 1796595005, age_seconds: 28800,
       sender: newsletter@example.org, size: 51200, forced_expire: false,
       recipients: [{address: carol@example.com, delay_reason: "host mx.example.com[198.51.100.9] said: 452 4.2.2 Mailbox full"}]}
missing:
  description: Queue ids named in O(queue_ids) that were not in the queue (with O(action=delete), already gone).
  returned: success
  type: list
  elements: str
  sample: []
total:
  description: How many messages the queue held before the action.
  returned: success
  type: int
  sample: 3
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.argspec import queue_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **queue_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff_mode=module._diff))


if __name__ == "__main__":
    main()
