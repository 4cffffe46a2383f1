# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the app password model.

An app password is named by its mailbox and its name, never by Mailcow's numeric id (which only
the write requests use). Mailcow stores the name HTML-escaped and escapes it once more on every
read (docs/mailcow-api.md#app-passwords): names are compared after undoing both. Mailcow accepts
two app passwords of the same name; a plan refuses to guess between them.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_password, check_text, flag, view

# Mailcow's names of the protocols an app password may log in with.
PROTOCOLS = ("imap_access", "smtp_access", "dav_access", "eas_access", "pop3_access", "sieve_access")
COMPARED = ("protocols", "active")
# The `name` column is VARCHAR(255) and holds the escaped name.
NAME_MAX = 255
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}
_UNESCAPES = {entity: char for char, entity in _ESCAPES.items()}
_ENTITY_RE = re.compile("|".join(re.escape(entity) for entity in _UNESCAPES))
# PHP's trim(): what Mailcow strips from a name before storing it.
_PHP_TRIM = " \t\n\r\0\x0b"


def escape(text: str) -> str:
    """PHP's htmlspecialchars() (ENT_QUOTES, as PHP 8.1+ does by default)."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def unescape(text: str) -> str:
    """The exact inverse of ``escape``: only its five entities, in one pass (``&amp;lt;`` -> ``&lt;``)."""
    return _ENTITY_RE.sub(lambda match: _UNESCAPES[match.group()], text)


def name_of(raw: dict[str, t.Any]) -> str:
    """The name as it was written: Mailcow escaped it when storing and again when reading."""
    return unescape(unescape(str(raw.get("name") or "")))


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow app password object as users think of it: no password, no hash."""
    return {
        "id": int(raw["id"]) if str(raw.get("id", "")).isdigit() else raw.get("id"),
        "mailbox": str(raw.get("mailbox", "")).lower(),
        "name": name_of(raw),
        "protocols": [protocol for protocol in PROTOCOLS if flag(raw.get(protocol))],
        "active": flag(raw.get("active")),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }


def compared_view(app_password: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised app password that options manage: what diffs show."""
    return view(app_password, ("mailbox", "name") + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One app password as a task wants it. ``attrs`` holds only the options the user set."""

    mailbox: str
    name: str
    state: str
    attrs: dict[str, t.Any]
    password: str | None
    update_password: str

    @property
    def address(self) -> str:
        """How the bulk helpers and the writes name it: by its name (the mailbox is the module's)."""
        return self.name


def check_name(value: t.Any, option: str) -> str:
    """A name Mailcow stores as given: not empty, no control characters, at most 255 characters escaped."""
    name = check_text(str(value if value is not None else "").strip(_PHP_TRIM), option)
    if not name.strip():
        raise MailcowOptionError("%s must not be empty or only white space" % option)
    stored = len(escape(name))
    if stored > NAME_MAX:
        raise MailcowOptionError("%s must be at most %d characters as Mailcow stores it (with &, <, >, \" and ' as HTML entities), "
                                 "got %d" % (option, NAME_MAX, stored))
    return name


def desired_from_params(params: dict[str, t.Any], *, mailbox: str, where: str = "") -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    prefix = where + ": " if where else ""
    name = check_name(params.get("name"), prefix + "name")
    attrs: dict[str, t.Any] = {}
    if params.get("protocols") is not None:
        unknown = [str(p) for p in params["protocols"] if p not in PROTOCOLS]
        if unknown:
            raise MailcowOptionError("%sprotocols: %s not one of %s" % (prefix, ", ".join(unknown), ", ".join(PROTOCOLS)))
        attrs["protocols"] = [protocol for protocol in PROTOCOLS if protocol in params["protocols"]]
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    password = params.get("password")
    if password is not None:
        password = check_password(password, prefix + "password")
    return Desired(mailbox, name, params.get("state") or "present", attrs, password, params.get("update_password") or "on_create")


# -- planning ------------------------------------------------------------------------------------


class Plan(t.NamedTuple):
    """What to write for one app password. ``after`` is the predicted normalised one (None: absent)."""

    address: str  # the name
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    ids: tuple[t.Any, ...] = ()  # Mailcow ids written (a delete takes every duplicate)
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None
    password_set: bool = False

    @property
    def changed(self) -> bool:
        return self.action != "none"

    @property
    def label(self) -> str:
        """How messages name it: its name alone is ambiguous outside the task that set the mailbox."""
        mailbox = (self.after or self.before or {}).get("mailbox")
        return "app password %r of mailbox %s" % (self.address, mailbox) if mailbox else repr(self.address)


def plan(desired: Desired, found: t.Sequence[dict[str, t.Any]]) -> Plan:
    """The writes from the app passwords of that name (normalised; none, one or duplicates) to ``desired``."""
    if desired.state == "absent":
        if not found:
            return Plan(desired.name, "none", None, None)
        return Plan(desired.name, "delete", found[0], None, ids=tuple(item["id"] for item in found))
    if len(found) > 1:
        raise duplicate_error(desired.mailbox, desired.name, found)
    if not found:
        return _plan_create(desired)
    return _plan_update(desired, found[0])


def duplicate_error(mailbox: str, name: str, found: t.Sequence[dict[str, t.Any]]) -> MailcowError:
    ids = ", ".join(str(item["id"]) for item in found)
    return MailcowError(
        "mailbox %s has %d app passwords named %r (Mailcow ids %s): refusing to guess which one to manage. Remove them with "
        "state=absent (which deletes every one of that name) and create it again, or delete the extra ones in Mailcow's UI"
        % (mailbox, len(found), name, ids)
    )


def _plan_create(desired: Desired) -> Plan:
    where = "app password %r of mailbox %s" % (desired.name, desired.mailbox)
    if not desired.password:
        raise MailcowOptionError("password is required to create %s" % where)
    if "protocols" not in desired.attrs:
        raise MailcowOptionError("protocols is required to create %s: list what it may log in to (%s)" % (where, ", ".join(PROTOCOLS)))
    after = {"id": None, "mailbox": desired.mailbox, "name": desired.name, "protocols": desired.attrs["protocols"],
             "active": desired.attrs.get("active", True), "created": None, "modified": None}
    # Mailcow creates an app password inactive unless told: always send active.
    body = {"username": desired.mailbox, "app_name": desired.name, "app_passwd": desired.password, "app_passwd2": desired.password,
            "protocols": after["protocols"], "active": int(after["active"])}
    return Plan(desired.name, "create", None, after, add_body=body, password_set=True)


def _plan_update(desired: Desired, before: dict[str, t.Any]) -> Plan:
    differs = {key: value for key, value in desired.attrs.items() if before.get(key) != value}
    password_set = bool(desired.password) and desired.update_password == "always"
    after = dict(before, **differs)
    if not differs and not password_set:
        return Plan(desired.name, "none", before, after, ids=(before["id"],))
    # Always username (else Mailcow moves the row to the API user, which fails), the name as written (else Mailcow escapes
    # the stored name once more), and every compared attribute (docs/mailcow-api.md#app-passwords).
    attr: dict[str, t.Any] = {"username": desired.mailbox, "app_name": desired.name, "protocols": after["protocols"], "active": int(after["active"])}
    if password_set:
        attr["app_passwd"] = attr["app_passwd2"] = desired.password
    return Plan(desired.name, "update", before, after, ids=(before["id"],), edit_attr=attr, password_set=password_set)


def written_passwords(plans: t.Iterable[Plan]) -> list[tuple[str, str]]:
    """(which app password, password) for each plan that writes a password (an add, or update_password=always)."""
    found = ((plan_.label, (plan_.add_body or {}).get("app_passwd") or (plan_.edit_attr or {}).get("app_passwd")) for plan_ in plans if plan_.password_set)
    return [(label, password) for label, password in found if password is not None]


def diff_view(plan_: Plan) -> dict[str, t.Any]:
    """before/after for --diff, the password replaced by a marker."""
    after = compared_view(plan_.after)
    if plan_.password_set and after:
        after["password"] = "(set)"
    return {"before": compared_view(plan_.before), "after": after}
