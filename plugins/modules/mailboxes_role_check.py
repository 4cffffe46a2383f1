#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailboxes_role_check
short_description: The mailboxes (or server) role's checks of its variables, before any request
version_added: 0.1.0
description:
  - Internal to the roles C(glassdome.mailcow.mailboxes) and C(glassdome.mailcow.server), not a stable interface for playbooks.
  - Fails with one short message naming the first problem, in this order - a variable whose name starts with C(mailcow_)
    and is not one of the role's (a typo, named with the closest of the role's), a purge with both C(mailcow_mailboxes) and
    C(mailcow_aliases) empty, the malformed entries of the role's lists (the first 10, each naming the entry and the field).
  - With O(role=server), the purge problem is a type whose purge switch (O(purges)) is on while its list is empty.
  - Runs on the controller only, reads nothing but the role's argument specs, and never shows a secret.
  - This is implemented as an action plugin.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  argument_specs:
    description: The role's C(meta/argument_specs.yml); the options of its entry point C(main) are the known variable names.
    type: path
    required: true
  ignore_vars:
    description: More names that are not typos (the role's C(mailcow_mailboxes_ignore_vars)).
    type: list
    elements: str
    default: []
  lists:
    description: The role's lists by kind (C(mailboxes), C(aliases), C(app_passwords), C(syncjobs), C(alias_domains), C(domain_admins),
      C(bcc_maps), C(recipient_maps), C(sieve_filters), C(resources)), each checked against its module's entry options, and C(spam_policy), the domain's
      C({allow, deny}) lists of senders. With O(role=server), its lists (C(relayhosts), C(transport_maps), C(forwarding_hosts),
      C(tls_policy_maps), C(domain_templates), C(mailbox_templates), C(oauth2_clients)).
    type: dict
    default: {}
  domain:
    description: The role's domain, for the message; an entry of C(resources) must be in it.
    type: str
  purge:
    description: The role's C(mailcow_mailboxes_purge).
    type: bool
    default: false
  purge_allow_empty:
    description: The role's C(mailcow_mailboxes_purge_allow_empty) (C(mailcow_server_purge_allow_empty) with O(role=server)).
    type: bool
    default: false
  role:
    description: Whose variables - the role C(glassdome.mailcow.mailboxes) or C(glassdome.mailcow.server) (its messages and purge rule).
    type: str
    choices: [mailboxes, server]
    default: mailboxes
  purges:
    description: With O(role=server), each type's purge switch by type (C(relayhosts) - C(mailcow_relayhosts_purge), ...).
    type: dict
    default: {}
"""

EXAMPLES = r"""
# As the role uses it, first of its tasks.
- name: Check the variables
  glassdome.mailcow.mailboxes_role_check:
    argument_specs: "{{ role_path }}/meta/argument_specs.yml"
    lists: {mailboxes: "{{ mailcow_mailboxes }}", aliases: "{{ mailcow_aliases }}"}
    domain: "{{ mailcow_domain }}"
"""

RETURN = r"""
msg:
  description: The first problem found, or that there is none.
  returned: always
  type: str
"""
