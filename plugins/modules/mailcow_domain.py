#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_domain
short_description: Create, change and delete Mailcow domains
version_added: 0.1.0
description:
  - Ensures one Mailcow mail domain is present with the given settings, or absent.
  - Only the options you set are compared and changed; an edit sends only what differs.
  - Quotas are given in MiB, as in Mailcow's admin interface.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the domain (and, for O(state=absent) with O(force=true), its mailboxes) and predicts
        C(changed), the diff and the failures that come from the options, without writing.
  diff_mode:
    support: full
    details:
      - The diff shows the managed settings before and after. A forced delete lists, under C(before.mailboxes),
        the mailboxes that go with the domain.
  idempotent:
    support: full
    details:
      - Values are compared the way Mailcow stores them (quotas in MiB, flags as booleans, the domain name in its
        ASCII form), so a second run with the same options changes nothing.
options:
  domain:
    description:
      - Name of the domain. Case does not matter; Mailcow stores it lower-case.
      - An internationalised name such as V(bücher.example) is accepted and converted to its ASCII form
        (V(xn--bcher-kva.example)), which is what Mailcow stores and what RV(domain.domain) returns.
      - An alias domain is refused; it is not a domain of its own.
    type: str
    required: true
  state:
    description:
      - V(present) creates the domain or changes it to match; V(absent) deletes it.
      - Mailcow refuses to delete a domain that still holds mailboxes; see O(force).
      - Deleting a domain deletes its aliases. Its DKIM key is kept by Mailcow.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the domain.
      - Mailcow cannot store an empty description; it then uses the domain name. An empty O(description)
        therefore means the domain name.
      - A new domain without O(description) gets the domain name.
      - Control characters (line breaks, tabs, NUL) are refused.
    type: str
  max_mailboxes:
    description:
      - How many mailboxes the domain may hold, from V(0) to V(2147483647).
      - It cannot be less than the number of mailboxes the domain already holds.
      - A new domain without it gets V(10).
    type: int
  max_aliases:
    description:
      - How many aliases the domain may hold, from V(0) to V(2147483647).
      - Mailcow ignores V(0) when it changes an existing domain, so V(0) is refused then; a new domain can be
        created with V(0).
      - A new domain without it gets V(400).
    type: int
  default_quota:
    description:
      - Quota in MiB that Mailcow's admin interface proposes for a new mailbox, from V(1) to V(8796093022207).
      - Every quota of a domain is at most V(8796093022207) MiB, the largest whose size in bytes Mailcow stores exactly
        (a signed 64-bit number).
      - It is only a proposal, also for M(glassdome.mailcow.mailcow_mailbox), whose mailboxes are unlimited
        unless given a quota.
      - Must not be more than O(max_quota). Options not given are checked with the domain's current values
        (for a new domain, Mailcow's defaults).
      - A new domain without it gets V(3072).
    type: int
  max_quota:
    description:
      - Largest quota in MiB one mailbox of the domain may have, from V(1) to V(8796093022207).
      - Must not be more than O(total_quota).
      - A new domain without it gets V(10240).
    type: int
  total_quota:
    description:
      - Quota in MiB all mailboxes of the domain share, from V(1) to V(8796093022207).
      - It cannot be less than the quotas the domain's mailboxes already have together.
      - A new domain without it gets V(10240).
    type: int
  active:
    description:
      - Whether the domain is active. The mailboxes of an inactive domain can neither log in nor receive mail.
      - A new domain without it is active.
    type: bool
  gal:
    description:
      - Whether the domain's mailboxes see each other in the global address list of SOGo.
      - A new domain without it gets V(true).
    type: bool
  backupmx:
    description:
      - Whether Mailcow is a backup MX for the domain (relays its mail instead of delivering it).
      - Mailcow turns this on for O(relay_all_recipients=true) and O(relay_unknown_only=true), so V(false)
        together with either of them is refused.
      - A new domain without it gets V(false).
    type: bool
  relay_all_recipients:
    description:
      - As a backup MX, relay mail for all recipients, including those without a mailbox here.
      - Mailcow turns this and O(backupmx) on for O(relay_unknown_only=true).
      - A new domain without it gets V(false).
    type: bool
  relay_unknown_only:
    description:
      - Relay only mail for recipients that have no mailbox here; deliver the rest.
      - Mailcow then turns O(relay_all_recipients) and O(backupmx) on too; the returned and predicted
        state shows that.
      - A new domain without it gets V(false).
    type: bool
  relayhost:
    description:
      - The relayhost (smarthost) the domain's outgoing mail is sent through, by its host name as in
        M(glassdome.mailcow.mailcow_relayhost); an empty string sends directly. One read of the relayhosts looks up its id.
      - A host name this Mailcow has no relayhost of (or more than one) is refused before anything is written.
      - A new domain without it sends directly.
    type: str
  template:
    description:
      - The name of a domain template (as M(glassdome.mailcow.mailcow_domain_template) manages them, compared regardless
        of case) whose values a new domain takes for the options not set here, including the DKIM key Mailcow makes.
      - Only used when the domain is created; an existing domain is not compared with it. One read of the domain templates
        looks up its id (Mailcow takes the id; it silently ignores a name and uses C(Default)).
      - A name this Mailcow has no domain template of (or more than one) is refused before anything is written.
      - Without it a new domain takes the values of Mailcow's C(Default) domain template, as shipped (see the notes).
    type: str
  rate_limit:
    description:
      - Outgoing message rate limit for the whole domain.
      - O(rate_limit.value=0) removes the limit. A new domain without it has no limit.
      - Mailcow changes it through its own endpoint (C(edit/rl-domain)), not with the domain's other settings;
        the module does that for you.
    type: dict
    suboptions:
      value:
        description: Number of messages, V(0) for no limit, at most V(2147483647).
        type: int
        required: true
      frame:
        description: Per second (V(s)), minute (V(m)), hour (V(h)) or day (V(d)).
        type: str
        choices: [s, m, h, d]
        default: s
  tags:
    description:
      - Tags of the domain. See O(purge_tags).
    type: list
    elements: str
  purge_tags:
    description:
      - With O(tags) set, remove the tags the domain has that are not listed.
      - When V(false), O(tags) are only added.
    type: bool
    default: true
  force:
    description:
      - With O(state=absent), delete the domain's resources (rooms, equipment, groups; one request) and mailboxes, and
        all their mail (one request), first, then the domain. One more read lists the resources.
      - Without it, deleting a domain that holds mailboxes fails and says how many it holds; one that holds resources
        fails with Mailcow's C(domain_not_empty).
    type: bool
    default: false
notes:
  - The values predicted for a new domain without O(template) (in check mode, and in RV(domain) after creating one)
    assume Mailcow's stock C(Default) domain template; options you do not set come from the server's template, so if
    its C(Default) template was changed, give O(template=Default) to have the module read it.
  - Mailcow generates a DKIM key for every new domain.
  - Mailcow's edit of a domain crashes half-way when it is sent a tag the domain already has; the module sends only
    the missing tags, and removes tags through C(delete/domain/tag).
seealso:
  - module: glassdome.mailcow.mailcow_domain_info
  - module: glassdome.mailcow.mailcow_domain_template
  - module: glassdome.mailcow.mailcow_mailbox
  - module: glassdome.mailcow.mailcow_alias
"""

EXAMPLES = r"""
- name: Manage domains with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Ensure example.org exists with room for 50 mailboxes of up to 2 GiB
      glassdome.mailcow.mailcow_domain:
        domain: example.org
        description: Example Org
        max_mailboxes: 50
        default_quota: 1024
        max_quota: 2048
        total_quota: 51200
        rate_limit:
          value: 100
          frame: h
        tags: [customer, eu]

    - name: Ensure an internationalised domain (stored as xn--bcher-kva.example)
      glassdome.mailcow.mailcow_domain:
        domain: bücher.example

    - name: Make Mailcow a backup MX that relays only for unknown recipients
      glassdome.mailcow.mailcow_domain:
        domain: backup.example
        relay_unknown_only: true

    - name: Delete a domain together with its mailboxes and all their mail
      glassdome.mailcow.mailcow_domain:
        domain: old.example
        state: absent
        force: true
"""

RETURN = r"""
domain:
  description:
    - The domain after the task (predicted in check mode), empty when absent.
    - Quotas are in MiB.
  returned: success
  type: dict
  contains:
    domain:
      description: Name of the domain, lower-case ASCII (punycode for internationalised names).
      type: str
      sample: example.org
    domain_unicode:
      description: Name of the domain in Unicode.
      type: str
      sample: example.org
    description:
      description: Description.
      type: str
      sample: Example Org
    max_mailboxes:
      description: How many mailboxes the domain may hold.
      type: int
      sample: 50
    max_aliases:
      description: How many aliases the domain may hold.
      type: int
      sample: 400
    default_quota:
      description: Proposed quota of a new mailbox, MiB.
      type: int
      sample: 1024
    max_quota:
      description: Largest quota of one mailbox, MiB.
      type: int
      sample: 2048
    total_quota:
      description: Quota all mailboxes share, MiB.
      type: int
      sample: 51200
    active:
      description: Whether the domain is active.
      type: bool
      sample: true
    gal:
      description: Whether the global address list is on.
      type: bool
      sample: true
    backupmx:
      description: Whether Mailcow is a backup MX for the domain.
      type: bool
      sample: false
    relay_all_recipients:
      description: Whether mail for all recipients is relayed.
      type: bool
      sample: false
    relay_unknown_only:
      description: Whether only mail for unknown recipients is relayed.
      type: bool
      sample: false
    relayhost_id:
      description: Mailcow's id of the domain's relayhost, V(0) for none.
      type: int
      sample: 0
    relayhost:
      description: The host name of the domain's relayhost, empty for none.
      type: str
      returned: when O(relayhost) is given
      sample: "[smtp.provider.example]:587"
    rate_limit:
      description: The rate limit as O(rate_limit), or null when there is none.
      type: dict
      sample: {value: 100, frame: h}
    tags:
      description: Tags, sorted.
      type: list
      elements: str
      sample: [customer, eu]
    mailboxes:
      description: How many mailboxes the domain holds.
      type: int
      sample: 2
    aliases:
      description: How many aliases the domain holds.
      type: int
      sample: 3
    quota_allocated:
      description: Sum of the quotas of the domain's mailboxes, MiB.
      type: int
      sample: 2048
    created:
      description: When the domain was created (server time); null for a domain just created.
      type: str
      sample: "2026-11-24 00:28:03"
    modified:
      description: When the domain was last changed (server time), or null.
      type: str
      sample: "2026-11-24 10:00:00"
action:
  description: What was done (or would be done in check mode).
  returned: success
  type: str
  sample: created
mailboxes_deleted:
  description: With O(state=absent), the mailboxes deleted (or that would be deleted) with the domain because of O(force).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [alice@old.example, bob@old.example]
resources_deleted:
  description: With O(state=absent), the resources deleted (or that would be deleted) with the domain because of O(force).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [Room1@old.example]
outcome:
  description:
    - Only when the write's answer was lost or ambiguous (connection lost after sending, no answer within O(timeout), an empty
      body, or "already exists" on an add, which is how Mailcow answers two runs adding the same object at once) and
      re-reading the domain once decided it.
    - V(created_concurrently) the add was answered "exists" or with an empty body and the domain now exists as wanted;
      V(confirmed) the write turns out to have been carried out; V(retried) it differed and was written once more.
  returned: when re-reading decided a write
  type: str
  sample: created_concurrently
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.argspec import domain_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **domain_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
