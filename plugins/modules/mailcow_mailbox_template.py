#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_mailbox_template
short_description: Create, change and delete Mailcow mailbox templates
version_added: 0.1.0
description:
  - Ensures one Mailcow mailbox template (a named set of values that a new mailbox takes for what its add does not
    set - quota, active, tags, rate limit, protocols, quarantine settings, permissions) is present with the given
    values, or absent.
  - With O(mailbox_templates), ensures the server's mailbox templates in one call - one read, then only the writes
    that differ.
  - A template is named by its name (O(name)), compared regardless of case as Mailcow does. Mailcow's numeric id is
    looked up from the listing and returned, never needed. M(glassdome.mailcow.mailcow_mailbox) takes the name in its
    O(glassdome.mailcow.mailcow_mailbox#module:template) option.
  - Only the options you set are compared and changed. Because Mailcow's template edit replaces every value (what
    it is not sent becomes null, and without the protocol and permission lists it stores garbage), an edit sends all
    of them, the ones set here and the ones read.
  - Every Mailcow has a mailbox template named C(Default), used when a mailbox is added without one. Its values can
    be changed here; it cannot be renamed or deleted (O(state=absent) for it is refused, and O(purge) leaves it).
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
      - The quota is compared in MiB (Mailcow reads it back in bytes), flags and numbers whatever their type on read.
options:
  name:
    description:
      - The template's name, such as V(Default) or V(Staff). Compared regardless of case.
      - Mutually exclusive with O(mailbox_templates).
    type: str
  quota:
    description:
      - The quota, in MiB, of a mailbox made from the template; V(0) is unlimited (what a new template without it gets).
    type: int
  active:
    description:
      - V(yes) (or V(true)) a mailbox made from the template works; V(no) (or V(false)) it neither logs in nor
        receives mail; V(login-disabled) it receives mail but cannot log in. A new template without it gets V(yes).
    type: raw
  rate_limit:
    description:
      - How many messages such a mailbox may send per time frame; V(value=0) means no limit (what a new template
        without it gets).
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
      - The tags such a mailbox gets. The list replaces the template's tags.
    type: list
    elements: str
  quarantine_notification:
    description:
      - How often such a mailbox is told about its quarantined mail. A new template without it gets V(hourly).
    type: str
    choices: [never, hourly, daily, weekly]
  quarantine_category:
    description:
      - Which quarantined mail such a mailbox is told about. A new template without it gets V(reject).
    type: str
    choices: [add_header, reject, all]
  tagged_mail_handler:
    description:
      - Where mail to such a mailbox's tagged address (C(user+tag@domain)) goes. A new template without it gets V(none).
    type: str
    choices: [subfolder, subject, none]
  acl:
    description:
      - What the owner of such a mailbox may change in Mailcow's UI. The list replaces the template's.
      - A new template without it gets none (as Mailcow gives it).
    type: list
    elements: str
    choices: [spam_alias, tls_policy, spam_score, spam_policy, delimiter_action, syncjobs, eas_reset, sogo_profile_reset, pushover,
              quarantine, quarantine_attachments, quarantine_notification, quarantine_category, app_passwds]
  force_pw_update:
    description:
      - Whether a mailbox made from the template must change its password at the next login. A new template without it gets V(false).
    type: bool
  force_tfa:
    description:
      - Whether such a mailbox must set up two-factor authentication at the next login. A new template without it gets V(false).
    type: bool
  sogo_access:
    description:
      - Whether such a mailbox may use SOGo, the web mail. A new template without it gets V(true).
    type: bool
  imap_access:
    description:
      - Whether such a mailbox may use IMAP. A new template without it gets V(true).
    type: bool
  pop3_access:
    description:
      - Whether such a mailbox may use POP3. A new template without it gets V(true).
    type: bool
  smtp_access:
    description:
      - Whether such a mailbox may send over SMTP. A new template without it gets V(true).
    type: bool
  sieve_access:
    description:
      - Whether such a mailbox may manage Sieve filters. A new template without it gets V(true).
    type: bool
  eas_access:
    description:
      - Whether such a mailbox may use ActiveSync. A new template without it gets V(true).
    type: bool
  dav_access:
    description:
      - Whether such a mailbox may use CalDAV and CardDAV. A new template without it gets V(true).
    type: bool
  tls_enforce_in:
    description:
      - Whether mail to such a mailbox must arrive over TLS. A new template without it gets V(false).
    type: bool
  tls_enforce_out:
    description:
      - Whether mail from such a mailbox must leave over TLS. A new template without it gets V(false).
    type: bool
  state:
    description:
      - V(present) creates the template or changes it to match; V(absent) deletes it.
      - Ignored with O(mailbox_templates), where each entry has its own O(mailbox_templates[].state).
    type: str
    choices: [present, absent]
    default: present
  mailbox_templates:
    description:
      - The bulk form, a list of the server's mailbox templates, each with the same options as the single form.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: The template's name, as O(name); required in each entry.
        type: str
      quota:
        description: As O(quota), in MiB.
        type: int
      active:
        description: As O(active).
        type: raw
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
      quarantine_notification:
        description: As O(quarantine_notification).
        type: str
        choices: [never, hourly, daily, weekly]
      quarantine_category:
        description: As O(quarantine_category).
        type: str
        choices: [add_header, reject, all]
      tagged_mail_handler:
        description: As O(tagged_mail_handler).
        type: str
        choices: [subfolder, subject, none]
      acl:
        description: As O(acl).
        type: list
        elements: str
        choices: [spam_alias, tls_policy, spam_score, spam_policy, delimiter_action, syncjobs, eas_reset, sogo_profile_reset,
                  pushover, quarantine, quarantine_attachments, quarantine_notification, quarantine_category, app_passwds]
      force_pw_update:
        description: As O(force_pw_update).
        type: bool
      force_tfa:
        description: As O(force_tfa).
        type: bool
      sogo_access:
        description: As O(sogo_access).
        type: bool
      imap_access:
        description: As O(imap_access).
        type: bool
      pop3_access:
        description: As O(pop3_access).
        type: bool
      smtp_access:
        description: As O(smtp_access).
        type: bool
      sieve_access:
        description: As O(sieve_access).
        type: bool
      eas_access:
        description: As O(eas_access).
        type: bool
      dav_access:
        description: As O(dav_access).
        type: bool
      tls_enforce_in:
        description: As O(tls_enforce_in).
        type: bool
      tls_enforce_out:
        description: As O(tls_enforce_out).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(mailbox_templates), delete the mailbox templates of the server that the list does not name (never
        C(Default)).
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(mailbox_templates), how many templates are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow gives a mailbox made from a template the template's quota, active, tags, rate limit and flags; the values
    a mailbox task sets win over the template's.
seealso:
  - module: glassdome.mailcow.mailcow_mailbox_template_info
  - module: glassdome.mailcow.mailcow_domain_template
  - module: glassdome.mailcow.mailcow_mailbox
"""

EXAMPLES = r"""
- name: Manage mailbox templates with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: A template for staff mailboxes, IMAP and SMTP only
      glassdome.mailcow.mailcow_mailbox_template:
        name: Staff
        quota: 2048
        tags: [staff]
        pop3_access: false
        eas_access: false
        dav_access: false
        acl: [spam_alias, spam_policy, quarantine, app_passwds]
        rate_limit:
          value: 100
          frame: h

    - name: A mailbox made from it
      glassdome.mailcow.mailcow_mailbox:
        address: carol@example.org
        password: "{{ vault_carol_password }}"
        template: Staff

    - name: Exactly these mailbox templates (and Default)
      glassdome.mailcow.mailcow_mailbox_template:
        purge: true
        mailbox_templates:
          - name: Staff
            quota: 2048
          - name: Shared
            quota: 10240
            active: login-disabled
"""

RETURN = r"""
mailbox_template:
  description: The template after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the template; null in check mode for one not yet created.
      type: int
      sample: 7
    name:
      description: The template's name.
      type: str
      sample: Staff
    quota:
      description: The quota of a mailbox made from it, in MiB; 0 is unlimited.
      type: int
      sample: 2048
    active:
      description: V(yes), V(no) or V(login-disabled).
      type: str
      sample: "yes"
    rate_limit:
      description: The rate limit of such a mailbox, or null for none.
      type: dict
      sample: {value: 100, frame: h}
    tags:
      description: The tags such a mailbox gets, sorted.
      type: list
      elements: str
      sample: [staff]
    quarantine_notification:
      description: How often such a mailbox is told about its quarantined mail.
      type: str
      sample: hourly
    quarantine_category:
      description: Which quarantined mail such a mailbox is told about.
      type: str
      sample: reject
    tagged_mail_handler:
      description: Where mail to a tagged address goes.
      type: str
      sample: none
    acl:
      description: What the owner of such a mailbox may change, in Mailcow's order.
      type: list
      elements: str
      sample: [spam_alias, spam_policy, quarantine, app_passwds]
    force_pw_update:
      description: Whether a mailbox made from the template must change its password at the next login.
      type: bool
      sample: false
    force_tfa:
      description: Whether such a mailbox must set up two-factor authentication at the next login.
      type: bool
      sample: false
    sogo_access:
      description: Whether such a mailbox may use SOGo, the web mail.
      type: bool
      sample: true
    imap_access:
      description: Whether such a mailbox may use IMAP.
      type: bool
      sample: true
    pop3_access:
      description: Whether such a mailbox may use POP3.
      type: bool
      sample: true
    smtp_access:
      description: Whether such a mailbox may send over SMTP.
      type: bool
      sample: true
    sieve_access:
      description: Whether such a mailbox may manage Sieve filters.
      type: bool
      sample: true
    eas_access:
      description: Whether such a mailbox may use ActiveSync.
      type: bool
      sample: true
    dav_access:
      description: Whether such a mailbox may use CalDAV and CardDAV.
      type: bool
      sample: true
    tls_enforce_in:
      description: Whether mail to such a mailbox must arrive over TLS.
      type: bool
      sample: false
    tls_enforce_out:
      description: Whether mail from such a mailbox must leave over TLS.
      type: bool
      sample: false
    created:
      description: When the template was created (server time); null for one just created.
      type: str
      sample: "2026-12-07 01:49:06"
    modified:
      description: When the template was last changed (server time), or null.
      type: str
      sample: null
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
mailbox_templates:
  description:
    - With O(mailbox_templates), one result per template that was (or in check mode would be) created, updated or
      deleted, in list order, purged ones last. Unchanged templates are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {name: Shared, action: created, changed: true}
summary:
  description: With O(mailbox_templates), how many templates each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 1}
msg:
  description: With O(mailbox_templates), what was done in words (in check mode C(would create)...).
  returned: success, bulk form
  type: str
  sample: "created 1 (Shared), 1 unchanged"
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
    - {item: Shared, error: "Mailcow refused POST /add/mailbox/template: ..."}
not_attempted:
  description: On failure, the templates whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: [Shared]
done:
  description: On failure of several writes, the templates whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [Staff]
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec, server_single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.argspec import mailbox_template_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.manager import manage_many, manage_one


def main() -> None:
    spec = server_single_or_bulk_argspec(mailbox_template_attr_argspec(), "mailbox_templates")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **server_single_or_bulk_constraints("mailbox_templates", "name"))
    run(module, "mailbox_templates", manage_one, manage_many)


if __name__ == "__main__":
    main()
