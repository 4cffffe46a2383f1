#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_domain_template
short_description: Create, change and delete Mailcow domain templates
version_added: 0.1.0
description:
  - Ensures one Mailcow domain template (a named set of values that a new domain takes for what its add does not
    set - limits, quotas, flags, rate limit, tags, DKIM key) is present with the given values, or absent.
  - With O(domain_templates), ensures the server's domain templates in one call - one read, then only the writes
    that differ.
  - A template is named by its name (O(name)), compared regardless of case as Mailcow does. Mailcow's numeric id is
    looked up from the listing and returned, never needed.
  - Only the options you set are compared and changed. Because Mailcow's template edit replaces every value (what
    it is not sent becomes V(0)), an edit sends all of them, the ones set here and the ones read.
  - Every Mailcow has a domain template named C(Default), used when a domain is added without one. Its values can be
    changed here; it cannot be renamed or deleted (O(state=absent) for it is refused, and O(purge) leaves it).
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
      - Check mode reads the templates and predicts C(changed), the per-template actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the template's values before and after; the bulk form gives one diff per template that changes.
  idempotent:
    support: full
    details:
      - Quotas are compared in MiB (Mailcow reads them back in bytes), flags and numbers whatever their type on read.
options:
  name:
    description:
      - The template's name, such as V(Default) or V(Small business). Compared regardless of case.
      - Mutually exclusive with O(domain_templates).
    type: str
  max_mailboxes:
    description:
      - How many mailboxes a domain made from the template may hold. A new template without it gets V(10).
    type: int
  max_aliases:
    description:
      - How many aliases a domain made from the template may hold. A new template without it gets V(400).
    type: int
  default_quota:
    description:
      - The quota, in MiB, of a new mailbox in such a domain. A new template without it gets V(3072).
      - Must not exceed O(max_quota); Mailcow would refuse every domain made from the template.
    type: int
  max_quota:
    description:
      - The largest quota, in MiB, of one mailbox in such a domain. A new template without it gets V(10240).
      - Must not exceed O(total_quota).
    type: int
  total_quota:
    description:
      - The quota, in MiB, of such a domain as a whole. A new template without it gets V(10240).
    type: int
  rate_limit:
    description:
      - How many messages a domain made from the template may send per time frame; V(value=0) means no limit
        (what a new template without it gets).
    type: dict
    suboptions:
      value:
        description: Messages per frame; V(0) removes the limit.
        type: int
        required: true
      frame:
        description: The frame, V(s) second, V(m) minute, V(h) hour, V(d) day.
        type: str
        choices: [s, m, h, d]
        default: s
  tags:
    description:
      - The tags a domain made from the template gets. The list replaces the template's tags.
    type: list
    elements: str
  active:
    description:
      - Whether a domain made from the template is active. A new template without it gets V(true).
    type: bool
  gal:
    description:
      - Whether such a domain's global address list is shown to its users. A new template without it gets V(true).
    type: bool
  backupmx:
    description:
      - Whether such a domain is relayed as a backup MX. A new template without it gets V(false).
    type: bool
  relay_all_recipients:
    description:
      - Whether such a domain relays mail for every recipient. A new template without it gets V(false).
    type: bool
  relay_unknown_only:
    description:
      - Whether such a domain relays mail only for recipients without a mailbox. A new template without it gets V(false).
    type: bool
  dkim_selector:
    description:
      - The DKIM selector of the key Mailcow makes for such a domain. A new template without it gets V(dkim).
    type: str
  dkim_key_size:
    description:
      - The size in bits of that DKIM key; V(0) makes none. A new template without it gets V(2048).
    type: int
    choices: [0, 1024, 2048, 3072, 4096]
  state:
    description:
      - V(present) creates the template or changes it to match; V(absent) deletes it.
      - Ignored with O(domain_templates), where each entry has its own O(domain_templates[].state).
    type: str
    choices: [present, absent]
    default: present
  domain_templates:
    description:
      - The bulk form, a list of the server's domain templates, each with the same options as the single form.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: The template's name, as O(name); required in each entry.
        type: str
      max_mailboxes:
        description: As O(max_mailboxes).
        type: int
      max_aliases:
        description: As O(max_aliases).
        type: int
      default_quota:
        description: As O(default_quota), in MiB.
        type: int
      max_quota:
        description: As O(max_quota), in MiB.
        type: int
      total_quota:
        description: As O(total_quota), in MiB.
        type: int
      rate_limit:
        description: As O(rate_limit).
        type: dict
        suboptions:
          value:
            description: Messages per frame; V(0) removes the limit.
            type: int
            required: true
          frame:
            description: The frame, V(s), V(m), V(h) or V(d).
            type: str
            choices: [s, m, h, d]
            default: s
      tags:
        description: As O(tags).
        type: list
        elements: str
      active:
        description: As O(active).
        type: bool
      gal:
        description: As O(gal).
        type: bool
      backupmx:
        description: As O(backupmx).
        type: bool
      relay_all_recipients:
        description: As O(relay_all_recipients).
        type: bool
      relay_unknown_only:
        description: As O(relay_unknown_only).
        type: bool
      dkim_selector:
        description: As O(dkim_selector).
        type: str
      dkim_key_size:
        description: As O(dkim_key_size).
        type: int
        choices: [0, 1024, 2048, 3072, 4096]
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(domain_templates), delete the domain templates of the server that the list does not name (never
        C(Default)).
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(domain_templates), how many templates are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow deletes only the first template of a list in one request; the module deletes them one request each.
seealso:
  - module: glassdome.mailcow.mailcow_domain_template_info
  - module: glassdome.mailcow.mailcow_mailbox_template
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: Manage domain templates with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: A template for small customers' domains
      glassdome.mailcow.mailcow_domain_template:
        name: Small business
        max_mailboxes: 20
        max_aliases: 40
        default_quota: 1024
        max_quota: 2048
        total_quota: 20480
        rate_limit:
          value: 500
          frame: h
        tags: [customer]

    - name: New domains get no DKIM key unless asked (the Default template)
      glassdome.mailcow.mailcow_domain_template:
        name: Default
        dkim_key_size: 0

    - name: Exactly these domain templates (and Default)
      glassdome.mailcow.mailcow_domain_template:
        purge: true
        domain_templates:
          - name: Small business
            max_mailboxes: 20
          - name: Enterprise
            max_mailboxes: 500
            total_quota: 512000
            max_quota: 10240
"""

RETURN = r"""
domain_template:
  description: The template after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the template; null in check mode for one not yet created.
      type: int
      sample: 3
    name:
      description: The template's name.
      type: str
      sample: Small business
    max_mailboxes:
      description: How many mailboxes a domain made from it may hold.
      type: int
      sample: 20
    max_aliases:
      description: How many aliases such a domain may hold.
      type: int
      sample: 40
    default_quota:
      description: The quota of a new mailbox in such a domain, in MiB.
      type: int
      sample: 1024
    max_quota:
      description: The largest quota of one mailbox in such a domain, in MiB.
      type: int
      sample: 2048
    total_quota:
      description: The quota of such a domain, in MiB.
      type: int
      sample: 20480
    rate_limit:
      description: The rate limit of such a domain, or null for none.
      type: dict
      sample: {value: 500, frame: h}
    tags:
      description: The tags such a domain gets, sorted.
      type: list
      elements: str
      sample: [customer]
    active:
      description: Whether such a domain is active.
      type: bool
      sample: true
    gal:
      description: Whether such a domain's global address list is shown.
      type: bool
      sample: true
    backupmx:
      description: Whether such a domain is relayed as a backup MX.
      type: bool
      sample: false
    relay_all_recipients:
      description: Whether such a domain relays mail for every recipient.
      type: bool
      sample: false
    relay_unknown_only:
      description: Whether such a domain relays mail only for recipients without a mailbox.
      type: bool
      sample: false
    dkim_selector:
      description: The selector of such a domain's DKIM key.
      type: str
      sample: dkim
    dkim_key_size:
      description: The size of such a domain's DKIM key in bits, 0 for none.
      type: int
      sample: 2048
    created:
      description: When the template was created (server time); null for one just created.
      type: str
      sample: "2026-12-07 01:49:05"
    modified:
      description: When the template was last changed (server time), or null.
      type: str
      sample: null
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
domain_templates:
  description:
    - With O(domain_templates), one result per template that was (or in check mode would be) created, updated or
      deleted, in list order, purged ones last. Unchanged templates are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {name: Enterprise, action: created, changed: true}
summary:
  description: With O(domain_templates), how many templates each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 1}
msg:
  description: With O(domain_templates), what was done in words (in check mode C(would create)...).
  returned: success, bulk form
  type: str
  sample: "created 1 (Enterprise), 1 unchanged"
outcome:
  description:
    - Only when the write's answer was lost and re-reading the templates once decided it; V(confirmed) or V(retried).
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed template with its error.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: Enterprise, error: "Mailcow refused POST /add/domain/template: ..."}
not_attempted:
  description: On failure, the templates whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: [Enterprise]
done:
  description: On failure of several writes, the templates whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [Small business]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.argspec import domain_template_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.manager import manage_many, manage_one


def main() -> None:
    spec = server_single_or_bulk_argspec(domain_template_attr_argspec(), "domain_templates")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **server_single_or_bulk_constraints("domain_templates", "name"))
    run(module, "domain_templates", manage_one, manage_many)


if __name__ == "__main__":
    main()
