#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_syncjob_info
short_description: List Mailcow sync jobs with their last run, status and the end of their log
version_added: 0.1.0
description:
  - Returns the sync jobs (imapsync migrations) of one mailbox, of one domain's mailboxes, or all, normalised
    (flags as booleans, numbers as numbers), each with its last run, its status and the last lines of its log.
  - The remote password is never returned; Mailcow does not show it.
  - A read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  mailbox:
    description:
      - Only the jobs of this mailbox. A mailbox without jobs, or that does not exist, gives an empty list.
    type: str
  domain:
    description:
      - Only the jobs of this domain's mailboxes. An internationalised name is converted to its ASCII form.
      - Mailcow builds this list by walking every mailbox of the server.
    type: str
  log_lines:
    description:
      - How many of the last lines of each job's log to return as RV(syncjobs[].log_tail), from V(0) to V(10000).
      - V(0) reads the jobs without their logs (cheaper, since a log holds the whole output of imapsync's last run) and
        returns no C(log_tail).
    type: int
    default: 20
  include_raw:
    description:
      - Add Mailcow's unmodified object (without its log) to each job as RV(syncjobs[].raw).
    type: bool
    default: false
seealso:
  - module: glassdome.mailcow.mailcow_syncjob
"""

EXAMPLES = r"""
- name: Check how the migration of a domain goes, with a read-only key
  glassdome.mailcow.mailcow_syncjob_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    domain: example.org
    log_lines: 5
  register: jobs

- name: Show the jobs whose last run failed, with the end of their log
  ansible.builtin.debug:
    msg: "{{ item.mailbox }} <- {{ item.remote_host }}: {{ item.exit_status }} {{ item.log_tail | join(' / ') }}"
  loop: "{{ jobs.syncjobs | selectattr('status', 'equalto', 'failed') }}"
"""

RETURN = r"""
syncjobs:
  description: The jobs found, sorted by mailbox, remote host and remote user; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id.
      type: int
      sample: 23
    mailbox:
      description: The mailbox the job copies into.
      type: str
      sample: alice@example.org
    remote_host:
      description: Remote IMAP server.
      type: str
      sample: imap.old-provider.example
    remote_user:
      description: Remote login name.
      type: str
      sample: alice@old-provider.example
    remote_port:
      description: Remote port.
      type: int
      sample: 993
    encryption:
      description: V(SSL), V(TLS) (STARTTLS) or V(PLAIN).
      type: str
      sample: SSL
    interval:
      description: Minutes between runs.
      type: int
      sample: 20
    subfolder:
      description: Folder of the mailbox the remote folders are copied under; empty for the top.
      type: str
      sample: External
    exclude:
      description: Regular expression of the remote folders not copied.
      type: str
      sample: (?i)spam|(?i)junk
    max_age:
      description: Only messages younger than this many days are copied; 0 for all.
      type: int
      sample: 0
    max_bytes_per_second:
      description: Bandwidth limit; 0 for none.
      type: int
      sample: 0
    timeout_remote:
      description: Timeout on the remote server, in seconds.
      type: int
      sample: 600
    timeout_local:
      description: Timeout on Mailcow's server, in seconds.
      type: int
      sample: 600
    custom_params:
      description: More imapsync options.
      type: str
      sample: --nofoldersizesatend --useuid
    delete_duplicates:
      description: >-
        Whether duplicates are deleted in the mailbox. C(delete_from_source), C(delete_from_destination), C(automap),
        C(skip_cross_duplicates), C(subscribe_all) and C(dry_run) are returned likewise (see M(glassdome.mailcow.mailcow_syncjob)).
      type: bool
      sample: true
    active:
      description: Whether the job runs.
      type: bool
      sample: true
    is_running:
      description: Whether imapsync is running the job now.
      type: bool
      sample: false
    last_run:
      description: When the job last ran (server time), or null if it never ran.
      type: str
      sample: "2026-11-25 21:00:02"
    success:
      description: Whether the last run succeeded; null if it never ran.
      type: bool
      sample: true
    exit_status:
      description: imapsync's exit status of the last run, such as C(EX_OK) or C(EXIT_AUTHENTICATION_FAILURE_USER1); null if it never ran.
      type: str
      sample: EX_OK
    status:
      description:
        - V(never_run), V(running), V(succeeded), V(failed), or V(unknown) when a run is recorded without its outcome.
      type: str
      sample: succeeded
    log_tail:
      description: The last O(log_lines) lines of the last run's log; empty if it never ran.
      type: list
      elements: str
      returned: when O(log_lines) is not V(0)
      sample:
        - "Transfer ended on Wednesday 25 November 2026-11-25 21:00:02"
        - "Exiting with return value 0 (EX_OK: successful termination) 0/50 nb_errors/max_errors"
    created:
      description: When the job was created (server time).
      type: str
      sample: "2026-11-25 20:41:15"
    modified:
      description: When the job was last changed (server time), or null.
      type: str
      sample: null
    raw:
      description: Mailcow's object as the API returned it, without its log.
      type: dict
      returned: when O(include_raw=true)
      sample: {id: 23, user2: alice@example.org, host1: imap.old-provider.example, port1: 993, enc1: SSL}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.manager import info


def main() -> None:
    spec = dict(api_argspec(), mailbox={"type": "str"}, domain={"type": "str"}, log_lines={"type": "int", "default": 20},
                include_raw={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, mutually_exclusive=[("mailbox", "domain")], supports_check_mode=True)
    run_api_module(module, info)


if __name__ == "__main__":
    main()
