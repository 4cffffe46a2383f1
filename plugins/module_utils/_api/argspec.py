# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the connection options of every API module, and the client built from them."""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import env_fallback

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import whole

if t.TYPE_CHECKING:  # pragma: no cover
    from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient


# Bounds of the options that are not about Mailcow's objects: (minimum, maximum, unit).


TIMEOUT_RANGE = (1, 3600)


RETRIES_RANGE = (0, 10)
MAX_ANSWER_MIB_RANGE = (1, 4096)


def api_argspec() -> dict[str, dict[str, t.Any]]:
    """Connection options of every module that talks to Mailcow's REST API.

    api_url and api_key are not ``required`` here: api_client() refuses them missing with a message
    that names their environment variables, which ansible-core's own message would not.
    """
    return {
        "api_url": {"type": "str", "fallback": (env_fallback, ["MAILCOW_API_URL"])},
        "api_key": {"type": "str", "no_log": True, "fallback": (env_fallback, ["MAILCOW_API_KEY", "MAIL_API"])},
        "validate_certs": {"type": "bool", "fallback": (env_fallback, ["MAILCOW_VERIFY_SSL"])},
        "ca_path": {"type": "path", "fallback": (env_fallback, ["MAILCOW_CA_PATH"])},
        "timeout": {"type": "int", "default": 30},
        "retries": {"type": "int", "default": 3},
        "max_answer_mib": {"type": "int", "default": 64},
    }


def option_name(option: str) -> str:
    """``api_key (or MAILCOW_API_KEY, MAIL_API)``: an option with the environment variables it falls back to."""
    fallback = api_argspec().get(option, {}).get("fallback")
    return "%s (or %s)" % (option, ", ".join(fallback[1])) if fallback else option


def api_client(params: dict[str, t.Any], **kwargs: t.Any) -> MailcowClient:
    """A client from the module's connection options (validate_certs defaults to true), each checked first."""
    # Imported here, not at the top: the role's checks read this file's entry specs on the controller,
    # in every task that uses them, and importing the client (requests) there costs ~0.05 s a task.
    from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient

    missing = [option_name(option) for option in ("api_url", "api_key") if not params.get(option)]
    if missing:
        raise MailcowOptionError("%s %s required: set the option%s or its environment variable%s" % (
            " and ".join(missing), "is" if len(missing) == 1 else "are", "s" * (len(missing) > 1), "s" * (len(missing) > 1)))
    timeout = whole(params["timeout"], "timeout", TIMEOUT_RANGE[0], TIMEOUT_RANGE[1], "a whole number of seconds")
    retries = whole(params.get("retries", 3), "retries", RETRIES_RANGE[0], RETRIES_RANGE[1], "a whole number of retries")
    max_answer_mib = whole(params.get("max_answer_mib", 64), "max_answer_mib", MAX_ANSWER_MIB_RANGE[0], MAX_ANSWER_MIB_RANGE[1], "a whole number of MiB")
    validate = params.get("validate_certs")
    return MailcowClient(
        params["api_url"],
        params["api_key"],
        validate_certs=True if validate is None else validate,
        ca_path=params.get("ca_path"),
        timeout=timeout,
        retries=retries,
        max_answer_mib=max_answer_mib,
        **kwargs,
    )
