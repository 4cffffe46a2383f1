# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # The purge guards of the bulk forms (mailcow_mailbox mailboxes:, mailcow_alias aliases:).
    # Keep in step with plugins/module_utils/_argspec.py:single_or_bulk_argspec() and _bulk_entries.guard_purge().
    DOCUMENTATION = r"""
options:
  purge_allow_empty:
    description:
      - With O(purge=true), allow an empty list, which deletes every object of O(domain).
      - Without it such a run is refused before anything is written (also in check mode), naming what would be
        deleted, because an empty or misspelt list variable would otherwise empty the domain.
      - O(purge_max_share) still applies, so emptying a domain that has objects takes both options.
    type: bool
    default: false
  purge_max_share:
    description:
      - With O(purge=true), the largest share, in percent from V(0) to V(100), of the domain's existing objects
        that one run may delete because the list does not name them.
      - A run that would delete more is refused before anything is written (also in check mode); the message names
        the first 10 objects that would be deleted, their count, and this option. Raise it (up to V(100)) when
        the deletion is intended.
      - Entries with C(state=absent) are not counted; they are deleted as asked.
    type: int
    default: 50
"""

    # The same guards for the server-wide bulk forms (relayhosts, transport maps, forwarding hosts, TLS policy,
    # BCC and recipient maps, ...): what the list does not name is an object of the whole server, not of a domain.
    SERVER = r"""
options:
  purge_allow_empty:
    description:
      - With O(purge=true), allow an empty list, which deletes every object of this type on the server.
      - Without it such a run is refused before anything is written (also in check mode), naming what would be
        deleted, because an empty or misspelt list variable would otherwise delete them all.
      - O(purge_max_share) still applies, so deleting every object takes both options.
    type: bool
    default: false
  purge_max_share:
    description:
      - With O(purge=true), the largest share, in percent from V(0) to V(100), of the server's existing objects of
        this type that one run may delete because the list does not name them.
      - A run that would delete more is refused before anything is written (also in check mode); the message names
        the first 10 that would be deleted, their count, and this option. Raise it (up to V(100)) when the deletion
        is intended.
      - Entries with C(state=absent) are not counted; they are deleted as asked.
    type: int
    default: 50
"""
