# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the mailbox model.

Normalises Mailcow's mailbox objects (bytes, "0"/"1" strings, 0/1/2 ints) into what users write in
tasks (MiB, booleans, yes/no/login-disabled), validates desired state, and computes the smallest
set of API writes that turns one into the other.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import check_hostname
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import (
    MIB,
    api_value,
    ascii_domain,
    check_creatable,
    check_password,
    check_text,
    flag,
    parse_address,
    quota_mib,
    rate_limit_attr,
    rate_limit_option,
    rate_limit_read,
    split_address,
    to_int,
    view,
)

ACTIVE_TO_INT = {"yes": 1, "no": 0, "login-disabled": 2}
INT_TO_ACTIVE = {v: k for k, v in ACTIVE_TO_INT.items()}

# Boolean options that Mailcow keeps in the mailbox's ``attributes`` (as "0"/"1" strings).
ACCESS_FLAGS = ("imap_access", "pop3_access", "smtp_access", "sieve_access", "sogo_access", "eas_access", "dav_access")
EDIT_FLAGS = ("force_pw_update",) + ACCESS_FLAGS
# Changed through edit/tls_policy: edit/mailbox silently ignores them.
TLS_FLAGS = ("tls_enforce_in", "tls_enforce_out")
BOOL_FLAGS = EDIT_FLAGS + TLS_FLAGS

# What Mailcow gives a mailbox added without these attributes and without a template: the values of
# its stock "Default" mailbox template (docs/mailcow-api.md#defaults). We predict from them.
CREATE_DEFAULTS: dict[str, t.Any] = dict(
    {"name": "", "quota": 0, "active": "yes", "force_pw_update": False, "tls_enforce_in": False, "tls_enforce_out": False, "tags": [],
     "rate_limit": None, "sender_acl": []},
    **{flag: True for flag in ACCESS_FLAGS},
)
COMPARED = ("name", "quota", "active", "tags") + BOOL_FLAGS
# What Mailcow reads back for a mailbox without a spam score of its own (and for one whose own score is these values).
DEFAULT_SPAM_SCORE = "5,15"
# Only in Mailcow's full mailbox object (get/mailbox/<address>, get/mailbox/all), not in the reduced listing.
FULL_ONLY = ("rate_limit", "sender_acl")


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any], *, include_raw: bool = False) -> dict[str, t.Any]:
    """A Mailcow mailbox object as users think of it."""
    attributes = raw.get("attributes") or {}
    address = str(raw.get("username", "")).lower()
    local_part, _sep, domain = address.partition("@")
    mailbox: dict[str, t.Any] = {
        "address": address,
        "local_part": str(raw.get("local_part") or local_part).lower(),
        "domain": str(raw.get("domain") or domain).lower(),
        "name": raw.get("name") or "",
        "quota": to_int(raw.get("quota")) // MIB,
        "quota_used": round(to_int(raw.get("quota_used")) / MIB, 2),
        "messages": to_int(raw.get("messages")),
        "active": INT_TO_ACTIVE.get(to_int(raw.get("active_int", raw.get("active"))), "no"),
        "tags": sorted(str(tag) for tag in (raw.get("tags") or [])),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }
    for option in BOOL_FLAGS:
        mailbox[option] = flag(attributes.get(option, 1 if option in ACCESS_FLAGS else 0))
    if "rl" in raw:
        # rl is the domain's limit when the mailbox has none of its own (rl_scope "domain").
        mailbox["rate_limit"] = rate_limit_read(raw["rl"]) if raw.get("rl_scope", "mailbox") == "mailbox" else None
    if "sender_acl" in raw:
        mailbox["sender_acl"] = sorted(str(entry).lower() for entry in raw.get("sender_acl") or [])
    # Mailcow reads the relayhost back as the id string ("0": none); the manager names it when O(relayhost) is compared.
    mailbox["relayhost_id"] = to_int(attributes.get("relayhost"))
    if include_raw:
        mailbox["raw"] = raw
    return mailbox


def compared_view(mailbox: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised mailbox that options manage: what diffs show (``relayhost`` only when it is compared)."""
    return view(mailbox, ("address",) + COMPARED + FULL_ONLY + ("relayhost", "spam_score"))


def template_defaults(attributes: t.Any) -> dict[str, t.Any]:
    """What a mailbox template (its ``attributes`` as get/mailbox/template lists them) gives a new mailbox, normalised."""
    attributes = attributes if isinstance(attributes, dict) else {}
    defaults = dict(CREATE_DEFAULTS)
    defaults["quota"] = to_int(attributes.get("quota")) // MIB
    defaults["active"] = INT_TO_ACTIVE.get(to_int(attributes.get("active", 1)), "no")
    for option in BOOL_FLAGS:
        if option in attributes:
            defaults[option] = flag(attributes[option])
    defaults["tags"] = sorted(str(tag) for tag in (attributes.get("tags") or []))
    defaults["rate_limit"] = rate_limit_read({"value": attributes.get("rl_value"), "frame": attributes.get("rl_frame")})
    return defaults


class Template(t.NamedTuple):
    """A mailbox template: add/mailbox takes its numeric id (not its name) as ``template``."""

    id: int
    name: str
    defaults: dict[str, t.Any]


def templates_by_name(raws: list[dict[str, t.Any]]) -> dict[str, Template]:
    """get/mailbox/template/all -> ``{lower-case name: Template}`` (Mailcow's duplicate check ignores case, so lookups do too)."""
    return {str(raw.get("template")).strip().lower(): Template(to_int(raw.get("id")), str(raw.get("template")), template_defaults(raw.get("attributes")))
            for raw in raws if raw.get("template") is not None}


# -- desired state -------------------------------------------------------------------------------


def parse_active(value: t.Any, option: str = "active") -> str | None:
    """yes / no / login-disabled from what YAML may give: booleans, 0/1/2, strings."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip().lower().replace("_", "-")
    aliases = {"1": "yes", "true": "yes", "on": "yes", "0": "no", "false": "no", "off": "no", "2": "login-disabled"}
    text = aliases.get(text, text)
    if text not in ACTIVE_TO_INT:
        raise MailcowOptionError("%s must be one of yes, no, login-disabled (or true/false), got %r" % (option, value))
    return text


class Desired(t.NamedTuple):
    """One mailbox as a task wants it. ``attrs`` holds only the options the user set."""

    local_part: str
    domain: str
    state: str
    attrs: dict[str, t.Any]
    password: str | None
    update_password: str
    template: str | None = None
    relayhost_id: int | None = None  # the id of attrs["relayhost"], looked up by host name before planning

    @property
    def address(self) -> str:
        return "%s@%s" % (self.local_part, self.domain)


def desired_from_params(params: dict[str, t.Any], *, default_domain: str | None = None, where: str = "") -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    local_part, domain = split_address(params.get("address"), params.get("local_part"), params.get("domain") or default_domain, where=where)
    prefix = where + ": " if where else ""
    attrs: dict[str, t.Any] = {}
    if params.get("name") is not None:
        attrs["name"] = check_text(str(params["name"]).strip(), prefix + "name")
    if params.get("quota") is not None:
        attrs["quota"] = quota_mib(params["quota"], prefix + "quota", zero=" (0 = unlimited)")
    if params.get("active") is not None:
        attrs["active"] = parse_active(params["active"], prefix + "active")
    for option in BOOL_FLAGS:
        if params.get(option) is not None:
            attrs[option] = bool(params[option])
    if params.get("tags") is not None:
        attrs["tags"] = sorted({check_text(str(tag).strip(), prefix + "tags") for tag in params["tags"] if str(tag).strip()})
    if params.get("rate_limit") is not None:
        attrs["rate_limit"] = rate_limit_option(params["rate_limit"], prefix + "rate_limit")
    if params.get("sender_acl") is not None:
        attrs["sender_acl"] = parse_sender_acl(params["sender_acl"], prefix + "sender_acl", "%s@%s" % (local_part.lower(), domain))
    if params.get("spam_score") is not None:
        attrs["spam_score"] = parse_spam_score(params["spam_score"], prefix + "spam_score")
    if params.get("relayhost") is not None:
        # "" is no relayhost; a host name is looked up by the manager (Mailcow takes the relayhost's id).
        attrs["relayhost"] = check_hostname(params["relayhost"], prefix + "relayhost") if str(params["relayhost"]).strip() else ""
    template = params.get("template")
    if template is not None:
        template = check_text(str(template).strip(), prefix + "template")
        if not template:
            raise MailcowOptionError("%stemplate must be the name of a mailbox template (e.g. Default), got an empty string" % prefix)
    password = params.get("password")
    if password is not None:
        password = check_password(password, prefix + "password")
    return Desired(local_part.lower(), domain, params.get("state") or "present", attrs, password, params.get("update_password") or "on_create",
                   template)


def _score_number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def spam_score_read(score: t.Any) -> str:
    """get/spam-score's ``"low,high"`` as options write it (``8,15``, ``5.5,12.5``); another text as it is."""
    try:
        low, high = (float(part) for part in str(score).split(","))
    except ValueError:
        return str(score)
    return "%s,%s" % (_score_number(low), _score_number(high))


def parse_spam_score(value: t.Any, option: str) -> str:
    """``default``, or two scores ``low,high`` with 0 <= low < high, as Mailcow stores them (``8,15``, ``5.5,12.5``).

    Mailcow takes a low score above the high one (and makes the filter reject mail it would only mark): refused here.
    """
    text = str(value).strip().lower()
    if text == "default":
        return text
    rule = "give default, or two scores LOW,HIGH such as 8,15 (spam from LOW, rejected from HIGH; 0 <= LOW < HIGH)"
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise MailcowOptionError("%s %r is not a spam score: %s" % (option, value, rule)) from None
    if not (0 <= low < high < float("inf")):
        raise MailcowOptionError("%s %r: %s" % (option, value, rule))
    return "%s,%s" % (_score_number(low), _score_number(high))


def parse_sender_acl(values: list[t.Any], option: str, own: str) -> list[str]:
    """Send-as grants as Mailcow stores them: ``*``, ``@domain`` (a domain given bare or with @) or an address; sorted, lower-case."""
    entries: set[str] = set()
    for value in values:
        text = str(value).strip().lower()
        if not text:
            continue
        if text == "default":
            raise MailcowOptionError("%s: give an empty list to remove every grant, not 'default'" % option)
        if text == "*":
            entries.add(text)
        elif "@" in text.lstrip("@"):
            address = "%s@%s" % parse_address(text, option=option)
            if address == own:
                raise MailcowOptionError("%s: %s is the mailbox itself, which can always send as itself; Mailcow does not store it" % (option, text))
            entries.add(address.lower())
        else:
            entries.add("@" + ascii_domain(text.lstrip("@"), option="%s: domain" % option))
    if "*" in entries and len(entries) > 1:
        raise MailcowOptionError("%s: '*' (any address) cannot be combined with other entries: Mailcow would keep only '*'" % option)
    return sorted(entries)


# -- planning ------------------------------------------------------------------------------------


class Plan(t.NamedTuple):
    """What to write for one mailbox. ``after`` is the predicted normalised mailbox (None: absent)."""

    address: str
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None
    tls_attr: dict[str, t.Any] | None = None
    tags_remove: list[str] | None = None
    password_set: bool = False
    rl_attr: dict[str, t.Any] | None = None  # edit/rl-mbox
    spam_attr: dict[str, t.Any] | None = None  # edit/spam-score

    @property
    def changed(self) -> bool:
        return self.action != "none"


def written_passwords(plans: t.Iterable[Plan]) -> list[tuple[str, str]]:
    """(which mailbox, password) for each plan that writes a password (an add, or update_password=always)."""
    found = ((plan_.address, (plan_.add_body or {}).get("password") or (plan_.edit_attr or {}).get("password")) for plan_ in plans if plan_.password_set)
    return [("mailbox %s" % address, password) for address, password in found if password is not None]


def plan(desired: Desired, before: dict[str, t.Any] | None, *, purge_tags: bool = True, templates: dict[str, Template] | None = None) -> Plan:
    """The smallest set of writes from ``before`` (normalised or None) to ``desired``.

    ``templates``: the mailbox templates by name, read when a mailbox to create names one.
    """
    address = desired.address
    if desired.state == "absent":
        return Plan(address, "delete" if before else "none", before, None)
    if before is None:
        return _plan_create(desired, templates or {})
    return _plan_update(desired, before, purge_tags)


def _plan_create(desired: Desired, templates: dict[str, Template]) -> Plan:
    check_creatable(desired.address, "mailbox")
    if not desired.password:
        raise MailcowOptionError("password is required to create mailbox %s" % desired.address)
    template = check_template(desired.template, templates) if desired.template else None
    after = dict(template.defaults if template else CREATE_DEFAULTS, address=desired.address, local_part=desired.local_part, domain=desired.domain)
    after.update(desired.attrs)
    body: dict[str, t.Any] = {"local_part": desired.local_part, "domain": desired.domain, "password": desired.password, "password2": desired.password}
    for key, value in desired.attrs.items():
        if key not in FULL_ONLY + ("relayhost", "spam_score"):
            body[key] = _api_value(key, value)
    spam_attr = None
    if "spam_score" in desired.attrs:
        # A new mailbox has Mailcow's default score; another is set by edit/spam-score once it exists.
        after["spam_score"] = DEFAULT_SPAM_SCORE if desired.attrs["spam_score"] == "default" else desired.attrs["spam_score"]
        spam_attr = {"spam_score": after["spam_score"]} if after["spam_score"] != DEFAULT_SPAM_SCORE else None
    if desired.attrs.get("relayhost"):
        body["relayhost"] = str(desired.relayhost_id or 0)
        after["relayhost_id"] = desired.relayhost_id or 0
    if template:
        body["template"] = template.id
    if "rate_limit" in desired.attrs:
        body.update(rate_limit_attr(desired.attrs["rate_limit"]))
    # Mailcow would default this anyway, but sending it makes the request say what it means.
    body.setdefault("active", ACTIVE_TO_INT[after["active"]])
    # add/mailbox ignores sender_acl: an edit follows the add.
    edit_attr = {"sender_acl": after["sender_acl"]} if after["sender_acl"] else None
    return Plan(desired.address, "create", None, after, add_body=body, edit_attr=edit_attr, password_set=True, spam_attr=spam_attr)


def check_template(name: str, templates: dict[str, Template]) -> Template:
    """The template named ``name``; refused (before any write) when this Mailcow has none of that name."""
    found = templates.get(name.strip().lower())
    if found is None:
        known = ", ".join(sorted(template.name for template in templates.values())) or "none"
        # add/mailbox would silently take the Default template instead.
        raise MailcowOptionError("template %r is not a mailbox template of this Mailcow (it has: %s); create it with mailcow_mailbox_template"
                                 % (name, known))
    return found


def _plan_update(desired: Desired, before: dict[str, t.Any], purge_tags: bool) -> Plan:
    wanted = dict(desired.attrs)
    if "name" in wanted and wanted["name"] == "" and before["name"]:
        raise MailcowOptionError("name: Mailcow cannot clear the name of mailbox %s once set; give a non-empty name" % desired.address)
    if "tags" in wanted and not purge_tags:
        wanted["tags"] = sorted(set(before["tags"]) | set(wanted["tags"]))
    if wanted.get("spam_score") == "default" and before.get("spam_score") == DEFAULT_SPAM_SCORE:
        wanted["spam_score"] = DEFAULT_SPAM_SCORE  # read back alike: nothing to do
    differs = {key: value for key, value in wanted.items() if before.get(key) != value}
    password_set = bool(desired.password) and desired.update_password == "always"
    after = dict(before, **differs)
    edit_attr = {key: _api_value(key, value) for key, value in differs.items() if key not in TLS_FLAGS + ("tags", "rate_limit", "spam_score")}
    spam_attr = {"spam_score": differs["spam_score"]} if "spam_score" in differs else None
    if differs.get("spam_score") == "default":
        after["spam_score"] = DEFAULT_SPAM_SCORE
    if "relayhost" in edit_attr:
        edit_attr["relayhost"] = str(desired.relayhost_id or 0)
        after["relayhost_id"] = desired.relayhost_id or 0
    if edit_attr.get("sender_acl") == []:
        edit_attr["sender_acl"] = ["default"]  # Mailcow's way to remove every grant
    tags_add = sorted(set(differs.get("tags", before["tags"])) - set(before["tags"]))
    tags_remove = sorted(set(before["tags"]) - set(differs.get("tags", before["tags"])))
    if tags_add:
        edit_attr["tags"] = tags_add
    if password_set:
        edit_attr["password"] = edit_attr["password2"] = desired.password
    tls_attr = None
    if any(flag in differs for flag in TLS_FLAGS):
        tls_attr = {flag: int(after[flag]) for flag in TLS_FLAGS}
    rl_attr = rate_limit_attr(after["rate_limit"]) if "rate_limit" in differs else None
    action = "update" if (edit_attr or tls_attr or tags_remove or rl_attr or spam_attr) else "none"
    return Plan(
        desired.address, action, before, after,
        edit_attr=edit_attr or None, tls_attr=tls_attr, tags_remove=tags_remove or None, password_set=password_set, rl_attr=rl_attr,
        spam_attr=spam_attr,
    )


def _api_value(key: str, value: t.Any) -> t.Any:
    """Option value -> what Mailcow's write API takes; ``active`` as its 0/1/2."""
    return ACTIVE_TO_INT[value] if key == "active" else api_value(value)


def diff_view(plan_: Plan) -> dict[str, t.Any]:
    """before/after for --diff, secrets replaced by a marker."""
    after = compared_view(plan_.after)
    if plan_.password_set and after:
        after["password"] = "(set)"
    return {"before": compared_view(plan_.before), "after": after}
