# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: shared argument specs. plugins/doc_fragments documents exactly these."""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import env_fallback

from ansible_collections.glassdome.mailcow.plugins.module_utils._api import MailcowClient


def api_argspec() -> dict[str, dict[str, t.Any]]:
    """Connection options of every module that talks to Mailcow's REST API."""
    return {
        "api_url": {"type": "str", "required": True, "fallback": (env_fallback, ["MAILCOW_API_URL"])},
        "api_key": {"type": "str", "required": True, "no_log": True, "fallback": (env_fallback, ["MAILCOW_API_KEY", "MAIL_API"])},
        "validate_certs": {"type": "bool", "fallback": (env_fallback, ["MAILCOW_VERIFY_SSL"])},
        "ca_path": {"type": "path", "fallback": (env_fallback, ["MAILCOW_CA_PATH"])},
        "timeout": {"type": "int", "default": 30},
        "retries": {"type": "int", "default": 3},
    }


def api_client(params: dict[str, t.Any], **kwargs: t.Any) -> MailcowClient:
    """A client from the module's connection options (validate_certs defaults to true)."""
    validate = params.get("validate_certs")
    return MailcowClient(
        params["api_url"],
        params["api_key"],
        validate_certs=True if validate is None else validate,
        ca_path=params.get("ca_path"),
        timeout=params["timeout"],
        retries=max(0, params.get("retries", 3)),
        **kwargs,
    )


def single_or_bulk_argspec(entry: dict[str, dict[str, t.Any]], kind: str) -> dict[str, dict[str, t.Any]]:
    """A module that manages one object (``entry`` options at top level) or a domain's list of them (``kind``)."""
    state = {"type": "str", "choices": ["present", "absent"], "default": "present"}
    spec = dict(api_argspec(), **entry)
    spec.update({
        "state": state,
        "domain": {"type": "str"},
        kind: {"type": "list", "elements": "dict", "options": dict(entry, state=state)},
        "purge": {"type": "bool", "default": False},
        "concurrency": {"type": "int", "default": 4},
    })
    return spec


def mailbox_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one mailbox; used at top level and in each entry of the bulk form."""
    spec: dict[str, dict[str, t.Any]] = {
        "address": {"type": "str"},
        "local_part": {"type": "str"},
        "name": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "quota": {"type": "int"},
        "active": {"type": "raw"},
        "tags": {"type": "list", "elements": "str"},
    }
    for flag in ("force_pw_update", "tls_enforce_in", "tls_enforce_out", "imap_access", "pop3_access",
                 "smtp_access", "sieve_access", "sogo_access", "eas_access", "dav_access"):
        spec[flag] = {"type": "bool"}
    return spec


def domain_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_domain besides the connection; documented in its DOCUMENTATION."""
    spec: dict[str, dict[str, t.Any]] = {
        "domain": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "description": {"type": "str"},
        "max_mailboxes": {"type": "int"},
        "max_aliases": {"type": "int"},
        "default_quota": {"type": "int"},
        "max_quota": {"type": "int"},
        "total_quota": {"type": "int"},
        "rate_limit": {
            "type": "dict",
            "options": {"value": {"type": "int", "required": True}, "frame": {"type": "str", "choices": ["s", "m", "h", "d"], "default": "s"}},
        },
        "tags": {"type": "list", "elements": "str"},
        "purge_tags": {"type": "bool", "default": True},
        "force": {"type": "bool", "default": False},
    }
    for flag in ("active", "gal", "backupmx", "relay_all_recipients", "relay_unknown_only"):
        spec[flag] = {"type": "bool"}
    return spec


def alias_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one alias; used at top level and in each entry of the bulk form."""
    spec: dict[str, dict[str, t.Any]] = {
        "address": {"type": "str"},
        "local_part": {"type": "str"},
        "goto": {"type": "list", "elements": "str"},
        "public_comment": {"type": "str"},
        "private_comment": {"type": "str"},
    }
    for flag in ("goto_null", "goto_spam", "goto_ham", "active", "sogo_visible", "sender_allowed"):
        spec[flag] = {"type": "bool"}
    return spec


# -- mail modules (mailcow_send_mail, mailcow_message_info) ----------------------------------------
# plugins/doc_fragments/smtp.py documents smtp_argspec(); plugins/doc_fragments/imap.py documents
# imap_argspec(), which includes the login and TLS options both mail modules share.


def mail_login_argspec() -> dict[str, dict[str, t.Any]]:
    """Password and TLS options of a mailbox login; one set serves SMTP and IMAP."""
    return {
        "password": {"type": "str", "required": True, "no_log": True},
        "validate_certs": {"type": "bool", "fallback": (env_fallback, ["MAILCOW_VERIFY_SSL"])},
        "ca_path": {"type": "path", "fallback": (env_fallback, ["MAILCOW_CA_PATH"])},
        "timeout": {"type": "int", "default": 30},
    }


def smtp_argspec() -> dict[str, dict[str, t.Any]]:
    """Where to submit mail; unset values are derived in _mailconn.resolve_endpoint()."""
    return {
        "smtp_host": {"type": "str", "fallback": (env_fallback, ["MAILCOW_SMTP_HOST"])},
        "smtp_port": {"type": "int", "fallback": (env_fallback, ["MAILCOW_SMTP_PORT"])},
        "smtp_security": {"type": "str", "choices": ["starttls", "tls"]},
    }


def imap_argspec() -> dict[str, dict[str, t.Any]]:
    """Where to read mail (and keep the Sent copy), plus the shared login and TLS options."""
    spec: dict[str, dict[str, t.Any]] = {
        "imap_host": {"type": "str", "fallback": (env_fallback, ["MAILCOW_IMAP_HOST"])},
        "imap_port": {"type": "int", "fallback": (env_fallback, ["MAILCOW_IMAP_PORT"])},
        "imap_security": {"type": "str", "choices": ["tls", "starttls"]},
    }
    spec.update(mail_login_argspec())
    return spec
