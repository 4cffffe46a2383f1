# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the one main() step every API module shares.

Report a missing requests library, build the client from the connection options, run the module's
task, and map a MailcowError to fail_json once (the client itself never calls fail_json). A task's
``warnings`` become module warnings. Secrets are masked in every form a message could carry them.
"""

from __future__ import annotations

import json
import traceback
import typing as t
from urllib.parse import quote, quote_plus

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    MailcowClient,
    cleartext_warning,
    url_userinfo,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_client
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowTLSError, MailcowTransportError

Task = t.Callable[[MailcowClient, t.Dict[str, t.Any]], t.Dict[str, t.Any]]


def secret_forms(secret: str) -> set[str]:
    """A secret as it may appear in text: raw, repr-escaped (``\\n``), JSON-escaped, URL-encoded."""
    forms = {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret, safe="")}
    forms.update(form.strip() for form in list(forms))
    return {form for form in forms if form}


def userinfo_parts(url: t.Any) -> list[str]:
    """The ``user:password`` of a URL and each part, for masking; empty when there is none."""
    userinfo = url_userinfo(url)
    return [value for value in [userinfo] + userinfo.split(":", 1) if value] if userinfo else []


def mask_secrets(module: AnsibleModule, params: dict[str, t.Any]) -> None:
    """Let Ansible mask the API key and api_url's userinfo in every escaped form, and other no_log values escaped."""
    secrets = [params.get("api_key") or ""] + userinfo_parts(params.get("api_url"))
    for secret in secrets:
        if secret:
            module.no_log_values.update(secret_forms(secret))
    for value in list(module.no_log_values):
        module.no_log_values.update(form for form in (repr(value)[1:-1], json.dumps(value)[1:-1]) if form)


def message(exc: MailcowError) -> str:
    """The error's text; a failure without any HTTP answer also names the option that decides where (and how long, after a timeout)."""
    text = str(exc)
    if isinstance(exc, MailcowTransportError) and not isinstance(exc, MailcowTLSError) and exc.status is None and "api_url" not in text:
        text += ". Check api_url (MAILCOW_API_URL)" + (", or raise timeout for a slow server" if exc.timed_out else "")
    return text


def run_api_module(module: AnsibleModule, task: Task, *, params: dict[str, t.Any] | None = None) -> None:
    """exit_json with ``task(client, params)``'s result, or fail_json with the error's message and facts."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params if params is None else params
    mask_secrets(module, params)
    client = None
    try:
        client = api_client(params)
        warning = cleartext_warning(params["api_url"])
        if warning:
            module.warn(warning)
        result = task(client, params)
    except MailcowError as exc:
        _warn_all(module, client.warnings if client is not None else [])
        module.fail_json(msg=message(exc), **exc.to_result())
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # A bug, not a Mailcow answer: fail_json masks the secrets its text might carry (a traceback would not be).
        module.fail_json(msg="unexpected error: %s: %s" % (type(exc).__name__, exc), exception=traceback.format_exc())
    _warn_all(module, list(client.warnings if client is not None else []) + list(result.pop("warnings", None) or []))
    module.exit_json(**result)


def _warn_all(module: AnsibleModule, warnings: t.Iterable[str]) -> None:
    for warning in warnings:
        module.warn(warning)
