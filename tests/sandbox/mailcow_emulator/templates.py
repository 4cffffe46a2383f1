# SPDX-License-Identifier: GPL-3.0-or-later
"""Domain and mailbox templates: mailbox('get'|'add'|'edit'|'delete', 'domain_templates'|'mailbox_templates'),
and how add/domain and add/mailbox use them.

As recorded (tests/fixtures/mailcow-api/transcripts-templates.jsonl) and as Mailcow's
data/web/inc/functions.mailbox.inc.php has them:
- one `templates` table holds both kinds, so ids are shared: a fresh install has the domain
  "Default" (id 1) and the mailbox "Default" (id 2);
- get/<kind>/template/all lists one kind (``{}`` when none), get/<kind>/template/<x> reads intval(x)
  as the id, so a template *name* reads as ``{}``;
- add checks the name (``template_name_invalid``, ``template_exists``, case-insensitive as MariaDB's
  collation compares) and fills what is not sent; domain numbers sent as 0 take the defaults
  (``!empty()``), quotas are sent in MiB and kept in bytes; a mailbox template's quarantine
  category must be add_header, reject or all;
- edit replaces the whole attribute set: a domain template's omitted numbers become 0; a mailbox
  template reads the omitted ones from the row's top level, where they are not (null), and without
  ``protocol_access``/``acl`` copies the whole row into its attributes; an unknown id is
  ``template_id_invalid`` followed by ``template_modified`` all the same; Default keeps its name;
- delete never removes Default (and says removed); a domain template delete removes the first id
  of a list only;
- add/domain and add/mailbox look ``template`` up the same way, by intval() of what is sent: a name
  is id 0, which does not exist, and Mailcow silently falls back to the first template (Default).
"""
from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from . import php

if TYPE_CHECKING:  # context.py imports model.py, which imports this module
    from .context import Call

MIB = 1048576
DOMAIN_DEFAULT_ID = 1
DEFAULT_ID = 2
# init_db.inc.php's default domain template, quotas in bytes.
DOMAIN_DEFAULT_ATTRIBUTES: dict[str, Any] = {
    "tags": [], "max_num_aliases_for_domain": 400, "max_num_mboxes_for_domain": 10, "def_quota_for_mbox": 3072 * MIB,
    "max_quota_for_mbox": 10240 * MIB, "max_quota_for_domain": 10240 * MIB, "rl_frame": "s", "rl_value": "", "active": 1, "gal": 1,
    "backupmx": 0, "relay_all_recipients": 0, "relay_unknown_only": 0, "dkim_selector": "dkim", "key_size": 2048,
}
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
QUARANTINE_CATEGORIES = ("add_header", "reject", "all")
# Mailbox template settings an edit takes from the row when not sent (isset: ints; !empty: as sent).
_EDIT_TEXTS = ("tagged_mail_handler", "quarantine_notification", "quarantine_category")
_EDIT_INTS = ("force_pw_update", "force_tfa", "sogo_access", "active", "tls_enforce_in", "tls_enforce_out")


def now_sql() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def _new_row(row_id: int, name: str, kind: str, attributes: dict[str, Any], stamp: str) -> dict[str, Any]:
    return {"id": row_id, "template": name, "type": kind, "attributes": json.dumps(attributes), "created": stamp, "modified": None}


def initial() -> dict[int, dict[str, Any]]:
    """The `templates` rows of type mailbox on a fresh install, by id."""
    return {DEFAULT_ID: _new_row(DEFAULT_ID, "Default", "mailbox", DEFAULT_ATTRIBUTES, now_sql())}


def initial_domain() -> dict[int, dict[str, Any]]:
    """The `templates` rows of type domain on a fresh install, by id."""
    return {DOMAIN_DEFAULT_ID: _new_row(DOMAIN_DEFAULT_ID, "Default", "domain", DOMAIN_DEFAULT_ATTRIBUTES, now_sql())}


def _rows(call: Call, kind: str) -> dict[int, dict[str, Any]]:
    return call.store.domain_templates if kind == "domain" else call.store.mailbox_templates


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return dict(row, attributes=json.loads(row["attributes"]))


def get(call: Call, wanted: Any = None, kind: str = "mailbox") -> Any:
    """mailbox('get', '<kind>_templates', $_data): one row by intval(id), all rows, or false."""
    rows = _rows(call, kind)
    if wanted is None:
        return [_row(rows[key]) for key in sorted(rows)] or False
    row = rows.get(php.intval(wanted))
    return _row(row) if row else False


def _chosen(call: Call, data: Any, kind: str) -> dict[str, Any]:
    chosen: Any = False
    if not php.empty(php.array_get(data, "template")):
        chosen = get(call, php.array_get(data, "template"), kind)
    if not chosen or php.empty(chosen.get("attributes")):
        every = get(call, None, kind)
        chosen = every[0] if every else {"attributes": {}}
    return dict(chosen["attributes"] or {})


def attributes_for_add(call: Call, data: Any) -> dict[str, Any]:
    """add/mailbox: the attributes of the template sent (by id), else of the first mailbox template."""
    return _chosen(call, data, "mailbox")


def domain_attributes_for_add(call: Call, data: Any) -> dict[str, Any]:
    """add/domain: the attributes of the domain template sent (by id), else of the first one (Default)."""
    return _chosen(call, data, "domain")


# -- add -------------------------------------------------------------------------------------
def _add_name(call: Call, data: Any, kind: str, log: list[Any]) -> Any:
    """The new template's name, or None after pushing why not."""
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return None
    name = php.array_get(data, "template")
    if php.empty(name):
        call.push("danger", log, "template_name_invalid")
        return None
    if any(php.strval(row["template"]).lower() == php.strval(name).lower() for row in _rows(call, kind).values()):
        call.push("danger", log, ["template_exists", name])
        return None
    return name


def _insert(call: Call, kind: str, name: Any, attributes: dict[str, Any], log: list[Any]) -> bool:
    new_id = call.store.next_template_id
    call.store.next_template_id += 1
    _rows(call, kind)[new_id] = _new_row(new_id, php.strval(name), kind, attributes, now_sql())
    call.push("success", log, ["template_added", name])
    return True


def add(call: Call, data: Any) -> bool:
    """add/mailbox/template: a named set of defaults for new mailboxes."""
    log = ["mailbox", "add", "mailbox_templates", data, None]
    name = _add_name(call, data, "mailbox", log)
    if name is None:
        return False
    attributes = _attributes(data)
    if attributes["quarantine_category"] not in QUARANTINE_CATEGORIES:
        call.push("danger", log, "quarantine_category_invalid")
        return False
    return _insert(call, "mailbox", name, attributes, log)


def add_domain(call: Call, data: Any) -> bool:
    """add/domain/template: a named set of defaults for new domains."""
    log = ["mailbox", "add", "domain_templates", data, None]
    name = _add_name(call, data, "domain", log)
    if name is None:
        return False
    return _insert(call, "domain", name, _domain_attributes(data, DOMAIN_DEFAULT_ATTRIBUTES), log)


def _domain_attributes(data: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """The domain template's attributes: add fills unsent (and, for numbers, empty) ones from ``defaults``; edit from zeros."""
    adding = defaults is DOMAIN_DEFAULT_ATTRIBUTES

    def number(key: str, scale: int = 1) -> int:
        present = not php.empty(php.array_get(data, key)) if adding else php.isset(data, key)
        return php.intval(php.array_get(data, key)) * scale if present else (defaults[key] if adding else 0)

    def given(key: str, default: Any) -> Any:
        return php.array_get(data, key) if not php.empty(php.array_get(data, key)) else default

    def flag(key: str, default: int) -> int:
        return php.intval(php.array_get(data, key)) if php.isset(data, key) else default

    return {
        "tags": php.array_get(data, "tags") if php.isset(data, "tags") else [],
        "max_num_aliases_for_domain": number("max_num_aliases_for_domain"),
        "max_num_mboxes_for_domain": number("max_num_mboxes_for_domain"),
        "def_quota_for_mbox": number("def_quota_for_mbox", MIB),
        "max_quota_for_mbox": number("max_quota_for_mbox", MIB),
        "max_quota_for_domain": number("max_quota_for_domain", MIB),
        "rl_frame": given("rl_frame", "s"),
        "rl_value": given("rl_value", ""),
        "active": flag("active", 1),
        "gal": flag("gal", 1),
        "backupmx": flag("backupmx", 0),
        "relay_all_recipients": flag("relay_all_recipients", 0),
        "relay_unknown_only": flag("relay_unknown_only", 0),
        "dkim_selector": php.array_get(data, "dkim_selector") if php.isset(data, "dkim_selector") else "dkim",
        "key_size": flag("key_size", 2048),
    }


def _attributes(data: Any) -> dict[str, Any]:
    def given(key: str, default: Any) -> Any:
        return php.array_get(data, key) if not php.empty(php.array_get(data, key)) else default

    def number(key: str, default: int) -> int:
        return php.intval(php.array_get(data, key)) if php.isset(data, key) else default

    attributes: dict[str, Any] = {
        "quota": php.intval(php.array_get(data, "quota")) * MIB if php.isset(data, "quota") else 0,
        "tags": php.array_get(data, "tags") if php.isset(data, "tags") else [],
        "tagged_mail_handler": given("tagged_mail_handler", "none"),
        "quarantine_notification": given("quarantine_notification", "hourly"),
        "quarantine_category": given("quarantine_category", "reject"),
        "rl_frame": given("rl_frame", "s"),
        "rl_value": given("rl_value", ""),
    }
    for key in _EDIT_INTS:
        attributes[key] = number(key, 1 if key == "active" else int(DEFAULT_ATTRIBUTES[key]))
    attributes.update(_protocols(data, None))
    attributes.update(_acls(data, None))
    return attributes


def _protocols(data: Any, is_now: dict[str, Any] | None) -> dict[str, Any]:
    protocols = php.array_get(data, "protocol_access")
    if protocols is None:
        # add: the defaults; edit: foreach ($is_now as $key => $value) $attr[$key] = $is_now[$key]
        return dict(is_now) if is_now is not None else {f"{name}_access": int(DEFAULT_ATTRIBUTES[f"{name}_access"]) for name in PROTOCOLS}
    listed = php.array_values(php.to_array(protocols))
    return {f"{name}_access": 1 if name in listed else 0 for name in PROTOCOLS}


def _acls(data: Any, is_now: dict[str, Any] | None) -> dict[str, Any]:
    acl = php.array_get(data, "acl")
    if acl is None:
        return dict(is_now) if is_now is not None else {f"acl_{name}": 0 for name in ACLS}
    listed = php.array_values(php.to_array(acl))
    return {f"acl_{name}": 1 if name in listed else 0 for name in ACLS}


# -- edit ------------------------------------------------------------------------------------
def _edited_name(data: dict[str, Any], is_now: dict[str, Any]) -> None:
    """Default keeps its name; else the name sent, or the row's."""
    if is_now["template"] == "Default" and is_now["template"] != data.get("template"):
        data["template"] = is_now["template"]
    else:
        data["template"] = data["template"] if php.isset(data, "template") else is_now["template"]


def _update(call: Call, kind: str, row_id: Any, name: Any, attributes: dict[str, Any]) -> None:
    row = _rows(call, kind)[php.intval(row_id)]
    row.update(template=php.strval(name), attributes=json.dumps(attributes), modified=now_sql())


def _edit(call: Call, data: dict[str, Any], kind: str) -> bool:
    data = dict(data)
    log = ["mailbox", "edit", f"{kind}_templates", dict(data), None]
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    for row_id in php.as_list(data.get("ids")):
        is_now = get(call, row_id, kind)
        if not is_now:
            call.push("danger", log, "template_id_invalid")
            continue
        _edited_name(data, is_now)
        if kind == "domain":
            _update(call, kind, row_id, data["template"], _domain_attributes(data, {}))
            continue
        attributes = _mailbox_edit_attributes(data, is_now)
        if attributes["quarantine_category"] not in QUARANTINE_CATEGORIES:
            call.push("danger", log, "quarantine_category_invalid")
            continue
        attributes.update(_protocols(data, is_now))
        attributes.update(_acls(data, is_now))
        _update(call, kind, row_id, data["template"], attributes)
    call.push("success", log, ["template_modified", data.get("template")])
    return True


def _mailbox_edit_attributes(data: dict[str, Any], is_now: dict[str, Any]) -> dict[str, Any]:
    # $is_now is the row (id, template, type, attributes, ...): its top level has none of these keys.
    attributes: dict[str, Any] = {
        "quota": php.intval(data["quota"]) * MIB if php.isset(data, "quota") else 0,
        "tags": data["tags"] if php.isset(data, "tags") else is_now.get("tags"),
    }
    for key in _EDIT_TEXTS:
        attributes[key] = data[key] if not php.empty(data.get(key)) else is_now.get(key)
    for key in ("rl_frame", "rl_value"):
        attributes[key] = data[key] if not php.empty(data.get(key)) else is_now.get(key)
    for key in _EDIT_INTS:
        attributes[key] = php.intval(data[key]) if php.isset(data, key) else is_now.get(key)
    return attributes


def edit(call: Call, data: dict[str, Any]) -> bool:
    """edit/mailbox/template."""
    return _edit(call, data, "mailbox")


def edit_domain(call: Call, data: dict[str, Any]) -> bool:
    """edit/domain/template."""
    return _edit(call, data, "domain")


# -- delete ----------------------------------------------------------------------------------
def _delete_ids(call: Call, kind: str, ids: list[Any]) -> None:
    rows = _rows(call, kind)
    for row_id in ids:
        row = rows.get(php.intval(row_id)) if php.is_numeric(row_id) else None
        if row is not None and row["template"] != "Default":
            del rows[row["id"]]


def delete(call: Call, data: dict[str, Any]) -> bool:
    """delete/mailbox/template: every id sent, Default kept; one message without the ids."""
    log = ["mailbox", "delete", "mailbox_templates", data, None]
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    _delete_ids(call, "mailbox", php.as_list(data.get("ids")))
    call.push("success", log, "template_removed")
    return True


def delete_domain(call: Call, data: dict[str, Any]) -> bool:
    """delete/domain/template: the loop returns after its first id (the rest of a list stays)."""
    log = ["mailbox", "delete", "domain_templates", data, None]
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    for row_id in php.as_list(data.get("ids")):
        _delete_ids(call, "domain", [row_id])
        call.push("success", log, ["template_removed", php.htmlspecialchars(row_id)])
        return True
    return False
