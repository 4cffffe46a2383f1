#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_domain_admin
short_description: Create, change and delete Mailcow domain administrators
version_added: 0.1.0
description:
  - Ensures a domain administrator is present with the given domains, password, state and permissions (ACL), or absent.
  - Before any write, every domain in O(domains) is checked against one listing of the server's domains. Mailcow itself
    would answer a missing domain with an error and a success at once, and leave a half-created administrator that it
    does not list, cannot delete, and that makes the next add of the name fail part-way.
  - O(username) and O(password) are checked before any request; Mailcow's own password policy is checked by Mailcow,
    and a password it refuses changes nothing (the password is sent alone, before any other change).
  - Mailcow cannot read the ACL back (there is no API to get it), so it is not compared. It is written whole when the
    administrator is created with O(acl) given, and on every run with O(update_acl=always). Without O(acl) a new
    administrator gets Mailcow's default permissions.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details: Check mode makes the same reads (and so the same checks) as a real run, and predicts C(changed) and the diff without writing.
  diff_mode:
    support: full
    details:
      - The password never appears in a diff; a password that would be set shows as C((set)).
      - An ACL that would be written shows under C(acl) in the C(after) side only, because it cannot be read.
  idempotent:
    support: partial
    details: Idempotent, except with O(update_password=always) or O(update_acl=always), which write the password or the
      ACL on every run because Mailcow cannot tell whether they are already as given.
options:
  username:
    description:
      - Login name of the administrator. ASCII letters, digits, V(_), V(.) and V(-); stored lower-case.
    type: str
    required: true
  password:
    description:
      - Password. Required to create the administrator; used on an existing one only with O(update_password=always).
      - Never shown in output, diffs or logs.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the administrator is created; V(always) sets it on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  domains:
    description:
      - The domains the administrator manages; required to create one. On an existing administrator the list replaces
        the old one. Each must be a domain of the server (not an alias domain); at least one.
    type: list
    elements: str
  active:
    description:
      - Whether the administrator may log in. A new one is active unless this is V(false).
    type: bool
  acl:
    description:
      - The complete list of permissions the administrator has; every permission not listed is turned off.
      - Written when the administrator is created and, with O(update_acl=always), on every run; never compared, because
        Mailcow cannot read it back.
      - Mailcow's defaults for a new administrator are all permissions except C(pushover), C(extend_sender_acl),
        C(unlimited_quota), C(alias_domains) and C(domain_desc).
    type: list
    elements: str
    choices: [syncjobs, quarantine, login_as, sogo_access, app_passwds, bcc_maps, pushover, filters, ratelimit, spam_policy,
              extend_sender_acl, unlimited_quota, protocol_access, smtp_ip_access, alias_domains, mailbox_relayhost,
              domain_relayhost, domain_desc]
  update_acl:
    description:
      - V(on_create) writes O(acl) only when the administrator is created; V(always) writes it on every run (and reports a change).
    type: str
    choices: [on_create, always]
    default: on_create
  rename_from:
    description:
      - The current name of an administrator to rename to O(username). It keeps its password, two-factor authentication and
        ACL; whatever else differs from the options given changes in the same edit.
      - When O(username) does not exist and O(rename_from) does, the task renames it (RV(action) V(renamed), RV(renamed_from)).
        When O(username) exists and O(rename_from) does not, it was renamed already and the task goes on as without
        O(rename_from); when neither exists, O(username) is created (O(password) and O(domains) needed). When both exist the
        task fails before any write, naming both.
      - Only with O(state=present).
    type: str
  state:
    description:
      - V(present) creates the administrator or changes it to match; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: glassdome.mailcow.mailcow_domain_admin_info
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: An administrator for two domains, with a restricted ACL
  glassdome.mailcow.mailcow_domain_admin:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    username: example-admin
    password: "{{ vault_example_admin_password }}"
    domains: [example.org, example.net]
    acl: [syncjobs, quarantine, app_passwds, filters, spam_policy]

- name: Enforce the ACL on every run (reports a change each time)
  glassdome.mailcow.mailcow_domain_admin:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    username: example-admin
    acl: [quarantine]
    update_acl: always

- name: Rename example-admin to ops-example; idempotent once done
  glassdome.mailcow.mailcow_domain_admin:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    username: ops-example
    rename_from: example-admin

- name: Remove the administrator
  glassdome.mailcow.mailcow_domain_admin:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    username: example-admin
    state: absent
"""

RETURN = r"""
domain_admin:
  description: The administrator after the task (as predicted in check mode); empty when absent. Never the password or the ACL.
  returned: success
  type: dict
  contains:
    username:
      description: Login name, lower-case.
      type: str
      sample: example-admin
    domains:
      description: The domains it manages, sorted.
      type: list
      elements: str
      sample: [example.net, example.org]
    active:
      description: Whether it may log in.
      type: bool
      sample: true
    tfa_active:
      description: Whether two-factor authentication is set up.
      type: bool
      sample: false
    force_tfa:
      description: Whether it must set up two-factor authentication (kept as it is by this module).
      type: bool
      sample: false
    force_pw_update:
      description: Whether it must change its password at the next login (kept as it is by this module).
      type: bool
      sample: false
    created:
      description: When its domains were last set (server time; Mailcow rewrites this on every edit); null for one just created.
      type: str
      sample: "2026-11-25 20:41:14"
action:
  description: What was done (or would be done in check mode); V(renamed) when O(rename_from) was renamed.
  returned: success
  type: str
  sample: created
renamed_from:
  description: With O(rename_from), the name the administrator had before this task renamed it (or would in check mode).
  returned: when the task renamed the administrator
  type: str
  sample: example-admin
acl_written:
  description: Whether O(acl) was written (or would be in check mode).
  returned: success
  type: bool
  sample: true
outcome:
  description:
    - Only when a write's answer was lost or ambiguous (empty body, connection lost, or "exists" on an add) and re-reading
      the administrator once decided it.
    - V(created_concurrently) the add was answered "exists" or with an empty body (two runs adding it at once, or a
      half-created administrator of that name) and the administrator now exists as wanted; V(deleted_concurrently) the
      delete was refused as "not there" (another run deleted it at the same time) and it is gone; V(confirmed) the write
      turns out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: created_concurrently
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.argspec import domain_admin_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **domain_admin_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
