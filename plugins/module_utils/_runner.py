# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the one main() step every API module shares.

Report a missing requests library, build the client from the connection options, run the module's
task, and map a MailcowError to fail_json once (the client itself never calls fail_json).
"""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.glassdome.mailcow.plugins.module_utils._api import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import api_client
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError

Task = t.Callable[[MailcowClient, t.Dict[str, t.Any]], t.Dict[str, t.Any]]


def run_api_module(module: AnsibleModule, task: Task, *, params: dict[str, t.Any] | None = None) -> None:
    """exit_json with ``task(client, params)``'s result, or fail_json with the error's message and facts."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params if params is None else params
    try:
        result = task(api_client(params), params)
    except MailcowError as exc:
        module.fail_json(msg=str(exc), **exc.to_result())
    module.exit_json(**result)
