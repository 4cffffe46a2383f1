#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_log_info
short_description: Read one of Mailcow's logs (API, Postfix, Dovecot, SOGo, netfilter, rate limits, ACME, watchdog ...)
version_added: 0.1.0
description:
  - Returns the newest entries of one log Mailcow's API offers, newest first, each normalised, with RV(entries[].time) in
    ISO 8601 and the log's fields under readable names (for example C(rcpt) as C(recipient), C(lvl) as C(level)).
  - O(since) and O(contains) filter the O(count) newest entries; they do not read further back.
  - One request; a read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  log:
    description:
      - Which log. V(api) the requests to Mailcow's API; V(ui) the changes made through the UI and the API, with Mailcow's
        answer; V(postfix), V(dovecot), V(sogo), V(cron) the containers' logs; V(netfilter) fail2ban's bans; V(ratelimited)
        mail held back by rate limits; V(acme) certificate renewals; V(watchdog) the containers' health checks;
        V(autodiscover) mail clients' autodiscover requests; V(sasl) successful mail logins; V(rspamd-history) Rspamd's
        scanned messages.
    type: str
    required: true
    choices: [acme, api, autodiscover, cron, dovecot, netfilter, postfix, ratelimited, rspamd-history, sasl, sogo, ui, watchdog]
  count:
    description:
      - How many of the newest entries to read, 1 to 10000.
    type: int
    default: 100
  since:
    description:
      - Only entries from this time on. An ISO 8601 time (UTC when it has no offset), such as V(2026-12-07T08:00:00Z), or an
        age, a whole number with V(s), V(m), V(h), V(d) or V(w), such as V(30m) for the last half hour.
      - Entries without a time are left out. The V(sasl) log's times are the server's local time, compared as UTC.
    type: str
  contains:
    description:
      - Only entries with this text in any field (not the time), case-insensitive.
    type: str
notes:
  - An empty log is an empty list. Most logs are written by Mailcow's containers and are empty on a fresh install.
  - The V(api) log holds the data of each write as Mailcow logged it; Mailcow masks members named like a password.
seealso:
  - module: glassdome.mailcow.mailcow_status_info
  - module: glassdome.mailcow.mailcow_fail2ban_info
"""

EXAMPLES = r"""
- name: Postfix rejections of the last hour
  glassdome.mailcow.mailcow_log_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_api_key }}"
    log: postfix
    count: 1000
    since: 1h
    contains: reject
  register: rejects

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.time }} {{ item.message }}"
  loop: "{{ rejects.entries }}"

- name: Who changed what through the API today
  glassdome.mailcow.mailcow_log_info:
    log: api
    since: "{{ now(utc=true).strftime('%Y-%m-%dT00:00:00Z') }}"
    contains: POST
"""

RETURN = r"""
log:
  description: The log read.
  returned: success
  type: str
  sample: postfix
read:
  description: How many entries Mailcow answered, before O(since) and O(contains).
  returned: success
  type: int
  sample: 100
entries:
  description:
    - The entries, newest first. Besides RV(entries[].time) and RV(entries[].timestamp), each has its log's fields; a field
      not listed here keeps Mailcow's name.
  returned: success
  type: list
  elements: dict
  contains:
    time:
      description: When, ISO 8601; in UTC with C(Z), except for the V(sasl) log (the server's local time, no offset). Null when Mailcow gave none.
      type: str
      sample: "2026-12-07T01:49:09Z"
    timestamp:
      description: The Unix time; null for the V(sasl) log.
      type: int
      sample: 1796608149
    message:
      description: The log line (V(postfix), V(dovecot), V(sogo), V(cron), V(netfilter), V(acme)), or Mailcow's answer (V(ui), decoded).
      type: raw
      sample: "NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 554 5.7.1 Relay access denied"
    program:
      description: The program that wrote the line (syslog logs).
      type: str
      sample: postfix/smtpd
    priority:
      description: The syslog priority (syslog logs).
      type: str
      sample: info
    method:
      description: The HTTP method (V(api)).
      type: str
      sample: POST
    uri:
      description: The request's path (V(api)).
      type: str
      sample: /api/v1/add/mailbox
    remote:
      description: The client's address (V(api), V(ui), V(sasl), V(ratelimited), V(autodiscover), V(rspamd-history)).
      type: str
      sample: 192.0.2.10
    data:
      description: The request's fields as Mailcow logged them (V(api)).
      type: str
    call:
      description: The call that was made, decoded (V(ui)).
      type: raw
    type:
      description: The outcome, V(success), V(danger), V(warning) (V(ui)).
      type: str
    user:
      description: Who made the change (V(ui)), or the mailbox (V(ratelimited), V(autodiscover), V(rspamd-history)).
      type: str
    username:
      description: The mailbox that logged in (V(sasl)).
      type: str
    service:
      description: The service (V(sasl), V(autodiscover), V(watchdog)).
      type: str
    recipient:
      description: The recipient (V(ratelimited)).
      type: str
    sender:
      description: The envelope sender (V(ratelimited), V(rspamd-history)).
      type: str
    level:
      description: The health check's level (V(watchdog)).
      type: raw
    user_agent:
      description: The client's user agent (V(autodiscover)).
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._log.argspec import log_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._log.manager import log_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **log_argspec()), supports_check_mode=True)
    run_api_module(module, log_entries)


if __name__ == "__main__":
    main()
