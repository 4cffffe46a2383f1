# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the arguments of the event sources, checked as a module's options are.

The sources take the options of the modules they share a connection with (mailcow_message_info's IMAP
options, every API module's connection options), with the same environment variables, plus their own;
docs/operate.md and each source's docstring document them. ansible-core's own validator checks them
(types, choices, defaults, environment fallbacks), before anything connects; its messages never show
the value of a password or key.
"""

from __future__ import annotations

import typing as t

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.argspec import imap_argspec

CHECKS = ("bans", "quarantine", "queue", "containers")


def _reconnect_argspec() -> dict[str, dict[str, t.Any]]:
    return {
        "reconnect_delay": {"type": "float", "default": 1.0},
        "max_reconnect_delay": {"type": "float", "default": 60.0},
        "state_file": {"type": "path"},
        "include_existing": {"type": "bool", "default": False},
    }


def mailbox_source_argspec() -> dict[str, dict[str, t.Any]]:
    """glassdome.mailcow.mailbox: where and whose mail to watch, and what an event carries."""
    spec = imap_argspec()
    spec.update(_reconnect_argspec())
    spec.update({
        "username": {"type": "str", "required": True},
        "folder": {"type": "str", "default": "INBOX"},
        "include_body": {"type": "bool", "default": False},
        "max_body_size": {"type": "int", "default": 8192},
        "wait_method": {"type": "str", "default": "auto", "choices": ["auto", "idle", "poll"]},
        "wait_interval": {"type": "float", "default": 10.0},
    })
    return spec


def events_source_argspec() -> dict[str, dict[str, t.Any]]:
    """glassdome.mailcow.events: the API connection, what to watch and how often."""
    spec = api_argspec()
    spec.update(_reconnect_argspec())
    spec.update({
        "interval": {"type": "float", "default": 60.0},
        "checks": {"type": "list", "elements": "str", "default": list(CHECKS), "choices": list(CHECKS)},
        "queue_threshold": {"type": "int", "default": 100},
        "allowlist": {"type": "list", "elements": "str", "default": []},
        "ignore_containers": {"type": "list", "elements": "str", "default": []},
    })
    return spec


# Lower bounds of the numbers (the smallest value that makes sense), checked after the types.
MINIMUM = {"timeout": 1, "max_body_size": 1, "wait_interval": 0.1, "reconnect_delay": 0.1, "max_reconnect_delay": 0.1,
           "interval": 0.1, "queue_threshold": 1, "retries": 0, "max_answer_mib": 1}


def source_params(source: str, spec: dict[str, dict[str, t.Any]], args: t.Any) -> dict[str, t.Any]:
    """The source's arguments, validated, with defaults and environment fallbacks; MailcowOptionError naming every problem."""
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise MailcowOptionError("%s: the source's arguments must be a mapping (name: value), got %s" % (source, type(args).__name__))
    result = ArgumentSpecValidator(spec).validate(dict(args))
    problems = []
    for error in result.errors:
        if isinstance(error, UnsupportedError):
            problems.append("unknown argument(s) %s; it takes %s" % (", ".join(sorted(result.unsupported_parameters)), ", ".join(sorted(spec))))
        else:
            problems.append(str(error))
    params = result.validated_parameters
    if not problems:
        for name, low in MINIMUM.items():
            value = params.get(name)
            if name in spec and value is not None and value < low:
                problems.append("%s must be at least %s, got %s" % (name, low, value))
    if problems:
        text = "; ".join(problems)
        for secret in result._no_log_values:  # pylint: disable=protected-access
            if str(secret):
                text = text.replace(str(secret), "********")
        raise MailcowOptionError("%s: %s" % (source, text))
    return params
