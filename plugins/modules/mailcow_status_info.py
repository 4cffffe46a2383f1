#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_status_info
short_description: Read a Mailcow server's health (version, containers, mail storage, full-text search)
version_added: 0.1.0
description:
  - Returns the Mailcow version, each container's state and start time, the use of the mail storage (C(vmail)) and the
    full-text-search (Solr) status, with a verdict RV(healthy) and the RV(reasons) when it is not.
  - Mailcow is healthy when every container runs (but those in O(ignore_containers)) and the mail storage is at most
    O(max_storage_percent) used. Storage figures Mailcow cannot measure, and a Mailcow without Solr, count as healthy.
  - For a scheduled AWX job that alerts, set O(fail_when_unhealthy=true) (the job fails, the whole status still in its
    result), or register the result and use C(failed_when) on RV(healthy).
  - Four requests, reads only; a read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  fail_when_unhealthy:
    description:
      - Fail the task when Mailcow is not healthy; the message lists the reasons, and the result holds everything the
        module returns on success.
    type: bool
    default: false
  max_storage_percent:
    description:
      - Mailcow is unhealthy when its mail storage is more than this share used, in percent (1 to 100).
    type: int
    default: 90
  ignore_containers:
    description:
      - Containers whose state does not count for the verdict, for example V(clamd) on a server that runs without ClamAV.
      - Names with or without Mailcow's C(-mailcow) suffix. They are still listed in RV(containers).
    type: list
    elements: str
    default: []
notes:
  - Container states and the storage figures come from Mailcow's C(dockerapi) container; when it is down Mailcow lists
    no containers, which counts as unhealthy.
  - Mailcow versions without Solr answer its status with an empty body; RV(full_text_search.available) is then false.
seealso:
  - module: glassdome.mailcow.mailcow_fail2ban_info
"""

EXAMPLES = r"""
- name: Check Mailcow's health every few minutes (AWX schedule); the job fails when it is unhealthy
  glassdome.mailcow.mailcow_status_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_api_key }}"
    fail_when_unhealthy: true
    max_storage_percent: 85
    ignore_containers: [clamd]

- name: Or decide in the playbook
  glassdome.mailcow.mailcow_status_info:
  register: mailcow
  failed_when: not mailcow.healthy

- name: Say what is wrong
  ansible.builtin.debug:
    msg: "Mailcow {{ mailcow.version }}: {{ mailcow.reasons | join('; ') if not mailcow.healthy else 'healthy' }}"
"""

RETURN = r"""
healthy:
  description: Whether every container runs (but the ignored ones) and the mail storage is within O(max_storage_percent).
  returned: success, and in the result of a failure by O(fail_when_unhealthy)
  type: bool
  sample: true
reasons:
  description: Why Mailcow is not healthy, one sentence each; empty when it is.
  returned: success, and in the result of a failure by O(fail_when_unhealthy)
  type: list
  elements: str
  sample: ["container clamd-mailcow is exited"]
version:
  description: Mailcow's version.
  returned: success
  type: str
  sample: 2026-07a
containers:
  description: Every container Mailcow reports, by name.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The container's name.
      type: str
      sample: postfix-mailcow
    state:
      description: Docker's state of the container, such as V(running), V(restarting), V(exited).
      type: str
      sample: running
    running:
      description: Whether the state is V(running).
      type: bool
    started_at:
      description: When the container last started, ISO 8601 in UTC; null when it never did.
      type: str
      sample: "2026-12-07T01:28:05Z"
    image:
      description: The container's image.
      type: str
      sample: ghcr.io/mailcow/postfix
containers_down:
  description: Names of the containers that are not running, ignored ones included.
  returned: success
  type: list
  elements: str
  sample: []
storage:
  description: The mail storage (C(vmail)) as Mailcow measures it; the figures are null when it cannot.
  returned: success
  type: dict
  contains:
    disk:
      description: The device holding the mail.
      type: str
      sample: /dev/sda1
    used:
      description: Space used, as Mailcow shows it (decimal units).
      type: str
      sample: 12G
    total:
      description: Size of the storage, as Mailcow shows it.
      type: str
      sample: 50G
    used_percent:
      description: Share used, in percent.
      type: float
      sample: 24.0
    used_bytes:
      description: RV(storage.used) in bytes (decimal units).
      type: int
      sample: 12000000000
    total_bytes:
      description: RV(storage.total) in bytes.
      type: int
      sample: 50000000000
full_text_search:
  description: The full-text-search (Solr) index.
  returned: success
  type: dict
  contains:
    available:
      description: Whether this Mailcow reports a Solr status at all.
      type: bool
      sample: false
    enabled:
      description: Whether Solr is enabled.
      type: bool
      sample: false
    size:
      description: Size of the index, as Mailcow shows it.
      type: str
    documents:
      description: Number of documents indexed.
      type: int
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._status.argspec import status_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._status.manager import status


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **status_argspec()), supports_check_mode=True)
    run_api_module(module, status)


if __name__ == "__main__":
    main()
