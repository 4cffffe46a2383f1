# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: drift_report
short_description: What differs between a domain's code and its Mailcow, from the mailboxes role's results in check mode
version_added: 0.1.0
author:
  - glassdome.mailcow contributors (@glassdome)
description:
  - "Reads the results the role P(glassdome.mailcow.mailboxes#role) registered in a check mode run (with diff) and
    says, per object, what a real run would do - create it (in the code, not on the server), change it (with the
    fields that differ), or delete it with purge (on the server, not in the code) - and sums it up in one line such as
    C(mail.example: 2 to create, 1 to change (quota), 3 not in code)."
  - The playbook C(glassdome.mailcow.drift) uses it; see docs/adopt.md.
positional: domain
options:
  _input:
    description: The registered results by kind of object (C(mailbox), C(alias), C(app password), ...).
    type: dict
    required: true
  domain:
    description: The domain the results are of.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Sum up a check mode run of the role
  ansible.builtin.debug:
    msg: "{{ ({'mailbox': mailboxes_result, 'alias': aliases_result} | glassdome.mailcow.drift_report(mailcow_domain)).summary }}"
"""

RETURN = r"""
_value:
  description: The drift of the domain.
  type: dict
  contains:
    domain:
      description: The domain.
      type: str
    create:
      description: The objects a run would create, such as C(mailbox carol@example.org), sorted.
      type: list
      elements: str
    change:
      description: The objects a run would change, each with the fields that differ.
      type: dict
    not_in_code:
      description: The objects a run with purge would delete, sorted.
      type: list
      elements: str
    drift:
      description: Whether there is any drift.
      type: bool
    summary:
      description: "One line, such as C(example.org: 1 to create, 1 to change (quota), 2 not in code) or C(example.org: no drift)."
      type: str
    report:
      description: RV(_value.create), RV(_value.change) and RV(_value.not_in_code) alone, for a machine-readable report.
      type: dict
"""

import typing as t

from ansible_collections.glassdome.mailcow.plugins.plugin_utils._drift import drift


class FilterModule:
    """The drift_report filter."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"drift_report": drift}
