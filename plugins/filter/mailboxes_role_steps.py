# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors

from __future__ import annotations

DOCUMENTATION = r"""
name: mailboxes_role_steps
short_description: The optional steps of the mailboxes role for one domain, from its variables
version_added: 0.1.0
author:
  - glassdome.mailcow contributors (@glassdome)
description:
  - Internal to the role C(glassdome.mailcow.mailboxes), which loops over these steps in one task with
    M(glassdome.mailcow.mailboxes_role_step); not a stable interface for playbooks, and left out of the collection's
    documentation site.
  - Each step is one module call - the DKIM key, the app passwords of each listed mailbox, the sync jobs, each alias domain,
    each domain administrator, the BCC maps, the recipient maps, the allow and deny lists, the resources - left out when there is nothing to do for it.
options:
  _input:
    description:
      - The role's variables - C(domain), C(dkim), C(app_passwords), C(app_passwords_purge), C(syncjobs), C(syncjobs_purge),
        C(sieve_filters), C(sieve_filters_purge), C(alias_domains), C(domain_admins), C(bcc_maps), C(bcc_maps_purge), C(recipient_maps),
        C(recipient_maps_purge), C(spam_policy), C(spam_policy_purge), C(resources),
        C(resources_purge), C(purge_allow_empty), C(purge_max_share), C(concurrency), C(check_mode),
        C(created) (this run created the domain).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The steps of a domain
  ansible.builtin.debug:
    msg: "{{ {'domain': 'example.org', 'syncjobs': [], 'syncjobs_purge': true} | glassdome.mailcow.mailboxes_role_steps | map(attribute='label') }}"
"""

RETURN = r"""
_value:
  description: The steps, each with C(kind), C(label) (no secret), C(module) and C(args) (the module's options without the connection).
  type: list
  elements: dict
"""

import typing as t

from ansible_collections.glassdome.mailcow.plugins.plugin_utils._role_steps import role_steps


class FilterModule:
    """The mailboxes_role_steps filter."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"mailboxes_role_steps": role_steps}
