# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the domain administrator model.

A domain administrator has a user name, a password (write-only), the domains it manages (edit
replaces the set; an empty list keeps the old one, so it is refused), ``active``, and an ACL of
named permissions. Mailcow has no way to read the ACL back (no get/da-acl, not in get/domain-admin),
so it is written, whole, on create and, with ``update_acl=always``, on every run; it is never
compared. Mailcow resets ``force_tfa`` and ``force_pw_update`` to 0 on every edit that does not send
them, so an edit sends the values the administrator has.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, check_password, flag, view

# The da_acl columns of Mailcow (data/web/inc/init_db.inc.php) and their defaults for a new administrator.
ACL_DEFAULTS: dict[str, bool] = {
    "syncjobs": True, "quarantine": True, "login_as": True, "sogo_access": True, "app_passwds": True, "bcc_maps": True,
    "pushover": False, "filters": True, "ratelimit": True, "spam_policy": True, "extend_sender_acl": False, "unlimited_quota": False,
    "protocol_access": True, "smtp_ip_access": True, "alias_domains": False, "mailbox_relayhost": True, "domain_relayhost": True,
    "domain_desc": False,
}
ACL_NAMES = tuple(ACL_DEFAULTS)
# ctype_alnum() after removing _ . - (domain_admin('add')): ASCII letters and digits, _ . -
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
USERNAME_RULE = "ASCII letters, digits, _ . - only (no @: a domain administrator is not a mailbox)"
COMPARED = ("domains", "active")
ATTRIBUTE_FLAGS = ("force_tfa", "force_pw_update")


def normalize(raw: dict[str, t.Any], *, include_raw: bool = False) -> dict[str, t.Any]:
    """A Mailcow domain administrator as users think of it (never a password: GET has none)."""
    selected = raw.get("selected_domains")
    attributes: dict[str, t.Any] = raw["attributes"] if isinstance(raw.get("attributes"), dict) else {}
    admin: dict[str, t.Any] = {
        "username": str(raw.get("username", "")).lower(),
        "domains": sorted(str(d).lower() for d in selected) if isinstance(selected, list) else [],
        "active": flag(raw.get("active_int", raw.get("active"))),
        "tfa_active": flag(raw.get("tfa_active_int", raw.get("tfa_active"))),
        "created": raw.get("created"),
    }
    for name in ATTRIBUTE_FLAGS:
        admin[name] = flag(attributes.get(name, 0))
    if include_raw:
        admin["raw"] = raw
    return admin


def compared_view(admin: dict[str, t.Any] | None) -> dict[str, t.Any]:
    return view(admin, ("username",) + COMPARED)


def check_username(value: t.Any, option: str = "username") -> str:
    """Mailcow's rule for a domain administrator's name, lower-cased as Mailcow stores it."""
    text = str(value or "").strip().lower()
    if not USERNAME_RE.match(text) or len(text) > 255:
        raise MailcowOptionError("%s %r is not valid: %s, at most 255" % (option, value, USERNAME_RULE))
    return text


class Desired(t.NamedTuple):
    username: str
    state: str
    attrs: dict[str, t.Any]
    password: str | None
    update_password: str
    acl: list[str] | None
    update_acl: str
    rename_from: str | None = None


def desired_from_params(params: dict[str, t.Any], *, where: str = "", default_domains: t.Sequence[str] | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    prefix = where + ": " if where else ""
    username = check_username(params.get("username"), prefix + "username")
    attrs: dict[str, t.Any] = {}
    domains = params.get("domains") if params.get("domains") is not None else default_domains
    if domains is not None:
        if not domains:
            raise MailcowOptionError("%sdomains must list at least one domain (Mailcow keeps the old domains when given none); "
                                     "to remove the administrator use state=absent" % prefix)
        attrs["domains"] = sorted({ascii_domain(d, option=prefix + "domains") for d in domains})
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    password = params.get("password")
    if password is not None:
        password = check_password(password, prefix + "password")
    acl = params.get("acl")
    if acl is not None:
        unknown = sorted(set(acl) - set(ACL_NAMES))
        if unknown:
            raise MailcowOptionError("%sacl: unknown permission(s) %s; known: %s" % (prefix, ", ".join(unknown), ", ".join(ACL_NAMES)))
        acl = sorted(set(acl), key=ACL_NAMES.index)
    state = params.get("state") or "present"
    rename_from = params.get("rename_from")
    if rename_from is not None:
        rename_from = check_username(rename_from, prefix + "rename_from")
        if rename_from == username:
            raise MailcowOptionError("%srename_from must differ from username %s (it names the administrator to rename)" % (prefix, username))
        if state != "present":
            raise MailcowOptionError("%srename_from only makes sense with state=present: to remove %s, give username: %s and state=absent"
                                     % (prefix, rename_from, rename_from))
    return Desired(username, state, attrs, password, params.get("update_password") or "on_create", acl, params.get("update_acl") or "on_create",
                   rename_from)


class Plan(t.NamedTuple):
    """What to write for one administrator; ``after`` is the predicted normalised object (None: absent)."""

    domain: str  # the user name: _writes names a plan by its ``domain`` when it has no ``address``
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None
    password_attr: dict[str, t.Any] | None = None  # sent alone first, so a refused password changes nothing
    acl: list[str] | None = None  # the whole ACL to write after the add or edit
    rename_from: str | None = None  # the name the edits address (the edit renames it to ``domain``)

    @property
    def changed(self) -> bool:
        return self.action != "none"

    @property
    def domains_to_check(self) -> list[str]:
        """Domains this plan writes, each of which must exist (Mailcow would leave a ghost admin on create)."""
        if self.action == "create" or (self.edit_attr and "domains" in self.edit_attr):
            return list((self.after or {}).get("domains") or [])
        return []


def plan(desired: Desired, before: dict[str, t.Any] | None) -> Plan:
    if desired.state == "absent":
        return Plan(desired.username, "delete" if before else "none", before, None)
    if before is None:
        return _plan_create(desired)
    return _plan_update(desired, before)


def _plan_create(desired: Desired) -> Plan:
    if "domains" not in desired.attrs:
        raise MailcowOptionError("domains is required to create domain administrator %s" % desired.username)
    if not desired.password:
        raise MailcowOptionError("password is required to create domain administrator %s" % desired.username)
    after: dict[str, t.Any] = dict(username=desired.username, active=True, tfa_active=False, created=None, **{name: False for name in ATTRIBUTE_FLAGS})
    after.update(desired.attrs)
    body = {"username": desired.username, "domains": after["domains"], "password": desired.password, "password2": desired.password,
            "active": int(after["active"])}
    return Plan(desired.username, "create", None, after, add_body=body, acl=desired.acl)


def _plan_update(desired: Desired, before: dict[str, t.Any]) -> Plan:
    differs = {key: value for key, value in desired.attrs.items() if before.get(key) != value}
    kept = {name: 1 for name in ATTRIBUTE_FLAGS if before.get(name)}
    edit_attr = dict(({key: int(value) if isinstance(value, bool) else value for key, value in differs.items()}), **kept) if differs else None
    password_attr = None
    if desired.password and desired.update_password == "always":
        password_attr = dict({"password": desired.password, "password2": desired.password}, **kept)
    acl = desired.acl if desired.update_acl == "always" else None
    action = "update" if (edit_attr or password_attr or acl is not None) else "none"
    return Plan(desired.username, action, before, dict(before, **differs), edit_attr=edit_attr, password_attr=password_attr, acl=acl)


def written_passwords(plans: t.Iterable[Plan]) -> list[tuple[str, str]]:
    """(which administrator, password) for each plan that writes a password (an add, or update_password=always)."""
    found = ((plan_.domain, (plan_.add_body or plan_.password_attr or {}).get("password")) for plan_ in plans)
    return [("domain administrator %s" % username, password) for username, password in found if password is not None]


def plan_rename(desired: Desired, old: dict[str, t.Any]) -> Plan:
    """Rename ``old`` to the desired name in the edit that also changes what differs (Mailcow's ``username_new``).

    The administrator keeps its password, 2FA and ACL (Mailcow moves them with the name); the
    password (update_password=always) goes first, under the old name, as for any edit.
    """
    update = _plan_update(desired, old)
    kept = {name: 1 for name in ATTRIBUTE_FLAGS if old.get(name)}
    edit_attr = dict(update.edit_attr or kept, username_new=desired.username)
    return update._replace(domain=desired.username, action="update", after=dict(update.after or old, username=desired.username),
                           edit_attr=edit_attr, rename_from=old["username"])


def diff_view(plan_: Plan) -> dict[str, t.Any]:
    """before/after for --diff: the password only as a marker; the ACL as written (it cannot be read)."""
    after = compared_view(plan_.after)
    if after and (plan_.add_body or plan_.password_attr):
        after["password"] = "(set)"
    if after and plan_.acl is not None:
        after["acl"] = list(plan_.acl)
    return {"before": compared_view(plan_.before), "after": after}
