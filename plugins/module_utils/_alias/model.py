# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the alias model.

Aliases are named by address, never by Mailcow's numeric id (which only the write requests use).
Mailcow keeps the case of an alias's local part, so addresses compare case-insensitively; goto
lists compare as sets. The special targets null@localhost, spam@localhost and ham@localhost can
only be written through the goto_null/goto_spam/goto_ham flags, and every edit of such an alias
must send its flag again, or Mailcow silently skips the whole edit (docs/mailcow-api.md#aliases).
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_creatable, check_text, flag, parse_address, split_address, view

# Flag option -> the goto Mailcow stores for it. Mailcow's add/edit refuse these as goto addresses.
SPECIAL_GOTOS = {"goto_null": "null@localhost", "goto_spam": "spam@localhost", "goto_ham": "ham@localhost"}
FLAG_OF_GOTO = {goto: option for option, goto in SPECIAL_GOTOS.items()}
BOOL_OPTIONS = ("active", "sogo_visible", "sender_allowed")
COMMENTS = ("public_comment", "private_comment")
# What a new alias gets. Mailcow's own default for active is 0; we send 1 unless told otherwise.
CREATE_DEFAULTS: dict[str, t.Any] = {"active": True, "sogo_visible": False, "sender_allowed": False, "public_comment": "", "private_comment": ""}
COMPARED = ("goto",) + BOOL_OPTIONS + COMMENTS
_SEPARATORS = re.compile(r"[\s,;]+")


def split_goto(text: t.Any) -> list[str]:
    """Mailcow's comma-joined goto (it also splits on spaces, semicolons and newlines)."""
    return [g for g in _SEPARATORS.split(str(text or "")) if g]


def goto_key(gotos: t.Sequence[str]) -> list[str]:
    """Order- and case-insensitive form of a goto list, for comparing."""
    return sorted({g.lower() for g in gotos})


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any], *, include_raw: bool = False) -> dict[str, t.Any]:
    """A Mailcow alias object as users think of it."""
    address = str(raw.get("address", ""))
    gotos = split_goto(raw.get("goto"))
    alias: dict[str, t.Any] = {
        "id": int(raw["id"]) if str(raw.get("id", "")).isdigit() else raw.get("id"),
        "address": address,
        "domain": str(raw.get("domain") or address.rpartition("@")[2]).lower(),
        "goto": gotos,
        "active": flag(raw.get("active_int", raw.get("active"))),
        "sogo_visible": flag(raw.get("sogo_visible_int", raw.get("sogo_visible"))),
        "sender_allowed": flag(raw.get("sender_allowed")),
        "internal": flag(raw.get("internal")),
        "public_comment": raw.get("public_comment") or "",
        "private_comment": raw.get("private_comment") or "",
        "is_catch_all": address.startswith("@"),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }
    for option, special in SPECIAL_GOTOS.items():
        alias[option] = gotos == [special]
    if include_raw:
        alias["raw"] = raw
    return alias


def compared_view(alias: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised alias that options manage: what diffs show."""
    return view(alias, ("address",) + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One alias as a task wants it. ``attrs`` holds only the options the user set."""

    local_part: str
    domain: str
    state: str
    attrs: dict[str, t.Any]
    # A goto_* flag set to false: the alias must not stay on that special target.
    not_special: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return "%s@%s" % (self.local_part, self.domain)

    @property
    def key(self) -> str:
        return self.address.lower()


def desired_from_params(params: dict[str, t.Any], *, default_domain: str | None = None, where: str = "") -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    local_part, domain = split_address(params.get("address"), params.get("local_part"), params.get("domain") or default_domain, where=where, catch_all=True)
    prefix = where + ": " if where else ""
    attrs: dict[str, t.Any] = {}
    address = "%s@%s" % (local_part, domain)
    gotos = _goto_option(params, address, prefix)
    if gotos is not None:
        attrs["goto"] = gotos
    for option in BOOL_OPTIONS:
        if params.get(option) is not None:
            attrs[option] = bool(params[option])
    for option in COMMENTS:
        if params.get(option) is not None:
            comment = check_text(params[option], prefix + option)
            if len(comment.encode("utf-8")) > 160:
                raise MailcowOptionError("%s%s must be at most 160 bytes long, got %d" % (prefix, option, len(comment.encode("utf-8"))))
            attrs[option] = comment
    not_special = tuple(option for option in SPECIAL_GOTOS if params.get(option) is False)
    return Desired(local_part, domain, params.get("state") or "present", attrs, not_special)


def _goto_option(params: dict[str, t.Any], address: str, prefix: str) -> list[str] | None:
    """The goto list from O(goto) or one goto_* flag; validated, deduplicated, order kept."""
    flags = [option for option in SPECIAL_GOTOS if params.get(option)]
    given = params.get("goto")
    if len(flags) > 1 or (flags and given is not None):
        raise MailcowOptionError("%sgive only one of goto, goto_null, goto_spam and goto_ham, got %s" % (prefix, ", ".join(
            (["goto"] if given is not None else []) + flags)))
    if flags:
        return [SPECIAL_GOTOS[flags[0]]]
    if given is None:
        return None
    gotos: list[str] = []
    for entry in given:
        for goto in split_goto(entry):
            goto = _goto_address(goto, prefix)
            if goto.lower() not in {g.lower() for g in gotos}:
                gotos.append(goto)
    if not gotos:
        raise MailcowOptionError("%sgoto must name at least one address (or use goto_null, goto_spam or goto_ham)" % prefix)
    specials = [g for g in gotos if g.lower() in FLAG_OF_GOTO]
    if specials and len(gotos) > 1:
        raise MailcowOptionError("%sgoto: %s can only be an alias's only target; use %s=true instead"
                                 % (prefix, specials[0], FLAG_OF_GOTO[specials[0].lower()]))
    if specials:
        return [specials[0].lower()]
    if address.lower() in {g.lower() for g in gotos}:
        # Mailcow silently skips an add whose address is among its gotos (docs/mailcow-api.md#aliases).
        raise MailcowOptionError("%sgoto: alias %s must not forward to itself" % (prefix, address))
    return gotos


def _goto_address(goto: str, prefix: str) -> str:
    if goto.lower() in FLAG_OF_GOTO:
        return goto
    return "%s@%s" % parse_address(goto, option=prefix + "goto")


# -- planning ------------------------------------------------------------------------------------


class Plan(t.NamedTuple):
    """What to write for one alias. ``after`` is the predicted normalised alias (None: absent)."""

    address: str
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    id: t.Any = None
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None

    @property
    def changed(self) -> bool:
        return self.action != "none"


def plan(desired: Desired, before: dict[str, t.Any] | None) -> Plan:
    """The smallest set of writes from ``before`` (normalised or None) to ``desired``."""
    if desired.state == "absent":
        if before is None:
            return Plan(desired.address, "none", None, None)
        return Plan(before["address"], "delete", before, None, id=before["id"])
    if before is None:
        return _plan_create(desired)
    return _plan_update(desired, before)


def _plan_create(desired: Desired) -> Plan:
    check_creatable(desired.address, "alias")
    if "goto" not in desired.attrs:
        raise MailcowOptionError("goto (or goto_null, goto_spam or goto_ham) is required to create alias %s" % desired.address)
    after = dict(CREATE_DEFAULTS, **desired.attrs)
    body: dict[str, t.Any] = {"address": desired.address}
    body.update(_goto_attr(after["goto"]))
    # Mailcow creates an alias inactive, not visible and not allowed to send unless told (docs/mailcow-api.md#defaults): say it.
    for option in BOOL_OPTIONS:
        body[option] = int(after[option])
    for option in COMMENTS:
        if option in desired.attrs:
            body[option] = after[option]
    predicted = _predicted(dict(after, address=desired.address, domain=desired.domain, id=None, internal=False,
                                is_catch_all=not desired.local_part, created=None, modified=None))
    return Plan(desired.address, "create", None, predicted, add_body=body)


def _plan_update(desired: Desired, before: dict[str, t.Any]) -> Plan:
    special = FLAG_OF_GOTO.get(before["goto"][0]) if len(before["goto"]) == 1 else None
    if special in desired.not_special and "goto" not in desired.attrs:
        raise MailcowOptionError("%s=false: alias %s forwards to %s; give goto to say where its mail should go instead"
                                 % (special, before["address"], before["goto"][0]))
    differs = {}
    for key, value in desired.attrs.items():
        same = goto_key(value) == goto_key(before["goto"]) if key == "goto" else value == before[key]
        if not same:
            differs[key] = value
    after = _predicted(dict(before, **differs))
    edit_attr: dict[str, t.Any] = {}
    for key, value in differs.items():
        if key == "goto":
            edit_attr.update(_goto_attr(value))
        else:
            edit_attr[key] = int(value) if isinstance(value, bool) else value
    if edit_attr and "goto" not in differs and special:
        # Every edit resets goto_* to 0: without the flag Mailcow drops the whole edit (docs/mailcow-api.md#aliases).
        edit_attr[special] = 1
    action = "update" if edit_attr else "none"
    return Plan(before["address"], action, before, after, id=before["id"], edit_attr=edit_attr or None)


def _goto_attr(gotos: list[str]) -> dict[str, t.Any]:
    if len(gotos) == 1 and gotos[0].lower() in FLAG_OF_GOTO:
        return {FLAG_OF_GOTO[gotos[0].lower()]: 1}
    return {"goto": ",".join(gotos)}


def _predicted(alias: dict[str, t.Any]) -> dict[str, t.Any]:
    for option, special in SPECIAL_GOTOS.items():
        alias[option] = alias["goto"] == [special]
    return alias


def diff_view(plan_: Plan) -> dict[str, t.Any]:
    return {"before": compared_view(plan_.before), "after": compared_view(plan_.after)}
