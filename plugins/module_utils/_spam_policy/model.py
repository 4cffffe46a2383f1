# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the allow and deny list model.

Mailcow's spam filter keeps, per domain and per mailbox, an allow list (``wl``, mail from these
senders is never treated as spam) and a deny list (``bl``, always rejected as spam). An entry is a
sender: an address, a domain, or a pattern with ``*`` (``*@example.org``). Mailcow knows each entry
by a numeric prefid that adds do not answer; here an entry is named by its sender, and the object
by its domain or mailbox. A sender is on one list of an object at most (Mailcow refuses a second
entry, on either list), and there is no edit: moving a sender to the other list is a delete and an
add. Mailcow cleans a sender up before storing it (trimmed, lower case, ``.*`` as ``*``, no trailing
dot, runs of dots as one) and refuses one that is not letters, digits and ``@ . - * _``: both are
done here, before any request, so what is compared is what Mailcow stores.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, split_address

LISTS = ("allow", "deny")
API_LISTS = {"allow": "wl", "deny": "bl"}
# Mailcow's API categories: the reads of each list of each kind of object, the writes of each kind of object.
READ_CATEGORIES = {("allow", "domain"): "policy_wl_domain", ("deny", "domain"): "policy_bl_domain",
                   ("allow", "mailbox"): "policy_wl_mailbox", ("deny", "mailbox"): "policy_bl_mailbox"}
WRITE_CATEGORIES = {"domain": "domain-policy", "mailbox": "mailbox-policy"}
SENDER_RULE = ("an address (user@example.org), a domain (example.org) or a pattern with * (*@example.org); "
               "letters, digits and @ . - * _ only")


class Target(t.NamedTuple):
    """The domain or mailbox whose lists are managed: ``scope`` is ``domain`` or ``mailbox``."""

    scope: str
    name: str

    @property
    def add_field(self) -> str:
        """What add/domain-policy and add/mailbox-policy call the object."""
        return "domain" if self.scope == "domain" else "username"


def target_from_params(params: dict[str, t.Any]) -> Target:
    """The ``domain`` or ``mailbox`` option, in the form Mailcow stores (lower case, ASCII domain)."""
    if params.get("mailbox"):
        local_part, domain = split_address(params["mailbox"], None, None, where="mailbox")
        return Target("mailbox", "%s@%s" % (local_part.lower(), domain))
    if params.get("domain"):
        return Target("domain", ascii_domain(params["domain"], option="domain"))
    raise MailcowOptionError("one of domain or mailbox is required: whose allow and deny lists to manage")


def check_sender(value: t.Any, option: str) -> str:
    """A sender as Mailcow stores it; refused, naming ``option``, when Mailcow would refuse it."""
    text = str(value if value is not None else "").strip().lower()
    local, at, domain = text.rpartition("@")
    if domain and not domain.isascii() and "*" not in domain:
        domain = ascii_domain(domain, option=option)
    text = re.sub(r"\.+", ".", re.sub(r"\.\*", "*", local + at + domain).rstrip("."))
    bare = re.sub(r"[@.\-*_]", "", text)
    if not bare or not bare.isascii() or not bare.isalnum():
        raise MailcowOptionError("%s: %r is not a sender Mailcow can list: give %s" % (option, value, SENDER_RULE))
    return text


class Entry(t.NamedTuple):
    """One listed sender: on which list, and the prefids Mailcow holds it under."""

    sender: str
    list: str
    prefids: tuple[int, ...]


def normalize(raw: dict[str, t.Any], which: str) -> Entry:
    prefid = str(raw.get("prefid"))
    return Entry(str(raw.get("value") or ""), which, (int(prefid),) if prefid.isdigit() else ())


def lists_view(entries: t.Iterable[Entry]) -> dict[str, list[str]]:
    """The object's lists as users write them: ``{allow: [...], deny: [...]}``, each sorted."""
    view: dict[str, list[str]] = {which: [] for which in LISTS}
    for entry in entries:
        view[entry.list].append(entry.sender)
    return {which: sorted(senders) for which, senders in view.items()}


# -- desired state and plans ---------------------------------------------------------------------


class Desired(t.NamedTuple):
    sender: str
    list: str | None  # None: absent from both lists
    state: str

    @property
    def address(self) -> str:
        return self.sender

    @property
    def key(self) -> str:
        return self.sender


class Plan(t.NamedTuple):
    """What to write for one sender. ``before``/``after``: ``{sender, list}`` or None (not listed)."""

    address: str  # the sender (the shared bulk steps call it the address)
    action: str  # "create" | "update" (to the other list) | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    ids: tuple[int, ...] = ()  # prefids to delete first
    add_list: str | None = None  # the list to add the sender to

    @property
    def changed(self) -> bool:
        return self.action != "none"


def desired_single(params: dict[str, t.Any]) -> Desired:
    sender = check_sender(params.get("sender"), "sender")
    state = params.get("state") or "present"
    if state == "present" and params.get("list") not in LISTS:
        raise MailcowOptionError("list is required with sender %s and state=present: allow (never treated as spam) or deny (always rejected)" % sender)
    return Desired(sender, params.get("list") if state == "present" else None, state)


def desired_lists(params: dict[str, t.Any]) -> list[Desired]:
    """The ``allow`` and ``deny`` options, each sender checked and named once, before any request."""
    desireds: list[Desired] = []
    seen: dict[str, str] = {}
    for which in LISTS:
        for index, value in enumerate(params.get(which) or []):
            where = "%s[%d]" % (which, index)
            sender = check_sender(value, where)
            if sender in seen:
                raise MailcowOptionError("%s: %s is listed twice (also %s); a sender can be on one list only" % (where, sender, seen[sender]))
            seen[sender] = where
            desireds.append(Desired(sender, which, "present"))
    return desireds


def plan(desired: Desired, found: t.Sequence[Entry]) -> Plan:
    """The writes from the entries ``found`` of the desired sender (any list) to ``desired``."""
    before = {"sender": desired.sender, "list": found[0].list} if found else None
    prefids = tuple(p for entry in found for p in entry.prefids)
    if desired.list is None:
        return Plan(desired.sender, "delete", before, None, ids=prefids) if found else Plan(desired.sender, "none", None, None)
    after = {"sender": desired.sender, "list": desired.list}
    if not found:
        return Plan(desired.sender, "create", None, after, add_list=desired.list)
    if len(found) == 1 and found[0].list == desired.list:
        return Plan(desired.sender, "none", before, after)
    return Plan(desired.sender, "update", before, after, ids=prefids, add_list=desired.list)


def purge_plan(sender: str, found: t.Sequence[Entry]) -> Plan:
    return plan(Desired(sender, None, "absent"), found)


def add_body(target: Target, the_plan: Plan) -> dict[str, t.Any]:
    return {target.add_field: target.name, "object_from": the_plan.address, "object_list": API_LISTS[t.cast(str, the_plan.add_list)]}
