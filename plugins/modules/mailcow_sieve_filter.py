#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_sieve_filter
short_description: Create, change and delete the Sieve filters of Mailcow mailboxes
version_added: 0.1.0
description:
  - Ensures one Sieve filter of a mailbox (Mailcow's "mailbox filters") is present with the given script, or absent.
    A V(prefilter) runs before the mailbox user's own Sieve rules (those kept in SOGo or over ManageSieve), a
    V(postfilter) after them.
  - With O(filters), ensures the filters of a domain's mailboxes in one call - one read of the filters, then only the
    writes that differ (equal edits batched, deletes batched, adds in parallel).
  - A filter is named by its mailbox, its type and its description (O(mailbox), O(filter_type), O(description)), for
    example C(prefilter 'Spam to Junk' of alice@example.org). Mailcow's numeric id is looked up, never needed.
    Mailcow does not refuse duplicates; the module refuses to manage a name that Mailcow holds more than once
    (V(state=absent) deletes every one of them).
  - Mailcow keeps one active filter per mailbox and type. Making a filter active (creating it active, or switching it
    on) makes the other filters of its mailbox and type inactive; the module predicts this, reports them in
    RV(deactivated) and in the diff, and refuses a task that would leave two of them active.
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
      - Check mode reads the filters (and, for a filter to create, whether its mailbox exists) and predicts C(changed),
        the actions, the filters made inactive and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - One diff per filter that changes, headed by its name, showing its settings and its script line by line, so a
        changed script reads as a unified diff of the script. Filters that another filter makes inactive get their own diff.
  idempotent:
    support: full
    details:
      - The script is compared character for character (Mailcow stores it exactly as sent).
options:
  mailbox:
    description:
      - The mailbox the filter belongs to, V(local_part@domain). In O(filters) entries a local part of O(domain) is enough.
      - The mailbox must exist; a filter to create in a missing mailbox is refused before any write.
      - Mutually exclusive with O(filters).
    type: str
  filter_type:
    description:
      - V(prefilter) runs before the mailbox user's own Sieve rules, V(postfilter) after them.
      - Part of the filter's name; required.
    type: str
    choices: [prefilter, postfilter]
  description:
    description:
      - The filter's description, which names it within its mailbox and type; compared exactly (case included).
      - Required. Not empty, not V(0) (which Mailcow takes for empty), without white space at either end, at most 255 characters.
    type: str
  script:
    description:
      - The Sieve script (RFC 5228), stored and compared exactly as given, line endings and trailing white space included.
        A YAML block scalar (C(|)) ends it with one line break.
      - Required to create a filter. Mailcow checks it with its Sieve parser and refuses a script it cannot parse, naming
        the line and what the parser expected there.
      - Not empty, at most 65535 bytes.
    type: str
  active:
    description:
      - Whether the filter runs. A new filter is active unless told otherwise.
      - Making a filter active makes the other filters of its mailbox and type inactive (Mailcow keeps one active per type).
    type: bool
  state:
    description:
      - V(present) creates the filter or changes it to match; V(absent) deletes every filter of that name.
      - Ignored with O(filters), where each entry has its own O(filters[].state).
    type: str
    choices: [present, absent]
    default: present
  domain:
    description:
      - With O(filters), the domain whose mailboxes' filters the list holds; every entry's mailbox must be in it, and
        O(purge) deletes only filters of its mailboxes.
      - If not set, the value of the E(MAILCOW_DOMAIN) environment variable is used.
    type: str
  filters:
    description:
      - The bulk form, a list of filters of O(domain)'s mailboxes, each with the same options as the single form.
      - Mutually exclusive with O(mailbox).
      - Every entry is checked before anything is read or written; two entries of one mailbox and type that would both be
        active are refused.
    type: list
    elements: dict
    suboptions:
      mailbox:
        description: The mailbox, V(local_part@domain) or a local part of O(domain).
        type: str
      filter_type:
        description: V(prefilter) or V(postfilter), as O(filter_type).
        type: str
        choices: [prefilter, postfilter]
      description:
        description: The filter's description, as O(description).
        type: str
      script:
        description: The Sieve script, as O(script).
        type: str
      active:
        description: Whether it runs, as O(active).
        type: bool
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(filters), delete the filters of O(domain)'s mailboxes that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(filters), how many filters are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Reading the filters of a domain (bulk form) reads Mailcow's list of all filters, which Mailcow builds by walking every
    mailbox of every domain. The single form reads one mailbox's filters.
  - Deleting a mailbox deletes its filters.
  - These are the filters an administrator sets for a mailbox; the user's own Sieve rules (SOGo, ManageSieve) are not
    changed. M(glassdome.mailcow.mailcow_sieve_filter_info) can show the user's active script.
seealso:
  - module: glassdome.mailcow.mailcow_sieve_filter_info
  - module: glassdome.mailcow.mailcow_mailbox
  - name: RFC 5228, Sieve
    description: The Sieve mail filtering language.
    link: https://www.rfc-editor.org/rfc/rfc5228
"""

EXAMPLES = r"""
- name: Manage filters with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: File mail tagged as spam into Junk before alice's own rules
      glassdome.mailcow.mailcow_sieve_filter:
        mailbox: alice@example.org
        filter_type: prefilter
        description: Spam to Junk
        script: |
          require "fileinto";
          if header :contains "Subject" "[SPAM]" {
            fileinto "Junk";
            stop;
          }

    - name: Switch it off
      glassdome.mailcow.mailcow_sieve_filter:
        mailbox: alice@example.org
        filter_type: prefilter
        description: Spam to Junk
        active: false

    - name: Ensure exactly these filters in the domain's mailboxes, deleting the others
      glassdome.mailcow.mailcow_sieve_filter:
        domain: example.org
        purge: true
        filters:
          - mailbox: alice
            filter_type: prefilter
            description: Spam to Junk
            script: "{{ lookup('ansible.builtin.file', 'spam-to-junk.sieve') }}"
          - mailbox: bob
            filter_type: postfilter
            description: Discard large mail
            script: "if size :over 50M { discard; }"
      register: result

    - name: Show what changed
      ansible.builtin.debug:
        var: result.msg
"""

RETURN = r"""
filter:
  description: The filter after the task (predicted in check mode), empty when absent.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the filter; null in check mode for one not yet created.
      type: int
      sample: 4
    name:
      description: How the module names the filter.
      type: str
      sample: prefilter 'Spam to Junk' of alice@example.org
    mailbox:
      description: The mailbox, lower-case.
      type: str
      sample: alice@example.org
    filter_type:
      description: V(prefilter) or V(postfilter).
      type: str
      sample: prefilter
    description:
      description: The description.
      type: str
      sample: Spam to Junk
    script:
      description: The Sieve script, as stored.
      type: str
      sample: "if size :over 50M { discard; }"
    active:
      description: Whether it runs.
      type: bool
      sample: true
action:
  description: What was done to the filter (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
deactivated:
  description:
    - The filters of the same mailbox and type that the task made (or in check mode would make) inactive, because
      Mailcow keeps one active filter per mailbox and type.
  returned: success, single form, when there are such filters
  type: list
  elements: str
  sample: ["prefilter 'Old spam rule' of alice@example.org"]
filters:
  description:
    - With O(filters), one result per filter that was (or in check mode would be) created, updated or deleted, in list
      order, purged ones and those made inactive by another filter last.
    - Unchanged filters are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {filter: "prefilter 'Spam to Junk' of alice@example.org", action: created, changed: true}
summary:
  description: With O(filters), how many filters each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 1, unchanged: 3}
msg:
  description:
    - With O(filters), what was done in words, naming the filters (the first ten of each action, then a count).
    - In check mode the verbs read C(would create), C(would update), C(would delete).
  returned: success, bulk form
  type: str
  sample: "created 1 (prefilter 'Spam to Junk' of alice), 3 unchanged"
outcome:
  description:
    - Only when the write's answer was lost and re-reading the filters once decided it.
    - V(confirmed) the write turns out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed filter with its error; the message lists the first 10.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: "prefilter 'Spam to Junk' of alice@example.org", error: "Mailcow refused POST /add/filter: ..."}
not_attempted:
  description: On failure, the filters whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: ["postfilter 'Discard large mail' of bob@example.org"]
done:
  description: On failure of several writes, the filters whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: ["prefilter 'Spam to Junk' of alice@example.org"]
"""

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import single_or_bulk_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.argspec import SIEVE_FILTER_CONSTRAINTS, sieve_filter_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.manager import manage_many, manage_one


def main() -> None:
    spec = single_or_bulk_argspec(sieve_filter_attr_argspec(), "filters")
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **SIEVE_FILTER_CONSTRAINTS)
    run(module, "filters", manage_one, manage_many)


if __name__ == "__main__":
    main()
