# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: shared argument specs. plugins/doc_fragments documents exactly these."""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import env_fallback

from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password import PROTOCOLS
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin import ACL_NAMES
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import whole

if t.TYPE_CHECKING:  # pragma: no cover
    from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient

# Bounds of the options that are not about Mailcow's objects: (minimum, maximum, unit).
TIMEOUT_RANGE = (1, 3600)
CONCURRENCY_RANGE = (1, 32)
RETRIES_RANGE = (0, 10)
MAX_ANSWER_MIB_RANGE = (1, 4096)
PURGE_MAX_SHARE_DEFAULT = 50


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


def single_or_bulk_argspec(entry: dict[str, dict[str, t.Any]], kind: str) -> dict[str, dict[str, t.Any]]:
    """A module that manages one object (``entry`` options at top level) or a domain's list of them (``kind``).

    plugins/doc_fragments/bulk.py documents the purge guard options.
    """
    state = {"type": "str", "choices": ["present", "absent"], "default": "present"}
    spec = dict(api_argspec(), **entry)
    spec.update({
        "state": state,
        "domain": {"type": "str", "fallback": (env_fallback, ["MAILCOW_DOMAIN"])},
        kind: {"type": "list", "elements": "dict", "options": dict(entry, state=state)},
        "purge": {"type": "bool", "default": False},
        "purge_allow_empty": {"type": "bool", "default": False},
        "purge_max_share": {"type": "int", "default": PURGE_MAX_SHARE_DEFAULT},
        "concurrency": {"type": "int", "default": 4},
    })
    return spec


def single_or_bulk_constraints(kind: str) -> dict[str, t.Any]:
    """AnsibleModule keywords of a single-or-bulk module: one object by address or local_part, or a list."""
    return {
        "mutually_exclusive": [("address", "local_part"), (kind, "address"), (kind, "local_part")],
        "required_one_of": [("address", "local_part", kind)],
    }


def check_bulk_options(params: dict[str, t.Any]) -> None:
    """The bounds of the bulk form's own options, before any request."""
    whole(params.get("concurrency", 4), "concurrency", CONCURRENCY_RANGE[0], CONCURRENCY_RANGE[1], "a whole number of parallel adds")
    whole(params.get("purge_max_share", PURGE_MAX_SHARE_DEFAULT), "purge_max_share", 0, 100, "a percentage")


def rate_limit_argspec() -> dict[str, t.Any]:
    """``rate_limit: {value, frame}`` of a domain or a mailbox; ``value: 0`` removes the limit."""
    return {
        "type": "dict",
        "options": {"value": {"type": "int", "required": True}, "frame": {"type": "str", "choices": ["s", "m", "h", "d"], "default": "s"}},
    }


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
        "template": {"type": "str"},
        "rate_limit": rate_limit_argspec(),
        "sender_acl": {"type": "list", "elements": "str"},
    }
    for flag in ("force_pw_update", "tls_enforce_in", "tls_enforce_out", "imap_access", "pop3_access",
                 "smtp_access", "sieve_access", "sogo_access", "eas_access", "dav_access"):
        spec[flag] = {"type": "bool"}
    return spec


def app_password_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one app password; used at top level and in each entry of the bulk form."""
    return {
        "name": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "protocols": {"type": "list", "elements": "str", "choices": list(PROTOCOLS)},
        "active": {"type": "bool"},
    }


def app_password_argspec() -> dict[str, dict[str, t.Any]]:
    """mailcow_app_password: one app password of O(mailbox) by name, or the mailbox's list (O(app_passwords))."""
    state = {"type": "str", "choices": ["present", "absent"], "default": "present"}
    entry = app_password_attr_argspec()
    return dict(api_argspec(), **entry, **{
        "mailbox": {"type": "str", "required": True},
        "state": state,
        "app_passwords": {"type": "list", "elements": "dict", "options": dict(entry, state=state), "no_log": False},
        "purge": {"type": "bool", "default": False},
        "purge_allow_empty": {"type": "bool", "default": False},
        "purge_max_share": {"type": "int", "default": PURGE_MAX_SHARE_DEFAULT},
    })


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
        "rate_limit": rate_limit_argspec(),
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
    """Where to submit mail; unset values are derived in _mail/endpoint.py:resolve_endpoint()."""
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


# -- DKIM and DNS records (mailcow_dkim, mailcow_dns_records) --------------------------------------


def dkim_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_dkim besides the connection; documented in its DOCUMENTATION."""
    return {
        "domain": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "selector": {"type": "str"},
        "key_size": {"type": "int", "choices": [1024, 2048, 3072, 4096]},
        "rotate": {"type": "bool", "default": False},
    }


def dns_records_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_dns_records besides the connection; documented in its DOCUMENTATION."""
    return {
        "domain": {"type": "str", "required": True},
        "mail_host": {"type": "str"},
        "ttl": {"type": "int", "default": 3600},
        "mx_priority": {"type": "int", "default": 10},
        "spf_policy": {"type": "str", "choices": ["fail", "softfail", "neutral", "omit"], "default": "fail"},
        "spf_extra": {"type": "list", "elements": "str", "default": []},
        "dmarc_policy": {"type": "str", "choices": ["none", "quarantine", "reject", "omit"], "default": "quarantine"},
        "dmarc_rua": {"type": "str"},
        "https_port": {"type": "int", "default": 443},
        "ports": {"type": "dict", "options": {name: {"type": "int"} for name in ("imap", "imaps", "pop3", "pop3s", "submission", "smtps", "sieve")}},
        "all_srv_records": {"type": "bool", "default": False},
        "check": {"type": "bool", "default": False},
        "nameservers": {"type": "list", "elements": "str"},
    }


# -- alias domains and domain administrators ------------------------------------------------------


def alias_domain_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_alias_domain besides the connection; documented in its DOCUMENTATION."""
    return {
        "alias_domain": {"type": "str", "required": True},
        "target_domain": {"type": "str"},
        "active": {"type": "bool"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "rename_from": {"type": "str"},
    }


def domain_admin_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_domain_admin besides the connection; documented in its DOCUMENTATION."""
    return {
        "username": {"type": "str", "required": True},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "domains": {"type": "list", "elements": "str"},
        "active": {"type": "bool"},
        "acl": {"type": "list", "elements": "str", "choices": list(ACL_NAMES)},
        "update_acl": {"type": "str", "choices": ["on_create", "always"], "default": "on_create"},
        "rename_from": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }


# -- sync jobs (mailcow_syncjob) ---------------------------------------------------------------


def syncjob_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one sync job; used at top level and in each entry of the bulk form (see _syncjob.FIELDS)."""
    spec: dict[str, dict[str, t.Any]] = {
        "mailbox": {"type": "str"},
        "remote_host": {"type": "str"},
        "remote_user": {"type": "str"},
        "remote_password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "encryption": {"type": "str", "choices": ["SSL", "TLS", "PLAIN"]},
        "subfolder": {"type": "str"},
        "exclude": {"type": "str"},
        "custom_params": {"type": "str"},
    }
    for number in ("remote_port", "interval", "max_age", "max_bytes_per_second", "timeout_remote", "timeout_local"):
        spec[number] = {"type": "int"}
    for flag in ("delete_duplicates", "delete_from_source", "delete_from_destination", "automap", "skip_cross_duplicates",
                 "subscribe_all", "dry_run", "active"):
        spec[flag] = {"type": "bool"}
    return spec


# mailcow_syncjob: one job by mailbox (with remote_host and remote_user), or a domain's list of them.
SYNCJOB_CONSTRAINTS: dict[str, t.Any] = {"mutually_exclusive": [("syncjobs", "mailbox")], "required_one_of": [("mailbox", "syncjobs")]}
