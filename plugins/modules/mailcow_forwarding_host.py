#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_forwarding_host
short_description: Add and remove Mailcow forwarding hosts
version_added: 0.1.0
description:
  - Ensures one Mailcow forwarding host (an IP address or network, such as a gateway that forwards mail to Mailcow,
    whose mail is accepted without Mailcow's spam checks) is present with the given settings, or absent.
  - With O(forwarding_hosts), ensures the server's forwarding hosts in one call - one read, then only the writes that
    differ (equal edits batched into one request, deletes batched into one request, adds in parallel).
  - A forwarding host is named by its address or network; Mailcow has no other id for it.
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
      - Check mode reads the forwarding hosts and predicts C(changed), the per-host actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the host's settings before and after; the bulk form gives one diff per host that changes.
  idempotent:
    support: full
    details:
      - Addresses compare in their canonical form (V(2001:DB8:0::1) is V(2001:db8::1)).
options:
  host:
    description:
      - An IPv4 or IPv6 address, or a network in CIDR notation (V(192.0.2.0/24), without host bits).
      - Host names are refused, because Mailcow resolves a host name once, when it is added, and stores the addresses.
      - Mutually exclusive with O(forwarding_hosts).
    type: str
  keep_spam:
    description:
      - Whether mail from the host that Mailcow's spam filter would reject is kept (delivered) rather than filtered.
      - A new host filters spam unless told otherwise.
    type: bool
  state:
    description:
      - V(present) adds the host or changes it to match; V(absent) removes it.
      - Ignored with O(forwarding_hosts), where each entry has its own O(forwarding_hosts[].state).
    type: str
    choices: [present, absent]
    default: present
  forwarding_hosts:
    description:
      - The bulk form, a list of the server's forwarding hosts, each with the same options as the single form.
      - Mutually exclusive with O(host).
    type: list
    elements: dict
    suboptions:
      host:
        description: The address or network, as O(host); required in each entry.
        type: str
      keep_spam:
        description: Whether its spam is kept, as O(keep_spam).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(forwarding_hosts), remove the forwarding hosts of the server that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(forwarding_hosts), how many hosts are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
seealso:
  - module: glassdome.mailcow.mailcow_forwarding_host_info
"""

EXAMPLES = r"""
- name: Accept the mail of our gateway without spam checks, keeping nothing it marks as spam
  glassdome.mailcow.mailcow_forwarding_host:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    host: 192.0.2.10

- name: Exactly these forwarding hosts
  glassdome.mailcow.mailcow_forwarding_host:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    purge: true
    forwarding_hosts:
      - host: 192.0.2.10
      - host: 198.51.100.0/24
        keep_spam: true
      - host: 2001:db8::25
"""

RETURN = r"""
forwarding_host:
  description: The forwarding host after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: The host again (Mailcow knows forwarding hosts by host only).
      type: str
      sample: 192.0.2.10
    host:
      description: The address or network.
      type: str
      sample: 192.0.2.10
    source:
      description: What it was added as (a host name Mailcow resolved, or the address itself).
      type: str
      sample: 192.0.2.10
    keep_spam:
      description: Whether its spam is kept.
      type: bool
      sample: false
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
forwarding_hosts:
  description:
    - With O(forwarding_hosts), one result per host that was (or in check mode would be) created, updated or deleted,
      in list order, purged ones last. Unchanged hosts are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {host: 198.51.100.0/24, action: created, changed: true}
summary:
  description: With O(forwarding_hosts), how many hosts each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 2}
msg:
  description: With O(forwarding_hosts), what was done in words (in check mode C(would create)...).
  returned: success, bulk form
  type: str
  sample: "created 1 (198.51.100.0/24), 2 unchanged"
outcome:
  description: Only when the write's answer was lost and re-reading the hosts once decided it; V(confirmed) or V(retried).
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed host with its error.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: 192.0.2.10, error: "Mailcow refused POST /edit/fwdhost: ..."}
not_attempted:
  description: On failure, the hosts whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: [192.0.2.11]
done:
  description: On failure of several writes, the hosts whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [192.0.2.10]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.argspec import forwarding_host_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.manager import manage_many, manage_one


def main() -> None:
    spec = server_single_or_bulk_argspec(forwarding_host_attr_argspec(), "forwarding_hosts")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **server_single_or_bulk_constraints("forwarding_hosts", "host"))
    run(module, "forwarding_hosts", manage_one, manage_many)


if __name__ == "__main__":
    main()
