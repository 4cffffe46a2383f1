# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Options describing one mailbox. Keep in step with plugins/module_utils/_mailbox/argspec.py:mailbox_attr_argspec().
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
      - Creating a mailbox whose local part contains C(/) is refused before anything is written; Mailcow would accept it,
        but its API splits routes on C(/), so no later request could name it.
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
      - A new mailbox without O(quota) gets the quota of its mailbox template (see O(template)), not the domain's
        default quota; Mailcow's stock C(Default) template gives V(0), unlimited.
    type: int
  active:
    description:
      - V(yes) (or V(true)) the mailbox works; V(no) (or V(false)) it neither logs in nor receives mail;
        V(login-disabled) it receives mail but cannot log in (Mailcow's 1, 0 and 2).
      - A new mailbox without O(active) gets its template's (see O(template)); the stock C(Default) template's is V(yes).
    type: raw
  tags:
    description:
      - Tags of the mailbox. See O(purge_tags).
    type: list
    elements: str
  template:
    description:
      - Name of a Mailcow mailbox template (kept in Mailcow's admin UI, or managed with
        M(glassdome.mailcow.mailcow_mailbox_template)) whose values a new mailbox takes for everything the task does not
        set - quota, active, tags, rate limit, the access and TLS flags, and what this module does not manage (quarantine
        notifications, the user's ACL). Names compare regardless of case, as Mailcow's do.
      - Without it Mailcow uses its C(Default) mailbox template. As shipped, that gives quota V(0) (unlimited), active,
        no tags, no rate limit, every access flag true and both TLS flags and O(force_pw_update) false; the module
        predicts (check mode, diff, RV(mailbox)) from these stock values, so if you changed the C(Default) template,
        give O(template=Default) to have the module read it.
      - Only used when the mailbox is created; an existing mailbox is left as it is. A name this Mailcow does not have
        fails before any write (Mailcow itself would silently use the C(Default) template), naming the templates it has.
      - The module reads the templates (one request) only when a mailbox to create names one.
    type: str
  rate_limit:
    description:
      - The mailbox's own limit on the messages it sends, through Mailcow's C(edit/rl-mbox).
      - O(rate_limit.value=0) removes the mailbox's limit, so that the domain's (if any) applies again.
      - A new mailbox without it gets its template's limit (none in the stock C(Default) template).
      - Comparing it needs Mailcow's full mailbox listing, about three times as costly as the reduced one
        the bulk form reads otherwise; it is read only when an entry sets O(rate_limit) or O(sender_acl).
    type: dict
    suboptions:
      value:
        description: Number of messages, V(0) for no limit of its own, at most V(2147483647).
        type: int
        required: true
      frame:
        description: Per second (V(s)), minute (V(m)), hour (V(h)) or day (V(d)).
        type: str
        choices: [s, m, h, d]
        default: s
  sender_acl:
    description:
      - Addresses the mailbox's user may send as, besides the mailbox's own address and the aliases that
        already allow it (C(sender_allowed)); the list replaces the mailbox's grants. V([]) removes every grant.
      - Each entry is V(*) (any address, alone), a domain of this Mailcow or one of its alias domains (V(example.org) or
        V(@example.org), stored as V(@example.org)), or an address of one of its mailboxes or aliases. Compared
        without regard to case.
      - The form of each entry is checked before any write. Mailcow refuses a domain or an address that is not its own
        (for example V(@gmail.com)) only while saving the others; the task then fails naming the entry.
      - An alias whose goto includes this mailbox and whose C(sender_allowed) is set already lets the mailbox send as it,
        and Mailcow does not store a grant for it. Such an entry is left out of the comparison with a warning (one alias
        read for each entry the mailbox's stored grants lack), so the task stays idempotent. The mailbox's own address is
        refused for the same reason.
      - Comparing it needs Mailcow's full mailbox listing (see O(rate_limit)).
    type: list
    elements: str
  spam_score:
    description:
      - The mailbox's spam filter thresholds, V(LOW,HIGH) such as V(8,15) (decimals allowed, V(0) <= LOW < HIGH) - mail
        scoring LOW or more is treated as spam, HIGH or more is rejected - or V(default) for Mailcow's own thresholds.
      - Mailcow's listings do not carry it - one read per mailbox (only for entries that set it, C(concurrency) at a time);
        changes go through C(edit/spam-score), one request for the mailboxes that get the same score.
      - Mailcow reads a mailbox without thresholds of its own as V(5,15), exactly as one whose own are V(5,15), so
        V(default) counts as met by either (and V(5,15) by a mailbox that has none of its own).
      - Mailcow accepts LOW above HIGH (its filter then rejects mail it would only mark); that is refused here before any write.
    type: str
  relayhost:
    description:
      - The relayhost (smarthost) the mailbox's outgoing mail is sent through, by its host name as in
        M(glassdome.mailcow.mailcow_relayhost); an empty string sends as the domain does. One read of the relayhosts
        (only when an entry sets it) looks up its id.
      - A host name this Mailcow has no relayhost of (or more than one) is refused before anything is written.
    type: str
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
