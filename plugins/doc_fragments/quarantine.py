# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Which items of the quarantine (mailcow_quarantine_info, mailcow_quarantine); a module may extend an option's text.
    # Keep in step with plugins/module_utils/_quarantine/argspec.py:selection_argspec() and _quarantine/model.py:selection_from_params().
    DOCUMENTATION = r"""
options:
  mailbox:
    description:
      - Only items for these recipients (full addresses, case-insensitive).
    type: list
    elements: str
    aliases: [recipient]
  domain:
    description:
      - Only items for recipients in these domains.
    type: list
    elements: str
  sender:
    description:
      - Only items from these envelope senders; an entry is an address, or a domain (V(example.org) or V(@example.org))
        for every sender in it.
    type: list
    elements: str
  older_than:
    description:
      - Only items quarantined before this time. An ISO 8601 time (UTC when it has no offset), such as
        V(2026-12-01T00:00:00Z), or an age, a whole number with V(s), V(m), V(h), V(d) or V(w), such as V(30d).
    type: str
  newer_than:
    description:
      - Only items quarantined at or after this time; the same forms as O(older_than). With both, it must be the earlier.
    type: str
  min_score:
    description:
      - Only items with a spam score of at least this.
    type: float
  max_score:
    description:
      - Only items with a spam score of at most this.
    type: float
"""
