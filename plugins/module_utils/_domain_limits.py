# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what Mailcow will refuse because of a domain's limits, found before any write.

Mailcow refuses an add/mailbox whose quota is above the domain's maximum per mailbox
(``mailbox_quota_exceeded``), whose quota does not fit in what is left of the domain's total
(``mailbox_quota_left_exceeded``; edit/mailbox checks the same on every edit), an add/mailbox
once the domain holds its maximum number of mailboxes (``max_mailbox_exceeded``), an add/alias
once it holds its maximum number of aliases (``max_alias_exceeded``), an add in a domain that does
not exist, and a sender_acl entry naming a domain that is not one of its domains or alias domains
(``sender_acl_invalid``). A quota of 0 (unlimited) is never refused and takes nothing from the
domain's total. All of it can be told from one read of the domain (get/domain/<name>), so the
modules read it once when a run adds objects or changes quotas, and refuse the run before its
first write, in check mode alike, naming each entry and the limit.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowNotFoundError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import domain_exists
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import MIB, to_int
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import MISSING_DOMAIN

# Entries named in a message; the error's failed_entries lists them all.
FIRST = 10


def read_domain(client: MailcowClient, domain: str) -> dict[str, t.Any] | None:
    """The raw object of ``domain`` (ASCII) with its limits and usage, or None when it is not a domain. One request.

    get/domain/<alias domain> answers with the target domain's object: that is not this domain's.
    """
    raw = client.get_one("domain", domain)
    if not isinstance(raw, dict) or str(raw.get("domain_name", "")).lower() != domain.lower():
        return None
    return raw


def missing_domain_error(domain: str, what: str, names: t.Sequence[str]) -> MailcowNotFoundError:
    """The refusal of adds in a domain that does not exist: say so, and how to create it."""
    error = MailcowNotFoundError(MISSING_DOMAIN % domain + (": %d %s not created" % (len(names), what) if len(names) > 1 else "") + "; nothing was written")
    error.details = _entries_details([(name, "domain %s does not exist on this Mailcow" % domain) for name in names])
    return error


# (entry, the problem in words, the message key Mailcow would answer)
Problem = t.Tuple[str, str, str]


def _entries_details(problems: t.Sequence[tuple[str, ...]]) -> dict[str, t.Any]:
    entries = [dict({"item": problem[0], "error": problem[1]}, **({"msg_key": problem[2]} if len(problem) > 2 else {})) for problem in problems]
    return {"changed": False, "failed_entries": entries, "not_attempted": [], "done": []}


def refuse(problems: list[Problem], domain: str) -> None:
    """Raise one MailcowValidationError for every ``(entry, problem, key)`` found before any write; nothing when none.

    An entry with several problems is listed once, its problems joined; the error's msg_key is the first problem's.
    """
    if not problems:
        return
    by_entry: dict[str, list[Problem]] = {}
    for problem in problems:
        by_entry.setdefault(problem[0], []).append(problem)
    problems = [(name, "; ".join(p[1] for p in found), found[0][2]) for name, found in by_entry.items()]
    shown = "; ".join("%s: %s" % problem[:2] for problem in problems[:FIRST])
    more = "; ... (%d more)" % (len(problems) - FIRST) if len(problems) > FIRST else ""
    error = MailcowValidationError(
        "Mailcow would refuse %d entr%s in domain %s, so nothing was written: %s%s"
        % (len(problems), "y" if len(problems) == 1 else "ies", domain, shown, more), msg_key=problems[0][2]
    )
    error.details = _entries_details(problems)
    raise error


def _quota_m(plan: t.Any, side: str) -> int:
    state = getattr(plan, side)
    return to_int(state.get("quota")) if state else 0


def mailbox_problems(raw: dict[str, t.Any], plans: t.Sequence[t.Any]) -> list[Problem]:
    """What Mailcow would refuse of the mailbox ``plans`` (create, update, delete) given the domain's ``raw`` object.

    Deletes run first and free their quota and place; then edits, then adds. An add is refused
    once the domain holds its maximum number of mailboxes; a quota (MiB, 0 = unlimited) above the
    maximum per mailbox; and quotas that together exceed the domain's total.
    """
    problems: list[Problem] = []
    max_per_mailbox = to_int(raw.get("max_quota_for_mbox")) // MIB
    total = to_int(raw.get("max_quota_for_domain")) // MIB
    creates = [p for p in plans if p.action == "create"]
    deletes = [p for p in plans if p.action == "delete"]
    # An edit that changes the quota is checked; Mailcow checks it on every edit, but an unchanged quota was accepted before.
    resized = [p for p in plans if p.action == "update" and _quota_m(p, "after") != _quota_m(p, "before")]
    for p in creates + resized:
        quota = _quota_m(p, "after")
        if quota > max_per_mailbox:
            problems.append((p.address, "quota %d MiB is above the domain's maximum per mailbox (%d MiB)" % (quota, max_per_mailbox), "mailbox_quota_exceeded"))
    limit = to_int(raw.get("max_num_mboxes_for_domain"))
    count = to_int(raw.get("mboxes_in_domain")) - len(deletes)
    room = max(limit - count, 0)
    if len(creates) > room:
        why = "the domain allows %d mailboxes and holds %d%s: %d more can be added, %d are to be added" % (
            limit, count, " after the deletes" if deletes else "", room, len(creates))
        problems.extend((p.address, why, "max_mailbox_exceeded") for p in creates[room:])
    used = to_int(raw.get("quota_used_in_domain"))
    freed = sum(_quota_m(p, "before") for p in deletes + resized) * MIB
    refused = {problem[0] for problem in problems}
    wanted = [p for p in creates + resized if _quota_m(p, "after") > 0 and p.address not in refused]
    new = sum(_quota_m(p, "after") for p in wanted)
    left = total - int((used - freed) / MIB + 0.5)
    if wanted and new > left:
        why = "the new quotas add up to %d MiB, more than the %d MiB left of the domain's total quota (%d MiB)" % (new, max(left, 0), total)
        problems.extend((p.address, why, "mailbox_quota_left_exceeded") for p in wanted)
    return problems


def alias_problems(raw: dict[str, t.Any], plans: t.Sequence[t.Any]) -> list[Problem]:
    """What Mailcow would refuse of the alias ``plans`` given the domain's ``raw`` object: adds beyond its maximum number of aliases.

    Mailcow refuses an add/alias when the domain has exactly none left (max_alias_exceeded); deletes run first.
    """
    creates = [p for p in plans if p.action == "create"]
    if not creates:
        return []
    limit = to_int(raw.get("max_num_aliases_for_domain"))
    left = to_int(raw.get("aliases_left")) + sum(1 for p in plans if p.action == "delete")
    if left < 0 or len(creates) <= left:
        return []  # above its maximum already (the maximum was lowered): Mailcow counts down to exactly 0 only
    why = "the domain allows %d aliases and has %d left: %d are to be added" % (limit, left, len(creates))
    return [(p.address, why, "max_alias_exceeded") for p in creates[left:]]


def sender_acl_problems(client: MailcowClient, plans: t.Sequence[t.Any], known: dict[str, bool]) -> list[Problem]:
    """sender_acl entries naming a domain that is neither a domain nor an alias domain of this Mailcow.

    ``known``: domain -> exists, for the domains already read. The mailbox's own domain is taken to
    exist (its add is checked on its own); each other domain named is read once (get/domain answers
    an alias domain with its target's object, so any answer means it exists).
    """
    problems: list[Problem] = []
    for p in plans:
        if p.action not in ("create", "update") or not p.after or "sender_acl" not in (p.edit_attr or {}):
            continue
        own = p.address.rpartition("@")[2].lower()
        for entry in p.after.get("sender_acl") or []:
            domain = entry.rpartition("@")[2].lower()
            if entry == "*" or (domain == own and known.get(own, True)):
                continue
            if domain not in known:
                known[domain] = domain_exists(client, domain)
            if not known[domain]:
                problems.append((p.address, "sender_acl entry %s: %s is not a domain or alias domain of this Mailcow (Mailcow accepts only "
                                            "its own domains and addresses there)" % (entry, domain), "sender_acl_invalid"))
    return problems


def not_yet(domain: str, what: str) -> str:
    """The check-mode warning for objects of a domain that does not exist (yet): a play may create it in an earlier task."""
    return ("domain %s does not exist on this Mailcow (yet), so check mode cannot check its limits: a real run will fail without adding "
            "the %s unless the domain is created first (mailcow_domain, or the role's mailcow_domain_settings)" % (domain, what))


def check_mailboxes(client: MailcowClient, domain: str, plans: t.Sequence[t.Any], *, check_mode: bool = False) -> list[str]:
    """Refuse, before any write, mailbox plans of ``domain`` that Mailcow would refuse; reads the domain once when a plan adds or resizes.

    In check mode a missing domain is a warning (returned), not a refusal: an earlier task of the play may create it.
    """
    creates = [p.address for p in plans if p.action == "create"]
    known: dict[str, bool] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    if creates or any(p.action == "update" and _quota_m(p, "after") != _quota_m(p, "before") for p in plans):
        raw = read_domain(client, domain)
        if raw is None and creates:
            if not check_mode:
                raise missing_domain_error(domain, "mailboxes", creates)
            warnings.append(not_yet(domain, "mailboxes"))
        known[domain] = raw is not None or check_mode
        problems = mailbox_problems(raw, plans) if raw else []
    refuse(problems + sender_acl_problems(client, plans, known), domain)
    return warnings


def check_aliases(client: MailcowClient, domain: str, plans: t.Sequence[t.Any], *, check_mode: bool = False) -> list[str]:
    """Refuse, before any write, alias adds in ``domain`` that Mailcow would refuse; reads the domain once when a plan adds.

    In check mode a missing domain is a warning (returned), not a refusal: an earlier task of the play may create it.
    """
    creates = [p.address for p in plans if p.action == "create"]
    if not creates:
        return []
    raw = read_domain(client, domain)
    if raw is None:
        if not check_mode:
            raise missing_domain_error(domain, "aliases", creates)
        return [not_yet(domain, "aliases")]
    refuse(alias_problems(raw, plans), domain)
    return []
