#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_recipient_map
short_description: Create, change and delete Mailcow recipient maps
version_added: 0.1.0
description:
  - Ensures one Mailcow recipient map (mail to an old address or domain is delivered to a new one, for example after a
    merger) is present with the given settings, or absent.
  - With O(recipient_maps), ensures the server's recipient maps in one call - one read, then only the writes that
    differ (equal edits batched into one request, deletes batched into one request, adds in parallel).
  - A map is named by its old recipient (O(old_recipient)). Mailcow's numeric id is looked up from the listing and
    returned, never needed.
  - Only the options you set are compared and changed.
  - Mailcow does not check that the old address is free (a mailbox can be mapped away) nor that the new one is on
    this server; neither does this module.
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
      - Both sides compare in lower case (Mailcow stores them so), a domain with or without its leading V(@).
options:
  old_recipient:
    description:
      - The address (V(old@example.org)) or domain (V(old.example) or V(@old.example)) whose mail is rewritten.
      - An internationalised domain is converted to its ASCII form.
      - Mutually exclusive with O(recipient_maps).
    type: str
  new_recipient:
    description:
      - The address, or domain (the same local part at that domain), the mail goes to instead; required to create a map.
      - Must differ from O(old_recipient) (a map to itself rewrites nothing, and is refused before any request).
    type: str
  active:
    description:
      - Whether the map is used.
      - A new map is active unless told otherwise (the module says so to Mailcow, which would make it inactive).
    type: bool
  state:
    description:
      - V(present) creates the map or changes it to match; V(absent) deletes it.
      - Ignored with O(recipient_maps), where each entry has its own O(recipient_maps[].state).
    type: str
    choices: [present, absent]
    default: present
  recipient_maps:
    description:
      - The bulk form, a list of the server's recipient maps, each with the same options as the single form.
      - Mutually exclusive with O(old_recipient).
    type: list
    elements: dict
    suboptions:
      old_recipient:
        description: The address or domain whose mail is rewritten, as O(old_recipient); required in each entry.
        type: str
      new_recipient:
        description: Where the mail goes instead, as O(new_recipient).
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
      - With O(recipient_maps), delete the recipient maps of the server that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(recipient_maps), how many maps are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
seealso:
  - module: glassdome.mailcow.mailcow_recipient_map_info
  - module: glassdome.mailcow.mailcow_bcc_map
"""

EXAMPLES = r"""
- name: Mail to the old company's domain goes to the same mailbox names here
  glassdome.mailcow.mailcow_recipient_map:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    old_recipient: old-company.example
    new_recipient: example.org

- name: Exactly these recipient maps
  glassdome.mailcow.mailcow_recipient_map:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    purge: true
    recipient_maps:
      - old_recipient: old-company.example
        new_recipient: example.org
      - old_recipient: sales@example.org
        new_recipient: alice@example.org
"""

RETURN = r"""
recipient_map:
  description: The map after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the map; null in check mode for one not yet created.
      type: int
      sample: 1
    old_recipient:
      description: The address or domain (without a leading C(@)) whose mail is rewritten.
      type: str
      sample: old-company.example
    new_recipient:
      description: The address or domain (without a leading C(@)) the mail goes to instead.
      type: str
      sample: example.org
    active:
      description: Whether the map is used.
      type: bool
      sample: true
    created:
      description: When the map was created (server time); null for one just created.
      type: str
      sample: "2026-12-07 01:49:04"
    modified:
      description: When the map was last changed (server time), or null.
      type: str
      sample: null
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
recipient_maps:
  description:
    - With O(recipient_maps), one result per map that was (or in check mode would be) created, updated or deleted, in
      list order, purged ones last. Unchanged maps are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {old_recipient: old-company.example, action: created, changed: true}
summary:
  description: With O(recipient_maps), how many maps each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 1}
msg:
  description: With O(recipient_maps), what was done in words (in check mode C(would create)...).
  returned: success, bulk form
  type: str
  sample: "created 1 (old-company.example), 1 unchanged"
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
    - {item: old-company.example, error: "Mailcow refused POST /add/recipient_map: ..."}
not_attempted:
  description: On failure, the maps whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: [sales@example.org]
done:
  description: On failure of several writes, the maps whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [old-company.example]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.argspec import recipient_map_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.manager import manage_many, manage_one


def main() -> None:
    spec = server_single_or_bulk_argspec(recipient_map_attr_argspec(), "recipient_maps")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **server_single_or_bulk_constraints("recipient_maps", "old_recipient"))
    run(module, "recipient_maps", manage_one, manage_many)


if __name__ == "__main__":
    main()
