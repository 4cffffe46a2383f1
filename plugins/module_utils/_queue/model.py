# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Postfix's mail queue as Mailcow lists it, the selection of its messages, and queue actions (no I/O).

get/mailq/all answers Postfix's ``postqueue -j`` entries (``[]`` when the queue is empty) with each
recipient flattened to ``"address"`` or ``"address (delay reason)"``. A message here has ``queue_id``,
``status`` (the Postfix queue it is in: active, deferred, hold, incoming, maildrop), ``arrival_time``
(ISO 8601, UTC), ``timestamp``, ``age_seconds``, ``sender`` (``""`` for a bounce), ``recipients``
(``address`` and ``delay_reason``), ``size`` (bytes) and ``forced_expire``.

Mailcow's queue actions answer ``queue_command_success`` whatever happened: for a queue id that is not
in the queue (Postfix's tools exit 0 for it) and for one that is not hexadecimal (Mailcow's dockerapi
drops it before running anything). So every queue id is checked here before any request, and the
queue read first decides what each action would change.
"""

from __future__ import annotations

import datetime
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowNotFoundError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import AGE_FORMS, address_or_domain, age_seconds, whole

QUEUES = ("active", "deferred", "hold", "incoming", "maildrop")
ACTIONS = ("flush", "hold", "release", "delete")
# Mailcow's dockerapi runs Postfix's tools only for ids made of hexadecimal digits (Postfix's short queue ids).
QUEUE_ID_RE = re.compile(r"^[0-9A-Fa-f]{5,32}$")
NULL_SENDER = "<>"
DELETE_MAX_SHARE_DEFAULT = 50
SHOWN = 10
PAST = {"hold": "held", "release": "released", "flush": "delivered", "delete": "deleted"}


class Selection(t.NamedTuple):
    queue_ids: tuple[str, ...]
    sender: str | None  # "" (the null sender), an address, or @domain
    recipient: str | None
    older_than: int | None  # seconds
    statuses: tuple[str, ...]

    @property
    def given(self) -> bool:
        return bool(self.queue_ids or self.statuses) or self.sender is not None or self.recipient is not None or self.older_than is not None


class Plan(t.NamedTuple):
    action: str
    targets: list[dict[str, t.Any]]  # the messages the action changes, as they are before
    missing: list[str]  # named queue ids that are not in the queue (a delete counts them as done)
    flush_all: bool  # flush the whole queue (postqueue -f) rather than deliver the selected messages one by one

    @property
    def changed(self) -> bool:
        return bool(self.targets)

    @property
    def queue_ids(self) -> list[str]:
        return [entry["queue_id"] for entry in self.targets]


def _address_pattern(value: t.Any, option: str) -> str | None:
    """``<>`` (the null sender of bounces) -> "", an address -> itself lower-cased, a domain or @domain -> ``@domain``."""
    if value is None:
        return None
    text = str(value).strip()
    if text == NULL_SENDER and option == "sender":
        return ""
    found = address_or_domain(text, option=option, what="an address, or a domain (example.org or @example.org)%s"
                              % (", or <> for bounces" if option == "sender" else ""))
    return found if "@" in found else "@" + found


def check_queue_id(value: t.Any, option: str = "queue_ids") -> str:
    text = str(value).strip()
    if not QUEUE_ID_RE.match(text):
        raise MailcowOptionError("%s: %r is not a Postfix queue id Mailcow can act on: 5 to 32 hexadecimal digits such as 4F2A91C0D3 "
                                 "(mailcow_queue_info lists them; Mailcow silently ignores any other id)" % (option, value))
    return text.upper()


def selection_from_params(params: dict[str, t.Any]) -> Selection:
    """Every selection option checked before anything is sent."""
    ids = tuple(dict.fromkeys(check_queue_id(value) for value in params.get("queue_ids") or []))
    older = params.get("older_than")
    seconds = None
    if older is not None:
        seconds = age_seconds(older)
        if seconds is None:
            raise MailcowOptionError("older_than must be %s, got %r" % (AGE_FORMS, older))
    statuses = tuple(params.get("status") or ())
    unknown = [name for name in statuses if name not in QUEUES]
    if unknown:
        raise MailcowOptionError("status must name Postfix queues (%s), got %s" % (", ".join(QUEUES), ", ".join(map(repr, unknown))))
    return Selection(ids, _address_pattern(params.get("sender"), "sender"), _address_pattern(params.get("recipient"), "recipient"), seconds,
                     statuses)


def _recipient(raw: t.Any) -> dict[str, t.Any]:
    """``"a@b (reason)"`` or ``"a@b"`` as Mailcow flattens them; a postqueue -j object as it is."""
    if isinstance(raw, dict):
        return {"address": str(raw.get("address", "")), "delay_reason": raw.get("delay_reason")}
    text = str(raw)
    address, sep, reason = text.partition(" (")
    if sep and reason.endswith(")"):
        return {"address": address, "delay_reason": reason[:-1]}
    return {"address": text, "delay_reason": None}


def _int(value: t.Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def normalize(raw: dict[str, t.Any], now: datetime.datetime) -> dict[str, t.Any]:
    stamp = _int(raw.get("arrival_time"))
    arrival = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc)
    return {
        "queue_id": str(raw.get("queue_id", "")),
        "status": str(raw.get("queue_name", "")),
        "arrival_time": arrival.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timestamp": stamp,
        "age_seconds": max(0, int((now - arrival).total_seconds())),
        "sender": str(raw.get("sender") or ""),
        "recipients": [_recipient(item) for item in raw.get("recipients") or []],
        "size": _int(raw.get("message_size")),
        "forced_expire": bool(raw.get("forced_expire")),
    }


def normalize_all(raw: t.Any, now: datetime.datetime) -> list[dict[str, t.Any]]:
    """The listing, oldest first; ``{}`` (what older Mailcow versions print for an empty queue) is empty."""
    items = raw if isinstance(raw, list) else []
    entries = [normalize(item, now) for item in items if isinstance(item, dict)]
    return sorted(entries, key=lambda entry: (entry["timestamp"], entry["queue_id"]))


def _address_matches(pattern: str, address: str) -> bool:
    address = address.lower()
    return address.endswith(pattern) if pattern.startswith("@") else address == pattern


def _sender_matches(pattern: str, sender: str) -> bool:
    """"" (from <>) matches only the null sender of bounces."""
    return sender == "" if pattern == "" else _address_matches(pattern, sender)


def matches(selection: Selection, entry: dict[str, t.Any]) -> bool:
    if selection.queue_ids and entry["queue_id"].upper() not in selection.queue_ids:
        return False
    if selection.statuses and entry["status"] not in selection.statuses:
        return False
    if selection.older_than is not None and entry["age_seconds"] < selection.older_than:
        return False
    if selection.sender is not None and not _sender_matches(selection.sender, entry["sender"]):
        return False
    if selection.recipient is not None and not any(_address_matches(selection.recipient, r["address"]) for r in entry["recipients"]):
        return False
    return True


def counts(entries: list[dict[str, t.Any]]) -> dict[str, int]:
    found = dict.fromkeys(QUEUES, 0)
    for entry in entries:
        found[entry["status"]] = found.get(entry["status"], 0) + 1
    return found


def check_action_options(params: dict[str, t.Any]) -> None:
    if params.get("action") not in ACTIONS:
        raise MailcowOptionError("action must be one of %s, got %r" % (", ".join(ACTIONS), params.get("action")))
    whole(params.get("delete_max_share", DELETE_MAX_SHARE_DEFAULT), "delete_max_share", 0, 100, "a percentage")


def _shown(entries: list[dict[str, t.Any]]) -> str:
    ids = [entry["queue_id"] for entry in entries]
    return ", ".join(ids[:SHOWN]) + (" and %d more" % (len(ids) - SHOWN) if len(ids) > SHOWN else "")


def _guard_delete(selection: Selection, targets: list[dict[str, t.Any]], total: int, params: dict[str, t.Any]) -> None:
    """A delete that looks like a mistake is refused before any write (in check mode alike), as a purge is.

    No selection at all deletes the whole queue: only with allow_delete_all. Deleting more than
    delete_max_share percent of the queue through filters: only with that raised (so emptying the
    queue takes both options). Messages named by queue_ids are deleted as asked and not counted.
    """
    would = "would delete %d of the %d messages in the queue%s" % (len(targets), total, ": %s" % _shown(targets) if targets else "")
    if not selection.given and not params.get("allow_delete_all"):
        raise MailcowOptionError("action=delete without queue_ids, sender, recipient, older_than or status %s. Refused because a "
                                 "forgotten or misspelt selection would empty the mail queue: set allow_delete_all=true (and "
                                 "delete_max_share=100) if that is what you want" % would)
    limit = params.get("delete_max_share")
    limit = DELETE_MAX_SHARE_DEFAULT if limit is None else limit
    if not selection.queue_ids and targets and len(targets) * 100 > limit * total:
        raise MailcowOptionError("action=delete %s, which is more than delete_max_share=%d%% of the queue in one run. Check the selection "
                                 "(run mailcow_queue_info with it, or this task in check mode), name the messages by queue_ids, or "
                                 "raise delete_max_share (up to 100) to allow it" % (would, limit))


def plan(params: dict[str, t.Any], selection: Selection, entries: list[dict[str, t.Any]]) -> Plan:
    """What ``action`` changes in the queue as read; a named queue id that is not there fails every action but delete."""
    action = params["action"]
    present = {entry["queue_id"].upper() for entry in entries}
    missing = [qid for qid in selection.queue_ids if qid not in present]
    if missing and action != "delete":
        raise MailcowNotFoundError("queue_ids: %s %s not in the mail queue (delivered, bounced or deleted since it was listed?), so "
                                   "it cannot be %s. Nothing was changed; mailcow_queue_info lists the queue"
                                   % (", ".join(missing), "is" if len(missing) == 1 else "are", PAST[action]))
    selected = [entry for entry in entries if matches(selection, entry)]
    if action == "hold":
        targets = [entry for entry in selected if entry["status"] != "hold"]
    elif action == "release":
        targets = [entry for entry in selected if entry["status"] == "hold"]
    elif action == "flush":
        targets = [entry for entry in selected if entry["status"] != "hold"]  # Postfix delivers held mail only once released
    else:
        targets = selected
        _guard_delete(selection, targets, len(entries), params)
    unreachable = [entry["queue_id"] for entry in targets if not QUEUE_ID_RE.match(entry["queue_id"])]
    if unreachable:
        raise MailcowOptionError("%s would be %s, but Mailcow acts only on hexadecimal queue ids and silently skips %s (long queue ids: "
                                 "Postfix's enable_long_queue_ids). Nothing was changed; narrow the selection, or act on them in the "
                                 "postfix container" % (_shown([{"queue_id": qid} for qid in unreachable]), PAST[action],
                                                        "it" if len(unreachable) == 1 else "them"))
    return Plan(action, targets, missing, action == "flush" and not selection.given)


AFTER_STATUS = {"hold": "hold", "release": "deferred", "flush": "flushed"}


def _line(entry: dict[str, t.Any], status: str) -> dict[str, t.Any]:
    return {"status": status, "sender": entry["sender"] or NULL_SENDER, "recipients": [r["address"] for r in entry["recipients"]]}


def diff(the_plan: Plan) -> dict[str, t.Any]:
    """The messages the action changes, by queue id: their queue before, and after (a deleted one is gone)."""
    before = {entry["queue_id"]: _line(entry, entry["status"]) for entry in the_plan.targets}
    after = {} if the_plan.action == "delete" else {entry["queue_id"]: _line(entry, AFTER_STATUS[the_plan.action]) for entry in the_plan.targets}
    return {"before": {"queue": before}, "after": {"queue": after}}


def not_done(the_plan: Plan, now: list[dict[str, t.Any]]) -> list[str]:
    """Messages the re-read queue shows not as a hold, release or delete left them (gone counts as done)."""
    status = {entry["queue_id"]: entry["status"] for entry in now}
    wrong = []
    for qid in the_plan.queue_ids:
        found = status.get(qid)
        if found is None:
            continue
        if the_plan.action == "delete" or (the_plan.action == "hold") != (found == "hold"):
            wrong.append("%s (%s)" % (qid, found))
    return wrong
