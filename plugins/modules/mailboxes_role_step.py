#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailboxes_role_step
short_description: One step of the mailboxes role - one of this collection's API modules, named by an option
version_added: 0.1.0
description:
  - Internal to the role C(glassdome.mailcow.mailboxes), not a stable interface for playbooks; use the module that
    O(module) names instead.
  - Runs the module O(module) of this collection with the arguments O(module_args), exactly as a task of that module
    would (check mode, diff, C(no_log) of its secret options, its result). The role loops over its optional steps
    (DKIM key, app passwords, sync jobs, alias domains, domain administrators, BCC maps, recipient maps) with it, so
    that a domain costs one task for all of them instead of one task each (on the controller each task costs about as
    much for a skipped step as for one that runs, for every host).
  - The other options (the connection) are passed to the module unless O(module_args) sets them; as this action is in
    the collection's action group, C(module_defaults) for C(group/glassdome.mailcow.mailcow) give them.
  - This is implemented as an action plugin; it runs the module inside the task's worker when that changes nothing but
    speed, as every API module of this collection does.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
options:
  module:
    description:
      - The module to run, by its short name.
      - Required unless O(step) is given.
    type: str
    choices: [mailcow_app_password, mailcow_alias_domain, mailcow_bcc_map, mailcow_dkim, mailcow_domain_admin,
              mailcow_recipient_map, mailcow_resource, mailcow_sieve_filter, mailcow_spam_policy, mailcow_syncjob]
  module_args:
    description:
      - The module's options (the connection may be left out, see above).
      - Mutually exclusive with O(step).
    type: dict
  step:
    description:
      - The index of one of the role's steps in the list its variable C(_glassdome_mailcow_steps) holds for the host,
        which names the module and its arguments; mutually exclusive with O(module) and O(module_args).
      - The role loops over its steps this way, so that the list is templated once in the loop's worker (for step
        V(0)) and not again for each step.
    type: int
attributes:
  check_mode:
    support: full
    details:
      - As the module O(module) (all of them support check mode).
  diff_mode:
    support: full
    details:
      - As the module O(module).
  idempotent:
    support: full
    details:
      - As the module O(module).
"""

EXAMPLES = r"""
# As the role uses it (one task, one loop item a step); a playbook calls the modules themselves.
- name: Ensure the sync jobs of a domain
  glassdome.mailcow.mailboxes_role_step:
    module: mailcow_syncjob
    module_args:
      domain: example.org
      syncjobs: []
      purge: true
      purge_allow_empty: true

# As the role loops over its steps: the loop items are their labels, the index names the step.
- name: Ensure the domain's other objects
  glassdome.mailcow.mailboxes_role_step:
    step: "{{ _glassdome_mailcow_step }}"
  loop: "{{ _glassdome_mailcow_steps | map(attribute='label') | list }}"
  loop_control:
    index_var: _glassdome_mailcow_step
"""

RETURN = r"""
changed:
  description: Whether the module changed something (would, in check mode).
  returned: always
  type: bool
msg:
  description: The module's message.
  returned: when the module gives one
  type: str
"""
