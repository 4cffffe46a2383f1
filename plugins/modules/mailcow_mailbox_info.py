#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_mailbox_info
short_description: List Mailcow mailboxes
version_added: 0.1.0
description:
  - Returns every mailbox of the server, of one domain, or one mailbox, normalised (quotas in MiB,
    booleans as booleans), with Mailcow's raw object on request (O(include_raw)).
  - A read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  domain:
    description:
      - Only the mailboxes of this domain. An internationalised name is converted to its ASCII form.
      - An unknown domain gives an empty list and a warning (one more read, made only when nothing is found).
    type: str
  address:
    description:
      - Only this mailbox. An unknown address gives an empty list, and a warning when its domain does not exist.
    type: str
  include_raw:
    description:
      - Add Mailcow's unmodified object to each mailbox as RV(mailboxes[].raw).
      - Off by default, which keeps the result (and C(-v) output) short; turn it on to see fields this module does not normalise.
      - With V(false) a domain or the whole server is read through Mailcow's reduced listing, about
        three times cheaper for the server than the full one (roughly 1.4 instead of 4.7 seconds
        for 1000 mailboxes) and giving the same normalised fields. With V(true) the full listing is
        read, so RV(mailboxes[].raw) has every field (rate limit, sender ACL...). A Mailcow older
        than 2022-01 has no reduced listing and is always read through the full one.
    type: bool
    default: false
  include_spam_score:
    description:
      - Add each mailbox's spam filter thresholds as RV(mailboxes[].spam_score).
      - Mailcow's listings do not carry them - one more read per mailbox, four at a time.
    type: bool
    default: false
seealso:
  - module: glassdome.mailcow.mailcow_mailbox
"""

EXAMPLES = r"""
- name: List one domain's mailboxes with a read-only key
  glassdome.mailcow.mailcow_mailbox_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    domain: example.org
  register: result

- name: Show who is over 90% of their quota
  ansible.builtin.debug:
    msg: "{{ item.address }} uses {{ item.quota_used }} of {{ item.quota }} MiB"
  loop: "{{ result.mailboxes | selectattr('quota', 'gt', 0) }}"
  when: item.quota_used > item.quota * 0.9

- name: Read one mailbox, connection from module_defaults
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_ro_key }}"
  glassdome.mailcow.mailcow_mailbox_info:
    address: alice@example.org
  register: alice
"""

RETURN = r"""
mailboxes:
  description: The mailboxes found, sorted by address; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    address:
      description: Full address, lower-case.
      type: str
      sample: alice@example.org
    local_part:
      description: Part before the C(@).
      type: str
      sample: alice
    domain:
      description: Domain.
      type: str
      sample: example.org
    name:
      description: Full name, possibly empty.
      type: str
      sample: Alice Example
    quota:
      description: Quota in MiB, V(0) for unlimited.
      type: int
      sample: 2048
    quota_used:
      description: Space used in MiB.
      type: float
      sample: 12.5
    messages:
      description: Number of messages stored.
      type: int
      sample: 42
    active:
      description: V(yes), V(no) or V(login-disabled).
      type: str
      sample: "yes"
    tags:
      description: Tags, sorted.
      type: list
      elements: str
      sample: [staff]
    force_pw_update:
      description: Whether a password change is forced at next login.
      type: bool
      sample: false
    tls_enforce_in:
      description: Whether incoming TLS is enforced.
      type: bool
      sample: false
    tls_enforce_out:
      description: Whether outgoing TLS is enforced.
      type: bool
      sample: false
    imap_access:
      description: Whether IMAP is allowed. C(pop3_access), C(smtp_access), C(sieve_access), C(sogo_access),
        C(eas_access) and C(dav_access) are returned likewise.
      type: bool
      sample: true
    rate_limit:
      description:
        - The mailbox's own rate limit as M(glassdome.mailcow.mailcow_mailbox)'s O(glassdome.mailcow.mailcow_mailbox#module:rate_limit),
          null when it has none (the domain's limit then applies; it is not shown here).
      type: dict
      returned: when read from Mailcow's full object, that is with O(include_raw=true), and with O(address) unless it holds C(+), C(&), C(#), C(%) or C(?)
      sample: {value: 100, frame: h}
    sender_acl:
      description: The addresses and C(@domain)s the user may send as, sorted, lower-case.
      type: list
      elements: str
      returned: when read from Mailcow's full object, that is with O(include_raw=true), and with O(address) unless it holds C(+), C(&), C(#), C(%) or C(?)
      sample: ["@example.org"]
    spam_score:
      description:
        - The mailbox's spam filter thresholds V(LOW,HIGH) as M(glassdome.mailcow.mailcow_mailbox)'s
          O(glassdome.mailcow.mailcow_mailbox#module:spam_score) takes them; V(5,15) is Mailcow's default.
      type: str
      returned: when O(include_spam_score=true)
      sample: "8,15"
    relayhost_id:
      description: Mailcow's id of the mailbox's relayhost, V(0) for none (M(glassdome.mailcow.mailcow_relayhost_info) names it).
      type: int
      sample: 0
    created:
      description: When the mailbox was created (server time).
      type: str
      sample: "2026-11-24 10:00:00"
    modified:
      description: When the mailbox was last changed (server time), or null.
      type: str
      sample: "2026-11-24 10:00:00"
    raw:
      description:
        - Mailcow's object as the API returned it (quota in bytes, attributes as strings), from the
          full listing (or, for O(address), the mailbox's own object), including C(rl), C(rl_scope),
          C(sender_acl), C(is_relayed), C(max_new_quota), C(pushover_active) and C(spam_aliases).
      type: dict
      returned: when O(include_raw=true)
      sample: {username: alice@example.org, quota: 2147483648, active: 1, attributes: {imap_access: "1"}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import get_mailbox, get_spam_scores, list_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._info import Lookup, find_objects
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict, warnings: list | None = None) -> list:
    """The mailboxes asked for; when none is found, a warning in ``warnings`` if their domain does not exist."""
    full = params["include_raw"]  # the normalised view needs only the reduced listing; the raw objects are returned whole
    lookup = Lookup(lambda client, address: get_mailbox(client, address.lower(), full=full),
                    lambda client, domain: list_mailboxes(client, domain, full=full),
                    normalize, lambda mailbox: mailbox["address"])
    return find_objects(client, params, lookup, warnings)


def task(client: MailcowClient, params: dict) -> dict:
    warnings: list = []
    mailboxes = find(client, params, warnings)
    if params["include_spam_score"]:
        scores = get_spam_scores(client, [mailbox["address"] for mailbox in mailboxes])
        mailboxes = [dict(mailbox, spam_score=scores[mailbox["address"]]) for mailbox in mailboxes]
    return {"changed": False, "mailboxes": mailboxes, "warnings": warnings}


def main() -> None:
    spec = dict(api_argspec(), domain={"type": "str"}, address={"type": "str"}, include_raw={"type": "bool", "default": False},
                include_spam_score={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, mutually_exclusive=[("domain", "address")], supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
