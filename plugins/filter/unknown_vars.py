# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: unknown_vars
short_description: Variable names with a given prefix that are not known, each with the closest known name
version_added: 0.1.0
author:
  - glassdome.mailcow contributors (@glassdome)
description:
  - Internal to the roles C(glassdome.mailcow.mailboxes) and C(glassdome.mailcow.server), whose checks of their variables
    (the action C(glassdome.mailcow.mailboxes_role_check), before any request) are the same; not a stable interface for
    playbooks, and left out of the collection's documentation site.
  - Returns, sorted, each name of the input that starts with O(prefix) and is not in O(known),
    followed by C( (did you mean X?)) when a known name is close (Python's difflib, the prefix left out).
  - The roles refuse a typo such as C(mailcow_mailbox) for C(mailcow_mailboxes) with the same check.
positional: known
options:
  _input:
    description: Variable names, for example C(vars.keys()).
    type: list
    elements: str
    required: true
  known:
    description: The names that are allowed.
    type: list
    elements: str
    required: true
  prefix:
    description: Only names with this prefix are checked.
    type: str
    default: mailcow_
  roles:
    description:
      - Also allow the variables of every role of this collection (the options of their C(meta/argument_specs.yml)), so that a
        play running several of the collection's roles with one set of variables is not refused.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Refuse unknown mailcow_ variables
  ansible.builtin.fail:
    msg: "unknown variables: {{ unknown | join(', ') }}"
  vars:
    unknown: "{{ vars.keys() | glassdome.mailcow.unknown_vars(['mailcow_domain', 'mailcow_mailboxes']) }}"
  when: unknown | length > 0
"""

RETURN = r"""
_value:
  description: One string per unknown name, for example C(mailcow_mailbox (did you mean mailcow_mailboxes?)).
  type: list
  elements: str
"""

import typing as t

from ansible_collections.glassdome.mailcow.plugins.plugin_utils._role_checks import unknown_vars


class FilterModule:
    """The unknown_vars filter."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"unknown_vars": unknown_vars}
