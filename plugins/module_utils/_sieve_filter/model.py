# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the model of a mailbox's Sieve filters.

A filter runs before (``prefilter``) or after (``postfilter``) the mailbox user's own Sieve rules.
It is named by its mailbox, type and description (``prefilter 'Spam to Junk' of alice@example.org``),
never by Mailcow's numeric id, which only the writes use. Mailcow refuses no duplicate, so a name it
holds more than once is refused here (``state=absent`` deletes them all). Mailcow keeps one active
filter per mailbox and type: making one active makes the others of that mailbox and type inactive,
which the plans predict (docs/mailcow-api.md#sieve-filters). The script is stored exactly as sent
and compared character for character.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_text, flag, parse_address, to_int, view
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row, plan_edit

TYPES = ("prefilter", "postfilter")
DESCRIPTION_MAX = 255  # sieve_filters.script_desc VARCHAR(255)
SCRIPT_MAX_BYTES = 65535  # sieve_filters.script_data TEXT
COMPARED = ("script", "active")
API = {"script": "script_data"}


def name_of(mailbox: str, filter_type: str, description: str) -> str:
    """What names a filter: ``prefilter 'Spam to Junk' of alice@example.org``."""
    return "%s '%s' of %s" % (filter_type, description, mailbox)


def key_of(name: t.Any) -> str:
    """Names compare as they are (the mailbox part is lower-case on both sides, descriptions compare exactly)."""
    return str(name or "")


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow filter as users think of it: its mailbox lower-case, ``active`` a boolean, the script as stored."""
    mailbox = str(raw.get("username") or "").lower()
    filter_type = str(raw.get("filter_type") or "")
    description = str(raw.get("script_desc") or "")
    return {
        "id": to_int(raw.get("id")),
        "name": name_of(mailbox, filter_type, description),
        "mailbox": mailbox,
        "filter_type": filter_type,
        "description": description,
        "script": str(raw.get("script_data") or ""),
        "active": flag(raw.get("active")),
    }


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    return Row(normalize(raw), "")


SIEVE_FILTER = Kind("filter", row_from_raw, "name", key_of, frozenset(("mailbox_modified",)), "filter", "filters", "filter",
                    entry_named=("description", "mailbox"), listing=("filters", "all"))


def compared_view(item: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised filter that options manage."""
    return view(item, ("mailbox", "filter_type", "description") + COMPARED)


def diff_text(item: dict[str, t.Any] | None) -> str:
    """One side of a filter's diff as text, the script a line per line, so that --diff shows a unified diff of the script."""
    if not item:
        return ""
    lines = ["mailbox: %s" % item["mailbox"], "filter_type: %s" % item["filter_type"], "description: %s" % item["description"],
             "active: %s" % ("true" if item["active"] else "false"), "script: |"]
    lines += ["  " + line for line in item["script"].split("\n")]
    return "\n".join(lines) + "\n"


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One filter as a task wants it. ``attrs`` holds only the options the user set."""

    mailbox: str
    filter_type: str
    description: str
    state: str
    attrs: dict[str, t.Any]

    @property
    def address(self) -> str:
        return name_of(self.mailbox, self.filter_type, self.description)

    @property
    def key(self) -> str:
        return key_of(self.address)

    @property
    def domain(self) -> str:
        return self.mailbox.rpartition("@")[2]

    @property
    def group(self) -> tuple[str, str]:
        return self.mailbox, self.filter_type


def check_description(value: t.Any, option: str) -> str:
    text = check_text("" if value is None else value, option)
    if text in ("", "0"):
        # PHP's empty(): Mailcow refuses "" and "0" on add (value_missing) and keeps the old one on edit.
        raise MailcowOptionError("%s is required: the filter's name within its mailbox and type (not empty, and not \"0\", which "
                                 "Mailcow takes for empty)" % option)
    if text != text.strip():
        raise MailcowOptionError("%s %r must not begin or end with white space (Mailcow keeps it, and a name that differs only in "
                                 "white space would be another filter)" % (option, text))
    if len(text) > DESCRIPTION_MAX:
        raise MailcowOptionError("%s must be at most %d characters long, got %d" % (option, DESCRIPTION_MAX, len(text)))
    return text


def check_script(value: t.Any, option: str) -> str:
    text = str(value)
    if text.strip() in ("", "0"):
        raise MailcowOptionError("%s must be a Sieve script: Mailcow refuses an empty one (and one that is \"0\"), and keeps the old "
                                 "script on a change to it" % option)
    if "\x00" in text:
        raise MailcowOptionError("%s must not contain a NUL character" % option)
    if len(text.encode("utf-8")) > SCRIPT_MAX_BYTES:
        raise MailcowOptionError("%s is %d bytes long: Mailcow stores at most %d" % (option, len(text.encode("utf-8")), SCRIPT_MAX_BYTES))
    return text


def desired_from_params(params: dict[str, t.Any], *, where: str = "", default_domain: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    prefix = where + ": " if where else ""
    mailbox = str(params.get("mailbox") or "").strip()
    if not mailbox:
        raise MailcowOptionError("%smailbox is required: the address of the mailbox the filter belongs to" % prefix)
    if "@" not in mailbox and default_domain:
        mailbox = "%s@%s" % (mailbox, default_domain)
    mailbox = ("%s@%s" % parse_address(mailbox, option=prefix + "mailbox")).lower()
    filter_type = params.get("filter_type")
    if filter_type not in TYPES:
        raise MailcowOptionError("%sfilter_type is required: prefilter (runs before the mailbox user's own Sieve rules) or postfilter "
                                 "(after them), got %r" % (prefix, filter_type))
    description = check_description(params.get("description"), prefix + "description")
    attrs: dict[str, t.Any] = {}
    if params.get("script") is not None:
        attrs["script"] = check_script(params["script"], prefix + "script")
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    return Desired(mailbox, filter_type, description, params.get("state") or "present", attrs)


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The smallest write from the rows ``found`` of the desired name to ``desired`` (before the one-active rule, see settle_active)."""
    if desired.state == "absent":
        return delete_all(SIEVE_FILTER, found) if found else Plan(desired.address, "none", None, None)
    current = only_row(SIEVE_FILTER, desired.address, found)
    if current is not None:
        return plan_edit(SIEVE_FILTER, desired.attrs, current, API)
    if "script" not in desired.attrs:
        raise MailcowOptionError("script is required to create the filter %s" % desired.address)
    after = dict({"active": True}, **desired.attrs)
    # Mailcow makes a filter added without ``active`` inactive: always say it.
    body = {"username": desired.mailbox, "filter_type": desired.filter_type, "script_desc": desired.description,
            "script_data": after["script"], "active": int(after["active"])}
    predicted = dict(after, id=None, name=desired.address, mailbox=desired.mailbox, filter_type=desired.filter_type,
                     description=desired.description)
    return Plan(desired.address, "create", None, predicted, add_body=body)


def _group(item: dict[str, t.Any]) -> tuple[str, str]:
    return item["mailbox"], item["filter_type"]


def _activating(p: Plan) -> bool:
    return bool(p.after and p.after["active"] and not (p.before and p.before["active"]))


def settle_active(plans: list[Plan], existing: dict[str, list[Row]], explicit: t.Collection[str]) -> list[Plan]:
    """The plans with Mailcow's rule applied: one active filter per mailbox and type.

    A filter made active (created active, or switched on) makes every other filter of its mailbox and
    type inactive: their plans (or, for filters the task does not name, new plans) say so, without a
    write of their own (Mailcow does it). Two filters of one mailbox and type that are both to be
    active (made active, or named with ``active: true``, ``explicit``) are refused before any write.
    A filter named with ``active: true`` that already is active, while another of its type is too
    (which Mailcow itself never leaves), has the others switched off by a write.
    """
    by_key = {p.address: p for p in plans}
    rows = {row.item["name"]: row for found in existing.values() for row in found}
    settled = list(plans)
    for group in sorted({_group(p.after) for p in plans if p.after and p.after["active"]}):
        claims = [p for p in plans if p.after and _group(p.after) == group and p.after["active"] and (_activating(p) or p.address in explicit)]
        if len(claims) > 1:
            raise MailcowOptionError("%s and %s are both to be active: Mailcow keeps one active %s per mailbox, making the others inactive. "
                                     "Set active: false on all but one" % (claims[0].address, claims[1].address, group[1]))
        if not claims:
            continue
        winner = claims[0]
        write = None if _activating(winner) else {"active": 0}
        for name in sorted(set(rows) | set(by_key)):
            p = by_key.get(name)
            item = p.after if p is not None else rows[name].item
            if name == winner.address or not item or _group(item) != group or not item["active"]:
                continue
            if p is None:
                p = Plan(name, "none", item, item, ids=(item["id"],))
                settled.append(p)
            off = p._replace(action="update" if p.action == "none" else p.action, after=dict(item, active=False))
            if write:
                off = off._replace(edit_attr=dict(p.edit_attr or {}, **write))
            settled[settled.index(p)] = off
    return settled
