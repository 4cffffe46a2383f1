#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_domain_info
short_description: List Mailcow domains
version_added: 0.1.0
description:
  - Returns every domain of the server, or one domain, normalised (quotas in MiB, flags as booleans)
    and with Mailcow's raw object on request (O(include_raw)).
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
      - Only this domain. An unknown domain, or an alias domain, gives an empty list and a warning.
      - An internationalised name is converted to its ASCII form.
    type: str
  include_raw:
    description:
      - Add Mailcow's unmodified object to each domain as RV(domains[].raw).
      - Off by default, which keeps the result (and C(-v) output) short; turn it on to see fields this module does not normalise.
    type: bool
    default: false
seealso:
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: List every domain with a read-only key
  glassdome.mailcow.mailcow_domain_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: result

- name: Show the domains that are almost full
  ansible.builtin.debug:
    msg: "{{ item.domain }} holds {{ item.mailboxes }} of {{ item.max_mailboxes }} mailboxes"
  loop: "{{ result.domains }}"
  when: item.mailboxes >= item.max_mailboxes * 0.9

- name: Read one domain, connection from module_defaults
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_ro_key }}"
  glassdome.mailcow.mailcow_domain_info:
    domain: example.org
  register: example
"""

RETURN = r"""
domains:
  description: The domains found, sorted by name; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    domain:
      description: Name, lower-case ASCII (punycode for internationalised names).
      type: str
      sample: example.org
    domain_unicode:
      description: Name in Unicode.
      type: str
      sample: example.org
    description:
      description: Description.
      type: str
      sample: Example Org
    max_mailboxes:
      description: How many mailboxes the domain may hold.
      type: int
      sample: 10
    max_aliases:
      description: How many aliases the domain may hold.
      type: int
      sample: 400
    default_quota:
      description: Proposed quota of a new mailbox, MiB.
      type: int
      sample: 1024
    max_quota:
      description: Largest quota of one mailbox, MiB.
      type: int
      sample: 2048
    total_quota:
      description: Quota all mailboxes share, MiB.
      type: int
      sample: 4096
    active:
      description: Whether the domain is active. C(gal), C(backupmx), C(relay_all_recipients) and
        C(relay_unknown_only) are returned likewise.
      type: bool
      sample: true
    relayhost_id:
      description: Mailcow's id of the domain's relayhost, V(0) for none (M(glassdome.mailcow.mailcow_relayhost_info) names it).
      type: int
      sample: 0
    rate_limit:
      description: The rate limit, or null when there is none.
      type: dict
      sample: {value: 10, frame: s}
    tags:
      description: Tags, sorted.
      type: list
      elements: str
      sample: []
    mailboxes:
      description: How many mailboxes the domain holds.
      type: int
      sample: 2
    aliases:
      description: How many aliases the domain (and its alias domains) hold.
      type: int
      sample: 0
    quota_allocated:
      description: Sum of the quotas of the domain's mailboxes, MiB.
      type: int
      sample: 110
    created:
      description: When the domain was created (server time).
      type: str
      sample: "2026-11-24 00:28:03"
    modified:
      description: When the domain was last changed (server time), or null.
      type: str
      sample: null
    raw:
      description: Mailcow's object as the API returned it (quotas in bytes).
      type: dict
      returned: when O(include_raw=true)
      sample: {domain_name: example.org, max_quota_for_domain: 4294967296, active: 1, rl: {value: "10", frame: s}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.model import normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.api import find_domain, list_domains
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def find(client: MailcowClient, params: dict, warnings: list | None = None) -> list:
    """The domains asked for; an unknown or alias domain gives a warning in ``warnings`` (no extra read)."""
    if params["domain"]:
        raws, warning = find_domain(client, ascii_domain(params["domain"]))
        if warning and warnings is not None:
            warnings.append(warning)
    else:
        raws = list_domains(client)
    domains = [normalize(raw, include_raw=params["include_raw"]) for raw in raws]
    return sorted(domains, key=lambda domain: domain["domain"])


def task(client: MailcowClient, params: dict) -> dict:
    warnings: list = []
    return {"changed": False, "domains": find(client, params, warnings), "warnings": warnings}


def main() -> None:
    spec = dict(api_argspec(), domain={"type": "str"}, include_raw={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
