# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the BCC map model.

A BCC map sends a copy of the mail that a local mailbox or domain (its local destination) sends
(kind ``sender``) or receives (kind ``recipient``, Mailcow's ``rcpt``) to another address. Mailcow
keeps one map per local destination and kind, so a map is named by both (``name``, e.g.
``alice@example.org (sender)``), never by Mailcow's numeric id. Mailcow stores a domain as
``@domain`` and lower-cases the local destination; here a domain reads back without the ``@``.
Mailcow answers a local destination that is neither an address nor a domain with a bare "Cannot add
item", and dies without an answer on an unknown kind (docs/mailcow-api.md#bcc-maps), so both are
checked here before any request.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import address_or_domain, flag, parse_address, view, without_at
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row, plan_edit

KINDS = ("sender", "recipient")
API_KINDS = {"sender": "sender", "recipient": "rcpt"}
COMPARED = ("bcc_dest", "active")


def key_of(name: t.Any) -> str:
    """How names compare: regardless of case and surrounding space."""
    return str(name or "").strip().lower()


def name_of(local_dest: str, kind: str) -> str:
    """What names a map: its local destination and kind, e.g. ``alice@example.org (sender)``."""
    return "%s (%s)" % (local_dest, kind)


def check_local_dest(value: t.Any, option: str = "local_dest") -> str:
    """A mailbox address or a domain (``domain`` or ``@domain``), lower-case as Mailcow stores it; refused (naming ``option``) otherwise."""
    return address_or_domain(value, option=option, what="the address of a mailbox, or a domain, of this Mailcow")


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow BCC map as users think of it: a domain without its ``@``, the kind ``sender`` or ``recipient``."""
    local_dest = without_at(raw.get("local_dest"))
    kind = "recipient" if raw.get("type") == "rcpt" else str(raw.get("type") or "")
    return {
        "id": int(raw["id"]) if str(raw.get("id", "")).isdigit() else raw.get("id"),
        "name": name_of(local_dest, kind),
        "local_dest": local_dest,
        "kind": kind,
        "bcc_dest": str(raw.get("bcc_dest") or ""),
        "active": flag(raw.get("active")),
        "domain": raw.get("domain"),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    return Row(normalize(raw), "")


BCC_MAP = Kind("bcc", row_from_raw, "name", key_of, frozenset(("bcc_saved",)), "BCC map", "bcc_maps", "bcc_map",
               entry_named=("local_dest",))


def compared_view(bcc_map: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised map that options manage: what diffs show."""
    return view(bcc_map, ("local_dest", "kind") + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One BCC map as a task wants it. ``attrs`` holds only the options the user set."""

    local_dest: str
    kind: str
    state: str
    attrs: dict[str, t.Any]

    @property
    def address(self) -> str:
        return name_of(self.local_dest, self.kind)

    @property
    def key(self) -> str:
        return key_of(self.address)


def desired_from_params(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set. (BCC maps have no password.)"""
    prefix = where + ": " if where else ""
    local_dest = check_local_dest(params.get("local_dest"), prefix + "local_dest")
    kind = params.get("kind")
    if kind not in KINDS:
        raise MailcowOptionError("%skind is required: sender (a copy of what %s sends) or recipient (a copy of what it receives), got %r"
                                 % (prefix, local_dest, kind))
    attrs: dict[str, t.Any] = {}
    if params.get("bcc_dest") is not None:
        attrs["bcc_dest"] = "%s@%s" % parse_address(params["bcc_dest"], option=prefix + "bcc_dest")
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    return Desired(local_dest, kind, params.get("state") or "present", attrs)


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The smallest write from the rows ``found`` of the desired name to ``desired``."""
    if desired.state == "absent":
        return delete_all(BCC_MAP, found) if found else Plan(desired.address, "none", None, None)
    current = only_row(BCC_MAP, desired.address, found)
    if current is None:
        if "bcc_dest" not in desired.attrs:
            raise MailcowOptionError("bcc_dest is required to create the BCC map %s: the address that gets the copies" % desired.address)
        after = dict({"active": True}, **desired.attrs)
        # Mailcow makes a map added without ``active`` inactive: always say it.
        body = {"local_dest": desired.local_dest, "bcc_dest": after["bcc_dest"], "type": API_KINDS[desired.kind], "active": int(after["active"])}
        return Plan(desired.address, "create", None,
                    dict(after, id=None, name=desired.address, local_dest=desired.local_dest, kind=desired.kind,
                         domain=desired.local_dest.rpartition("@")[2], created=None, modified=None),
                    add_body=body)
    return plan_edit(BCC_MAP, desired.attrs, current)
