# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: bulk_entry_errors
short_description: What is wrong with the entries of a list of one of the roles' variables, one line per problem
version_added: 0.1.0
author:
  - glassdome.mailcow contributors (@glassdome)
description:
  - Internal to the roles C(glassdome.mailcow.mailboxes) and C(glassdome.mailcow.server), whose checks of their variables
    (the action C(glassdome.mailcow.mailboxes_role_check), before any request) are the same; not a stable interface for
    playbooks, and left out of the collection's documentation site.
  - Checks each entry of a list meant for the bulk form of M(glassdome.mailcow.mailcow_mailbox) (O(kind=mailboxes)),
    M(glassdome.mailcow.mailcow_alias) (O(kind=aliases)), M(glassdome.mailcow.mailcow_app_password) (O(kind=app_passwords)),
    M(glassdome.mailcow.mailcow_syncjob) (O(kind=syncjobs)) or M(glassdome.mailcow.mailcow_sieve_filter) (O(kind=sieve_filters),
    each entry needing C(mailbox), C(filter_type) and C(description)) against that module's entry options - unknown fields (with
    the closest known name), types and choices.
  - With O(kind=app_passwords) the input may also be a mapping of mailbox (local part or address) to its list,
    as the role's C(mailcow_app_passwords); each entry then needs a C(name).
  - With O(kind=alias_domains) or O(kind=domain_admins) each entry is one call of M(glassdome.mailcow.mailcow_alias_domain)
    or M(glassdome.mailcow.mailcow_domain_admin); besides the fields, the module's own checks run (required name, domain
    names, user name rule, ACL names, password not empty), so a bad entry fails before any entry is written.
  - With O(kind=bcc_maps) or O(kind=recipient_maps) (entries of M(glassdome.mailcow.mailcow_bcc_map) or
    M(glassdome.mailcow.mailcow_recipient_map)) the module's own checks of an entry run too (the local destination or old
    recipient, the addresses, the kind).
  - With O(kind=resources) (entries of M(glassdome.mailcow.mailcow_resource)'s C(resources) list) the module's own checks of
    an entry run too (the address or local part, or the description a new resource's address is made of; the kind).
  - With O(kind=relayhosts), O(kind=transport_maps), O(kind=forwarding_hosts) or O(kind=tls_policy_maps) each entry is one of
    the bulk list of M(glassdome.mailcow.mailcow_relayhost), M(glassdome.mailcow.mailcow_transport_map),
    M(glassdome.mailcow.mailcow_forwarding_host) or M(glassdome.mailcow.mailcow_tls_policy_map); the module's own checks of
    the entry run too (host names, destinations, policies), so a bad entry of any type fails before any type is written.
  - "Each problem names the entry by index and address and the field, for example
    C(mailcow_mailboxes[2] (carol): quota must be a whole number of MiB (e.g. 1024 for 1 GiB), got '1G')."
  - Values of secret fields (passwords) are never shown.
positional: kind, variable
options:
  _input:
    description: The entries (for O(kind=app_passwords) also a mapping of mailbox to entries).
    type: raw
    required: true
  kind:
    description: Which module's entries.
    type: str
    choices: [mailboxes, aliases, app_passwords, syncjobs, alias_domains, domain_admins, bcc_maps, recipient_maps, spam_policy, sieve_filters,
              resources, relayhosts, transport_maps, forwarding_hosts, tls_policy_maps, domain_templates, mailbox_templates,
              oauth2_clients]
    required: true
  variable:
    description: The name used for the list in the messages; default C(mailcow_<kind>).
    type: str
  domain:
    description:
      - The domain the entries belong to. With O(kind=resources), each entry must be in it, and a resource given by its
        description alone gets its address in it.
    type: str
"""

EXAMPLES = r"""
- name: Check the entries before any write
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  vars:
    problems: "{{ mailcow_mailboxes | glassdome.mailcow.bulk_entry_errors('mailboxes') }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: One string per problem; empty when every entry is well formed.
  type: list
  elements: str
"""

import typing as t

from ansible_collections.glassdome.mailcow.plugins.plugin_utils._role_checks import entry_errors


class FilterModule:
    """The bulk_entry_errors filter."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"bulk_entry_errors": entry_errors}
