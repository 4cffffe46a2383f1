#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_oauth2_client_info
short_description: List Mailcow OAuth2 clients
version_added: 0.1.0
description:
  - Returns every OAuth2 client of the server, or those of one redirect URI or client id, with the client id the app sends.
  - Client secrets are never returned, although Mailcow's API gives them in clear;
    M(glassdome.mailcow.mailcow_oauth2_client) returns a secret once, to the task that creates the client or renews it.
  - A read-only API key is enough. One request.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  redirect_uri:
    description:
      - Only the clients of this redirect URI (scheme and host in any case); checked as in
        M(glassdome.mailcow.mailcow_oauth2_client) before the request.
    type: str
  client_id:
    description: Only the client with this client id.
    type: str
seealso:
  - module: glassdome.mailcow.mailcow_oauth2_client
"""

EXAMPLES = r"""
- name: Which apps may log users in through Mailcow
  glassdome.mailcow.mailcow_oauth2_client_info:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
  register: result

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.client_id }}: {{ item.redirect_uri }}"
  loop: "{{ result.oauth2_clients }}"
"""

RETURN = r"""
oauth2_clients:
  description: The clients found, in Mailcow's id order; empty when nothing matches. Never their secrets.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailcow's numeric id of the client.
      type: int
      sample: 3
    client_id:
      description: The client id, which the app sends.
      type: str
      sample: e952dfd9654b
    redirect_uri:
      description: The redirect URI, as stored (empty for a client added without one outside this collection).
      type: str
      sample: https://wiki.example.org/oauth/callback
    scope:
      description: The scope (always V(profile)).
      type: str
      sample: profile
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.manager import info
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    spec = dict(api_argspec(), redirect_uri={"type": "str"}, client_id={"type": "str"})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_api_module(module, info)


if __name__ == "__main__":
    main()
