# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the time-limited alias model.

A time-limited alias is an address Mailcow makes up at random (``caveda.vojico@example.org``) that
delivers to one mailbox until its validity ends (or for good, ``permanent``): what a user hands to a
shop. No task can choose its address, so an alias is named by its description within its mailbox
(the description is the only thing a person can know before it exists): a present description with
no alias is created, one with an alias is left alone or changed, ``absent`` deletes every alias of
that description. An existing alias can also be named by its address (to change its description or
delete it). ``validity`` (hours from now, 1 to 87600) is sent when an alias is created and not
compared afterwards: Mailcow stores the end as a point in time, so a re-run would always differ.
"""

from __future__ import annotations

import time
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_text, flag, split_address, to_int, view, whole

MAX_VALIDITY = 87600  # hours, as Mailcow checks it
COMPARED = ("description", "permanent")


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    validity = to_int(raw.get("validity"))
    return {
        "address": str(raw.get("address") or "").lower(),
        "mailbox": str(raw.get("goto") or "").lower(),
        "description": str(raw.get("description") or ""),
        "permanent": flag(raw.get("permanent")),
        "validity": validity,
        "expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(validity)) if validity else None,
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }


def compared_view(alias: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """What diffs show: the address (none yet for one to create), the description and whether it is permanent."""
    return view(alias, ("address",) + COMPARED)


def mailbox_option(value: t.Any) -> str:
    local_part, domain = split_address(value or "", None, None, where="mailbox")
    return "%s@%s" % (local_part.lower(), domain)


def check_description(value: t.Any, option: str) -> str:
    text = check_text(str(value if value is not None else "").strip(), option)
    if not text:
        raise MailcowOptionError("%s must not be empty: it names the alias, whose address Mailcow chooses at random" % option)
    return text


class Desired(t.NamedTuple):
    """One alias as a task wants it: named by ``description`` (or, existing, by ``by_address``)."""

    mailbox: str
    description: str | None
    by_address: str | None
    state: str
    attrs: dict[str, t.Any]  # permanent (compared), validity (hours, on create only), description (a rename, by address)

    @property
    def address(self) -> str:
        """The name in results and messages."""
        return self.by_address or t.cast(str, self.description)

    @property
    def key(self) -> str:
        return self.address


def desired_from_params(params: dict[str, t.Any], *, mailbox: str, where: str = "", update_password: str | None = None) -> Desired:
    """Options checked before any request; only those set are kept. (Aliases have no password.)"""
    prefix = where + ": " if where else ""
    attrs: dict[str, t.Any] = {}
    by_address = None
    description = None
    if params.get("address"):
        by_address = str(params["address"]).strip().lower()
        if by_address.partition("@")[2] == "" or by_address.startswith("@"):
            raise MailcowOptionError("%saddress %r is not the address of a time-limited alias" % (prefix, params["address"]))
        if params.get("description") is not None:
            attrs["description"] = check_description(params["description"], prefix + "description")
    else:
        description = check_description(params.get("description"), prefix + "description")
    if params.get("permanent") is not None:
        attrs["permanent"] = bool(params["permanent"])
    if params.get("validity") is not None:
        attrs["validity"] = whole(params["validity"], prefix + "validity", 1, MAX_VALIDITY, "a whole number of hours")
    return Desired(mailbox, description, by_address, params.get("state") or "present", attrs)


class Plan(t.NamedTuple):
    address: str  # the name (description, or the address it was named by)
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    ids: tuple[str, ...] = ()  # the aliases' addresses written
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None

    @property
    def changed(self) -> bool:
        return self.action != "none"


def plan(desired: Desired, found: t.Sequence[dict[str, t.Any]]) -> Plan:
    """The writes from the aliases ``found`` under the desired name to ``desired``."""
    name = desired.address
    if desired.state == "absent":
        return Plan(name, "delete", found[0], None, ids=tuple(a["address"] for a in found)) if found else Plan(name, "none", None, None)
    if len(found) > 1:
        raise MailcowOptionError(
            "mailbox %s has %d time-limited aliases described %r (%s): Mailcow does not refuse duplicates, so the module cannot tell "
            "which one to manage. Delete them with state=absent (which deletes every alias of that description) or name one by its address"
            % (desired.mailbox, len(found), name, ", ".join(a["address"] for a in found)))
    if not found:
        if desired.by_address:
            raise MailcowOptionError("mailbox %s has no time-limited alias %s: Mailcow names new aliases at random, so create one by its "
                                     "description, not by address" % (desired.mailbox, desired.by_address))
        return _plan_create(desired)
    before = found[0]
    differs = {key: value for key, value in desired.attrs.items() if key in COMPARED and before[key] != value}
    if not differs:
        return Plan(name, "none", before, before, ids=(before["address"],))
    after = dict(before, **differs)
    # Both managed values are sent together, whatever changed: the description is what names the alias.
    attr = {"description": after["description"], "permanent": int(after["permanent"])}
    return Plan(name, "update", before, after, ids=(before["address"],), edit_attr=attr)


def _plan_create(desired: Desired) -> Plan:
    body: dict[str, t.Any] = {"username": desired.mailbox, "domain": desired.mailbox.partition("@")[2], "description": desired.description}
    if "validity" in desired.attrs:
        body["validity"] = desired.attrs["validity"]
    permanent = bool(desired.attrs.get("permanent", False))
    body["permanent"] = int(permanent)
    hours = desired.attrs.get("validity", 8760)
    validity = int(time.time()) + hours * 3600
    after = {"address": None, "mailbox": desired.mailbox, "description": desired.description, "permanent": permanent, "validity": validity,
             "expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(validity)), "created": None, "modified": None}
    return Plan(t.cast(str, desired.description), "create", None, after, add_body=body)
