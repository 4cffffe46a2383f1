#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_bcc_map
short_description: Create, change and delete Mailcow BCC maps
version_added: 0.1.0
description:
  - Ensures one Mailcow BCC map (a copy of the mail that a local mailbox or domain sends or receives, sent to another
    address, for example an archive) is present with the given settings, or absent.
  - With O(bcc_maps), ensures the server's BCC maps in one call - one read, then only the writes that differ (equal
    edits batched into one request, deletes batched into one request, adds in parallel).
  - A map is named by its local destination (O(local_dest)) and its kind (O(kind)); Mailcow keeps one map per pair.
    Mailcow's numeric id is looked up from the listing and returned, never needed.
  - Only the options you set are compared and changed.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.bulk.server
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the maps and predicts C(changed), the per-map actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the map's settings before and after; the bulk form gives one diff per map that changes.
  idempotent:
    support: full
    details:
      - Local destinations compare regardless of case, and a domain with or without its leading V(@).
options:
  local_dest:
    description:
      - The address of a mailbox of this Mailcow (V(alice@example.org)), or one of its domains (V(example.org) or
        V(@example.org)), whose mail is copied. Mailcow refuses an address or domain it does not hold.
      - An internationalised domain is converted to its ASCII form; the value is compared in lower case, as Mailcow stores it.
      - Requires O(kind). Mutually exclusive with O(bcc_maps).
    type: str
  kind:
    description:
      - V(sender) copies the mail that O(local_dest) sends; V(recipient) copies the mail it receives.
      - Required with O(local_dest); a local destination can have one map of each kind.
    type: str
    choices: [sender, recipient]
  bcc_dest:
    description:
      - The address that gets the copies; required to create a map.
    type: str
  active:
    description:
      - Whether the map is used.
      - A new map is active unless told otherwise (the module says so to Mailcow, which would make it inactive).
    type: bool
  state:
    description:
      - V(present) creates the map or changes it to match; V(absent) deletes it.
      - Ignored with O(bcc_maps), where each entry has its own O(bcc_maps[].state).
    type: str
    choices: [present, absent]
    default: present
  bcc_maps:
    description:
      - The bulk form, a list of the server's BCC maps, each with the same options as the single form.
      - Mutually exclusive with O(local_dest) and O(kind).
    type: list
    elements: dict
    suboptions:
      local_dest:
        description: The mailbox address or domain, as O(local_dest); required in each entry.
        type: str
      kind:
        description: V(sender) or V(recipient), as O(kind); required in each entry.
        type: str
        choices: [sender, recipient]
      bcc_dest:
        description: The address that gets the copies, as O(bcc_dest).
        type: str
      active:
        description: Whether the map is used, as O(active).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(bcc_maps), delete the BCC maps of the server that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(bcc_maps), how many maps are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
seealso:
  - module: glassdome.mailcow.mailcow_bcc_map_info
"""

EXAMPLES = r"""
- name: Archive a copy of everything alice@example.org sends
  glassdome.mailcow.mailcow_bcc_map:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    local_dest: alice@example.org
    kind: sender
    bcc_dest: archive@archive.example

- name: Exactly these BCC maps
  glassdome.mailcow.mailcow_bcc_map:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    purge: true
    bcc_maps:
      - local_dest: example.org
        kind: recipient
        bcc_dest: archive@archive.example
      - local_dest: example.org
        kind: sender
        bcc_dest: archive@archive.example
"""

RETURN = r"""
bcc_map:
  description: The map after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the map; null in check mode for one not yet created.
      type: int
      sample: 1
    name:
      description: What names the map in this module's results and messages, its local destination and kind.
      type: str
      sample: alice@example.org (sender)
    local_dest:
      description: The mailbox address or domain (without a leading C(@)) whose mail is copied.
      type: str
      sample: alice@example.org
    kind:
      description: V(sender) or V(recipient).
      type: str
      sample: sender
    bcc_dest:
      description: The address that gets the copies.
      type: str
      sample: archive@archive.example
    active:
      description: Whether the map is used.
      type: bool
      sample: true
    domain:
      description: The domain of the local destination.
      type: str
      sample: example.org
    created:
      description: When the map was created (server time); null for one just created.
      type: str
      sample: "2026-12-07 01:49:03"
    modified:
      description: When the map was last changed (server time), or null.
      type: str
      sample: null
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
bcc_maps:
  description:
    - With O(bcc_maps), one result per map that was (or in check mode would be) created, updated or deleted, in list
      order, purged ones last. Unchanged maps are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {name: example.org (recipient), action: created, changed: true}
summary:
  description: With O(bcc_maps), how many maps each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 1}
msg:
  description: With O(bcc_maps), what was done in words (in check mode C(would create)...).
  returned: success, bulk form
  type: str
  sample: "created 1 (example.org (recipient)), 1 unchanged"
outcome:
  description:
    - Only when the write's answer was lost (Mailcow answers an empty body when PHP fails part-way) and re-reading the
      maps once decided it; V(confirmed) or V(retried).
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed map with its error.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: alice@example.org (sender), error: "Mailcow refused POST /add/bcc: ..."}
not_attempted:
  description: On failure, the maps whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: [example.org (recipient)]
done:
  description: On failure of several writes, the maps whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [alice@example.org (sender)]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.argspec import bcc_map_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.manager import manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run


def main() -> None:
    spec = server_single_or_bulk_argspec(bcc_map_attr_argspec(), "bcc_maps")
    constraints = server_single_or_bulk_constraints("bcc_maps", "local_dest")
    constraints["mutually_exclusive"].append(("bcc_maps", "kind"))
    module = BulkModule(argument_spec=spec, supports_check_mode=True, required_together=[("local_dest", "kind")], **constraints)
    run(module, "bcc_maps", manage_one, manage_many)


if __name__ == "__main__":
    main()
