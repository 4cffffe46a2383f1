#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_mailbox
short_description: Create, change and delete Mailcow mailboxes
version_added: 0.1.0
description:
  - Ensures one Mailcow mailbox is present with the given settings, or absent.
  - With O(mailboxes), ensures a whole domain's mailboxes in one call - one read of the domain,
    then only the writes that differ (equal edits batched into one request, deletes batched into
    one request, adds in parallel). This is the form the C(glassdome.mailcow.mailboxes) role uses.
  - Only the options you set are compared and changed. An edit sends only what differs, because
    every Mailcow mailbox edit ends the user's webmail session.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.bulk
  - glassdome.mailcow.mailbox
attributes:
  check_mode:
    support: full
    details: Check mode reads the mailboxes and predicts C(changed) and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - Passwords never appear in a diff; a password that would be set shows as C((set)).
      - The bulk form gives one diff per mailbox that changes, headed by its address.
  idempotent:
    support: partial
    details: Idempotent, except with O(update_password=always), which sets the password on every run
      because Mailcow cannot tell whether a password is already the one given.
options:
  state:
    description:
      - V(present) creates the mailbox or changes it to match; V(absent) deletes it and all its mail.
      - Ignored with O(mailboxes), where each entry has its own O(mailboxes[].state).
    type: str
    choices: [present, absent]
    default: present
  domain:
    description:
      - Domain of the mailbox when it is given by O(local_part), and the domain managed with O(mailboxes).
      - If not set, the value of the E(MAILCOW_DOMAIN) environment variable is used.
    type: str
  purge_tags:
    description:
      - With O(tags) set, remove tags the mailbox has that are not listed.
      - When V(false), O(tags) are only added.
    type: bool
    default: true
  mailboxes:
    description:
      - The bulk form, a list of mailboxes of O(domain), each with the same options as the single form.
      - Mutually exclusive with O(address) and O(local_part).
    type: list
    elements: dict
    suboptions:
      address:
        description: Full address; or give O(mailboxes[].local_part).
        type: str
      local_part:
        description: Local part; the domain is O(domain).
        type: str
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
      name:
        description: Full name.
        type: str
      password:
        description: Password, required to create.
        type: str
      update_password:
        description: When to set O(mailboxes[].password).
        type: str
        choices: [on_create, always]
        default: on_create
      quota:
        description: Quota in MiB, V(0) for unlimited.
        type: int
      active:
        description: V(yes), V(no) or V(login-disabled).
        type: raw
      tags:
        description: Tags.
        type: list
        elements: str
      template:
        description: Mailbox template for a new mailbox, see O(template).
        type: str
      rate_limit:
        description: The mailbox's own rate limit, see O(rate_limit).
        type: dict
        suboptions:
          value:
            description: Number of messages, V(0) for no limit of its own.
            type: int
            required: true
          frame:
            description: V(s), V(m), V(h) or V(d).
            type: str
            choices: [s, m, h, d]
            default: s
      sender_acl:
        description: Addresses the user may send as, see O(sender_acl).
        type: list
        elements: str
      relayhost:
        description: The relayhost's host name, see O(relayhost).
        type: str
      spam_score:
        description: The spam filter thresholds V(LOW,HIGH) or V(default), see O(spam_score).
        type: str
      force_pw_update:
        description: Force a password change at next login.
        type: bool
      tls_enforce_in:
        description: Enforce TLS for incoming connections.
        type: bool
      tls_enforce_out:
        description: Enforce TLS for outgoing connections.
        type: bool
      imap_access:
        description: Allow IMAP.
        type: bool
      pop3_access:
        description: Allow POP3.
        type: bool
      smtp_access:
        description: Allow SMTP.
        type: bool
      sieve_access:
        description: Allow ManageSieve.
        type: bool
      sogo_access:
        description: Allow SOGo webmail.
        type: bool
      eas_access:
        description: Allow ActiveSync.
        type: bool
      dav_access:
        description: Allow CalDAV/CardDAV.
        type: bool
  purge:
    description:
      - With O(mailboxes), delete the mailboxes of O(domain) that the list does not name.
      - Deleting a mailbox deletes its mail. Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(mailboxes), how many mailboxes are added at the same time.
      - From V(1) to V(32).
      - Mailcow hashes each new password, so a few parallel adds use the server's PHP workers well;
        keep this small on small servers.
    type: int
    default: 4
notes:
  - Mailcow changes O(tls_enforce_in) and O(tls_enforce_out) through its C(edit/tls_policy) endpoint,
    O(rate_limit) through C(edit/rl-mbox), removes tags through C(delete/mailbox/tag), and sets O(sender_acl) of a
    new mailbox only by an edit after the add; the module does this for you.
  - Before its first write, and in check mode alike, the module refuses what Mailcow would refuse because of the domain's
    limits, naming each entry and the limit - a quota above the domain's maximum per mailbox, new quotas adding up to more
    than what is left of the domain's total quota, more mailboxes than the domain allows (mailboxes deleted in the same run
    counted first), an add into a domain that does not exist (in check mode a warning instead, since an earlier task may
    create the domain) - and a O(sender_acl) entry naming a domain that is neither a domain nor an alias domain of this
    Mailcow. For this it reads the domain once when the run adds a mailbox or changes a quota, and each other domain named
    in O(sender_acl) once.
  - When Mailcow refuses an entry after others were written (for example a password below the server's password policy),
    the other entries are still written and the task fails with C(changed=true), the refused entry and Mailcow's reason in
    RV(failed_entries) and the written ones in RV(done).
seealso:
  - module: glassdome.mailcow.mailcow_mailbox_info
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: Manage mailboxes with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Ensure alice has a mailbox of 2 GiB
      glassdome.mailcow.mailcow_mailbox:
        address: alice@example.org
        name: Alice Example
        password: "{{ vault_alice_password }}"
        quota: 2048

    - name: Create a mailbox from the "Staff" template, limited to 100 messages an hour, allowed to send as the domain
      glassdome.mailcow.mailcow_mailbox:
        address: frank@example.org
        password: "{{ vault_frank_password }}"
        template: Staff
        rate_limit: {value: 100, frame: h}
        sender_acl: ["@example.org", info@example.org]

    - name: Remove frank's own rate limit and his send-as rights
      glassdome.mailcow.mailcow_mailbox:
        address: frank@example.org
        rate_limit: {value: 0}
        sender_acl: []

    - name: Disable login for bob but keep receiving his mail
      glassdome.mailcow.mailcow_mailbox:
        local_part: bob
        domain: example.org
        active: login-disabled

    - name: Remove carol's mailbox and all her mail
      glassdome.mailcow.mailcow_mailbox:
        address: carol@example.org
        state: absent

    - name: Ensure a whole domain's mailboxes in one call, deleting unlisted ones
      glassdome.mailcow.mailcow_mailbox:
        domain: example.org
        purge: true
        mailboxes:
          - local_part: alice
            name: Alice Example
            password: "{{ vault_alice_password }}"
          - local_part: dave
            name: Dave Example
            password: "{{ vault_dave_password }}"
            quota: 1024
"""

RETURN = r"""
mailbox:
  description:
    - The mailbox after the task (predicted in check mode), empty when absent.
    - Quotas are in MiB.
    - C(rate_limit) is the mailbox's own limit as O(rate_limit) (null when it has none; the domain's limit is not shown
      here), C(sender_acl) its send-as grants as O(sender_acl), sorted.
    - C(relayhost_id) is Mailcow's id of the mailbox's relayhost (V(0) for none); with O(relayhost), C(relayhost) is
      its host name.
    - With O(spam_score), C(spam_score) is the mailbox's thresholds as V(LOW,HIGH) (V(5,15) for Mailcow's default).
  returned: success, single form
  type: dict
  sample:
    address: alice@example.org
    local_part: alice
    domain: example.org
    name: Alice Example
    quota: 2048
    quota_used: 0.0
    messages: 0
    active: "yes"
    tags: []
    force_pw_update: false
    tls_enforce_in: false
    tls_enforce_out: false
    imap_access: true
    pop3_access: true
    smtp_access: true
    sieve_access: true
    sogo_access: true
    eas_access: true
    dav_access: true
    rate_limit: {value: 100, frame: h}
    sender_acl: ["@example.org"]
    relayhost_id: 0
    created: "2026-11-24 10:00:00"
    modified: "2026-11-24 10:00:00"
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
mailboxes:
  description:
    - With O(mailboxes), one result per mailbox that was (or in check mode would be) created, updated or deleted,
      in list order, purged ones last.
    - Each may carry C(outcome) (see RV(outcome)) when its write's answer was lost or ambiguous and re-reading decided it.
    - Unchanged mailboxes are counted in RV(summary) only, which keeps the result small on big domains.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {address: dave@example.org, action: created, changed: true}
    - {address: old@example.org, action: deleted, changed: true}
summary:
  description: With O(mailboxes), how many mailboxes each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 1, unchanged: 1}
msg:
  description:
    - With O(mailboxes), what was done in words, naming the mailboxes by local part (the first ten of each action, then a count).
    - In check mode the verbs read C(would create), C(would update), C(would delete).
  returned: success, bulk form
  type: str
  sample: created 2 (dave, erin), updated 1 (alice), deleted 1 (old), 9 unchanged
outcome:
  description:
    - Only when the write's answer was lost or ambiguous (connection lost after sending, no answer within O(timeout), an empty
      body, or "already exists" on an add, which is how Mailcow answers two runs adding the same object at once) and
      re-reading the mailbox once decided it.
    - V(created_concurrently) the add was answered "exists" or with an empty body and the mailbox now exists as wanted;
      V(deleted_concurrently) the delete was refused as "not there" (another run deleted it at the same time) and the
      mailbox is gone; V(confirmed) the write turns out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: created_concurrently
failed_entries:
  description:
    - The result of a failed task says C(changed=true) when any write was carried out before it failed (the entries in
      RV(done) and RV(partly_done)).
    - On failure, every mailbox Mailcow refused (or would refuse; a refusal the domain's limits predict fails the task before
      any write, in check mode too) or whose write failed, with the reason in words; the message names them (the first 10).
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: dan@example.org, error: "Mailcow refused POST /add/mailbox: the password does not meet the server's password policy (or is empty)"}
not_attempted:
  description:
    - On failure, the mailboxes whose writes were not started because the server stopped answering
      (3 consecutive connection failures, or HTTP 502, 503, 504 answers of a proxy in front of Mailcow).
  returned: failure
  type: list
  elements: str
  sample: []
done:
  description: On failure, the mailboxes whose writes all succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [ann@example.org]
partly_done:
  description:
    - On failure, the mailboxes of which one write succeeded and another failed (for example a mailbox added whose O(sender_acl)
      edit Mailcow refused); each is also in RV(failed_entries).
  returned: failure, when there are any
  type: list
  elements: str
  sample: []
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import single_or_bulk_argspec, single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.argspec import mailbox_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.manager import manage_many, manage_one


def main() -> None:
    spec = dict(single_or_bulk_argspec(mailbox_attr_argspec(), "mailboxes"), purge_tags={"type": "bool", "default": True})
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **single_or_bulk_constraints("mailboxes"))
    run(module, "mailboxes", manage_one, manage_many)


if __name__ == "__main__":
    main()
