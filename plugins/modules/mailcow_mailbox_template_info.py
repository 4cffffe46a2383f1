#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_mailbox_template_info
short_description: List Mailcow mailbox templates
version_added: 0.1.0
description:
  - Returns every mailbox template of the server (C(Default) first, by id), or the one of a name, normalised as
    M(glassdome.mailcow.mailcow_mailbox_template) takes them (the quota in MiB, flags as booleans).
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  name:
    description:
      - Only the template of this name (any case); an unknown one gives an empty list.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_mailbox_template
"""

EXAMPLES = r"""
- name: What a new mailbox gets
  glassdome.mailcow.mailcow_mailbox_template_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    name: Default
  register: result
"""

RETURN = r"""
mailbox_templates:
  description: The templates found, in id order; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the template.
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
      description: When the template was created (server time).
      type: str
      sample: "2026-12-07 01:49:06"
    modified:
      description: When the template was last changed (server time), or null.
      type: str
      sample: null
"""


from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.api import find


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), name={"type": "str"}), supports_check_mode=True)
    run_api_module(module, find)


if __name__ == "__main__":
    main()
