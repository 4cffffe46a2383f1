#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_transport_map
short_description: Create, change and delete Mailcow transport maps
version_added: 0.1.0
description:
  - Ensures one Mailcow transport map (the next hop that mail for a destination is sent to, optionally with a login)
    is present with the given settings, or absent.
  - With O(transport_maps), ensures the server's transport maps in one call - one read of the maps, then only the
    writes that differ (equal edits batched into one request, deletes batched into one request, adds in parallel).
  - A transport map is named by its destination (O(destination)). Mailcow's numeric id is looked up from the
    listing and returned, never needed.
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
      - Check mode reads the transport maps and predicts C(changed), the per-map actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the map's settings before and after; the bulk form gives one diff per map that changes,
        headed by its destination. A password that is set shows as C((set)), never as itself.
  idempotent:
    support: full
    details:
      - Destinations compare regardless of case. Mailcow returns a map's password, so with O(update_password=always)
        the password is compared and written only when it differs.
options:
  destination:
    description:
      - What the map applies to - a domain (V(example.org)), V(.example.org) for its subdomains, V(*) for all mail,
        or an address; with O(is_mx_based=true) a regular expression matched against the MX host names of the
        recipient's domain.
      - One destination only; spaces, commas and semicolons are refused (Mailcow would split the text into several maps).
      - To change or remove an MX based map, give O(is_mx_based=true) too, so that the destination is checked as a regular expression.
      - An internationalised domain is converted to its ASCII form.
      - Mutually exclusive with O(transport_maps).
    type: str
  nexthop:
    description:
      - Where the mail goes, as Postfix takes it, V(host), V(host:port), V([host]) or V([host]:port) (the brackets turn off
        the MX lookup). A bare IP address is written in brackets, as Mailcow stores it.
      - Required to create a map.
    type: str
  username:
    description:
      - The user name to authenticate with at the next hop; an empty string means none.
      - Mailcow keeps one login per next hop, so every map to the same next hop must have the same user name;
        the module refuses a run that would break this before any write.
    type: str
  password:
    description:
      - The password to authenticate with; required to create a map with a O(username).
      - An empty string removes the password (with O(update_password=always)).
      - Never shown in the result, the diff or a message.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the map is created.
      - V(always) also compares it with the map's password and sets it when it differs.
      - With O(transport_maps), the default of each entry's O(transport_maps[].update_password).
    type: str
    choices: [on_create, always]
  active:
    description:
      - Whether the map is used.
      - A new map is active unless told otherwise (the module says so to Mailcow, which would make it inactive).
    type: bool
  is_mx_based:
    description:
      - Whether O(destination) is a regular expression matched against the MX host names of the recipient's domain.
      - A new map is not MX based unless told. It cannot be changed on an existing map (remove the map and add it again).
    type: bool
  state:
    description:
      - V(present) creates the map or changes it to match; V(absent) deletes it.
      - Ignored with O(transport_maps), where each entry has its own O(transport_maps[].state).
    type: str
    choices: [present, absent]
    default: present
  transport_maps:
    description:
      - The bulk form, a list of the server's transport maps, each with the same options as the single form.
      - Mutually exclusive with O(destination).
    type: list
    elements: dict
    suboptions:
      destination:
        description: What the map applies to, as O(destination); required in each entry.
        type: str
      nexthop:
        description: Where the mail goes, as O(nexthop).
        type: str
      username:
        description: User name, as O(username).
        type: str
      password:
        description: Password, as O(password).
        type: str
      update_password:
        description: When to set O(transport_maps[].password), as O(update_password); default the module's O(update_password), else V(on_create).
        type: str
        choices: [on_create, always]
      active:
        description: Whether the map is used, as O(active).
        type: bool
      is_mx_based:
        description: Whether the destination is a regular expression on MX host names, as O(is_mx_based).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(transport_maps), delete the transport maps of the server that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(transport_maps), how many maps are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow's API returns transport passwords in clear to any API key, read-only ones included. The module never
    returns, shows or logs them.
seealso:
  - module: glassdome.mailcow.mailcow_transport_map_info
  - module: glassdome.mailcow.mailcow_relayhost
"""

EXAMPLES = r"""
- name: Manage transport maps with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Send mail for a partner through its own gateway, with a login
      glassdome.mailcow.mailcow_transport_map:
        destination: partner.example
        nexthop: "[gw.partner.example]:587"
        username: mailcow
        password: "{{ vault_partner_gateway_password }}"

    - name: Route every domain whose MX is at a provider through that provider
      glassdome.mailcow.mailcow_transport_map:
        destination: '.*\.mx\.provider\.example'
        is_mx_based: true
        nexthop: "[relay.provider.example]:25"

    - name: Ensure exactly these transport maps, deleting the others
      glassdome.mailcow.mailcow_transport_map:
        purge: true
        transport_maps:
          - destination: partner.example
            nexthop: "[gw.partner.example]:587"
            username: mailcow
            password: "{{ vault_partner_gateway_password }}"
          - destination: .internal.example
            nexthop: 10.0.0.25
      register: result

    - name: Show what changed
      ansible.builtin.debug:
        var: result.summary
"""

RETURN = r"""
transport_map:
  description: The transport map after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the map; null in check mode for one not yet created.
      type: int
      sample: 3
    destination:
      description: What the map applies to, as stored.
      type: str
      sample: partner.example
    nexthop:
      description: Where the mail goes, as stored.
      type: str
      sample: "[gw.partner.example]:587"
    username:
      description: The user name it authenticates with, empty for none.
      type: str
      sample: mailcow
    active:
      description: Whether the map is used.
      type: bool
      sample: true
    is_mx_based:
      description: Whether the destination is a regular expression on MX host names.
      type: bool
      sample: false
    password_set:
      description: Whether it has a password (the password itself is never returned).
      type: bool
      sample: true
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: updated
transport_maps:
  description:
    - With O(transport_maps), one result per map that was (or in check mode would be) created, updated or deleted,
      in list order, purged ones last.
    - Each may carry C(outcome) (see RV(outcome)) when its write's answer was lost and re-reading decided it.
    - Unchanged maps are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {destination: partner.example, action: created, changed: true}
summary:
  description: With O(transport_maps), how many maps each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 1, unchanged: 1}
msg:
  description:
    - With O(transport_maps), what was done in words, naming the maps by destination (the first ten of each action, then a count).
    - In check mode the verbs read C(would create), C(would update), C(would delete).
  returned: success, bulk form
  type: str
  sample: "created 1 (partner.example), 1 unchanged"
outcome:
  description:
    - Only when the write's answer was lost (connection lost after sending, no answer within O(timeout), an empty body)
      and re-reading the maps once decided it.
    - V(confirmed) the write turns out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed map with its error; the message lists the first 10.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: partner.example, error: "Mailcow refused POST /add/transport: ..."}
not_attempted:
  description:
    - On failure, the maps whose writes were not started because the server stopped answering
      (3 consecutive connection failures, or HTTP 502, 503, 504 answers of a proxy in front of Mailcow).
  returned: failure
  type: list
  elements: str
  sample: [other.example]
done:
  description: On failure of several writes, the maps whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [partner.example]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.argspec import transport_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.manager import manage_many, manage_one


def main() -> None:
    spec = server_single_or_bulk_argspec(transport_attr_argspec(), "transport_maps")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **server_single_or_bulk_constraints("transport_maps", "destination"))
    run(module, "transport_maps", manage_one, manage_many)


if __name__ == "__main__":
    main()
