#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_sieve_filter_info
short_description: List the Sieve filters of Mailcow mailboxes
version_added: 0.1.0
description:
  - Returns the filters of one mailbox, of one domain's mailboxes, or of every mailbox, normalised (C(active) a
    boolean, the mailbox lower-case, the script as stored), optionally of one type.
  - With O(include_user_script), also the Sieve script the mailbox user keeps active through SOGo or ManageSieve.
  - A read-only API key is enough. One request (two with O(include_user_script)).
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  mailbox:
    description:
      - Only the filters of this mailbox, V(local_part@domain). An unknown mailbox gives an empty list.
      - Takes precedence over O(domain).
    type: str
  domain:
    description:
      - Only the filters of this domain's mailboxes (read from Mailcow's list of all filters, which it builds by walking
        every mailbox).
    type: str
  filter_type:
    description: Only filters of this type.
    type: str
    choices: [prefilter, postfilter]
  include_user_script:
    description:
      - Also return RV(user_script), the Sieve script the user of O(mailbox) keeps active in SOGo or over ManageSieve
        (not one of the filters managed by M(glassdome.mailcow.mailcow_sieve_filter)). Needs O(mailbox).
    type: bool
    default: false
seealso:
  - module: glassdome.mailcow.mailcow_sieve_filter
"""

EXAMPLES = r"""
- name: The filters of alice's mailbox
  glassdome.mailcow.mailcow_sieve_filter_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    mailbox: alice@example.org
    include_user_script: true
  register: result

- name: Show which run
  ansible.builtin.debug:
    msg: "{{ result.filters | selectattr('active') | map(attribute='name') | list }}"
"""

RETURN = r"""
filters:
  description: The filters found, sorted by mailbox, type, description and id; empty when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the filter.
      type: int
      sample: 4
    name:
      description: How M(glassdome.mailcow.mailcow_sieve_filter) names the filter.
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
      description: Whether it runs (one per mailbox and type at most).
      type: bool
      sample: true
user_script:
  description: The Sieve script the user keeps active through SOGo or ManageSieve; null when there is none.
  returned: with O(include_user_script)
  type: str
  sample: "require \"fileinto\";\nif address :is \"from\" \"boss@example.org\" { fileinto \"Boss\"; }\n"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.manager import info


def main() -> None:
    spec = dict(api_argspec(), mailbox={"type": "str"}, domain={"type": "str"},
                filter_type={"type": "str", "choices": ["prefilter", "postfilter"]}, include_user_script={"type": "bool", "default": False})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, info)


if __name__ == "__main__":
    main()
