#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_time_limited_alias
short_description: Create, change and delete the time-limited aliases of a Mailcow mailbox
version_added: 0.1.0
description:
  - A time-limited (spam) alias is an address Mailcow makes up at random, such as C(caveda.vojico@example.org), that
    delivers to one mailbox until its validity ends, or for good when it is permanent - the address a user hands to a
    shop and can drop later.
  - No task can choose the address, so an alias is named by its O(description) within its O(mailbox). A description with no
    alias is created (the new address is returned); one with an alias is left alone, or its O(permanent) changed;
    O(state=absent) deletes every alias of that description. An existing alias can also be named by its O(address), to
    change its description or delete it.
  - With O(time_limited_aliases), ensures the mailbox's aliases in one call - one listing, deletes and equal edits batched,
    adds in parallel; with O(purge=true) the aliases no entry names are deleted.
  - Mailcow does not refuse two aliases of one description; the module refuses to guess between them (delete them with
    O(state=absent), or name one by address).
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the aliases and predicts C(changed), the actions and the diff; it cannot predict the address
        Mailcow will choose (shown as null).
  diff_mode:
    support: full
    details:
      - The alias's address, description and permanence before and after; the bulk form gives one diff per alias that changes.
  idempotent:
    support: full
    details:
      - O(validity) counts from the moment the alias is created and is not compared afterwards.
options:
  mailbox:
    description: The address of the mailbox the aliases deliver to.
    type: str
    required: true
  description:
    description:
      - What names the alias within the mailbox (compared exactly, without surrounding space); required to create one.
      - With O(address), the new description of that alias.
    type: str
  address:
    description:
      - An existing alias of the mailbox, by its address, to change or delete. Mailcow chooses new addresses, so an address
        that does not exist is refused, nothing is created.
    type: str
  validity:
    description:
      - How many hours a new alias delivers, from V(1) to V(87600) (ten years). Without it Mailcow gives V(8760) (a year).
      - Sent when the alias is created only.
    type: int
  permanent:
    description: Whether the alias delivers for good. A new alias is not permanent unless told.
    type: bool
  state:
    description:
      - V(present) creates the alias or changes it to match; V(absent) deletes every alias of the description (or the one address).
      - Ignored with O(time_limited_aliases), where each entry has its own O(time_limited_aliases[].state).
    type: str
    choices: [present, absent]
    default: present
  time_limited_aliases:
    description: The bulk form, the mailbox's aliases, each with the options of the single form. Mutually exclusive with O(description) and O(address).
    type: list
    elements: dict
    suboptions:
      description:
        description: What names the alias, as O(description).
        type: str
      address:
        description: An existing alias by address, as O(address).
        type: str
      validity:
        description: Hours a new alias delivers, as O(validity).
        type: int
      permanent:
        description: Whether it delivers for good, as O(permanent).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(time_limited_aliases), delete the mailbox's aliases that no entry names (also those without a description).
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  purge_allow_empty:
    description:
      - With O(purge=true), allow an empty O(time_limited_aliases) list, which deletes every alias of the mailbox.
      - Without it such a run is refused before anything is written (also in check mode).
    type: bool
    default: false
  purge_max_share:
    description:
      - With O(purge=true), the largest share, in percent from V(0) to V(100), of the mailbox's aliases one run may delete
        because no entry names them; a run that would delete more is refused before anything is written.
    type: int
    default: 50
  concurrency:
    description: With O(time_limited_aliases), how many aliases are added at the same time, from V(1) to V(32).
    type: int
    default: 4
seealso:
  - module: glassdome.mailcow.mailcow_time_limited_alias_info
"""

EXAMPLES = r"""
- name: An address for the shop, valid for 30 days
  glassdome.mailcow.mailcow_time_limited_alias:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    mailbox: alice@example.org
    description: shop signup
    validity: 720
  register: shop

- name: Tell alice the address
  ansible.builtin.debug:
    msg: "Use {{ shop.time_limited_alias.address }}"

- name: Exactly these aliases for bob
  glassdome.mailcow.mailcow_time_limited_alias:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    mailbox: bob@example.org
    purge: true
    time_limited_aliases:
      - description: newsletters
        permanent: true
      - description: conference 2027
        validity: 2160
"""

RETURN = r"""
time_limited_alias:
  description: The alias after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    address:
      description: The alias's address, chosen by Mailcow; null in check mode for one not yet created.
      type: str
      sample: caveda.vojico@example.org
    mailbox:
      description: The mailbox it delivers to.
      type: str
      sample: alice@example.org
    description:
      description: What names it.
      type: str
      sample: shop signup
    permanent:
      description: Whether it delivers for good.
      type: bool
      sample: false
    validity:
      description: When it stops delivering, as Mailcow reads it back (a Unix timestamp).
      type: int
      sample: 1796694545
    expires:
      description: The same moment in ISO 8601, UTC.
      type: str
      sample: "2026-12-08T01:49:05Z"
    created:
      description: When it was created (server time).
      type: str
      sample: "2026-12-07 01:49:05"
    modified:
      description: When it was last changed (server time), or null.
      type: str
      sample: null
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
time_limited_aliases:
  description: With O(time_limited_aliases), one result per alias created, updated or deleted (or that would be in check mode).
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {description: newsletters, action: created, changed: true}
summary:
  description: With O(time_limited_aliases), how many aliases each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 1}
msg:
  description: With O(time_limited_aliases), what was done in words.
  returned: success, bulk form
  type: str
  sample: "created 1 (newsletters), 1 unchanged"
"""

from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._time_limited_alias.argspec import CONSTRAINTS, time_limited_alias_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._time_limited_alias.manager import manage


def main() -> None:
    module = BulkModule(argument_spec=time_limited_alias_argspec(), supports_check_mode=True, **CONSTRAINTS)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
