#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_export_info
short_description: Export Mailcow domains and server-wide objects as the variables of the mailboxes and server roles
version_added: 0.1.0
description:
  - Reads one domain, a list of domains, or every domain of a live Mailcow and returns, per domain, an inventory
    variables file (host_vars) for the role P(glassdome.mailcow.mailboxes#role), ready to write as it is
    (the playbook C(glassdome.mailcow.export) writes them).
  - Each file holds the domain's settings, DKIM selector and key size, mailboxes (name, quota, active, access flags,
    tags, rate limit, sender ACL, relayhost by host name, and with O(spam_scores=true) the spam score), aliases, app
    passwords (name, protocols, active), alias domains, domain administrators (domains, active), sync jobs, the Sieve
    filters of its mailboxes (script, active), the domain's allow and deny lists of senders (C(mailcow_spam_policy)) and
    its resources (C(mailcow_resources) - address, description, kind, multiple bookings, active). Values equal to what the
    modules give a new object are left out.
  - The text depends only on the server's state (fixed key order, entries sorted, one per line), so two exports of an
    unchanged server are byte-identical and a diff of two exports reads as a change log.
  - No secret is read or returned. Passwords cannot be read from Mailcow (the modules need one only to create an
    object), sync jobs are read without their remote password, and the ACL of a domain administrator cannot be read;
    each file says so.
  - Every object is first checked as the role's modules would check it. One they would refuse (for example a local
    part with a C(/), which no API path can carry) is written as a comment giving the reason, never as an entry, and
    listed in RV(refused); purge is then left off for its list, since a purge would delete it.
  - With O(server_wide=true) (the default) it also returns RV(server), one more file, for the role P(glassdome.mailcow.server#role),
    with the server's relayhosts, transport maps, forwarding hosts, TLS policy maps, domain and mailbox templates (Mailcow's
    C(Default) ones included) and OAuth2 clients (by redirect URI), checked and written the same way. Mailcow returns relayhost
    and transport map passwords and OAuth2 client secrets, but they are never read into the file or the result; a client
    recreated from the file gets a new client id and secret.
  - A read-only API key is enough. It reads the domain, alias domain, administrator, sync job, BCC map, recipient map,
    Sieve filter and resource listings once (and the relayhosts once, when a domain or a mailbox has one), then per domain
    its full mailbox listing, its aliases, its DKIM key and its allow and deny lists (two requests), and one app password
    listing per mailbox (and one spam score per mailbox with O(spam_scores=true)); with O(server_wide=true), one listing per
    server-wide type.
  - A relayhost that no longer exists, or whose host name another relayhost has too, cannot be named by host name; the
    domain's or the mailbox's is then left out, with a note in the file.
  - A resource whose description no longer gives its address (Mailcow makes a new resource's address from its
    description and keeps it when the description changes) is exported by its address, with a note that the role cannot
    create it on a server that does not have it.
  - A domain's BCC maps and recipient maps are those of the domain itself and of its addresses (their local destination,
    their old recipient); its relayhost is written by host name in C(mailcow_domain_settings).
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  domains:
    description:
      - The domains to export (internationalised names are converted to their ASCII form). Empty (the default) for every
        domain of the server. A domain the server does not have gives a warning.
    type: list
    elements: str
    default: []
  purge:
    description:
      - The value written for C(mailcow_mailboxes_purge), C(mailcow_app_passwords_purge), C(mailcow_syncjobs_purge),
        C(mailcow_bcc_maps_purge), C(mailcow_recipient_maps_purge), C(mailcow_sieve_filters_purge), C(mailcow_spam_policy_purge)
        and C(mailcow_resources_purge)
        (a list with a refused entry always gets V(false)). With V(true) the files put the whole domain under code, and a
        later run deletes what they do not name, so run the role with C(--check --diff) first (see docs/adopt.md).
    type: bool
    default: true
  spam_scores:
    description:
      - Also read each mailbox's spam score and write it as C(spam_score) in its entry when it is not Mailcow's default
        (V(5,15)).
      - Mailcow gives a mailbox's score only one mailbox per request, so this costs one request per mailbox (a few at a
        time); off by default. Without it the files leave every mailbox's score as it is (the role does not compare it).
    type: bool
    default: false
  server_wide:
    description:
      - Also export the server-wide objects as the server role's variables (RV(server)), and name their host in RV(inventory).
      - Their purge switches (C(mailcow_relayhosts_purge)...) are written as O(purge).
    type: bool
    default: true
seealso:
  - module: glassdome.mailcow.mailcow_mailbox_info
  - module: glassdome.mailcow.mailcow_mailbox
  - module: glassdome.mailcow.mailcow_relayhost_info
"""

EXAMPLES = r"""
- name: Export every domain
  glassdome.mailcow.mailcow_export_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: export

- name: Write one host_vars file per domain
  ansible.builtin.copy:
    content: "{{ item.content }}"
    dest: "inventory/host_vars/{{ item.file }}"
    mode: "0644"
  loop: "{{ export.domains }}"
  loop_control:
    label: "{{ item.domain }}"
"""

RETURN = r"""
domains:
  description: One item per exported domain, sorted by name.
  returned: success
  type: list
  elements: dict
  contains:
    domain:
      description: The domain (ASCII form), also the inventory host name the file is meant for.
      type: str
      sample: example.org
    file:
      description: The file name to write it to, in a C(host_vars) directory.
      type: str
      sample: example.org.yml
    content:
      description: The YAML text of the file.
      type: str
      sample: "---\nmailcow_domain: example.org\n..."
    variables:
      description: The role variables the file holds, as data.
      type: dict
      sample: {mailcow_domain: example.org, mailcow_mailboxes: [{local_part: alice}]}
    counts:
      description: How many objects of each kind the file names.
      type: dict
      sample: {mailboxes: 2, aliases: 1, app_passwords: 0, alias_domains: 0, domain_admins: 1, syncjobs: 0, sieve_filters: 1, spam_policy: 2,
               resources: 1}
    summary:
      description: One line saying what the file holds.
      type: str
      sample: "example.org: 2 mailboxes, 1 alias, 1 domain administrator"
server:
  description:
    - The server-wide objects as the variables of the role P(glassdome.mailcow.server#role), for the host C(server) of the
      group C(mailcow_server_wide); null with O(server_wide=false).
    - A relayhost or transport map password is never in it.
  returned: success
  type: dict
  contains:
    host:
      description: The inventory host name the file is meant for.
      type: str
      sample: server
    file:
      description: The file name to write it to, in a C(host_vars) directory.
      type: str
      sample: server.yml
    content:
      description:
        - The YAML text of the file, objects of each type sorted by name.
        - An object the server role's modules would refuse (a host name Mailcow holds twice) is a comment giving the reason.
      type: str
      sample: "---\nmailcow_relayhosts:\n  - {hostname: \"[smtp.example.net]:587\", username: mailcow}\n..."
    variables:
      description: The role variables the file holds, as data.
      type: dict
      sample: {mailcow_relayhosts: [{hostname: "[smtp.example.net]:587", username: mailcow}], mailcow_relayhosts_purge: true}
    counts:
      description: How many objects of each type the file names.
      type: dict
      sample: {relayhosts: 1, transport_maps: 0, forwarding_hosts: 0, tls_policy_maps: 2, domain_templates: 1, mailbox_templates: 1,
               oauth2_clients: 0}
inventory:
  description:
    - An inventory (YAML) putting every exported domain as a host of group C(mailcow_servers), for the files above.
    - With O(server_wide=true), also the host C(server) in the group C(mailcow_server_wide).
  returned: success
  type: str
  sample: "all:\n  children:\n    mailcow_servers:\n      hosts:\n        example.org: {}\n"
refused:
  description: The objects written as comments because the role's modules would refuse them, with the reason.
  returned: success
  type: list
  elements: dict
  sample: [{"domain": "example.org", "kind": "mailbox", "name": "a/b@example.org", "reason": "... it contains '/' ..."}]
summary:
  description: One line per domain, one for the server-wide objects, then one per refused object.
  returned: success
  type: list
  elements: str
  sample: ["example.org: 2 mailboxes, 1 alias"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._export import export_server
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def task(client: MailcowClient, params: dict) -> dict:
    return dict(export_server(client, params["domains"], purge=params["purge"], server_wide=params["server_wide"], spam_scores=params["spam_scores"]),
                changed=False)


def main() -> None:
    spec = dict(api_argspec(), domains={"type": "list", "elements": "str", "default": []}, purge={"type": "bool", "default": True},
                server_wide={"type": "bool", "default": True}, spam_scores={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, task)


if __name__ == "__main__":
    main()
