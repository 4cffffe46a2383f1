# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the TLS policy map model.

A TLS policy map sets the TLS Postfix requires when it sends mail to one destination (a domain or
an address): a policy (none, may, encrypt, dane, dane-only, fingerprint, verify, secure) and
optional Postfix parameters. It is named by its destination, never by Mailcow's numeric id.
Mailcow hardly checks the destination on add ("bad dest!" is saved, ".domain" refused) and dies
without an answer on a missing or unknown policy (docs/mailcow-api.md#tls-policy-maps), so both are
checked here before any request.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, check_text, flag, parse_address, view
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row, plan_edit

POLICIES = ("none", "may", "encrypt", "dane", "dane-only", "fingerprint", "verify", "secure")
COMPARED = ("policy", "parameters", "active")


def key_of(destination: t.Any) -> str:
    """How destinations compare: regardless of case and surrounding space."""
    return str(destination or "").strip().lower()


def check_destination(value: t.Any, option: str = "destination") -> str:
    """A domain (its ASCII form) or an address; refused (naming ``option``) otherwise."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise MailcowOptionError("%s is required: a domain or an address" % option)
    if text.startswith("."):
        raise MailcowOptionError("%s %r: Mailcow refuses the .domain form; give the domain itself" % (option, value))
    if "@" in text:
        return "%s@%s" % parse_address(text, option=option)
    return ascii_domain(text, option=option)


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow TLS policy map as users think of it."""
    return {
        "id": int(raw["id"]) if str(raw.get("id", "")).isdigit() else raw.get("id"),
        "destination": str(raw.get("dest") or ""),
        "policy": str(raw.get("policy") or ""),
        "parameters": str(raw.get("parameters") or ""),
        "active": flag(raw.get("active")),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    return Row(normalize(raw), "")


TLS_POLICY_MAP = Kind("tls-policy-map", row_from_raw, "destination", key_of, frozenset(("tls_policy_map_entry_saved",)), "TLS policy map",
                      "tls_policy_maps", "tls_policy_map")


def compared_view(tls_map: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised map that options manage: what diffs show."""
    return view(tls_map, ("destination",) + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One TLS policy map as a task wants it. ``attrs`` holds only the options the user set."""

    destination: str
    state: str
    attrs: dict[str, t.Any]

    @property
    def address(self) -> str:
        return self.destination

    @property
    def key(self) -> str:
        return key_of(self.destination)


def desired_from_params(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set. (TLS policy maps have no password.)"""
    prefix = where + ": " if where else ""
    destination = check_destination(params.get("destination"), prefix + "destination")
    attrs: dict[str, t.Any] = {}
    if params.get("policy") is not None:
        if params["policy"] not in POLICIES:
            raise MailcowOptionError("%spolicy must be one of %s, got %r" % (prefix, ", ".join(POLICIES), params["policy"]))
        attrs["policy"] = params["policy"]
    if params.get("parameters") is not None:
        # Postfix reads the map line by line: a line break would start another entry.
        attrs["parameters"] = check_text(" ".join(str(params["parameters"]).split()), prefix + "parameters")
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    return Desired(destination, params.get("state") or "present", attrs)


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The smallest write from the rows ``found`` of the desired destination to ``desired``."""
    if desired.state == "absent":
        return delete_all(TLS_POLICY_MAP, found) if found else Plan(desired.destination, "none", None, None)
    current = only_row(TLS_POLICY_MAP, desired.destination, found)
    if current is None:
        if "policy" not in desired.attrs:
            raise MailcowOptionError("policy is required to create the TLS policy map of %s: one of %s" % (desired.destination, ", ".join(POLICIES)))
        after = dict({"parameters": "", "active": True}, **desired.attrs)
        # Mailcow makes a map added without ``active`` inactive: always say it.
        body = {"dest": desired.destination, "policy": after["policy"], "parameters": after["parameters"], "active": int(after["active"])}
        return Plan(desired.destination, "create", None, dict(after, id=None, destination=desired.destination, created=None, modified=None),
                    add_body=body)
    return plan_edit(TLS_POLICY_MAP, desired.attrs, current)
