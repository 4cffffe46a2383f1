# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: names, units and bounds every model shares.

One parser for addresses, local parts and domains (internationalised domains become their ASCII
form, as Mailcow stores them), the MiB unit, the limits of what Mailcow stores (quotas in bytes
in signed 64 bits, counts in signed 32 bits), and the conversions of Mailcow's "0"/"1" strings.
Every check raises MailcowOptionError naming the option, before anything is sent.
"""

from __future__ import annotations

import datetime
import functools
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError

MIB = 1024 * 1024
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# The largest quota in MiB whose size in bytes (MiB * 1048576) Mailcow still stores exactly.
MAX_QUOTA_MIB = INT64_MAX // MIB

# What Mailcow (PHP's FILTER_VALIDATE_EMAIL) accepts in a local part, and a DNS host name.
LOCAL_PART_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
# C0 and C1 control characters (CR, LF, NUL, TAB, ESC ...) and the Unicode line separators.
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LOCAL_PART_RULE = "letters, digits and !#$%&'*+/=?^_`{|}~.- only, at most 64, no leading, trailing or double dot"


# -- Mailcow's values ----------------------------------------------------------------------------


def view(obj: dict[str, t.Any] | None, keys: t.Iterable[str]) -> dict[str, t.Any]:
    """The named keys of a normalised object that it has, in order (what a diff shows); {} for no object."""
    return {key: obj[key] for key in keys if key in obj} if obj else {}


def flag(value: t.Any) -> bool:
    """Mailcow's 0/1, "0"/"1" (and anything else as false) -> bool."""
    try:
        return int(value) != 0
    except (TypeError, ValueError):
        return False


def to_int(value: t.Any) -> int:
    """Mailcow's numbers, which may come as strings or be missing -> int (0 when not a number)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def api_value(value: t.Any) -> t.Any:
    """Option value -> what Mailcow's write API takes (ints, never 'true': PHP intval makes that 0)."""
    if isinstance(value, bool):
        return int(value)
    return value


# -- names ---------------------------------------------------------------------------------------


def ascii_domain(value: t.Any, *, option: str = "domain") -> str:
    """Lower-case ASCII (punycode) form of a domain name, as Mailcow stores and compares it."""
    ascii_name = _ascii_name(str(value or ""))
    if ascii_name is None:
        raise MailcowOptionError("%s %r is not a valid domain name" % (option, value))
    return ascii_name


@functools.lru_cache(maxsize=256)
def _ascii_name(text: str) -> str | None:
    """ascii_domain's conversion, None for a name that is not valid; remembered, as a bulk list names one domain thousands of times."""
    try:
        ascii_name = text.strip().rstrip(".").lower().encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return ascii_name if DOMAIN_RE.match(ascii_name) else None


def unicode_domain(ascii_name: str) -> str:
    """The Unicode form of an ASCII domain name (itself when it is not punycode or not valid)."""
    try:
        return ascii_name.encode("ascii").decode("idna")
    except UnicodeError:
        return ascii_name


def check_local_part(local_part: t.Any, *, option: str = "local part") -> str:
    """A local part, stripped, with its case kept; refused unless Mailcow would take it."""
    text = str(local_part or "").strip()
    if not LOCAL_PART_RE.match(text) or text.startswith(".") or text.endswith(".") or ".." in text:
        raise MailcowOptionError("%s %r is not valid: %s" % (option, local_part, LOCAL_PART_RULE))
    return text


def check_creatable(address: str, kind: str) -> None:
    """Refuse to create a mailbox or alias whose local part holds a '/', before anything is written.

    Mailcow accepts one, but its API route is split on '/', so no request could ever name the new
    object by its address again: the next run could not read it back, and changing it is refused.
    """
    local = address.rpartition("@")[0]
    if "/" in local:
        raise MailcowOptionError("%s %s cannot be created: its local part contains '/', which Mailcow's API splits its routes on, so no "
                                 "later request could name it. Nothing was written; choose a local part without '/'" % (kind, address))


def split_address(
    address: str | None, local_part: str | None, domain: str | None, *, where: str = "", catch_all: bool = False
) -> tuple[str, str]:
    """(local part with its case, ASCII domain) from ``address``, or from ``local_part`` and ``domain``.

    ``catch_all``: an empty local part (``@domain``) is allowed, as for an alias.
    """
    prefix = where + ": " if where else ""
    if address:
        if address.count("@") != 1:
            hint = ", or @domain for a catch-all" if catch_all else ""
            raise MailcowOptionError("%saddress must be local_part@domain%s, got %r" % (prefix, hint, address))
        local_part, domain = address.split("@")
    elif not local_part:
        raise MailcowOptionError("%sone of address or local_part is required" % prefix)
    elif not domain:
        raise MailcowOptionError("%sdomain is required with local_part (or set MAILCOW_DOMAIN)" % prefix)
    local = (local_part or "").strip()
    if local or not catch_all:
        local = check_local_part(local_part, option=prefix + "local part")
    return local, ascii_domain(domain, option=prefix + "domain")


def parse_address(text: t.Any, *, option: str) -> tuple[str, str]:
    """(local part with its case, ASCII domain) of one full address such as a goto target."""
    local, sep, domain = str(text or "").strip().rpartition("@")
    if not sep or not local or not LOCAL_PART_RE.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise MailcowOptionError("%s: %r is not a valid address" % (option, text))
    return local, ascii_domain(domain, option="%s: domain of %s" % (option, text))


def address_or_domain(value: t.Any, *, option: str, what: str) -> str:
    """A lower-case address, or a domain (``domain`` or ``@domain``, its ASCII form), as Mailcow's address maps store them.

    ``what``: what the option is, for the message when it is empty.
    """
    text = str(value if value is not None else "").strip()
    if not text:
        raise MailcowOptionError("%s is required: %s" % (option, what))
    if text.startswith("@"):
        return ascii_domain(text[1:], option=option)
    if "@" in text:
        return ("%s@%s" % parse_address(text, option=option)).lower()
    return ascii_domain(text, option=option)


def without_at(stored: t.Any) -> str:
    """An address map's side as users give it: a domain Mailcow stores as ``@domain`` without its ``@``."""
    text = str(stored or "")
    return text[1:] if text.startswith("@") else text


# -- bounds and text -----------------------------------------------------------------------------


def whole(value: t.Any, option: str, minimum: int, maximum: int, what: str = "a whole number") -> int:
    """An int within [minimum, maximum]; the message names the option and the range."""
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise MailcowOptionError("%s must be %s from %d to %d, got %r" % (option, what, minimum, maximum, value))
    return value


def quota_mib(value: t.Any, option: str, *, minimum: int = 0, zero: str = "") -> int:
    """A quota in MiB that Mailcow stores exactly: its size in bytes fits in a signed 64-bit integer."""
    what = "a whole number of MiB%s" % zero
    return whole(value, option, minimum, MAX_QUOTA_MIB, what)


def count(value: t.Any, option: str, *, minimum: int = 0, what: str = "a whole number") -> int:
    """A count Mailcow stores in a signed 32-bit integer."""
    return whole(value, option, minimum, INT32_MAX, what)


# An age such as 30m, 2h or 1d: seconds, minutes, hours, days, weeks.
AGE_RE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
AGE_FORMS = "an age such as 30m, 2h or 1d (s, m, h, d, w)"


def age_seconds(value: t.Any) -> int | None:
    """Seconds of an age such as ``30m``, ``2h`` or ``1d``; None when ``value`` is not one."""
    found = AGE_RE.match(str(value))
    return int(found.group(1)) * AGE_UNITS[found.group(2)] if found else None


# -- rate limits (domains and mailboxes) ----------------------------------------------------------

RATE_FRAMES = ("s", "m", "h", "d")


def rate_limit_read(rl: t.Any) -> dict[str, t.Any] | None:
    """Mailcow's rate limit as read (false/``{}``, or ``{"value": "10", "frame": "s"}``) -> None or ``{value, frame}``."""
    if not isinstance(rl, dict) or to_int(rl.get("value")) <= 0:
        return None
    return {"value": to_int(rl.get("value")), "frame": str(rl.get("frame") or "s")}


def rate_limit_option(value: t.Any, option: str = "rate_limit") -> dict[str, t.Any] | None:
    """A ``rate_limit`` option -> ``{value, frame}``, or None for ``value: 0`` (no limit)."""
    if not isinstance(value, dict):
        raise MailcowOptionError("%s must be a dictionary such as {value: 10, frame: s}, got %r" % (option, value))
    number = count(value.get("value"), option + ".value", what="a whole number of messages (0 = no limit)")
    frame = value.get("frame") or "s"
    if frame not in RATE_FRAMES:
        raise MailcowOptionError("%s.frame must be one of s, m, h, d (per second, minute, hour, day), got %r" % (option, frame))
    return {"value": number, "frame": frame} if number else None


def rate_limit_attr(limit: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """What edit/rl-domain and edit/rl-mbox take: a value of 0 removes the limit, but the frame must still be valid."""
    limit = limit or {"value": 0, "frame": "s"}
    return {"rl_value": limit["value"], "rl_frame": limit["frame"]}


def check_text(value: t.Any, option: str) -> str:
    """A name, description, comment or tag: any text but control characters (CR, LF, NUL, TAB ...).

    Callers strip what Mailcow would not keep first (a name's surrounding white space), so only the
    control characters that would be stored are refused.
    """
    text = str(value)
    found = CONTROL_RE.search(text)
    if found:
        raise MailcowOptionError("%s must not contain control characters (line breaks, tabs, NUL ...), found %r at position %d"
                                 % (option, found.group(), found.start()))
    return text


def time_or_age(value: t.Any, option: str, now: datetime.datetime) -> datetime.datetime:
    """An ISO 8601 time (UTC when it has no offset) or an age such as 30m, 2h, 1d before ``now`` -> an aware UTC time."""
    text = check_text(value, option).strip()
    age = age_seconds(text)
    if age is not None:
        return now - datetime.timedelta(seconds=age)
    try:
        when = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise MailcowOptionError("%s must be an ISO 8601 time such as 2026-12-07T08:00:00Z (UTC when it has no offset) or "
                                 "%s, got %r" % (option, AGE_FORMS, value)) from None
    return when.replace(tzinfo=datetime.timezone.utc) if when.tzinfo is None else when.astimezone(datetime.timezone.utc)


def check_password(value: t.Any, option: str = "password") -> str:
    """A password: not empty, not only spaces, no control characters. The message never shows it."""
    text = str(value)
    if not text.strip():
        raise MailcowOptionError("%s must not be empty or only white space" % option)
    if CONTROL_RE.search(text):
        raise MailcowOptionError("%s must not contain control characters (line breaks, tabs, NUL ...)" % option)
    return text
