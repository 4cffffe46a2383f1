#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_tls_policy_map
short_description: Create, change and delete Mailcow TLS policy maps
version_added: 0.1.0
description:
  - Ensures one Mailcow TLS policy map (the TLS that Postfix requires when it sends mail to a destination) is present
    with the given settings, or absent.
  - With O(tls_policy_maps), ensures the server's TLS policy maps in one call - one read, then only the writes that
    differ (equal edits batched into one request, deletes batched into one request, adds in parallel).
  - A map is named by its destination (O(destination)). Mailcow's numeric id is looked up from the listing and
    returned, never needed.
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
      - Destinations compare regardless of case; O(parameters) compare with runs of white space as one space.
options:
  destination:
    description:
      - A domain (V(example.net)) or an address (V(user@example.net)). Mailcow refuses the V(.domain) form.
      - An internationalised domain is converted to its ASCII form.
      - Mutually exclusive with O(tls_policy_maps).
    type: str
  policy:
    description:
      - The Postfix TLS security level towards the destination; required to create a map.
    type: str
    choices: [none, may, encrypt, dane, dane-only, fingerprint, verify, secure]
  parameters:
    description:
      - Further Postfix TLS policy attributes, such as V(protocols=>=TLSv1.2) or V(match=.example.net), separated by spaces.
      - An empty string removes them; a new map has none unless given.
    type: str
  active:
    description:
      - Whether the map is used.
      - A new map is active unless told otherwise (the module says so to Mailcow, which would make it inactive).
    type: bool
  state:
    description:
      - V(present) creates the map or changes it to match; V(absent) deletes it.
      - Ignored with O(tls_policy_maps), where each entry has its own O(tls_policy_maps[].state).
    type: str
    choices: [present, absent]
    default: present
  tls_policy_maps:
    description:
      - The bulk form, a list of the server's TLS policy maps, each with the same options as the single form.
      - Mutually exclusive with O(destination).
    type: list
    elements: dict
    suboptions:
      destination:
        description: The domain or address, as O(destination); required in each entry.
        type: str
      policy:
        description: The TLS security level, as O(policy).
        type: str
        choices: [none, may, encrypt, dane, dane-only, fingerprint, verify, secure]
      parameters:
        description: Further Postfix TLS policy attributes, as O(parameters).
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
      - With O(tls_policy_maps), delete the TLS policy maps of the server that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(tls_policy_maps), how many maps are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
seealso:
  - module: glassdome.mailcow.mailcow_tls_policy_map_info
  - module: glassdome.mailcow.mailcow_transport_map
"""

EXAMPLES = r"""
- name: Require verified TLS 1.2 or newer towards a partner
  glassdome.mailcow.mailcow_tls_policy_map:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    destination: partner.example
    policy: secure
    parameters: protocols=>=TLSv1.2

- name: Exactly these TLS policy maps
  glassdome.mailcow.mailcow_tls_policy_map:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    purge: true
    tls_policy_maps:
      - destination: partner.example
        policy: secure
      - destination: bank.example
        policy: dane-only
"""

RETURN = r"""
tls_policy_map:
  description: The map after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the map; null in check mode for one not yet created.
      type: int
      sample: 1
    destination:
      description: The domain or address.
      type: str
      sample: partner.example
    policy:
      description: The TLS security level.
      type: str
      sample: secure
    parameters:
      description: Further Postfix TLS policy attributes, possibly empty.
      type: str
      sample: protocols=>=TLSv1.2
    active:
      description: Whether the map is used.
      type: bool
      sample: true
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
tls_policy_maps:
  description:
    - With O(tls_policy_maps), one result per map that was (or in check mode would be) created, updated or deleted,
      in list order, purged ones last. Unchanged maps are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {destination: partner.example, action: created, changed: true}
summary:
  description: With O(tls_policy_maps), how many maps each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 1}
msg:
  description: With O(tls_policy_maps), what was done in words (in check mode C(would create)...).
  returned: success, bulk form
  type: str
  sample: "created 1 (partner.example), 1 unchanged"
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
    - {item: partner.example, error: "Mailcow refused POST /add/tls-policy-map: ..."}
not_attempted:
  description: On failure, the maps whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: [bank.example]
done:
  description: On failure of several writes, the maps whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [partner.example]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.argspec import tls_policy_map_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.manager import manage_many, manage_one


def main() -> None:
    spec = server_single_or_bulk_argspec(tls_policy_map_attr_argspec(), "tls_policy_maps")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **server_single_or_bulk_constraints("tls_policy_maps", "destination"))
    run(module, "tls_policy_maps", manage_one, manage_many)


if __name__ == "__main__":
    main()
