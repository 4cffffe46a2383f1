# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_message_info's filters -> one IMAP UID SEARCH command.

The server does the searching (RFC 3501 6.4.4): only the matching UIDs come back, never the
messages. Non-ASCII text goes as UTF-8 literals with ``CHARSET UTF-8``; times finer than a day
use WITHIN's YOUNGER/OLDER (RFC 5032) when the server has it, as Dovecot does.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap_protocol import quote, search_date

RELATIVE = re.compile(r"^-?\s*(\d+)\s*(s|sec|m|min|h|d|w)\w*$", re.IGNORECASE)
UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclasses.dataclass(frozen=True)
class When:
    """A ``since``/``before`` bound: a whole day (IMAP's own granularity) or a moment."""

    moment: datetime.datetime
    day_only: bool


@dataclasses.dataclass(frozen=True)
class Filters:
    unseen: bool = False
    since: When | None = None
    before: When | None = None
    sender: str | None = None
    to: str | None = None
    subject: str | None = None
    message_id: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


class Text(str):
    """A search argument that is a string (quoted or sent as a literal), not a keyword.

    Line breaks become spaces: a header value to search for is one line.
    """

    def __new__(cls, value: str) -> Text:
        return super().__new__(cls, str(value).replace("\r", " ").replace("\n", " "))


@dataclasses.dataclass(frozen=True)
class SearchCommand:
    """Arguments for imaplib's ``uid('SEARCH', *args)`` plus an optional final synchronising literal."""

    args: tuple[bytes, ...]
    literal: bytes | None = None


def parse_when(value: str | None, option: str, *, now: datetime.datetime) -> When | None:
    """``2026-11-24`` (a day), ISO 8601 ``2026-11-24T10:00:00+01:00`` (a moment; local time if no zone), or ``15m``/``2h``/``3d`` ago."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    relative = RELATIVE.match(text)
    if relative:
        seconds = int(relative.group(1)) * UNIT_SECONDS[relative.group(2).lower()]
        return When(now - datetime.timedelta(seconds=seconds), day_only=False)
    try:
        if re.match(r"^\d{4}-\d\d-\d\d$", text):
            day = datetime.date.fromisoformat(text)
            return When(datetime.datetime(day.year, day.month, day.day).astimezone(), day_only=True)
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MailcowOptionError("%s: %r is neither a date (2026-11-24), an ISO 8601 time (2026-11-24T10:00:00+01:00) "
                                 "nor an age such as 30m, 2h or 7d" % (option, value)) from None
    return When(moment if moment.tzinfo else moment.astimezone(), day_only=False)


def criteria(filters: Filters, *, now: datetime.datetime, within: bool) -> list[str]:
    """Search keys, ANDed by IMAP; str items are keywords, Text items are strings."""
    keys: list[str] = ["UNSEEN"] if filters.unseen else []
    keys += _time_keys("SINCE", filters.since, now=now, within=within)
    keys += _time_keys("BEFORE", filters.before, now=now, within=within)
    for keyword, value in (("FROM", filters.sender), ("TO", filters.to), ("SUBJECT", filters.subject)):
        if value:
            keys += [keyword, Text(value)]
    if filters.message_id:
        keys += ["HEADER", Text("Message-ID"), Text(filters.message_id)]
    for name, value in filters.headers:
        keys += ["HEADER", Text(name), Text(value)]
    return keys or ["ALL"]


def _time_keys(keyword: str, bound: When | None, *, now: datetime.datetime, within: bool) -> list[str]:
    if bound is None:
        return []
    if bound.day_only or not within:
        # IMAP SINCE/BEFORE compare the arrival date only, in the server's time zone.
        return [keyword, search_date(bound.moment.date())]
    age = (now - bound.moment).total_seconds()
    if keyword == "SINCE":
        return ["YOUNGER", str(max(1, math.ceil(age)))]
    if age <= 0:
        return []  # every message arrived before a moment still to come
    return ["OLDER", str(max(1, math.floor(age)))]


def render(keys: list[str], *, literal_plus: bool) -> SearchCommand:
    """Keys -> command arguments. ASCII strings are quoted; UTF-8 ones become literals.

    Without LITERAL+ (RFC 7888) imaplib can send only one synchronising literal, at the end of
    the command; since search keys are ANDed, the one non-ASCII key moves there.
    """
    pairs = _key_groups(keys)
    wide = [group for group in pairs if any(isinstance(k, Text) and not _quotable(k) for k in group)]
    if not wide:
        return SearchCommand(tuple(_arg(k) for group in pairs for k in group))
    if not literal_plus:
        if len(wide) > 1 or any(isinstance(k, Text) and not _quotable(k) for k in wide[0][:-1]):
            raise MailcowOptionError("this IMAP server lacks LITERAL+, so only one filter may contain non-ASCII text")
        rest = [k for group in pairs if group is not wide[0] for k in group] + wide[0][:-1]
        literal = str(wide[0][-1]).encode("utf-8")
        return SearchCommand((b"CHARSET", b"UTF-8") + tuple(_arg(k) for k in rest), literal)
    args = [_literal_plus(k) if isinstance(k, Text) and not _quotable(k) else _arg(k) for group in pairs for k in group]
    return SearchCommand((b"CHARSET", b"UTF-8") + tuple(args))


def _key_groups(keys: list[str]) -> list[list[str]]:
    """Split keys into search terms: a keyword and the arguments that belong to it."""
    groups: list[list[str]] = []
    for key in keys:
        if isinstance(key, Text) or (groups and groups[-1][0] in ("SINCE", "BEFORE", "YOUNGER", "OLDER") and len(groups[-1]) == 1):
            groups[-1].append(key)
        else:
            groups.append([key])
    return groups


def _quotable(value: str) -> bool:
    return value.isascii()


def _arg(key: str) -> bytes:
    return (quote(key) if isinstance(key, Text) else key).encode("ascii")


def _literal_plus(key: str) -> bytes:
    data = key.encode("utf-8")
    return b"{%d+}\r\n" % len(data) + data


def build_search(filters: Filters, *, capabilities: t.Collection[str], now: datetime.datetime) -> SearchCommand:
    keys = criteria(filters, now=now, within="WITHIN" in capabilities)
    return render(keys, literal_plus="LITERAL+" in capabilities)
