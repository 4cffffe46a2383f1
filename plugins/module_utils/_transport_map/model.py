# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the transport map model.

A transport map sends the mail for one destination (a domain, ``.domain`` for its subdomains, ``*``
or an address; with ``is_mx_based`` a regular expression matched against the destination's MX host
names) to a next hop, optionally with a login. It is named by its destination, never by Mailcow's
numeric id. Mailcow splits a destination on spaces, commas and semicolons into several maps, so one
with those characters is refused; a bare IP next hop is stored in brackets, so it is written so;
all maps to one next hop must use the same user name (docs/mailcow-api.md#transport-maps).
Mailcow returns passwords in clear: compared here, never put into a normalised map, a diff or a message.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, check_password, check_text, flag, parse_address, to_int, view
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import HOSTNAME_RULE, check_hostname
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row

COMPARED = ("nexthop", "username", "active", "is_mx_based")
SEPARATORS_RE = re.compile(r"[\s,;]")
DESTINATION_RULE = "a domain, .domain (its subdomains), * (everything) or an address"


def key_of(destination: t.Any) -> str:
    """How destinations compare: regardless of case and surrounding space."""
    return str(destination or "").strip().lower()


def check_destination(value: t.Any, is_mx_based: bool, option: str = "destination") -> str:
    """One destination as Mailcow stores it; refused (naming ``option``) when Mailcow would split or refuse it."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise MailcowOptionError("%s is required: %s, or with is_mx_based a regular expression" % (option, DESTINATION_RULE))
    if SEPARATORS_RE.search(text):
        raise MailcowOptionError("%s %r must not contain spaces, commas or semicolons: Mailcow would split it into several transport maps. "
                                 "Give each destination its own entry" % (option, value))
    if is_mx_based:
        try:
            re.compile(text)
        except re.error as exc:
            raise MailcowOptionError("%s %r is not a valid regular expression (is_mx_based=true): %s" % (option, value, exc)) from None
        return text
    if text == "*":
        return text
    if "@" in text:
        return "%s@%s" % parse_address(text, option=option)
    try:
        return "." + ascii_domain(text[1:], option=option) if text.startswith(".") else ascii_domain(text, option=option)
    except MailcowOptionError:
        raise MailcowOptionError("%s %r is not valid: give %s, or set is_mx_based=true for a regular expression" % (option, value, DESTINATION_RULE)) from None


def check_nexthop(value: t.Any, option: str = "nexthop") -> str:
    """A next hop as Mailcow stores it: a relayhost's forms, a bare IP address in brackets."""
    if value is None or not str(value).strip():
        raise MailcowOptionError("%s is required to create a transport map: %s" % (option, HOSTNAME_RULE))
    nexthop = check_hostname(value, option)
    try:
        ipaddress.ip_address(nexthop)
    except ValueError:
        return nexthop
    return "[%s]" % nexthop


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow transport map as users think of it, without its password (Mailcow returns it in clear)."""
    return {
        "id": to_int(raw.get("id")),
        "destination": str(raw.get("destination") or ""),
        "nexthop": str(raw.get("nexthop") or ""),
        "username": str(raw.get("username") or ""),
        "active": flag(raw.get("active")),
        "is_mx_based": flag(raw.get("is_mx_based")),
        "password_set": bool(raw.get("password")),
    }


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    """One listed transport map: normalised, and its password only to compare."""
    return Row(normalize(raw), str(raw.get("password") or ""))


TRANSPORT = Kind("transport", row_from_raw, "destination", key_of, frozenset(("relayhost_added",)), "transport map", "transport_maps", "transport_map")


def compared_view(transport: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised transport map that options manage: what diffs show."""
    return view(transport, ("destination",) + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One transport map as a task wants it. ``attrs`` holds only the options the user set."""

    destination: str
    state: str
    attrs: dict[str, t.Any]
    password: str | None
    update_password: str

    @property
    def address(self) -> str:
        return self.destination

    @property
    def key(self) -> str:
        return key_of(self.destination)


def desired_from_params(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set. ``update_password``: the module's, for an entry without one."""
    prefix = where + ": " if where else ""
    is_mx_based = params.get("is_mx_based")
    destination = check_destination(params.get("destination"), bool(is_mx_based), prefix + "destination")
    attrs: dict[str, t.Any] = {}
    if params.get("nexthop") is not None:
        attrs["nexthop"] = check_nexthop(params["nexthop"], prefix + "nexthop")
    if params.get("username") is not None:
        attrs["username"] = check_text(str(params["username"]).strip(), prefix + "username")
    for option in ("active", "is_mx_based"):
        if params.get(option) is not None:
            attrs[option] = bool(params[option])
    password = params.get("password")
    if password is not None and password != "":
        password = check_password(password, prefix + "password")
        if password != password.strip():
            raise MailcowOptionError("%spassword must not begin or end with white space: Mailcow would store it trimmed" % prefix)
    return Desired(destination, params.get("state") or "present", attrs, password, params.get("update_password") or update_password or "on_create")


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The smallest set of writes from the rows ``found`` with the desired destination to ``desired``."""
    if desired.state == "absent":
        return delete_all(TRANSPORT, found) if found else Plan(desired.destination, "none", None, None)
    current = only_row(TRANSPORT, desired.destination, found)
    return _plan_update(desired, current) if current else _plan_create(desired)


def _plan_create(desired: Desired) -> Plan:
    if "nexthop" not in desired.attrs:
        raise MailcowOptionError("nexthop is required to create the transport map of %s: %s" % (desired.destination, HOSTNAME_RULE))
    after = dict({"username": "", "active": True, "is_mx_based": False}, **desired.attrs)
    if after["username"] and not desired.password:
        raise MailcowOptionError("password is required to create the transport map of %s with username %s" % (desired.destination, after["username"]))
    # Mailcow makes a transport map added without ``active`` inactive: always say it.
    body: dict[str, t.Any] = {"destination": desired.destination, "nexthop": after["nexthop"], "is_mx_based": int(after["is_mx_based"]),
                              "active": int(after["active"])}
    if after["username"]:
        body["username"] = after["username"]
    if desired.password:
        body["password"] = desired.password
    predicted = dict(after, id=None, destination=desired.destination, password_set=bool(desired.password))
    return Plan(desired.destination, "create", None, predicted, add_body=body, password_set=bool(desired.password))


def _plan_update(desired: Desired, current: Row) -> Plan:
    before = current.item
    differs = {key: value for key, value in desired.attrs.items() if before[key] != value}
    if "is_mx_based" in differs:
        raise MailcowOptionError("is_mx_based of the transport map of %s cannot be changed in place: remove it (state=absent) and add it again"
                                 % before["destination"])
    edit_attr = {key: int(value) if isinstance(value, bool) else value for key, value in differs.items()}
    password_set = desired.update_password == "always" and desired.password is not None and desired.password != current.password
    after = dict(before, **differs)
    if password_set:
        edit_attr["password"] = desired.password
        after["password_set"] = bool(desired.password)
    action = "update" if edit_attr else "none"
    return Plan(before["destination"], action, before, after, ids=(before["id"],), edit_attr=edit_attr or None, password_set=password_set)


def check_nexthop_logins(plans: list[Plan], existing: dict[str, list[Row]]) -> None:
    """Refuse, before any write, maps to one next hop with different user names: Mailcow keeps one login per next hop."""
    final: dict[str, dict[str, t.Any]] = {key: rows[0].item for key, rows in existing.items()}
    for p in plans:
        if p.after is None:
            final.pop(key_of(p.address), None)
        else:
            final[key_of(p.address)] = p.after
    by_host: dict[str, dict[str, list[str]]] = {}
    for transport in final.values():
        by_host.setdefault(transport["nexthop"].lower(), {}).setdefault(transport["username"], []).append(transport["destination"])
    for host, users in sorted(by_host.items()):
        if len(users) > 1:
            uses = "; ".join("%s with user name %r" % (", ".join(sorted(dests)), user) for user, dests in sorted(users.items()))
            raise MailcowOptionError("next hop %s would be used by %s: Mailcow keeps one login per next hop and refuses the others. Give these "
                                     "transport maps the same username (and password)" % (host, uses))
