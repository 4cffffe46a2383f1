# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the resource model.

A resource (a room, a piece of equipment, a group) is booked in SOGo through its address. Mailcow
makes that address from the description of a new resource: every character but ASCII letters and
digits dropped, case kept, ``@`` the domain ("Room 1" -> ``Room1@example.org``), and keeps it when
the description changes later (docs/mailcow-api.md#resources). So a resource is named by its
address (compared regardless of case, as Mailcow finds it), never by its description, which is a
value that can change. A task may give the address, or only the description of a new resource: the
address is then derived the way Mailcow derives it, and a description that would give another
address than the one asked for is refused before any request.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, check_text, count, flag, split_address, to_int, view
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, plan_edit

KINDS = ("location", "thing", "group")
NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
COMPARED = ("description", "kind", "multiple_bookings", "active")
# What the module sends for a new resource unless told: Mailcow would make one added without ``active`` inactive.
CREATE_DEFAULTS: dict[str, t.Any] = {"multiple_bookings": 0, "active": True}


def key_of(address: t.Any) -> str:
    """How addresses compare: regardless of case, as Mailcow finds a resource."""
    return str(address or "").strip().lower()


def local_part_of(description: str) -> str:
    """The local part Mailcow makes of a new resource's description."""
    return NOT_ALNUM.sub("", description)


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A resource as Mailcow lists it, as users think of it: the address with its case, flags as booleans."""
    return {
        "address": str(raw.get("name") or ""),
        "local_part": str(raw.get("local_part") or ""),
        "domain": str(raw.get("domain") or "").lower(),
        "description": str(raw.get("description") or ""),
        "kind": str(raw.get("kind") or ""),
        "multiple_bookings": to_int(raw.get("multiple_bookings")),
        "active": flag(raw.get("active_int", raw.get("active"))),
    }


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    item = normalize(raw)
    return Row(dict(item, id=item["address"]), "")


# Written by address: the listing's ``id`` of a resource is its address.
RESOURCE = Kind("resource", row_from_raw, "address", key_of, frozenset(("resource_added",)), "resource", "resources")


def compared_view(resource: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised resource that options manage: what diffs show."""
    return view(resource, ("address",) + COMPARED)


def public(resource: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """A resource as modules return it (without the listing's id, which is its address)."""
    return {key: value for key, value in (resource or {}).items() if key != "id"}


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One resource as a task wants it. ``attrs`` holds only the options the user set."""

    local_part: str
    domain: str
    state: str
    attrs: dict[str, t.Any]
    derived: bool  # the address was made from the description, not given

    @property
    def address(self) -> str:
        return "%s@%s" % (self.local_part, self.domain)

    @property
    def key(self) -> str:
        return key_of(self.address)


def desired_from_params(params: dict[str, t.Any], *, where: str = "", domain: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    prefix = where + ": " if where else ""
    attrs: dict[str, t.Any] = {}
    if params.get("description") is not None:
        attrs["description"] = check_text(str(params["description"]).strip(), prefix + "description")
        if not attrs["description"]:
            raise MailcowOptionError("%sdescription must not be empty: it is what SOGo shows, and what Mailcow makes a new "
                                     "resource's address of" % prefix)
    if params.get("kind") is not None:
        if params["kind"] not in KINDS:
            raise MailcowOptionError("%skind must be one of location (a room), thing (equipment), group, got %r" % (prefix, params["kind"]))
        attrs["kind"] = params["kind"]
    if params.get("multiple_bookings") is not None:
        attrs["multiple_bookings"] = count(params["multiple_bookings"], prefix + "multiple_bookings", minimum=-1,
                                           what="-1 (any number, shown busy), 0 (always shown free) or a limit")
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    domain = params.get("domain") or domain
    derived = not params.get("address") and not params.get("local_part")
    if derived:
        if "description" not in attrs:
            raise MailcowOptionError("%sone of address, local_part or description is required" % prefix)
        local_part = local_part_of(attrs["description"])
        if not local_part:
            raise MailcowOptionError("%sdescription %r has no letter or digit, of which Mailcow makes the address" % (prefix, attrs["description"]))
        if not domain:
            raise MailcowOptionError("%sdomain is required with a description alone (or set MAILCOW_DOMAIN)" % prefix)
        domain = ascii_domain(domain, option=prefix + "domain")
    else:
        local_part, domain = split_address(params.get("address"), params.get("local_part"), domain, where=where)
    return Desired(local_part, domain, params.get("state") or "present", attrs, derived)


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Row] | None) -> Plan:
    """The smallest write from the resource ``found`` (a list of at most one row) to ``desired``."""
    current = found[0] if found else None
    if desired.state == "absent":
        if current is None:
            return Plan(desired.address, "none", None, None)
        return Plan(current.item["address"], "delete", current.item, None, ids=(current.item["address"],))
    if current is not None:
        return plan_edit(RESOURCE, desired.attrs, current)
    return _plan_create(desired)


def _plan_create(desired: Desired) -> Plan:
    missing = [option for option in ("description", "kind") if option not in desired.attrs]
    if missing:
        raise MailcowOptionError("%s is required to create the resource %s" % (" and ".join(missing), desired.address))
    made = local_part_of(desired.attrs["description"])
    if made.lower() != desired.local_part.lower():
        raise MailcowOptionError(
            "Mailcow makes the address of a new resource from its description: %r gives %s@%s, not %s. Give the description "
            "whose letters and digits are %s (the description can be changed once the resource exists), or that address"
            % (desired.attrs["description"], made, desired.domain, desired.address, desired.local_part))
    after = dict(CREATE_DEFAULTS, **desired.attrs)
    address = "%s@%s" % (made, desired.domain)
    body = {"domain": desired.domain, "description": after["description"], "kind": after["kind"],
            "multiple_bookings": after["multiple_bookings"], "active": int(after["active"])}
    return Plan(address, "create", None, dict(after, id=address, address=address, local_part=made, domain=desired.domain), add_body=body)
