#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_app_password
short_description: Create, change and delete the app passwords of a Mailcow mailbox
version_added: 0.1.0
description:
  - Ensures one app password of a mailbox, named by O(mailbox) and O(name), is present with the given
    protocols and state, or absent. Mailcow's numeric ids are never needed.
  - With O(app_passwords), ensures a mailbox's whole set in one call (one read of the mailbox's app passwords,
    then only the writes that differ), optionally deleting those the list does not name (O(purge)).
  - Mailcow accepts two app passwords of the same name; this module never creates a second one, and refuses to
    change a name the mailbox already holds twice (it names their ids). O(state=absent) deletes every one of that name.
  - Names are compared as written, although Mailcow stores them HTML-escaped and escapes them again when read.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details: Check mode reads the mailbox's app passwords and predicts C(changed) and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - Passwords never appear in a diff; a password that would be set shows as C((set)).
      - The bulk form gives one diff per app password that changes, headed by its name.
  idempotent:
    support: partial
    details: Idempotent, except with O(update_password=always), which sets the password on every run
      because Mailcow cannot show a stored password.
options:
  mailbox:
    description:
      - Address of the mailbox the app passwords belong to. It must exist (for O(state=absent) a missing mailbox
        is no change). In check mode a missing mailbox is a warning, not an error, because an earlier task of the
        run may be about to create it; its app passwords are then shown as created.
      - An address with C(+), C(&), C(#), C(%) or C(?) is refused, because Mailcow's API cannot read its app passwords.
    type: str
    required: true
  name:
    description:
      - Name of the app password (for example the device it is for). Compared exactly, case included.
      - Surrounding white space is dropped, as Mailcow does. Empty names and control characters are refused, and names
        longer than 255 characters as Mailcow stores them (C(&), C(<), C(>), C(") and C(') written as HTML entities).
      - Mutually exclusive with O(app_passwords).
    type: str
  password:
    description:
      - The app password. Required to create one.
      - A password that is empty, only white space or holds control characters is refused; Mailcow also applies its
        password policy.
      - Never shown in output, diffs or logs.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the app password is created.
      - V(always) sets it on every run (and so always reports a change), because Mailcow cannot show a stored password.
    type: str
    choices: [on_create, always]
    default: on_create
  protocols:
    description:
      - What the app password may log in to, by Mailcow's names. Required to create one; V([]) allows nothing.
      - When set, the list is the whole set (compared as a set); when not set, an existing app password's protocols are kept.
    type: list
    elements: str
    choices: [imap_access, smtp_access, dav_access, eas_access, pop3_access, sieve_access]
  active:
    description:
      - Whether the app password can be used. A new one is active unless V(false) (the module always tells Mailcow,
        whose own default is inactive).
    type: bool
  state:
    description:
      - V(present) creates the app password or changes it to match; V(absent) deletes it (every one of that name).
      - Ignored with O(app_passwords), where each entry has its own O(app_passwords[].state).
    type: str
    choices: [present, absent]
    default: present
  app_passwords:
    description:
      - The bulk form, a list of app passwords of O(mailbox), each with the same options as the single form.
      - Every entry is checked before anything is read or written; a name listed twice is refused.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name; required in each entry.
        type: str
      password:
        description: Password, required to create.
        type: str
      update_password:
        description: When to set O(app_passwords[].password).
        type: str
        choices: [on_create, always]
        default: on_create
      protocols:
        description: What it may log in to; required to create.
        type: list
        elements: str
        choices: [imap_access, smtp_access, dav_access, eas_access, pop3_access, sieve_access]
      active:
        description: Whether it can be used; a new one is active unless V(false).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(app_passwords), delete the mailbox's app passwords whose names the list does not name.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  purge_allow_empty:
    description:
      - With O(purge=true), allow an empty O(app_passwords) list, which deletes every app password of O(mailbox).
      - Without it such a run is refused before anything is written (also in check mode), naming what would be deleted.
      - O(purge_max_share) still applies.
    type: bool
    default: false
  purge_max_share:
    description:
      - With O(purge=true), the largest share, in percent from V(0) to V(100), of the mailbox's app passwords (counted by
        name) that one run may delete because the list does not name them.
      - A run that would delete more is refused before anything is written (also in check mode), naming them.
    type: int
    default: 50
notes:
  - Mailcow needs the mailbox in every edit, and edits store the name again; the module always sends both, so an edit
    neither moves the app password nor escapes its name once more.
  - Mailcow accepts two app passwords of the same name, so two runs adding the same name at once (two pipelines) would
    leave it twice. After adding, the module reads the mailbox's app passwords once more and deletes every app password
    of a name it created but the oldest, with a warning and RV(outcome) V(created_concurrently); the one kept has the
    password of the run that added it first.
seealso:
  - module: glassdome.mailcow.mailcow_app_password_info
  - module: glassdome.mailcow.mailcow_mailbox
"""

EXAMPLES = r"""
- name: Manage app passwords with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Ensure alice's phone has an app password for mail only
      glassdome.mailcow.mailcow_app_password:
        mailbox: alice@example.org
        name: Phone
        password: "{{ vault_alice_phone_password }}"
        protocols: [imap_access, smtp_access]

    - name: Let it sync calendars too, without touching its password
      glassdome.mailcow.mailcow_app_password:
        mailbox: alice@example.org
        name: Phone
        protocols: [imap_access, smtp_access, dav_access]

    - name: Remove the old laptop's app password
      glassdome.mailcow.mailcow_app_password:
        mailbox: alice@example.org
        name: Old laptop
        state: absent

    - name: Ensure alice's whole set, deleting any other app password
      glassdome.mailcow.mailcow_app_password:
        mailbox: alice@example.org
        purge: true
        app_passwords:
          - name: Phone
            password: "{{ vault_alice_phone_password }}"
            protocols: [imap_access, smtp_access, dav_access]
          - name: Calendar
            password: "{{ vault_alice_calendar_password }}"
            protocols: [dav_access]
"""

RETURN = r"""
app_password:
  description:
    - The app password after the task (predicted in check mode), empty when absent. Never its password or hash.
    - C(id) is Mailcow's id, for reference only (null in check mode for a new one).
  returned: success, single form
  type: dict
  sample:
    id: 33
    mailbox: alice@example.org
    name: Phone
    protocols: [imap_access, smtp_access]
    active: true
    created: "2026-11-25 20:41:15"
    modified: null
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
app_passwords:
  description:
    - With O(app_passwords), one result per app password that was (or in check mode would be) created, updated or
      deleted, in list order, purged ones last. Unchanged ones are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {name: Phone, action: created, changed: true}
summary:
  description: With O(app_passwords), how many app passwords each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 1, unchanged: 1}
msg:
  description: With O(app_passwords), what was done in words (C(would ...) in check mode).
  returned: success, bulk form
  type: str
  sample: created 1 (Phone), deleted 1 (Old laptop), 1 unchanged
outcome:
  description:
    - Only when a write's answer was lost or ambiguous and re-reading the mailbox's app passwords once decided it
      (V(created_concurrently), V(deleted_concurrently), V(confirmed) or V(retried), as in M(glassdome.mailcow.mailcow_mailbox)),
      or when another run added the same name at the same time (V(created_concurrently)). In the bulk form, each entry of
      RV(app_passwords) carries its own.
  returned: when re-reading decided a write, or another run added the same name at once
  type: str
  sample: confirmed
failed_entries:
  description:
    - The result of a failed task says C(changed=true) when any write was carried out before it failed (the entries in
      RV(done) and RV(partly_done)).
    - On failure, every app password Mailcow refused (or would refuse; a refusal the domain's limits predict fails the task before
      any write, in check mode too) or whose write failed, with the reason in words; the message names them (the first 10).
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: Tablet, error: "Mailcow refused POST /add/app-passwd: the password does not meet the server's password policy (or is empty)"}
not_attempted:
  description:
    - On failure, the app passwords whose writes were not started because the server stopped answering
      (3 consecutive connection failures, or HTTP 502, 503, 504 answers of a proxy in front of Mailcow).
  returned: failure
  type: list
  elements: str
  sample: []
done:
  description: On failure, the app passwords whose writes all succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [Phone]
partly_done:
  description:
    - On failure, the app passwords of which one write succeeded and another failed (for example one added whose later edit Mailcow
      refused); each is also in RV(failed_entries).
  returned: failure, when there are any
  type: list
  elements: str
  sample: []
"""

from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.manager import manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.argspec import app_password_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run


def main() -> None:
    module = BulkModule(argument_spec=app_password_argspec(), supports_check_mode=True,
                        mutually_exclusive=[("name", "app_passwords")], required_one_of=[("name", "app_passwords")])
    run(module, "app_passwords", manage_one, manage_many)


if __name__ == "__main__":
    main()
