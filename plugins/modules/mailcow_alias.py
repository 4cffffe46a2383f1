#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_alias
short_description: Create, change and delete Mailcow aliases
version_added: 0.1.0
description:
  - Ensures one Mailcow alias (an address that forwards to other addresses) is present with the given
    settings, or absent.
  - With O(aliases), ensures a whole domain's aliases in one call - one read of the domain's aliases, then
    only the writes that differ (equal edits batched into one request, deletes batched into one request,
    adds in parallel). This is the form a role uses.
  - Aliases are named by address. Mailcow's numeric id is used internally and returned, never needed.
  - Only the options you set are compared and changed.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.bulk
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the alias (or the domain's aliases) and predicts C(changed), the per-alias actions
        and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the alias's settings before and after; the bulk form gives one diff per alias
        that changes, headed by its address.
  idempotent:
    support: full
    details:
      - Addresses compare case-insensitively (Mailcow keeps the case of an alias's local part as created),
        O(goto) lists compare regardless of order, case and duplicates.
options:
  address:
    description:
      - Address of the alias, V(local_part@domain), or V(@domain) for a catch-all alias that receives the mail
        for every address of the domain without a mailbox or alias.
      - The local part keeps the case given when the alias is created; an alias that differs only in case is the
        same alias, and is not renamed.
      - An internationalised domain such as V(müller.de) is converted to its ASCII form (V(xn--mller-kva.de)),
        which Mailcow stores; so are O(domain) and the domains of O(goto).
      - Mutually exclusive with O(local_part) and O(aliases).
    type: str
  local_part:
    description:
      - The part of the address before the C(@); the domain then comes from O(domain).
      - Creating a alias whose local part contains C(/) is refused before anything is written; Mailcow would accept it,
        but its API splits routes on C(/), so no later request could name it.
    type: str
  domain:
    description:
      - Domain of the alias when it is given by O(local_part), and the domain managed with O(aliases).
      - If not set, the value of the E(MAILCOW_DOMAIN) environment variable is used.
      - An internationalised name is converted to its ASCII form.
    type: str
  state:
    description:
      - V(present) creates the alias or changes it to match; V(absent) deletes it.
      - Ignored with O(aliases), where each entry has its own O(aliases[].state).
    type: str
    choices: [present, absent]
    default: present
  goto:
    description:
      - Addresses the alias forwards to. Required to create an alias, unless one of O(goto_null), O(goto_spam)
        or O(goto_ham) is set.
      - Order and duplicates do not matter. An alias must not forward to itself.
      - V(null@localhost), V(spam@localhost) and V(ham@localhost) are Mailcow's special targets; given alone they
        mean the same as O(goto_null), O(goto_spam) and O(goto_ham), and they cannot be combined with addresses.
    type: list
    elements: str
  goto_null:
    description:
      - Silently discard the alias's mail (Mailcow's C(null@localhost)).
      - V(false) is refused for an alias that discards its mail unless O(goto) says where the mail goes instead.
      - Only one of O(goto), O(goto_null), O(goto_spam) and O(goto_ham) may be given (a flag set to V(false) does not count).
    type: bool
  goto_spam:
    description:
      - Learn the alias's mail as spam (Mailcow's C(spam@localhost)).
      - Only one of O(goto), O(goto_null), O(goto_spam) and O(goto_ham) may be given (a flag set to V(false) does not count).
    type: bool
  goto_ham:
    description:
      - Learn the alias's mail as ham, not spam (Mailcow's C(ham@localhost)).
      - Only one of O(goto), O(goto_null), O(goto_spam) and O(goto_ham) may be given (a flag set to V(false) does not count).
    type: bool
  active:
    description:
      - Whether the alias works.
      - A new alias without it is active. (Mailcow's own default is inactive; the module says V(true) explicitly.)
    type: bool
  sogo_visible:
    description:
      - Whether the alias appears in SOGo as an identity of the mailboxes it forwards to.
      - A new alias without it is not visible.
    type: bool
  sender_allowed:
    description:
      - Whether the mailboxes the alias forwards to may send mail as the alias's address.
      - A new alias without it does not allow sending, as in Mailcow.
    type: bool
  public_comment:
    description:
      - Comment shown to the users of the alias, at most 160 bytes, without control characters. An empty string clears it.
    type: str
  private_comment:
    description:
      - Comment shown to administrators only, at most 160 bytes, without control characters. An empty string clears it.
    type: str
  aliases:
    description:
      - The bulk form, a list of aliases of O(domain), each with the same options as the single form.
      - Mutually exclusive with O(address) and O(local_part).
    type: list
    elements: dict
    suboptions:
      address:
        description: Full address, or V(@domain) for the catch-all; or give O(aliases[].local_part).
        type: str
      local_part:
        description: Local part; the domain is O(domain).
        type: str
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
      goto:
        description: Addresses the alias forwards to, as O(goto).
        type: list
        elements: str
      goto_null:
        description: Discard the mail, as O(goto_null).
        type: bool
      goto_spam:
        description: Learn the mail as spam, as O(goto_spam).
        type: bool
      goto_ham:
        description: Learn the mail as ham, as O(goto_ham).
        type: bool
      active:
        description: Whether the alias works; a new alias is active unless told otherwise.
        type: bool
      sogo_visible:
        description: Whether SOGo shows the alias as an identity.
        type: bool
      sender_allowed:
        description: Whether the goto mailboxes may send as the alias.
        type: bool
      public_comment:
        description: Comment for users.
        type: str
      private_comment:
        description: Comment for administrators.
        type: str
  purge:
    description:
      - With O(aliases), delete the aliases of O(domain) that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(aliases), how many aliases are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow resets an alias's C(null@localhost), C(spam@localhost) or C(ham@localhost) target on every edit that does
    not send the matching flag again, and then silently skips the whole edit. The module always sends it.
  - An alias cannot have the address of a mailbox; Mailcow refuses it.
  - When an alias is created or its goto changes, the module reads the mailboxes of the alias's domain once and warns
    about a goto in that domain that is neither a mailbox nor an alias there (mail sent to it would bounce). Mailcow
    accepts a goto in any domain, so a goto is never refused for its domain.
  - Before its first add, and in check mode alike, the module reads the alias's domain once and refuses, naming each
    entry, more new aliases than the domain has left (aliases deleted in the same run counted first) and adds into a
    domain that does not exist (in check mode a warning instead, since an earlier task may create the domain).
  - When Mailcow refuses an entry after others were written, the other entries are still written and the task fails with
    C(changed=true), the refused entry and Mailcow's reason in RV(failed_entries) and the written ones in RV(done).
seealso:
  - module: glassdome.mailcow.mailcow_alias_info
  - module: glassdome.mailcow.mailcow_domain
  - module: glassdome.mailcow.mailcow_mailbox
"""

EXAMPLES = r"""
- name: Manage aliases with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Forward sales@ to two mailboxes, who may also send as sales@
      glassdome.mailcow.mailcow_alias:
        address: sales@example.org
        goto:
          - alice@example.org
          - bob@example.org
        sender_allowed: true
        sogo_visible: true

    - name: Discard mail to noreply@
      glassdome.mailcow.mailcow_alias:
        address: noreply@example.org
        goto_null: true

    - name: Remove the catch-all alias
      glassdome.mailcow.mailcow_alias:
        address: "@example.org"
        state: absent

    - name: Ensure all aliases of a domain in one call, deleting unlisted ones
      glassdome.mailcow.mailcow_alias:
        domain: example.org
        purge: true
        aliases:
          - local_part: info
            goto: [alice@example.org]
          - local_part: postmaster
            goto: [alice@example.org, bob@example.org]
          - address: spamtrap@example.org
            goto_spam: true
      register: result

    - name: Show what changed
      ansible.builtin.debug:
        var: result.summary
"""

RETURN = r"""
alias:
  description: The alias after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the alias; null in check mode for an alias not yet created.
      type: int
      sample: 189
    address:
      description: Address, with the case of its local part as created; V(@domain) for a catch-all.
      type: str
      sample: sales@example.org
    domain:
      description: Domain of the alias.
      type: str
      sample: example.org
    goto:
      description: Targets; V([null@localhost]), V([spam@localhost]) or V([ham@localhost]) for the special ones.
      type: list
      elements: str
      sample: [alice@example.org, bob@example.org]
    goto_null:
      description: Whether the alias discards its mail. C(goto_spam) and C(goto_ham) are returned likewise.
      type: bool
      sample: false
    active:
      description: Whether the alias works.
      type: bool
      sample: true
    sogo_visible:
      description: Whether SOGo shows the alias as an identity.
      type: bool
      sample: true
    sender_allowed:
      description: Whether the goto mailboxes may send as the alias.
      type: bool
      sample: true
    internal:
      description: Whether the alias accepts mail from this server's users only (not managed by this module).
      type: bool
      sample: false
    public_comment:
      description: Comment for users, possibly empty.
      type: str
      sample: ""
    private_comment:
      description: Comment for administrators, possibly empty.
      type: str
      sample: ""
    is_catch_all:
      description: Whether this is the domain's catch-all alias.
      type: bool
      sample: false
    created:
      description: When the alias was created (server time); null for an alias just created.
      type: str
      sample: "2026-11-24 00:28:06"
    modified:
      description: When the alias was last changed (server time), or null.
      type: str
      sample: "2026-11-24 10:00:00"
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: updated
aliases:
  description:
    - With O(aliases), one result per alias that was (or in check mode would be) created, updated or deleted,
      in list order, purged ones last.
    - Each may carry C(outcome) (see RV(outcome)) when its write's answer was lost or ambiguous and re-reading decided it.
    - Unchanged aliases are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {address: postmaster@example.org, action: created, changed: true}
    - {address: old@example.org, action: deleted, changed: true}
summary:
  description: With O(aliases), how many aliases each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 1, unchanged: 1}
msg:
  description:
    - With O(aliases), what was done in words, naming the aliases by local part (the first ten of each action, then a count).
    - In check mode the verbs read C(would create), C(would update), C(would delete).
  returned: success, bulk form
  type: str
  sample: created 1 (sales), deleted 1 (old), 4 unchanged
outcome:
  description:
    - Only when the write's answer was lost or ambiguous (connection lost after sending, no answer within O(timeout), an empty
      body, or "already exists" on an add, which is how Mailcow answers two runs adding the same object at once) and
      re-reading the alias once decided it.
    - V(created_concurrently) the add was answered "exists" or with an empty body and the alias now exists as wanted;
      V(deleted_concurrently) the delete was refused as "not there" (another run deleted it at the same time) and the
      alias is gone; V(confirmed) the write turns out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: created_concurrently
failed_entries:
  description:
    - The result of a failed task says C(changed=true) when any write was carried out before it failed (the entries in
      RV(done) and RV(partly_done)).
    - On failure, every alias Mailcow refused (or would refuse; a refusal the domain's limits predict fails the task before
      any write, in check mode too) or whose write failed, with the reason in words; the message names them (the first 10).
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: bob@example.org, error: "Mailcow refused POST /add/alias: ..."}
not_attempted:
  description:
    - On failure, the aliases whose writes were not started because the server stopped answering
      (3 consecutive connection failures, or HTTP 502, 503, 504 answers of a proxy in front of Mailcow).
  returned: failure
  type: list
  elements: str
  sample: []
done:
  description: On failure, the aliases whose writes all succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: [info@example.org]
partly_done:
  description:
    - On failure, the aliases of which one write succeeded and another failed (for example one added whose later edit Mailcow
      refused); each is also in RV(failed_entries).
  returned: failure, when there are any
  type: list
  elements: str
  sample: []
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.manager import manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import single_or_bulk_argspec, single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.argspec import alias_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run


def main() -> None:
    spec = dict(single_or_bulk_argspec(alias_attr_argspec(), "aliases"))
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **single_or_bulk_constraints("aliases"))
    run(module, "aliases", manage_one, manage_many)


if __name__ == "__main__":
    main()
