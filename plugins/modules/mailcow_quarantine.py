#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_quarantine
short_description: Release, learn as ham or spam, or delete mail held in Mailcow's quarantine
version_added: 0.1.0
description:
  - Acts on items of Mailcow's quarantine, named by the identities M(glassdome.mailcow.mailcow_quarantine_info) returns
    (O(identities)) or selected by recipient, domain, sender, age and spam score, or both (every condition given must hold).
  - V(release) delivers the message to its recipient; V(learn_ham) does the same and teaches Rspamd that it is not spam;
    V(learn_spam) teaches Rspamd that it is spam and deletes it; V(delete) deletes it. Each takes the item out of the
    quarantine, so an item already acted on is not acted on again.
  - The quarantine is read once; the items are acted on in one request; then the quarantine is read again, and the task
    fails naming every item still in it, with Mailcow's reason (for example that Postfix could not be reached).
  - Items selected by filters alone may be at most O(max_share) percent of the quarantine, so that a loose or misspelt
    filter does not empty it. Items named by O(identities) are not limited.
  - Every option is checked before any request. Needs the read-write API key.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.quarantine
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the quarantine and returns the items that would be acted on, with the guards applied.
  diff_mode:
    support: full
    details:
      - The diff lists each item acted on, under its identity, as one line with its time, sender, recipient, score and
        subject; after the task the quarantine no longer holds them.
  idempotent:
    support: full
    details:
      - An item acted on leaves the quarantine, so a second run finds nothing to do. An identity no longer in the
        quarantine is taken as done (listed in RV(missing)), unless O(fail_on_missing=true).
options:
  action:
    description:
      - What to do with the items.
      - V(release) sends each message on to its recipient. Mailcow also teaches Rspamd every released message as ham; when
        that fails the task warns but succeeds.
      - V(learn_ham) releases each message and teaches Rspamd that it is not spam; the task fails when Rspamd did not learn it.
      - V(learn_spam) teaches Rspamd that each message is spam and deletes it. Mailcow deletes the item even when Rspamd
        could not learn it; the task then fails, saying so.
      - V(delete) deletes the items; the messages are not delivered.
    type: str
    required: true
    choices: [release, learn_ham, learn_spam, delete]
  identities:
    description:
      - The items to act on, by the identities M(glassdome.mailcow.mailcow_quarantine_info) returned (16 hex digits).
      - An empty list acts on nothing. With filters, only the items named here that also match them.
    type: list
    elements: str
  fail_on_missing:
    description:
      - Fail, before any write, when an identity in O(identities) is not in the quarantine.
      - By default such an identity is taken as already acted on (the item left the quarantine), which keeps a re-run
        unchanged; it is listed in RV(missing).
    type: bool
    default: false
  max_share:
    description:
      - When the items are selected by filters alone (no O(identities)), the largest share of the quarantine, in percent
        from V(0) to V(100), that one run may act on.
      - A run that would act on more is refused before anything is written (also in check mode); the message names the
        items and this option. Raise it (up to V(100)) when that is intended.
      - To act on every item, select them all with O(older_than=0s) and set O(max_share=100).
    type: int
    default: 50
notes:
  - Releasing hands the message to Mailcow's Postfix, which delivers it; Mailcow's quarantine settings decide whether it
    arrives as it was or as an attachment.
seealso:
  - module: glassdome.mailcow.mailcow_quarantine_info
"""

EXAMPLES = r"""
- name: Find alice's held mail from the bank
  glassdome.mailcow.mailcow_quarantine_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_api_key }}"
    mailbox: alice@example.org
    sender: bank.example
  register: held

- name: Release it and teach Rspamd it is not spam
  glassdome.mailcow.mailcow_quarantine:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    action: learn_ham
    identities: "{{ held.quarantined | map(attribute='identity') }}"

- name: Clean-up with the connection set once for the collection's modules
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Delete everything held for more than 30 days, whatever share of the quarantine that is
      glassdome.mailcow.mailcow_quarantine:
        action: delete
        older_than: 30d
        max_share: 100

    - name: Teach Rspamd the obvious spam of example.org and drop it
      glassdome.mailcow.mailcow_quarantine:
        action: learn_spam
        domain: example.org
        min_score: 20
"""

RETURN = r"""
action:
  description: The action taken.
  returned: success
  type: str
  sample: release
quarantined:
  description: The items acted on (or that would be, in check mode), as M(glassdome.mailcow.mailcow_quarantine_info) returns them.
  returned: success
  type: list
  elements: dict
  contains:
    identity:
      description: The item's stable name.
      type: str
      sample: 5b0f6d0e1c2a9b37
    time:
      description: When it was quarantined, ISO 8601 in UTC.
      type: str
      sample: "2026-12-07T01:49:07Z"
    sender:
      description: The envelope sender.
      type: str
      sample: spammer@bad.example
    recipient:
      description: The recipient.
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
missing:
  description: Identities from O(identities) that are not in the quarantine (taken as already acted on).
  returned: success
  type: list
  elements: str
  sample: [5b0f6d0e1c2a9b37]
total:
  description: How many items the quarantine held before the task.
  returned: success
  type: int
  sample: 42
outcome:
  description: V(confirmed) when Mailcow's answer was lost and reading the quarantine again showed the items gone.
  returned: when a re-read decided the outcome
  type: str
  sample: confirmed
done:
  description: On failure, the identities of the items that did leave the quarantine.
  returned: failure after a write
  type: list
  elements: str
  sample: [5b0f6d0e1c2a9b37]
not_done:
  description: On failure, the identities of the items still in the quarantine.
  returned: failure after a write
  type: list
  elements: str
  sample: [0c1d2e3f4a5b6c7d]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.argspec import quarantine_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **quarantine_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff_mode=module._diff))


if __name__ == "__main__":
    main()
