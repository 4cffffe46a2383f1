# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the alias domain model.

An alias domain receives mail for every address of its target domain. Mailcow names it, so it
cannot be renamed (edit/alias-domain's ``attr.alias_domain`` replaces ``items``: the edit then
addresses the new, missing name). Only the target domain and ``active`` can change.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, flag, unicode_domain, view

COMPARED = ("target_domain", "active")


def normalize(raw: dict[str, t.Any], *, include_raw: bool = False) -> dict[str, t.Any]:
    """A Mailcow alias domain object as users think of it."""
    name = str(raw.get("alias_domain", "")).lower()
    alias_domain: dict[str, t.Any] = {
        "alias_domain": name,
        "alias_domain_unicode": unicode_domain(name),
        "target_domain": str(raw.get("target_domain", "")).lower(),
        "active": flag(raw.get("active_int", raw.get("active"))),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }
    if include_raw:
        alias_domain["raw"] = raw
    return alias_domain


def compared_view(alias_domain: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised alias domain that options manage: what diffs show."""
    return view(alias_domain, ("alias_domain",) + COMPARED)


class Desired(t.NamedTuple):
    """One alias domain as a task wants it. ``attrs`` holds only the options the user set."""

    domain: str
    state: str
    attrs: dict[str, t.Any]


def desired_from_params(params: dict[str, t.Any], *, where: str = "") -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    prefix = where + ": " if where else ""
    name = ascii_domain(params.get("alias_domain"), option=prefix + "alias_domain")
    if params.get("rename_from"):
        old = ascii_domain(params["rename_from"], option=prefix + "rename_from")
        raise MailcowOptionError(
            "%srename_from: Mailcow cannot rename an alias domain (edit/alias-domain takes the name as the object to edit). "
            "Add %s with mailcow_alias_domain, then remove %s with state=absent; the aliases of %s are deleted with it"
            % (prefix, name, old, old)
        )
    attrs: dict[str, t.Any] = {}
    if params.get("target_domain") is not None:
        attrs["target_domain"] = ascii_domain(params["target_domain"], option=prefix + "target_domain")
        if attrs["target_domain"] == name:
            raise MailcowOptionError("%starget_domain must differ from alias_domain %s" % (prefix, name))
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    return Desired(name, params.get("state") or "present", attrs)


class Plan(t.NamedTuple):
    """What to write for one alias domain. ``after`` is the predicted normalised object (None: absent)."""

    domain: str
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None

    @property
    def changed(self) -> bool:
        return self.action != "none"

    @property
    def target_to_check(self) -> str | None:
        """The target domain this plan writes, which must be a domain of the server."""
        if self.action == "create" or (self.edit_attr and "target_domain" in self.edit_attr):
            return str((self.after or {}).get("target_domain") or "") or None
        return None


def plan(desired: Desired, before: dict[str, t.Any] | None) -> Plan:
    """The one write (if any) from ``before`` (normalised or None) to ``desired``."""
    if desired.state == "absent":
        return Plan(desired.domain, "delete" if before else "none", before, None)
    if before is None:
        if "target_domain" not in desired.attrs:
            raise MailcowOptionError("target_domain is required to create alias domain %s" % desired.domain)
        after: dict[str, t.Any] = dict(
            alias_domain=desired.domain, alias_domain_unicode=unicode_domain(desired.domain), active=True, created=None, modified=None
        )
        after.update(desired.attrs)
        body = {"alias_domain": desired.domain, "target_domain": after["target_domain"], "active": int(after["active"])}
        return Plan(desired.domain, "create", None, after, add_body=body)
    differs = {key: value for key, value in desired.attrs.items() if before.get(key) != value}
    if not differs:
        return Plan(desired.domain, "none", before, before)
    edit_attr = {key: int(value) if isinstance(value, bool) else value for key, value in differs.items()}
    return Plan(desired.domain, "update", before, dict(before, **differs), edit_attr=edit_attr)


def diff_view(plan_: Plan) -> dict[str, t.Any]:
    return {"before": compared_view(plan_.before), "after": compared_view(plan_.after)}
