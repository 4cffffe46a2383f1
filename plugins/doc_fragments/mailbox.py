# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Options describing one mailbox. Keep in step with plugins/module_utils/_argspec.py:mailbox_attr_argspec().
    DOCUMENTATION = r"""
options:
  address:
    description:
      - Full address of the mailbox, V(local_part@domain). Case does not matter; Mailcow stores it lower-case.
      - An internationalised domain such as V(müller.de) is converted to its ASCII form (V(xn--mller-kva.de)),
        which Mailcow stores; so is O(domain).
      - Mutually exclusive with O(local_part).
    type: str
  local_part:
    description:
      - The part of the address before the C(@); the domain then comes from O(domain).
    type: str
  name:
    description:
      - Full name of the mailbox's user. Control characters (line breaks, tabs, NUL) are refused.
      - Mailcow cannot clear a name once set, so an empty name is refused for a mailbox that has one.
    type: str
  password:
    description:
      - Password of the mailbox. Required to create a mailbox.
      - A password that is empty, only white space or holds control characters is refused.
      - Never shown in output, diffs or logs.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the mailbox is created.
      - V(always) sets it on every run (and so always reports a change), because Mailcow cannot tell
        whether the password is already the one given.
    type: str
    choices: [on_create, always]
    default: on_create
  quota:
    description:
      - Quota in MiB. V(0) means unlimited.
      - At most V(8796093022207), the largest quota whose size in bytes Mailcow stores exactly (a signed 64-bit number).
      - A new mailbox without O(quota) gets Mailcow's default, unlimited, not the domain's default quota.
    type: int
  active:
    description:
      - V(yes) (or V(true)) the mailbox works; V(no) (or V(false)) it neither logs in nor receives mail;
        V(login-disabled) it receives mail but cannot log in (Mailcow's 1, 0 and 2).
      - A new mailbox without O(active) is active.
    type: raw
  tags:
    description:
      - Tags of the mailbox. See O(purge_tags).
    type: list
    elements: str
  force_pw_update:
    description: Make the user change the password at the next login.
    type: bool
  tls_enforce_in:
    description: Accept mail for this mailbox only over TLS.
    type: bool
  tls_enforce_out:
    description: Send mail from this mailbox only over TLS.
    type: bool
  imap_access:
    description: Allow IMAP logins.
    type: bool
  pop3_access:
    description: Allow POP3 logins.
    type: bool
  smtp_access:
    description: Allow SMTP submission.
    type: bool
  sieve_access:
    description: Allow ManageSieve logins.
    type: bool
  sogo_access:
    description: Allow the SOGo webmail and groupware.
    type: bool
  eas_access:
    description: Allow Exchange ActiveSync.
    type: bool
  dav_access:
    description: Allow CalDAV and CardDAV.
    type: bool
"""
