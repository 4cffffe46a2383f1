# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's log entries, normalised (no I/O).

get/logs/<log>/<count> answers the newest entries first, ``{}`` for an empty log. Each log has its
own fields and names (``rcpt``, ``lvl``, ``real_rip`` ...) and its own time: a Unix time as a number
or a string (``time``; ``unix_time`` in the Rspamd history) or the database's ``datetime``
(``YYYY-MM-DD HH:MM:SS``, the server's local time) in the SASL log. An entry here has ``time`` in
ISO 8601 (UTC, with ``Z``, for a Unix time; without an offset for the SASL log's local time),
``timestamp`` (the Unix time, null for the SASL log) and the log's fields under readable names; a
field this module does not know keeps Mailcow's name. The UI log's ``msg`` and ``call`` hold JSON,
which is decoded.
"""

from __future__ import annotations

import datetime
import json
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_text, time_or_age, whole

SYSLOG = {"program": "program", "priority": "priority", "message": "message"}
# Log -> Mailcow's field name -> the name returned. The time field is handled apart (TIME_FIELDS).
LOGS: dict[str, dict[str, str]] = {
    "acme": {"message": "message"},
    "api": {"method": "method", "uri": "uri", "remote": "remote", "data": "data"},
    "autodiscover": {"ua": "user_agent", "user": "user", "ip": "remote", "service": "service"},
    "cron": SYSLOG,
    "dovecot": SYSLOG,
    "netfilter": SYSLOG,
    "postfix": SYSLOG,
    "ratelimited": {"rcpt": "recipient", "from": "sender", "user": "user", "rl_info": "limit_info", "rl_name": "limit_name",
                    "rl_hash": "limit_hash", "qid": "queue_id", "ip": "remote", "message_id": "message_id", "header_subject": "subject",
                    "header_from": "header_from"},
    "rspamd-history": {"message-id": "message_id", "sender_smtp": "sender", "sender_mime": "header_from", "rcpt_smtp": "recipients",
                       "subject": "subject", "score": "score", "required_score": "required_score", "action": "action", "ip": "remote",
                       "size": "size", "user": "user", "qid": "queue_id"},
    "sasl": {"username": "username", "service": "service", "real_rip": "remote"},
    "sogo": SYSLOG,
    "ui": {"id": "id", "task": "task", "type": "type", "msg": "message", "call": "call", "user": "user", "role": "role", "remote": "remote"},
    "watchdog": {"service": "service", "lvl": "level", "hpnow": "health", "hptotal": "health_total", "hpdiff": "health_change"},
}
TIME_FIELDS = {"rspamd-history": "unix_time", "sasl": "datetime"}
JSON_FIELDS = {"ui": ("msg", "call")}
COUNT_DEFAULT = 100
COUNT_MAX = 10000
SQL_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$")


class Desired(t.NamedTuple):
    log: str
    newest: int  # the count option: how many of the newest entries are read
    since: datetime.datetime | None
    contains: str | None


def check_since(value: t.Any, now: datetime.datetime) -> datetime.datetime:
    """``since``: an ISO 8601 time (UTC when it has no offset) or an age such as 30m, 2h, 1d -> an aware UTC time."""
    return time_or_age(value, "since", now)


def desired_from_params(params: dict[str, t.Any], now: datetime.datetime) -> Desired:
    """Every option checked before anything is sent."""
    log = params.get("log")
    if log not in LOGS:
        raise MailcowOptionError("log must be one of %s, got %r" % (", ".join(sorted(LOGS)), log))
    count = whole(params.get("count"), "count", 1, COUNT_MAX, "a whole number of entries")
    since = check_since(params["since"], now) if params.get("since") is not None else None
    contains = check_text(params["contains"], "contains") if params.get("contains") else None
    return Desired(log, count, since, contains)


def _unix_time(value: t.Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _decoded(value: t.Any) -> t.Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def normalize(log: str, raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """One entry: ``time`` (ISO 8601), ``timestamp`` and the log's fields under readable names."""
    time_field = TIME_FIELDS.get(log, "time")
    value = raw.get(time_field)
    entry: dict[str, t.Any] = {"time": None, "timestamp": None}
    sql = SQL_TIME_RE.match(str(value)) if log == "sasl" and value is not None else None
    if sql:
        entry["time"] = "%sT%s" % sql.groups()
    else:
        stamp = _unix_time(value)
        if stamp is not None:
            entry["timestamp"] = stamp
            entry["time"] = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    names = LOGS[log]
    for key, field in raw.items():
        if key == time_field:
            continue
        entry[names.get(key, key)] = _decoded(field) if key in JSON_FIELDS.get(log, ()) else field
    return entry


def entry_time(entry: dict[str, t.Any]) -> datetime.datetime | None:
    if entry["timestamp"] is not None:
        return datetime.datetime.fromtimestamp(entry["timestamp"], datetime.timezone.utc)
    if entry["time"]:
        # The SASL log's local time, compared as if it were UTC (the server's time zone is not known here).
        return datetime.datetime.fromisoformat(entry["time"]).replace(tzinfo=datetime.timezone.utc)
    return None


def matches(desired: Desired, entry: dict[str, t.Any]) -> bool:
    if desired.since is not None:
        when = entry_time(entry)
        if when is None or when < desired.since:
            return False
    if desired.contains:
        text = json.dumps({k: v for k, v in entry.items() if k not in ("time", "timestamp")}, ensure_ascii=False, sort_keys=True)
        if desired.contains.lower() not in text.lower():
            return False
    return True
