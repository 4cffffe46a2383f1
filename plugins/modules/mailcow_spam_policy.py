#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_spam_policy
short_description: Manage the allow and deny lists of senders of a Mailcow domain or mailbox
version_added: 0.1.0
description:
  - Mailcow's spam filter keeps, per domain and per mailbox, an allow list (mail from these senders is never treated as
    spam) and a deny list (mail from them is always rejected as spam). An entry is a sender - an address, a domain, or a
    pattern with C(*) such as V(*@example.org).
  - With O(sender), ensures one sender is on the list O(list), or on neither list (O(state=absent)).
  - With O(allow) and/or O(deny), ensures these senders are on these lists in one call - two reads, deletes batched
    into one request, adds in parallel; with O(purge=true), every other sender of the object is removed.
  - Entries are named by their sender. Mailcow's numeric prefid is looked up from the lists, never needed.
  - A sender is on one list of an object at most (Mailcow refuses a second entry); moving it to the other list is a
    delete and an add, which the module does in that order.
  - Senders are compared as Mailcow stores them - trimmed, lower case, C(.*) as C(*), without a trailing dot - and
    refused before any request when Mailcow would refuse them (anything but letters, digits and C(@ . - * _)). An
    internationalised domain is converted to its ASCII form.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the lists and predicts C(changed), the per-sender actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - One diff per run, headed by the domain or mailbox - its allow and deny lists before and after.
  idempotent:
    support: full
options:
  domain:
    description:
      - The domain whose lists are managed. Mutually exclusive with O(mailbox); one of them is required.
    type: str
  mailbox:
    description:
      - The address of the mailbox whose lists are managed. Mutually exclusive with O(domain).
    type: str
  sender:
    description:
      - The single form - one sender (V(spammer@bad.example), V(partner.example), V(*@trusted.example)).
      - Mutually exclusive with O(allow) and O(deny).
    type: str
  list:
    description:
      - With O(sender) and O(state=present), the list the sender is on. Required then.
      - V(allow) - mail from the sender is never treated as spam; V(deny) - it is always rejected.
    type: str
    choices: [allow, deny]
  state:
    description:
      - With O(sender), V(present) puts the sender on O(list) (moving it from the other list); V(absent) removes it from
        whichever list holds it.
    type: str
    choices: [present, absent]
    default: present
  allow:
    description:
      - The bulk form - senders that must be on the allow list.
      - A sender listed here that is on the deny list is moved.
    type: list
    elements: str
  deny:
    description:
      - The bulk form - senders that must be on the deny list.
      - A sender may not be in both O(allow) and O(deny).
    type: list
    elements: str
  purge:
    description:
      - With O(allow)/O(deny), remove every sender of the object that neither list names.
      - Guarded by O(purge_allow_empty) and O(purge_max_share); run in check mode first to see what would go.
    type: bool
    default: false
  purge_allow_empty:
    description:
      - With O(purge=true), allow O(allow) and O(deny) to be empty together, which empties both lists of the object.
      - Without it such a run is refused before anything is written (also in check mode), naming what would be removed.
    type: bool
    default: false
  purge_max_share:
    description:
      - With O(purge=true), the largest share, in percent from V(0) to V(100), of the object's listed senders that one
        run may remove because neither list names them.
      - A run that would remove more is refused before anything is written (also in check mode); the message names
        the first 10 that would be removed, their count, and this option.
    type: int
    default: 50
  concurrency:
    description:
      - With O(allow)/O(deny), how many senders are added at the same time. From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow answers the lists of a domain or mailbox that does not exist like empty lists; the module then reads the
    object and fails before any write, naming it (in check mode it warns, as an earlier task may create it).
seealso:
  - module: glassdome.mailcow.mailcow_spam_policy_info
"""

EXAMPLES = r"""
- name: Never treat mail from our partner as spam
  glassdome.mailcow.mailcow_spam_policy:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    domain: example.org
    sender: "*@partner.example"
    list: allow

- name: Exactly these allow and deny lists for alice
  glassdome.mailcow.mailcow_spam_policy:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    mailbox: alice@example.org
    allow: [newsletter@shop.example]
    deny: [spammer@bad.example, junk.example]
    purge: true

- name: Take a sender off whichever list holds it
  glassdome.mailcow.mailcow_spam_policy:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    domain: example.org
    sender: old-partner.example
    state: absent
"""

RETURN = r"""
spam_policy:
  description: The object's lists after the task (predicted in check mode).
  returned: success
  type: dict
  contains:
    domain:
      description: The domain, when the lists are a domain's.
      type: str
      sample: example.org
    mailbox:
      description: The mailbox address, when the lists are a mailbox's.
      type: str
      sample: alice@example.org
    allow:
      description: The senders on the allow list, sorted.
      type: list
      elements: str
      sample: ["*@partner.example"]
    deny:
      description: The senders on the deny list, sorted.
      type: list
      elements: str
      sample: [spammer@bad.example]
entry:
  description: With O(sender), the sender and its list after the task; empty when it is on neither list.
  returned: success, single form
  type: dict
  sample: {sender: "*@partner.example", list: allow}
action:
  description: With O(sender), what was done (or would be in check mode) - created, updated (moved to the other list), deleted or unchanged.
  returned: success, single form
  type: str
  sample: created
senders:
  description:
    - With O(allow)/O(deny), one result per sender that was (or in check mode would be) added, moved or removed, in
      list order (allow first), purged ones last. Unchanged senders are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {sender: junk.example, list: deny, action: created, changed: true}
summary:
  description: With O(allow)/O(deny), how many senders each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 2}
msg:
  description: With O(allow)/O(deny), what was done in words.
  returned: success, bulk form
  type: str
  sample: "created 1 (junk.example), 2 unchanged"
outcome:
  description: Only when a write's answer was lost or said the sender was listed already, and reading the lists again decided it.
  returned: when re-reading decided a write
  type: str
  sample: created_concurrently
failed_entries:
  description: On failure of several writes, every failed sender with its error.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: junk.example, error: "Mailcow refused POST /add/domain-policy: ..."}
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.argspec import CONSTRAINTS, spam_policy_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.manager import manage


def main() -> None:
    module = BulkModule(argument_spec=spam_policy_argspec(), supports_check_mode=True, **CONSTRAINTS)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
