#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_resource
short_description: Create, change and delete Mailcow resources (rooms, equipment, groups)
version_added: 0.1.0
description:
  - Ensures one Mailcow resource (a room, a piece of equipment or a group that calendar users book in SOGo through its
    address) is present with the given settings, or absent.
  - With O(resources), ensures a whole domain's resources in one call - one read, then only the writes that differ
    (equal edits batched into one request, deletes batched into one request, adds in parallel).
  - A resource is named by its address. Mailcow makes the address of a new resource from its description (every
    character but ASCII letters and digits dropped, case kept - C(Room 1) in example.org is C(Room1@example.org)) and
    keeps it when the description changes. So a task gives the address (O(address), or O(local_part) and O(domain)), or,
    for a new resource, only its O(description), from which the module derives the address as Mailcow does.
  - Only the options you set are compared and changed.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.bulk
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the resources and predicts C(changed), the per-resource actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the resource's settings before and after; the bulk form gives one diff per resource that changes.
  idempotent:
    support: full
    details:
      - Addresses compare regardless of case, as Mailcow finds them.
options:
  address:
    description:
      - The resource's address, such as V(Room1@example.org). Mutually exclusive with O(local_part) and O(resources).
      - For a new resource it must be what Mailcow makes of O(description); a description that gives another address
        is refused before any request.
    type: str
  local_part:
    description:
      - The part of the address before the V(@), with O(domain).
    type: str
  domain:
    description:
      - Domain of the resource when it is given by O(local_part) or O(description), and the domain managed with O(resources).
      - If not set, the value of the E(MAILCOW_DOMAIN) environment variable is used.
      - An internationalised name is converted to its ASCII form.
    type: str
  description:
    description:
      - The name SOGo shows, such as V(Room 1); required to create a resource.
      - Given alone (without O(address) or O(local_part)), it also names the resource, through the address Mailcow
        makes of it. To change the description of an existing resource, name the resource by its address.
    type: str
  kind:
    description:
      - V(location) a room, V(thing) equipment, V(group) a group; required to create a resource.
    type: str
    choices: [location, thing, group]
  multiple_bookings:
    description:
      - V(0) the resource is always shown free; V(-1) it takes any number of bookings but is shown busy when booked; a
        number above 0 is the most bookings it takes at one time.
      - A new resource without it gets V(0).
    type: int
  active:
    description:
      - Whether the resource can be booked.
      - A new resource is active unless told otherwise (the module says so to Mailcow, which would make it inactive).
    type: bool
  state:
    description:
      - V(present) creates the resource or changes it to match; V(absent) deletes it.
      - Ignored with O(resources), where each entry has its own O(resources[].state).
    type: str
    choices: [present, absent]
    default: present
  resources:
    description:
      - The bulk form, a list of the resources of O(domain), each with the same options as the single form.
      - Mutually exclusive with O(address), O(local_part) and O(description).
    type: list
    elements: dict
    suboptions:
      address:
        description: The address, as O(address).
        type: str
      local_part:
        description: The part of the address before the V(@), in O(domain).
        type: str
      description:
        description: As O(description); alone, it names the resource through the address Mailcow makes of it.
        type: str
      kind:
        description: As O(kind).
        type: str
        choices: [location, thing, group]
      multiple_bookings:
        description: As O(multiple_bookings).
        type: int
      active:
        description: As O(active).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(resources), delete the resources of O(domain) that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(resources), how many resources are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow keeps resources with the mailboxes of their domain, so a domain that has resources cannot be deleted until
    they are.
seealso:
  - module: glassdome.mailcow.mailcow_resource_info
  - module: glassdome.mailcow.mailcow_mailbox
"""

EXAMPLES = r"""
- name: Manage resources with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: A meeting room, booked once at a time (its address is Room1@example.org)
      glassdome.mailcow.mailcow_resource:
        domain: example.org
        description: Room 1
        kind: location
        multiple_bookings: 1

    - name: Rename it in SOGo; the address stays
      glassdome.mailcow.mailcow_resource:
        address: Room1@example.org
        description: Big meeting room

    - name: Exactly these resources in example.org
      glassdome.mailcow.mailcow_resource:
        domain: example.org
        purge: true
        resources:
          - local_part: Room1
            description: Big meeting room
            kind: location
            multiple_bookings: 1
          - description: Beamer
            kind: thing
            multiple_bookings: -1
"""

RETURN = r"""
resource:
  description: The resource after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    address:
      description: The resource's address, its local part in the case Mailcow keeps.
      type: str
      sample: Room1@example.org
    local_part:
      description: The part of the address before the C(@).
      type: str
      sample: Room1
    domain:
      description: The resource's domain.
      type: str
      sample: example.org
    description:
      description: The name SOGo shows.
      type: str
      sample: Room 1
    kind:
      description: V(location), V(thing) or V(group).
      type: str
      sample: location
    multiple_bookings:
      description: V(0) always free, V(-1) any number shown busy, or the most bookings at one time.
      type: int
      sample: 1
    active:
      description: Whether the resource can be booked.
      type: bool
      sample: true
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
resources:
  description:
    - With O(resources), one result per resource that was (or in check mode would be) created, updated or deleted, in
      list order, purged ones last. Unchanged resources are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {address: Beamer@example.org, action: created, changed: true}
summary:
  description: With O(resources), how many resources each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 1}
msg:
  description: With O(resources), what was done in words (in check mode C(would create)...).
  returned: success, bulk form
  type: str
  sample: "created 1 (Beamer@example.org), 1 unchanged"
outcome:
  description:
    - Only when the write's answer was lost and re-reading the resources once decided it; V(confirmed) or V(retried).
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed resource with its error.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: Beamer@example.org, error: "Mailcow refused POST /add/resource: ..."}
not_attempted:
  description: On failure, the resources whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: [Beamer@example.org]
done:
  description: On failure of several writes, the resources whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [Room1@example.org]
"""

from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.argspec import resource_argspec, resource_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.manager import manage_many, manage_one


def main() -> None:
    module = BulkModule(argument_spec=resource_argspec(), supports_check_mode=True, **resource_constraints())
    run(module, "resources", manage_one, manage_many)


if __name__ == "__main__":
    main()
