# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the recipient map model.

A recipient map rewrites the recipient of incoming mail: mail to its old recipient (an address, or
every address of a domain) is delivered to its new recipient (an address, or the same local part at
another domain). It is named by its old recipient, never by Mailcow's numeric id. Mailcow
lower-cases both sides and stores a domain as ``@domain``; here a domain reads back without the
``@``. Mailcow does not check that the old address is free (a mailbox can be mapped away) nor that
the new one is on this server, and an edit may give two maps one old recipient
(docs/mailcow-api.md#recipient-maps): both sides are checked here before any request, and a name held
twice is refused rather than guessed.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import address_or_domain, flag, view, without_at
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row, plan_edit

COMPARED = ("new_recipient", "active")
API = {"old_recipient": "recipient_map_old", "new_recipient": "recipient_map_new"}


def key_of(old_recipient: t.Any) -> str:
    """How old recipients compare: regardless of case, surrounding space and a domain's leading ``@``."""
    return without_at(str(old_recipient or "").strip().lower())


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow recipient map as users think of it: a domain on either side without its ``@``."""
    return {
        "id": int(raw["id"]) if str(raw.get("id", "")).isdigit() else raw.get("id"),
        "old_recipient": without_at(raw.get("recipient_map_old")),
        "new_recipient": without_at(raw.get("recipient_map_new")),
        "active": flag(raw.get("active")),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    return Row(normalize(raw), "")


RECIPIENT_MAP = Kind("recipient_map", row_from_raw, "old_recipient", key_of, frozenset(("recipient_map_entry_saved",)), "recipient map",
                     "recipient_maps", "recipient_map")


def compared_view(recipient_map: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised map that options manage: what diffs show."""
    return view(recipient_map, ("old_recipient",) + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One recipient map as a task wants it. ``attrs`` holds only the options the user set."""

    old_recipient: str
    state: str
    attrs: dict[str, t.Any]

    @property
    def address(self) -> str:
        return self.old_recipient

    @property
    def key(self) -> str:
        return key_of(self.old_recipient)


def desired_from_params(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set. (Recipient maps have no password.)"""
    prefix = where + ": " if where else ""
    old = address_or_domain(params.get("old_recipient"), option=prefix + "old_recipient", what="the address or domain whose mail is rewritten")
    attrs: dict[str, t.Any] = {}
    if params.get("new_recipient") is not None:
        attrs["new_recipient"] = address_or_domain(params["new_recipient"], option=prefix + "new_recipient",
                                                   what="the address or domain the mail goes to instead")
        if attrs["new_recipient"] == old:
            raise MailcowOptionError("%snew_recipient %s is the old recipient itself: a map to itself rewrites nothing" % (prefix, old))
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    return Desired(old, params.get("state") or "present", attrs)


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The smallest write from the rows ``found`` of the desired old recipient to ``desired``."""
    if desired.state == "absent":
        return delete_all(RECIPIENT_MAP, found) if found else Plan(desired.old_recipient, "none", None, None)
    current = only_row(RECIPIENT_MAP, desired.old_recipient, found)
    if current is None:
        if "new_recipient" not in desired.attrs:
            raise MailcowOptionError("new_recipient is required to create the recipient map of %s: the address or domain the mail goes to "
                                     "instead" % desired.old_recipient)
        after = dict({"active": True}, **desired.attrs)
        # Mailcow makes a map added without ``active`` inactive: always say it.
        body = {"recipient_map_old": desired.old_recipient, "recipient_map_new": after["new_recipient"], "active": int(after["active"])}
        return Plan(desired.old_recipient, "create", None,
                    dict(after, id=None, old_recipient=desired.old_recipient, created=None, modified=None), add_body=body)
    edit = plan_edit(RECIPIENT_MAP, desired.attrs, current, API)
    if edit.edit_attr:
        # The new side is always sent, as given: Mailcow checks both sides again on every edit, and no recording shows it
        # accepting its own stored @domain form back.
        edit = edit._replace(edit_attr=dict(edit.edit_attr, recipient_map_new=desired.attrs.get("new_recipient", current.item["new_recipient"])))
    return edit
