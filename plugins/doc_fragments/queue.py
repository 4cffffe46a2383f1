# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Which messages of the mail queue (mailcow_queue_info, mailcow_queue).
    # Keep in step with plugins/module_utils/_queue/argspec.py:selection_argspec() and _queue/model.py:selection_from_params().
    DOCUMENTATION = r"""
options:
  queue_ids:
    description:
      - Only these messages, by Postfix queue id (as RV(glassdome.mailcow.mailcow_queue_info#module:queue[].queue_id) lists
        them, 5 to 32 hexadecimal digits; case does not matter).
      - Any other id is refused before any request, because Mailcow silently ignores it.
    type: list
    elements: str
    default: []
  sender:
    description:
      - Only messages from this envelope sender, an address (any case), or from any address of a domain
        (V(example.org) or V(@example.org); an internationalised domain in either form).
      - V(<>) selects bounces and other mail with the null sender.
    type: str
  recipient:
    description:
      - Only messages with at least one recipient that is this address, or in this domain (V(example.org) or V(@example.org)).
    type: str
  older_than:
    description:
      - Only messages that arrived at least this long ago, as an age such as V(30m), V(2h), V(1d) or V(1w)
        (s, m, h, d, w).
    type: str
  status:
    description:
      - Only messages in these Postfix queues. V(deferred) holds mail whose delivery failed for now and is retried;
        V(hold) mail put on hold; V(active) mail being delivered; V(incoming) and V(maildrop) mail just arrived.
      - Empty, every queue.
    type: list
    elements: str
    choices: [active, deferred, hold, incoming, maildrop]
    default: []
notes:
  - A message is selected when it meets every criterion given.
  - Mailcow lists at most 10000 messages.
"""
