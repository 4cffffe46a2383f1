# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: quarantined items, normalised, selected and planned (no I/O).

get/quarantine/all answers each item with Mailcow's numeric ``id``, the Postfix queue id ``qid``,
``rcpt``, ``sender``, ``subject``, ``score`` (a number), Rspamd's ``action`` and ``created`` (a Unix
time), ``[]`` when the quarantine is empty. The numeric id is Mailcow's row number, which nobody
outside Mailcow can know, so an item is named here by its identity: the first 16 hex digits of
SHA-256 over the queue id, the recipient (lower-case) and the Unix time it was quarantined. These
do not change while the item is in the quarantine, and a message quarantined for two recipients
is two items with two identities.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import address_or_domain, ascii_domain, parse_address, time_or_age, whole

IDENTITY_RE = re.compile(r"^[0-9a-f]{16}$")
# The module's action -> Mailcow's edit/qitem action (None: delete/qitem).
ACTIONS: dict[str, str | None] = {"release": "release", "learn_ham": "learnham", "learn_spam": "learnspam", "delete": None}
ACTION_WORDS = {"release": "released", "learn_ham": "released and learnt as ham", "learn_spam": "learnt as spam and deleted",
                "delete": "deleted"}
MAX_SHARE_DEFAULT = 50
FILTER_OPTIONS = ("mailbox", "domain", "sender", "older_than", "newer_than", "min_score", "max_score")
SHOWN = 10


class Selection(t.NamedTuple):
    """Which items: every condition given must hold (an empty tuple or None: no condition)."""

    identities: tuple[str, ...] | None  # None: not given; an empty list given selects nothing
    mailboxes: tuple[str, ...]
    domains: tuple[str, ...]
    senders: tuple[str, ...]  # addresses and domains
    older_than: datetime.datetime | None  # quarantined before this time
    newer_than: datetime.datetime | None  # quarantined at or after this time
    min_score: float | None
    max_score: float | None

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) not in ((), None) for name in self._fields if name != "identities")


class Desired(t.NamedTuple):
    action: str
    selection: Selection
    max_share: int
    fail_on_missing: bool


class Plan(t.NamedTuple):
    action: str
    targets: list[dict[str, t.Any]]  # normalised items, in Mailcow's order
    missing: list[str]  # identities asked for that are not in the quarantine
    total: int  # items in the quarantine

    @property
    def changed(self) -> bool:
        return bool(self.targets)


def identity(qid: t.Any, rcpt: t.Any, created: t.Any) -> str:
    """An item's stable name: what the quarantine row says of the message and when it arrived, hashed."""
    text = "%s\n%s\n%s" % (qid if qid is not None else "", str(rcpt or "").lower(), _unix_time(created))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _unix_time(value: t.Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _score(value: t.Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """One item of get/quarantine/all under readable names, its time in ISO 8601 (UTC), its identity first."""
    stamp = _unix_time(raw.get("created"))
    return {
        "identity": identity(raw.get("qid"), raw.get("rcpt"), raw.get("created")),
        "time": datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if stamp is not None else None,
        "timestamp": stamp,
        "sender": raw.get("sender"),
        "recipient": raw.get("rcpt"),
        "subject": raw.get("subject"),
        "score": _score(raw.get("score")),
        "action": raw.get("action"),
        "virus": bool(_unix_time(raw.get("virus_flag"))),
        "notified": bool(_unix_time(raw.get("notified"))),
        "queue_id": raw.get("qid"),
        "mailcow_id": _unix_time(raw.get("id")),
    }


def summary(item: dict[str, t.Any]) -> str:
    """One readable line: when, from whom, to whom, the score and the subject."""
    return "%s from %s to %s, score %s: %s" % (item["time"] or "?", item["sender"], item["recipient"],
                                               "?" if item["score"] is None else "%g" % item["score"], item["subject"] or "(no subject)")


# -- options ---------------------------------------------------------------------------------------


def _texts(params: dict[str, t.Any], option: str) -> list[t.Any]:
    value = params.get(option)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MailcowOptionError("%s must be a list, got %r" % (option, value))
    return value


def _identity(value: t.Any, index: int) -> str:
    text = str(value if value is not None else "").strip().lower()
    if not IDENTITY_RE.match(text):
        raise MailcowOptionError("identities[%d] must be an item's identity as mailcow_quarantine_info returns it (16 hex digits, "
                                 "such as 3f2a9c1d8e7b6a50), got %r" % (index, value))
    return text


def _score_bound(params: dict[str, t.Any], option: str) -> float | None:
    value = params.get(option)
    if value is None:
        return None
    number = _score(value)
    if number is None or not math.isfinite(number):
        raise MailcowOptionError("%s must be a number such as 7.5, got %r" % (option, value))
    return number


def selection_from_params(params: dict[str, t.Any], now: datetime.datetime) -> Selection:
    """Every selecting option checked, before anything is sent."""
    given = params.get("identities")
    identities = None if given is None else tuple(dict.fromkeys(_identity(value, index) for index, value in enumerate(_texts(params, "identities"))))
    mailboxes = tuple(dict.fromkeys(("%s@%s" % parse_address(value, option="mailbox[%d]" % index)).lower()
                                    for index, value in enumerate(_texts(params, "mailbox"))))
    domains = tuple(dict.fromkeys(ascii_domain(str(value or "").lstrip("@"), option="domain[%d]" % index)
                                  for index, value in enumerate(_texts(params, "domain"))))
    senders = tuple(dict.fromkeys(address_or_domain(value, option="sender[%d]" % index, what="an address or a domain")
                                  for index, value in enumerate(_texts(params, "sender"))))
    older = time_or_age(params["older_than"], "older_than", now) if params.get("older_than") is not None else None
    newer = time_or_age(params["newer_than"], "newer_than", now) if params.get("newer_than") is not None else None
    if older is not None and newer is not None and newer >= older:
        raise MailcowOptionError("newer_than (%s) must be earlier than older_than (%s), else no item can match: items quarantined "
                                 "between the two are selected" % (_iso(newer), _iso(older)))
    low, high = _score_bound(params, "min_score"), _score_bound(params, "max_score")
    if low is not None and high is not None and low > high:
        raise MailcowOptionError("min_score (%g) must not be above max_score (%g)" % (low, high))
    return Selection(identities, mailboxes, domains, senders, older, newer, low, high)


def _iso(when: datetime.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def desired_from_params(params: dict[str, t.Any], now: datetime.datetime) -> Desired:
    """mailcow_quarantine's options: an action and a selection that names items or filters them."""
    action = params.get("action")
    if action not in ACTIONS:
        raise MailcowOptionError("action must be one of %s, got %r" % (", ".join(ACTIONS), action))
    selection = selection_from_params(params, now)
    if selection.identities is None and not selection.filtered:
        raise MailcowOptionError("name the items to %s with identities (from mailcow_quarantine_info) or select them with at least one "
                                 "of %s; acting on the whole quarantine takes a filter such as older_than: 0s and max_share: 100"
                                 % (action.replace("_", " "), ", ".join(FILTER_OPTIONS)))
    max_share = whole(params.get("max_share", MAX_SHARE_DEFAULT), "max_share", 0, 100, "a percentage")
    return Desired(action, selection, max_share, bool(params.get("fail_on_missing")))


# -- selecting and planning ------------------------------------------------------------------------


def _domain_of(address: t.Any) -> str:
    return str(address or "").rpartition("@")[2].lower()


def matches(selection: Selection, item: dict[str, t.Any]) -> bool:
    recipient = str(item["recipient"] or "").lower()
    sender = str(item["sender"] or "").lower()
    checks = (
        selection.identities is None or item["identity"] in selection.identities,
        not selection.mailboxes or recipient in selection.mailboxes,
        not selection.domains or _domain_of(recipient) in selection.domains,
        not selection.senders or sender in selection.senders or _domain_of(sender) in selection.senders,
        selection.min_score is None or (item["score"] is not None and item["score"] >= selection.min_score),
        selection.max_score is None or (item["score"] is not None and item["score"] <= selection.max_score),
    )
    return all(checks) and _in_window(selection, item["timestamp"])


def _in_window(selection: Selection, stamp: int | None) -> bool:
    if selection.older_than is None and selection.newer_than is None:
        return True
    if stamp is None:
        return False
    when = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc)
    return (selection.older_than is None or when < selection.older_than) and (selection.newer_than is None or when >= selection.newer_than)


def select(selection: Selection, items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    return [item for item in items if matches(selection, item)]


def plan(desired: Desired, items: list[dict[str, t.Any]]) -> Plan:
    """The items to act on, refused before any write (and in check mode alike) when the guards say so."""
    targets = select(desired.selection, items)
    present = {item["identity"] for item in items}
    missing = [name for name in desired.selection.identities or () if name not in present]
    if missing and desired.fail_on_missing:
        raise MailcowOptionError("%d of the identities are not in the quarantine (%s): already acted on, or not an item of this Mailcow; "
                                 "set fail_on_missing=false to take them as done" % (len(missing), _shown(missing)))
    if desired.selection.identities is None:
        _guard(desired, targets, len(items))
    return Plan(desired.action, targets, missing, len(items))


def _shown(names: list[str], separator: str = ", ") -> str:
    """The first SHOWN names and how many more."""
    return separator.join(names[:SHOWN]) + (" and %d more" % (len(names) - SHOWN) if len(names) > SHOWN else "")


def _guard(desired: Desired, targets: list[dict[str, t.Any]], total: int) -> None:
    """Filters alone may select at most max_share percent of the quarantine: a loose filter must not empty it."""
    if targets and len(targets) * 100 > desired.max_share * total:
        raise MailcowOptionError(
            "the filters select %d of the %d quarantined items (%d%%), more than max_share=%d%% in one run; they would be %s: %s. "
            "Narrow the filters, name the items with identities, or raise max_share (up to 100) to allow it"
            % (len(targets), total, len(targets) * 100 // total, desired.max_share, ACTION_WORDS[desired.action],
               _shown([summary(item) for item in targets], "; ")))


def diff(the_plan: Plan) -> dict[str, t.Any]:
    """Before: the items acted on, one readable line each under its identity; after: they have left the quarantine."""
    return {
        "before_header": "quarantine",
        "after_header": "quarantine after the items are %s" % ACTION_WORDS[the_plan.action],
        "before": {item["identity"]: summary(item) for item in the_plan.targets},
        "after": {},
    }
