# SPDX-License-Identifier: GPL-3.0-or-later
"""policy('add'|'delete'|'get') and mailbox('edit'|'get', 'spam_score'): the rows of Mailcow's ``filterconf`` table.

A domain's or a mailbox's allow list (``whitelist_from``) and deny list (``blacklist_from``) entries,
and a mailbox's spam score (``lowspamlevel``/``highspamlevel``), share one table and one prefid
sequence. As recorded (tests/fixtures/mailcow-api/transcripts-spam-policy.jsonl):

- add/domain-policy {domain, object_from, object_list} and add/mailbox-policy {username, ...}: an
  unknown domain or mailbox (or none) is ``access_denied``; a sender that is not letters, digits and
  ``@ . - * _`` (or none) is ``policy_list_from_invalid``; a list other than ``wl``/``bl`` (or none)
  is ``access_denied`` after that; a sender already on either list of the object is
  ``policy_list_from_exists``. Success says ``domain_modified`` / ``mailbox_modified``; no prefid.
- get/policy_{wl,bl}_{domain,mailbox}/<object>: ``[{object, value, prefid}]`` in prefid order, ``{}``
  when none, for an unknown object and for ``all``. No edit route (404).
- delete/domain-policy and delete/mailbox-policy [prefid...]: a missing one is ``access_denied``;
  a domain's answer is ``item_deleted`` per prefid, a mailbox's repeats ``items_deleted`` with the
  joined list once per prefid.
- get/spam-score/<mailbox>: ``{"score": "low,high"}`` (``5,15`` when none is set), ``{}`` for an
  unknown mailbox. edit/spam-score {items, attr: {spam_score}}: ``default`` removes the mailbox's
  own score; anything but two numbers joined by a comma is English prose; low above high is taken.
"""
from __future__ import annotations

import re
from typing import Any

from . import php, phpjson
from .context import Call

LISTS = {"wl": "whitelist_from", "bl": "blacklist_from"}
DEFAULT_SCORE = "5,15"
SCORE_OPTIONS = ("lowspamlevel", "highspamlevel")
INVALID_SCORE = 'Invalid spam score, format must be "1,2" where first is low and second is high spam value.'


def _add_row(call: Call, obj: str, option: str, value: str) -> None:
    prefid = call.store.next_prefid
    call.store.next_prefid += 1
    call.store.filterconf[prefid] = {"object": obj, "option": option, "value": value, "prefid": prefid}


def _object_from(value: Any) -> str:
    """Mailcow's clean-up of a sender: trimmed, lower-case, ``.*`` as ``*``, no trailing dot, dots collapsed."""
    text = re.sub(r"\.\*", "*", php.trim(value).lower()).rstrip(".")
    return re.sub(r"\.+", ".", text)


def add(call: Call, data: Any, scope: str) -> bool:
    """add/domain-policy (``scope`` domain) and add/mailbox-policy (``scope`` mailbox)."""
    log = ["policy", "add", scope, data]
    if scope == "domain":
        obj = php.array_get(data, "domain")
        allowed = call.has_domain_access(obj)
        done = "domain_modified"
    else:
        obj = php.array_get(data, "username")
        allowed = call.has_mailbox_access(obj)
        done = "mailbox_modified"
    if not allowed:
        call.push("danger", log, "access_denied")
        return False
    obj = str(obj).strip().lower()
    sender = _object_from(php.array_get(data, "object_from"))
    if not re.sub(r"[@.\-*_]", "", sender).isalnum() or not re.sub(r"[@.\-*_]", "", sender).isascii():
        call.push("danger", log, "policy_list_from_invalid")
        return False
    option = LISTS.get(str(php.array_get(data, "object_list")))
    if option is None:
        call.push("danger", log, "access_denied")
        return False
    if any(row["object"] == obj and row["value"] == sender and row["option"] in LISTS.values() for row in call.store.filterconf.values()):
        call.push("danger", log, "policy_list_from_exists")
        return False
    _add_row(call, obj, option, sender)
    call.push("success", log, [done, obj])
    return True


def delete(call: Call, data: dict[str, Any], scope: str) -> bool:
    """delete/domain-policy and delete/mailbox-policy by prefid."""
    prefids = php.as_list(data.get("prefid"))
    log = ["policy", "delete", scope, {"prefid": prefids}]
    rows = call.store.filterconf
    for prefid in prefids:
        row = rows.get(php.intval(prefid)) if php.is_numeric(prefid) else None
        allowed = row is not None and row["option"] in LISTS.values() and (
            call.has_domain_access(row["object"]) if scope == "domain" else call.has_mailbox_access(row["object"]))
        if not allowed:
            call.push("danger", log, "access_denied")
            continue
        del rows[php.intval(prefid)]
        if scope == "domain":
            call.push("success", log, ["item_deleted", php.htmlspecialchars(prefid)])
        else:
            call.push("success", log, ["items_deleted", php.htmlspecialchars(", ".join(str(p) for p in prefids))])
    return True


def get(call: Call, category: str, obj: str | None) -> str:
    """get/policy_{wl,bl}_{domain,mailbox}/<object>."""
    _policy, which, scope = category.split("_")
    allowed = call.has_domain_access(obj) if scope == "domain" else call.has_mailbox_access(obj)
    if not allowed or obj is None:
        return "{}"
    wanted = obj.lower()
    option = LISTS[which]
    data = [{"object": row["object"], "value": row["value"], "prefid": row["prefid"]}
            for key, row in sorted(call.store.filterconf.items()) if row["object"] == wanted and row["option"] == option]
    return phpjson.encode_pretty(data) if data else "{}"


def drop_object(call: Call, obj: str) -> None:
    """A deleted domain or mailbox takes its filterconf rows with it."""
    call.store.filterconf = {key: row for key, row in call.store.filterconf.items() if row["object"] != obj.lower()}


# -- spam score ------------------------------------------------------------------------------


def get_spam_score(call: Call, obj: str | None) -> str:
    if not call.has_mailbox_access(obj):
        return "{}"
    levels = {row["option"]: row["value"] for row in call.store.filterconf.values() if row["object"] == str(obj).lower() and row["option"] in SCORE_OPTIONS}
    score = "%s,%s" % (levels["lowspamlevel"], levels["highspamlevel"]) if len(levels) == 2 else DEFAULT_SCORE
    return phpjson.encode_pretty({"score": score})


def edit_spam_score(call: Call, data: dict[str, Any]) -> bool:
    log = ["mailbox", "edit", "spam_score", data, None]
    for username in php.as_list(data.get("username")):
        score = php.array_get(data, "spam_score")
        if score == "default":
            if not call.has_mailbox_access(username):
                call.push("danger", log, "access_denied")
                continue
            _drop_score(call, username)
            call.push("success", log, ["mailbox_modified", php.htmlspecialchars(username)])
            continue
        parts = php.strval(score).split(",")
        if len(parts) < 2 or not php.is_numeric(parts[0]) or not php.is_numeric(parts[1]):
            call.push("danger", log, INVALID_SCORE)
            continue
        if not call.has_mailbox_access(username):
            call.push("danger", log, "access_denied")
            continue
        _drop_score(call, username)
        _add_row(call, username.lower(), "lowspamlevel", parts[0])
        _add_row(call, username.lower(), "highspamlevel", parts[1])
        call.push("success", log, ["mailbox_modified", php.htmlspecialchars(username)])
    return True


def _drop_score(call: Call, username: str) -> None:
    call.store.filterconf = {key: row for key, row in call.store.filterconf.items()
                             if not (row["object"] == username.lower() and row["option"] in SCORE_OPTIONS)}
