# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_status_info does, as a function of its options.

options checked -> four reads -> normalised -> verdict. With ``fail_when_unhealthy`` an unhealthy
Mailcow fails the task, the whole status still in the result.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._status.api import read_status
from ansible_collections.glassdome.mailcow.plugins.module_utils._status.model import containers, desired_from_params, full_text_search, storage, verdict


class MailcowUnhealthyError(MailcowError):
    """Mailcow answered, and is not healthy (fail_when_unhealthy)."""


def status(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    raw = read_status(client)
    version = raw["version"].get("version") if isinstance(raw["version"], dict) else None
    found = containers(raw["containers"])
    store = storage(raw["vmail"])
    reasons = verdict(desired, found, store)
    result = {"changed": False, "healthy": not reasons, "reasons": reasons, "version": version, "containers": found,
              "containers_down": [c["name"] for c in found if not c["running"]], "storage": store,
              "full_text_search": full_text_search(raw["solr"])}
    if reasons and desired.fail_when_unhealthy:
        error = MailcowUnhealthyError("Mailcow is not healthy: %s" % "; ".join(reasons))
        error.details.update(result)
        raise error
    return result
