#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_relayhost
short_description: Create, change and delete Mailcow relayhosts (smarthosts)
version_added: 0.1.0
description:
  - Ensures one Mailcow relayhost (a smarthost that domains and mailboxes can send their outgoing mail through,
    Mailcow's "sender-dependent transport") is present with the given settings, or absent.
  - With O(relayhosts), ensures the server's relayhosts in one call - one read of the relayhosts, then only the
    writes that differ (equal edits batched into one request, deletes batched into one request, adds in parallel).
  - A relayhost is named by its host name (O(hostname)). Mailcow's numeric id is looked up from the listing and
    returned, never needed.
  - Only the options you set are compared and changed.
  - Mailcow itself checks neither the host name nor duplicates; the module checks the host name before any request,
    and refuses to manage a host name that Mailcow holds more than once (V(state=absent) deletes every one of them).
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
      - Check mode reads the relayhosts and predicts C(changed), the per-relayhost actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the relayhost's settings before and after; the bulk form gives one diff per relayhost
        that changes, headed by its host name. A password that is set shows as C((set)), never as itself.
  idempotent:
    support: full
    details:
      - Host names compare regardless of case. Mailcow returns a relayhost's password, so with
        O(update_password=always) the password is compared and written only when it differs.
options:
  hostname:
    description:
      - The relayhost as Postfix takes it, V(host), V(host:port), V([host]) or V([host]:port); the brackets turn
        off the MX lookup. The host is a DNS name or an IP address; an IPv6 address only in brackets (V([2001:db8::1]:587)).
      - Compared and stored lower-case.
      - Mutually exclusive with O(relayhosts).
    type: str
  username:
    description:
      - The user name to authenticate with at the relayhost. An empty string means no authentication.
      - A new relayhost without it authenticates with no user name.
    type: str
  password:
    description:
      - The password to authenticate with; required to create a relayhost with a O(username).
      - An empty string removes the password (with O(update_password=always)).
      - Never shown in the result, the diff or a message.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the relayhost is created.
      - V(always) also compares it with the relayhost's password and sets it when it differs.
      - With O(relayhosts), the default of each entry's O(relayhosts[].update_password).
    type: str
    choices: [on_create, always]
  active:
    description:
      - Whether domains and mailboxes may send through the relayhost.
      - A new relayhost is active unless told otherwise (Mailcow ignores this on creation, so an inactive one is
        created and then switched off, two requests).
    type: bool
  state:
    description:
      - V(present) creates the relayhost or changes it to match; V(absent) deletes every relayhost of O(hostname).
      - Mailcow resets the domains that used a deleted relayhost to none, but mailboxes keep pointing at its id.
      - Ignored with O(relayhosts), where each entry has its own O(relayhosts[].state).
    type: str
    choices: [present, absent]
    default: present
  relayhosts:
    description:
      - The bulk form, a list of the server's relayhosts, each with the same options as the single form.
      - Mutually exclusive with O(hostname).
    type: list
    elements: dict
    suboptions:
      hostname:
        description: The relayhost, as O(hostname); required in each entry.
        type: str
      username:
        description: User name, as O(username).
        type: str
      password:
        description: Password, as O(password).
        type: str
      update_password:
        description: When to set O(relayhosts[].password), as O(update_password); default the module's O(update_password), else V(on_create).
        type: str
        choices: [on_create, always]
      active:
        description: Whether it may be used, as O(active).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(relayhosts), delete the relayhosts of the server that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(relayhosts), how many relayhosts are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow's API returns relayhost passwords in clear to any API key, read-only ones included. The module never
    returns, shows or logs them.
  - Relayhosts are used by domains and mailboxes by id; RV(relayhost.used_by_domains) and RV(relayhost.used_by_mailboxes) show which.
seealso:
  - module: glassdome.mailcow.mailcow_relayhost_info
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: Manage relayhosts with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Relay through the provider's smarthost, with a login
      glassdome.mailcow.mailcow_relayhost:
        hostname: "[smtp.provider.example]:587"
        username: mailcow@example.org
        password: "{{ vault_smarthost_password }}"

    - name: Rotate its password
      glassdome.mailcow.mailcow_relayhost:
        hostname: "[smtp.provider.example]:587"
        password: "{{ vault_new_smarthost_password }}"
        update_password: always

    - name: Remove an old relayhost
      glassdome.mailcow.mailcow_relayhost:
        hostname: relay.old.example
        state: absent

    - name: Ensure exactly these relayhosts, deleting the others
      glassdome.mailcow.mailcow_relayhost:
        purge: true
        relayhosts:
          - hostname: "[smtp.provider.example]:587"
            username: mailcow@example.org
            password: "{{ vault_smarthost_password }}"
          - hostname: "[10.0.0.25]:25"
      register: result

    - name: Show what changed
      ansible.builtin.debug:
        var: result.summary
"""

RETURN = r"""
relayhost:
  description: The relayhost after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the relayhost; null in check mode for one not yet created.
      type: int
      sample: 3
    hostname:
      description: The relayhost, as stored.
      type: str
      sample: "[smtp.provider.example]:587"
    username:
      description: The user name it authenticates with, empty for none.
      type: str
      sample: mailcow@example.org
    active:
      description: Whether it may be used.
      type: bool
      sample: true
    password_set:
      description: Whether it has a password (the password itself is never returned).
      type: bool
      sample: true
    used_by_domains:
      description: The domains that send through it, sorted.
      type: list
      elements: str
      sample: [example.org]
    used_by_mailboxes:
      description: The mailboxes that send through it, sorted.
      type: list
      elements: str
      sample: []
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: updated
relayhosts:
  description:
    - With O(relayhosts), one result per relayhost that was (or in check mode would be) created, updated or deleted,
      in list order, purged ones last.
    - Each may carry C(outcome) (see RV(outcome)) when its write's answer was lost and re-reading decided it.
    - Unchanged relayhosts are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {hostname: "[smtp.provider.example]:587", action: created, changed: true}
summary:
  description: With O(relayhosts), how many relayhosts each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 1, unchanged: 1}
msg:
  description:
    - With O(relayhosts), what was done in words, naming the relayhosts (the first ten of each action, then a count).
    - In check mode the verbs read C(would create), C(would update), C(would delete).
  returned: success, bulk form
  type: str
  sample: "created 1 ([smtp.provider.example]:587), 1 unchanged"
outcome:
  description:
    - Only when the write's answer was lost (connection lost after sending, no answer within O(timeout), an empty body)
      and re-reading the relayhosts once decided it.
    - V(confirmed) the write turns out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed relayhost with its error; the message lists the first 10.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: relay.example, error: "Mailcow refused POST /edit/relayhost: ..."}
not_attempted:
  description:
    - On failure, the relayhosts whose writes were not started because the server stopped answering
      (3 consecutive connection failures, or HTTP 502, 503, 504 answers of a proxy in front of Mailcow).
  returned: failure
  type: list
  elements: str
  sample: [relay2.example]
done:
  description: On failure of several writes, the relayhosts whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [relay.example]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.argspec import relayhost_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.manager import manage_many, manage_one


def main() -> None:
    spec = server_single_or_bulk_argspec(relayhost_attr_argspec(), "relayhosts")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **server_single_or_bulk_constraints("relayhosts", "hostname"))
    run(module, "relayhosts", manage_one, manage_many)


if __name__ == "__main__":
    main()
