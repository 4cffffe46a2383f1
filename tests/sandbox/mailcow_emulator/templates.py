# SPDX-License-Identifier: GPL-3.0-or-later
"""Mailbox templates: mailbox('get'|'add', 'mailbox_templates') and how add/mailbox uses them.

From Mailcow's data/web/inc/functions.mailbox.inc.php and init_db.inc.php (no recording):
- a fresh install holds the domain "Default" template (id 1) and the mailbox "Default" template
  (id 2) in one `templates` table, so ids are shared between the two kinds;
- get/mailbox/template/all lists the mailbox templates (``{}`` when none), get/mailbox/template/<x>
  reads intval(x) as the id;
- add/mailbox's ``template`` is looked up the same way, by intval() of what is sent: a template
  *name* is id 0, which does not exist, and Mailcow silently falls back to the first mailbox
  template (Default). Its attributes fill every value the add does not send.
"""
from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from . import php

if TYPE_CHECKING:  # context.py imports model.py, which imports this module
    from .context import Call

DEFAULT_ID = 2
# init_db.inc.php's $default_mailbox_template, quota in bytes.
DEFAULT_ATTRIBUTES: dict[str, Any] = {
    "tags": [], "quota": 0, "quarantine_notification": "hourly", "quarantine_category": "reject",
    "rl_frame": "s", "rl_value": "", "force_pw_update": 0, "force_tfa": 0, "sogo_access": 1, "active": 1,
    "tls_enforce_in": 0, "tls_enforce_out": 0, "imap_access": 1, "pop3_access": 1, "smtp_access": 1,
    "sieve_access": 1, "eas_access": 1, "dav_access": 1, "acl_spam_alias": 1, "acl_tls_policy": 1,
    "acl_spam_score": 1, "acl_spam_policy": 1, "acl_delimiter_action": 1, "acl_syncjobs": 0,
    "acl_eas_reset": 1, "acl_sogo_profile_reset": 0, "acl_pushover": 1, "acl_quarantine": 1,
    "acl_quarantine_attachments": 1, "acl_quarantine_notification": 1, "acl_quarantine_category": 1,
    "acl_app_passwds": 1,
}
PROTOCOLS = ("imap", "pop3", "smtp", "sieve", "eas", "dav")
ACLS = ("spam_alias", "tls_policy", "spam_score", "spam_policy", "delimiter_action", "syncjobs", "eas_reset",
        "sogo_profile_reset", "pushover", "quarantine", "quarantine_attachments", "quarantine_notification",
        "quarantine_category", "app_passwds")


def now_sql() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def initial() -> dict[int, dict[str, Any]]:
    """The `templates` rows of type mailbox on a fresh install, by id."""
    stamp = now_sql()
    return {DEFAULT_ID: {"id": DEFAULT_ID, "template": "Default", "type": "mailbox",
                         "attributes": json.dumps(DEFAULT_ATTRIBUTES), "created": stamp, "modified": None}}


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return dict(row, attributes=json.loads(row["attributes"]))


def get(call: Call, wanted: Any = None) -> Any:
    """mailbox('get', 'mailbox_templates', $_data): one row by intval(id), all rows, or false."""
    rows = call.store.mailbox_templates
    if wanted is None:
        return [_row(rows[key]) for key in sorted(rows)] or False
    row = rows.get(php.intval(wanted))
    return _row(row) if row else False


def attributes_for_add(call: Call, data: Any) -> dict[str, Any]:
    """add/mailbox: the attributes of the template sent (by id), else of the first mailbox template."""
    chosen: Any = False
    if not php.empty(php.array_get(data, "template")):
        chosen = get(call, php.array_get(data, "template"))
    if not chosen:
        every = get(call)
        chosen = every[0] if every else {"attributes": {}}
    return dict(chosen["attributes"] or {})


def add(call: Call, data: Any) -> bool:
    """add/mailbox/template: a named set of defaults for new mailboxes."""
    log = ["mailbox", "add", "mailbox_templates", data, None]
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    name = php.array_get(data, "template")
    if php.empty(name):
        call.push("danger", log, "template_name_invalid")
        return False
    if any(row["template"].lower() == php.strval(name).lower() for row in call.store.mailbox_templates.values()):
        call.push("danger", log, ["template_exists", name])
        return False
    attributes = _attributes(data)
    if attributes["quarantine_category"] not in ("add_header", "reject", "all"):
        call.push("danger", log, "quarantine_category_invalid")
        return False
    new_id = call.store.next_template_id
    call.store.next_template_id += 1
    call.store.mailbox_templates[new_id] = {"id": new_id, "template": php.strval(name), "type": "mailbox",
                                            "attributes": json.dumps(attributes), "created": now_sql(), "modified": None}
    call.push("success", log, ["template_added", name])
    return True


def _attributes(data: Any) -> dict[str, Any]:
    def given(key: str, default: Any) -> Any:
        return php.array_get(data, key) if not php.empty(php.array_get(data, key)) else default

    def number(key: str, default: int) -> int:
        return php.intval(php.array_get(data, key)) if php.isset(data, key) else default

    attributes: dict[str, Any] = {
        "quota": php.intval(php.array_get(data, "quota")) * 1048576 if php.isset(data, "quota") else 0,
        "tags": php.array_get(data, "tags") if php.isset(data, "tags") else [],
        "tagged_mail_handler": given("tagged_mail_handler", "none"),
        "quarantine_notification": given("quarantine_notification", "hourly"),
        "quarantine_category": given("quarantine_category", "reject"),
        "rl_frame": given("rl_frame", "s"),
        "rl_value": given("rl_value", ""),
        "active": number("active", 1),
    }
    for key in ("force_pw_update", "force_tfa", "sogo_access", "tls_enforce_in", "tls_enforce_out"):
        attributes[key] = number(key, int(DEFAULT_ATTRIBUTES[key]))
    protocols = php.array_get(data, "protocol_access")
    for name in PROTOCOLS:
        listed = name in php.array_values(php.to_array(protocols)) if protocols is not None else True
        attributes[f"{name}_access"] = 1 if listed else 0
    acl = php.array_get(data, "acl")
    for name in ACLS:
        attributes[f"acl_{name}"] = 1 if acl is not None and name in php.array_values(php.to_array(acl)) else 0
    return attributes
