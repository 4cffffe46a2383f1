# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the mailbox template model, and the steps both kinds of template share.

The domain templates (_domain_template/model.py) are another kind of the same Mailcow object (one
``templates`` table, shared ids): they describe their values with the ``TemplateKind`` defined here.

A template is a named set of values that add/domain or add/mailbox takes for what it is not sent
(docs/mailcow-api.md#templates). Mailcow reads and writes templates by numeric id only; here a
template is named by its name (compared regardless of case, as Mailcow's duplicate check does) and
the id is looked up from the listing. Quotas are MiB in options and on write, bytes on read; flags
read back as 0/1 and the rate limit's value as a number or ``""`` (null after some edits): all are
normalised before they are compared. Mailcow's template edit replaces the whole attribute set (what
is omitted becomes 0, or null), so every edit sends every value: the ones the task sets and the ones
read. The "Default" template of each kind can be changed but not renamed or deleted.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import ACTIVE_TO_INT, INT_TO_ACTIVE, parse_active
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import (
    MIB,
    check_text,
    count,
    flag,
    quota_mib,
    rate_limit_attr,
    rate_limit_option,
    rate_limit_read,
    to_int,
    view,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row

DEFAULT = "Default"
PROTOCOLS = ("imap", "pop3", "smtp", "sieve", "eas", "dav")
ACLS = ("spam_alias", "tls_policy", "spam_score", "spam_policy", "delimiter_action", "syncjobs", "eas_reset",
        "sogo_profile_reset", "pushover", "quarantine", "quarantine_attachments", "quarantine_notification",
        "quarantine_category", "app_passwds")
QUARANTINE_NOTIFICATIONS = ("never", "hourly", "daily", "weekly")
QUARANTINE_CATEGORIES = ("add_header", "reject", "all")
TAGGED_MAIL_HANDLERS = ("subfolder", "subject", "none")


def key_of(name: t.Any) -> str:
    """How names compare: regardless of case and surrounding space."""
    return str(name or "").strip().lower()


# -- the two kinds: option name -> (attribute name, how it reads, how it is written) ---------------


def _mib(value: t.Any) -> int:
    return to_int(value) // MIB


def _same(value: t.Any) -> t.Any:
    return value


class Setting(t.NamedTuple):
    """One value of a template: its attribute in Mailcow's ``attributes``, how it reads back, how it is sent."""

    attribute: str
    read: t.Callable[[t.Any], t.Any]
    write: t.Callable[[t.Any], t.Any] = _same


def count_setting(attribute: str) -> Setting:
    return Setting(attribute, to_int)  # written as given (a count)


def quota_setting(attribute: str) -> Setting:
    return Setting(attribute, _mib)  # read in bytes, written in MiB as given


def flag_setting(attribute: str) -> Setting:
    return Setting(attribute, flag, int)


def text_setting(attribute: str, default: str) -> Setting:
    return Setting(attribute, lambda value: str(value) if value not in (None, "") else default)


MAILBOX_SETTINGS: dict[str, Setting] = dict(
    {
        "quota": quota_setting("quota"),
        "active": Setting("active", lambda value: INT_TO_ACTIVE.get(to_int(value), "no"), ACTIVE_TO_INT.__getitem__),
        "quarantine_notification": text_setting("quarantine_notification", "hourly"),
        "quarantine_category": text_setting("quarantine_category", "reject"),
        "tagged_mail_handler": text_setting("tagged_mail_handler", "none"),
    },
    **{option: flag_setting(option) for option in ("force_pw_update", "force_tfa", "sogo_access", "tls_enforce_in", "tls_enforce_out")},
)
# What add/mailbox/template gives what it is not sent (docs/mailcow-api.md#templates): the module sends these
# explicitly for a new template, so what it predicts is what Mailcow stores.
MAILBOX_CREATE: dict[str, t.Any] = dict(
    {"quota": 0, "active": "yes", "quarantine_notification": "hourly", "quarantine_category": "reject", "tagged_mail_handler": "none",
     "force_pw_update": False, "force_tfa": False, "sogo_access": True, "tls_enforce_in": False, "tls_enforce_out": False,
     "rate_limit": None, "tags": [], "acl": []},
    **{p + "_access": True for p in PROTOCOLS},
)


class TemplateKind(t.NamedTuple):
    """One kind of template: how rows read and how options become Mailcow's attributes."""

    kind: str  # "domain" | "mailbox"
    settings: dict[str, Setting]
    create: dict[str, t.Any]
    check: t.Callable[[dict[str, t.Any], str], None] = lambda item, where: None  # refusals of a whole template, before any write
    parsers: dict[str, t.Callable[[t.Any, str], t.Any]] = {}  # the kind's own options: (value, option) -> checked value

    def normalize(self, raw: dict[str, t.Any]) -> dict[str, t.Any]:
        """A template row as users think of it. Unknown attributes (and the junk some edits leave) are ignored."""
        found = raw.get("attributes")
        attributes: dict[str, t.Any] = found if isinstance(found, dict) else {}
        item: dict[str, t.Any] = {"id": to_int(raw.get("id")), "name": str(raw.get("template") or "")}
        for option, setting in self.settings.items():
            item[option] = setting.read(attributes.get(setting.attribute))
        if self.kind == "mailbox":
            for protocol in PROTOCOLS:
                item[protocol + "_access"] = flag(attributes.get(protocol + "_access"))
            item["acl"] = [name for name in ACLS if flag(attributes.get("acl_" + name))]
        item["rate_limit"] = rate_limit_read({"value": attributes.get("rl_value"), "frame": attributes.get("rl_frame")})
        tags = attributes.get("tags")
        item["tags"] = sorted(str(tag) for tag in tags if tag is not None) if isinstance(tags, list) else []
        item["created"], item["modified"] = raw.get("created"), raw.get("modified")
        return item

    @property
    def compared(self) -> tuple[str, ...]:
        return tuple(self.create)

    def attributes(self, item: dict[str, t.Any]) -> dict[str, t.Any]:
        """Every value of a template, as add and edit take it (all of them: an edit replaces the whole set)."""
        attr: dict[str, t.Any] = {"template": item["name"]}
        for option, setting in self.settings.items():
            attr[setting.attribute] = setting.write(item[option])
        attr.update(rate_limit_attr(item["rate_limit"]))
        attr["tags"] = list(item["tags"])
        if self.kind == "mailbox":
            attr["protocol_access"] = [p for p in PROTOCOLS if item[p + "_access"]]
            attr["acl"] = list(item["acl"])
        return attr


def row_kind(template: TemplateKind) -> Kind:
    """How _server_rows reads and writes templates of this kind: by name, at /<kind>/template, Default never deleted."""
    return Kind(template.kind, lambda raw: Row(template.normalize(raw), ""), "name", key_of, frozenset(("template_added",)),
                "%s template" % template.kind, "%s_templates" % template.kind, "%s_template" % template.kind,
                sub=("template",), delete_one_by_one=template.kind == "domain", permanent=frozenset((key_of(DEFAULT),)))


MAILBOX = TemplateKind("mailbox", MAILBOX_SETTINGS, MAILBOX_CREATE)
MAILBOX_TEMPLATE = row_kind(MAILBOX)


def compared_view(template: TemplateKind, item: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised template that options manage: what diffs show."""
    return view(item, ("name",) + template.compared)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One template as a task wants it. ``attrs`` holds only the options the user set."""

    name: str
    state: str
    attrs: dict[str, t.Any]

    @property
    def address(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return key_of(self.name)


def check_name(value: t.Any, option: str = "name") -> str:
    """A template's name: not empty, no control characters, surrounding space dropped."""
    text = check_text(str(value if value is not None else "").strip(), option)
    if not text:
        raise MailcowOptionError("%s must be the name of a template (such as Default or Staff), got %r" % (option, value))
    return text


def choice(value: t.Any, option: str, choices: tuple[t.Any, ...]) -> t.Any:
    """``value`` if it is one of ``choices``; refused naming ``option`` otherwise."""
    if value not in choices:
        raise MailcowOptionError("%s must be one of %s, got %r" % (option, ", ".join(str(c) for c in choices), value))
    return value


def _parse_value(template: TemplateKind, option: str, value: t.Any, where: str) -> t.Any:
    """One option's value, checked (the message names ``where`` + the option)."""
    named = where + option
    if option in ("default_quota", "max_quota", "total_quota", "quota"):
        return quota_mib(value, named, zero=" (0 = unlimited)" if option == "quota" else "")
    if option in ("max_mailboxes", "max_aliases"):
        return count(value, named)
    if option == "rate_limit":
        return rate_limit_option(value, named)
    if option == "tags":
        return sorted({check_text(str(tag).strip(), named) for tag in value if str(tag).strip()})
    if option == "acl":
        return [name for name in ACLS if name in {choice(str(entry), named, ACLS) for entry in value}]
    if option in template.parsers:
        return template.parsers[option](value, named)
    if option == "active" and template.kind == "mailbox":
        return parse_active(value, named)
    if option in ("quarantine_notification", "quarantine_category", "tagged_mail_handler"):
        choices = {"quarantine_notification": QUARANTINE_NOTIFICATIONS, "quarantine_category": QUARANTINE_CATEGORIES,
                   "tagged_mail_handler": TAGGED_MAIL_HANDLERS}
        return choice(value, named, choices[option])
    return bool(value)


def desired_from_params(template: TemplateKind, params: dict[str, t.Any], *, where: str = "") -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    prefix = where + ": " if where else ""
    name = check_name(params.get("name"), prefix + "name")
    attrs = {option: _parse_value(template, option, params[option], prefix) for option in template.compared if params.get(option) is not None}
    state = params.get("state") or "present"
    if state == "absent" and key_of(name) == key_of(DEFAULT):
        raise MailcowOptionError("%sthe %s template Default cannot be deleted: Mailcow keeps it (while answering that it removed it). "
                                 "Change its values with state=present instead" % (prefix, template.kind))
    return Desired(name, state, attrs)


# -- planning ------------------------------------------------------------------------------------


def plan(template: TemplateKind, desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The write from the rows ``found`` of the desired name to ``desired``: every value sent, or nothing."""
    kind = row_kind(template)
    if desired.state == "absent":
        return delete_all(kind, found) if found else Plan(desired.name, "none", None, None)
    current = only_row(kind, desired.name, found)
    if current is None:
        after = dict(template.create, **desired.attrs)
        after = dict({"id": None, "name": desired.name}, **after, created=None, modified=None)
        template.check(after, "template %s: " % desired.name)
        body = template.attributes(after)
        # add/domain/template takes a count or quota sent as 0 for "not sent" (the Default's value): an edit then sets it.
        zero = template.kind == "domain" and any(after[o] == 0 for o in template.settings if o.startswith("max_") or o.endswith("_quota"))
        return Plan(desired.name, "create", None, after, add_body=body, after_add=body if zero else None)
    before = current.item
    after = dict(before, **desired.attrs)
    if compared_view(template, after) == compared_view(template, before):
        return Plan(before["name"], "none", before, before, ids=(before["id"],))
    template.check(after, "template %s: " % before["name"])
    return Plan(before["name"], "update", before, after, ids=(before["id"],), edit_attr=template.attributes(after))
