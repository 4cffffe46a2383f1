# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the domain model.

Normalises Mailcow's domain objects (bytes, 0/1 ints, ``rl`` as strings) into what users write in
tasks (MiB, booleans, ``{value, frame}``), validates desired state, predicts what Mailcow will
store (its defaults and its relay-flag forcing), and computes the smallest set of API writes.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import check_hostname, key_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import (
    MIB,
    api_value,
    ascii_domain,
    check_text,
    count,
    quota_mib,
    rate_limit_attr,
    rate_limit_option,
    rate_limit_read,
    to_int,
    unicode_domain,
    view,
)

FLAGS = ("active", "gal", "backupmx", "relay_all_recipients", "relay_unknown_only")
QUOTAS = ("default_quota", "max_quota", "total_quota")
# Option name -> attribute name of add/domain and edit/domain.
API_NAMES = {
    "description": "description",
    "max_mailboxes": "mailboxes",
    "max_aliases": "aliases",
    "default_quota": "defquota",
    "max_quota": "maxquota",
    "total_quota": "quota",
    **{flag: flag for flag in FLAGS},
}
# What Mailcow's stock "Default" domain template gives a domain added without these (docs/mailcow-api.md#defaults);
# the description then becomes the domain name.
CREATE_DEFAULTS: dict[str, t.Any] = {
    "max_mailboxes": 10,
    "max_aliases": 400,
    "default_quota": 3072,
    "max_quota": 10240,
    "total_quota": 10240,
    "active": True,
    "gal": True,
    "backupmx": False,
    "relay_all_recipients": False,
    "relay_unknown_only": False,
    "rate_limit": None,
    "tags": [],
}
COMPARED = ("description",) + tuple(k for k in CREATE_DEFAULTS)


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any], *, include_raw: bool = False) -> dict[str, t.Any]:
    """A Mailcow domain object as users think of it (quotas in MiB)."""
    name = str(raw.get("domain_name", "")).lower()
    domain: dict[str, t.Any] = {
        "domain": name,
        "domain_unicode": raw.get("domain_h_name") or unicode_domain(name),
        "description": raw.get("description") or "",
        "max_mailboxes": to_int(raw.get("max_num_mboxes_for_domain")),
        "max_aliases": to_int(raw.get("max_num_aliases_for_domain")),
        "default_quota": to_int(raw.get("def_quota_for_mbox")) // MIB,
        "max_quota": to_int(raw.get("max_quota_for_mbox")) // MIB,
        "total_quota": to_int(raw.get("max_quota_for_domain")) // MIB,
        "rate_limit": rate_limit_read(raw.get("rl")),
        "tags": sorted(str(tag) for tag in (raw.get("tags") or [])),
        "mailboxes": to_int(raw.get("mboxes_in_domain")),
        "aliases": to_int(raw.get("aliases_in_domain")),
        "quota_allocated": to_int(raw.get("quota_used_in_domain")) // MIB,
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    }
    for flag in FLAGS:
        domain[flag] = to_int(raw.get(flag + "_int", raw.get(flag))) != 0
    # Mailcow reads the relayhost back as the id string ("0": none); the manager names it when O(relayhost) is compared.
    domain["relayhost_id"] = to_int(raw.get("relayhost"))
    if include_raw:
        domain["raw"] = raw
    return domain


def compared_view(domain: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised domain that options manage: what diffs show (``relayhost`` only when it is compared)."""
    return view(domain, ("domain",) + COMPARED + ("relayhost",))


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One domain as a task wants it. ``attrs`` holds only the options the user set."""

    domain: str
    state: str
    attrs: dict[str, t.Any]
    purge_tags: bool
    force: bool
    relayhost_id: int | None = None  # the id of attrs["relayhost"], looked up by host name before planning
    template: str | None = None  # the name of the domain template a new domain is made from
    template_id: int | None = None  # its id, looked up by name before planning a create
    template_defaults: dict[str, t.Any] | None = None  # what the template gives a new domain (CREATE_DEFAULTS' keys)


def desired_from_params(params: dict[str, t.Any]) -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    domain = ascii_domain(params.get("domain"))
    attrs: dict[str, t.Any] = {}
    if params.get("description") is not None:
        # Mailcow stores the domain name for an empty description and cannot clear one: "" means that default.
        attrs["description"] = check_text(str(params["description"]).strip(), "description") or domain
    for option in ("max_mailboxes", "max_aliases"):
        if params.get(option) is not None:
            attrs[option] = count(params[option], option)
    for option in QUOTAS:
        if params.get(option) is not None:
            attrs[option] = quota_mib(params[option], option, minimum=1)
    for flag in FLAGS:
        if params.get(flag) is not None:
            attrs[flag] = bool(params[flag])
    if params.get("rate_limit") is not None:
        attrs["rate_limit"] = rate_limit_option(params["rate_limit"])
    if params.get("tags") is not None:
        attrs["tags"] = sorted({check_text(str(tag).strip(), "tags") for tag in params["tags"] if str(tag).strip()})
    if params.get("relayhost") is not None:
        # "" is no relayhost; a host name is looked up by the manager (Mailcow takes the relayhost's id).
        attrs["relayhost"] = check_hostname(params["relayhost"], "relayhost") if str(params["relayhost"]).strip() else ""
    purge_tags = params.get("purge_tags")
    template = check_text(str(params["template"]).strip(), "template") if params.get("template") is not None else None
    if template == "":
        raise MailcowOptionError("template must be the name of a domain template (e.g. Default), got an empty string")
    return Desired(domain, params.get("state") or "present", attrs, True if purge_tags is None else bool(purge_tags), bool(params.get("force")),
                   template=template)


# -- planning ------------------------------------------------------------------------------------


class Plan(t.NamedTuple):
    """What to write for one domain. ``after`` is the predicted normalised domain (None: absent)."""

    domain: str
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None
    rl_attr: dict[str, t.Any] | None = None
    tags_remove: list[str] | None = None
    mailboxes_delete: list[str] | None = None
    resources_delete: list[str] | None = None  # with force: the domain's resources, which Mailcow also counts as mailboxes

    @property
    def changed(self) -> bool:
        return self.action != "none"


def plan(desired: Desired, before: dict[str, t.Any] | None, *, mailboxes: t.Sequence[str] | None = None,
         resources: t.Sequence[str] | None = None) -> Plan:
    """The smallest set of writes from ``before`` (normalised or None) to ``desired``.

    ``mailboxes``, ``resources``: addresses of the domain's mailboxes and resources, read only for ``state=absent, force=true``.
    """
    if desired.state == "absent":
        return _plan_delete(desired, before, mailboxes)._replace(resources_delete=sorted(resources or []) or None)
    if before is None:
        return _plan_create(desired)
    return _plan_update(desired, before)


def _plan_delete(desired: Desired, before: dict[str, t.Any] | None, mailboxes: t.Sequence[str] | None) -> Plan:
    if before is None:
        return Plan(desired.domain, "none", None, None)
    count = before.get("mailboxes") or 0
    if count and not desired.force:
        raise MailcowOptionError(
            "domain %s still holds %d mailbox(es), and Mailcow refuses to delete a domain with mailboxes. Delete them first, "
            "or set force=true to delete them and all their mail together with the domain" % (desired.domain, count)
        )
    return Plan(desired.domain, "delete", before, None, mailboxes_delete=sorted(mailboxes or []) or None)


def _plan_create(desired: Desired) -> Plan:
    defaults = desired.template_defaults or CREATE_DEFAULTS
    after: dict[str, t.Any] = dict(defaults, description=desired.domain)
    after.update(desired.attrs)
    _check(desired, after, None)
    after = _force_relay(desired, after)
    _check_quotas(desired, after, "of template %s" % desired.template if desired.template else "Mailcow's default for a new domain")
    body: dict[str, t.Any] = {"domain": desired.domain}
    if desired.template_id:
        # add/domain takes the template's id; a name there is silently ignored (docs/mailcow-api.md#templates).
        body["template"] = desired.template_id
    for key, api_name in API_NAMES.items():
        if key in desired.attrs or after[key] != defaults.get(key, after[key]):
            body[api_name] = api_value(after[key])
    # Mailcow would default it to 1 anyway, but the request then says what it means.
    body.setdefault("active", 1)
    if after["tags"]:
        body["tags"] = list(after["tags"])
    if after["rate_limit"]:
        body["rl_value"], body["rl_frame"] = after["rate_limit"]["value"], after["rate_limit"]["frame"]
    predicted = dict(after, domain=desired.domain, domain_unicode=unicode_domain(desired.domain), mailboxes=0, aliases=0,
                     quota_allocated=0, created=None, modified=None, relayhost_id=desired.relayhost_id or 0)
    # add/domain is not known to take a relayhost: an edit follows the add.
    edit_attr = {"relayhost": str(desired.relayhost_id)} if desired.relayhost_id else None
    return Plan(desired.domain, "create", None, predicted, add_body=body, edit_attr=edit_attr)


def _plan_update(desired: Desired, before: dict[str, t.Any]) -> Plan:
    wanted = dict(desired.attrs)
    if "tags" in wanted and not desired.purge_tags:
        wanted["tags"] = sorted(set(before["tags"]) | set(wanted["tags"]))
    after = dict(before, **wanted)
    _check(desired, after, before)
    after = _force_relay(desired, after)
    _check_quotas(desired, after, "current value")
    edit_attr = {API_NAMES[key]: api_value(after[key]) for key in API_NAMES if after[key] != before[key]}
    if "relayhost" in wanted and key_of(wanted["relayhost"]) != key_of(before.get("relayhost")):
        edit_attr["relayhost"] = str(desired.relayhost_id or 0)
        after["relayhost_id"] = desired.relayhost_id or 0
    # Re-sending a tag the domain has makes Mailcow's edit crash half-way (docs/mailcow-api.md#domains): only the missing ones.
    tags_add = sorted(set(after["tags"]) - set(before["tags"]))
    tags_remove = sorted(set(before["tags"]) - set(after["tags"]))
    if tags_add:
        edit_attr["tags"] = tags_add
    rl_attr = None
    if after["rate_limit"] != before["rate_limit"]:
        rl_attr = rate_limit_attr(after["rate_limit"])  # edit/domain ignores rl_*
    action = "update" if (edit_attr or rl_attr or tags_remove) else "none"
    return Plan(desired.domain, action, before, after, edit_attr=edit_attr or None, rl_attr=rl_attr, tags_remove=tags_remove or None)


def _check(desired: Desired, after: dict[str, t.Any], before: dict[str, t.Any] | None) -> None:
    """Refuse what Mailcow would refuse or silently ignore, naming the option."""
    if before is None:
        return
    if after["max_aliases"] == 0 and before["max_aliases"] != 0:
        raise MailcowOptionError("max_aliases: Mailcow cannot set the maximum number of aliases of an existing domain to 0 "
                                 "(edit/domain ignores 0); give 1 or more")
    if after["max_mailboxes"] < before["mailboxes"]:
        raise MailcowOptionError("max_mailboxes (%d) must be at least the %d mailbox(es) domain %s holds"
                                 % (after["max_mailboxes"], before["mailboxes"], desired.domain))
    if after["total_quota"] < before["quota_allocated"]:
        raise MailcowOptionError("total_quota (%d MiB) must be at least the %d MiB the mailboxes of domain %s already have"
                                 % (after["total_quota"], before["quota_allocated"], desired.domain))


def _check_quotas(desired: Desired, after: dict[str, t.Any], fallback: str) -> None:
    """default_quota <= max_quota <= total_quota, with the values not given taken from ``fallback``."""

    def show(option: str) -> str:
        origin = "" if option in desired.attrs else ", %s" % fallback
        return "%s (%d MiB%s)" % (option, after[option], origin)

    for smaller, larger in (("default_quota", "max_quota"), ("max_quota", "total_quota")):
        if after[smaller] > after[larger]:
            hint = " Set %s too." % (larger if smaller in desired.attrs else smaller) if (smaller in desired.attrs) != (larger in desired.attrs) else ""
            raise MailcowOptionError("%s must not be more than %s.%s" % (show(smaller), show(larger), hint))


def _force_relay(desired: Desired, after: dict[str, t.Any]) -> dict[str, t.Any]:
    """Mailcow turns backupmx on for relay_all_recipients, and both for relay_unknown_only (docs/mailcow-api.md#domains)."""
    forced = dict(after)
    if forced["relay_unknown_only"]:
        forced["relay_all_recipients"] = True
    if forced["relay_all_recipients"]:
        forced["backupmx"] = True
    for flag in ("relay_all_recipients", "backupmx"):
        if flag in desired.attrs and desired.attrs[flag] != forced[flag]:
            cause = "relay_unknown_only" if flag == "relay_all_recipients" or forced["relay_unknown_only"] else "relay_all_recipients"
            raise MailcowOptionError("%s=false cannot hold while %s is true: Mailcow then turns %s on. Set %s=false too"
                                     % (flag, cause, flag, cause))
    return forced


def diff_view(plan_: Plan) -> dict[str, t.Any]:
    """before/after for --diff; a forced delete lists the mailboxes that go with the domain."""
    before = compared_view(plan_.before)
    if plan_.mailboxes_delete and before:
        before["mailboxes"] = list(plan_.mailboxes_delete)
    return {"before": before, "after": compared_view(plan_.after)}
