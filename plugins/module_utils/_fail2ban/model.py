# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the fail2ban model (no I/O).

get/fail2ban answers the settings as numbers, ``ban_time_increment`` as a boolean, the allow and
deny lists (``whitelist``, ``blacklist``) as newline-separated strings, and the current bans, when
there are any, as ``active_bans`` (``banned_until`` a countdown such as ``00h 29m 59s``) and
``perm_bans``. edit/fail2ban coerces what it does not like without saying so (a ban time below 60
becomes 60, a network size above 32 becomes 32, an omitted ``ban_time_increment`` or
``manage_external`` becomes off, an invalid list entry is dropped) and always answers
``f2b_modified``: so every option is checked here before any request, every setting is sent on
each edit, and the settings are read back afterwards.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import INT32_MAX, check_text, to_int, whole

# Option -> (minimum, maximum, what): Mailcow's own lower bounds, so that nothing is coerced.
NUMBERS = {
    "ban_time": (60, INT32_MAX, "a whole number of seconds"),
    "max_ban_time": (60, INT32_MAX, "a whole number of seconds"),
    "max_attempts": (1, INT32_MAX, "a whole number of failed logins"),
    "retry_window": (1, INT32_MAX, "a whole number of seconds"),
    "netban_ipv4": (8, 32, "a prefix length in bits"),
    "netban_ipv6": (8, 128, "a prefix length in bits"),
}
SETTINGS = ("ban_time", "max_ban_time", "ban_time_increment", "max_attempts", "retry_window", "netban_ipv4", "netban_ipv6",
            "allowlist", "denylist")
# Mailcow's valid_hostname(), the other kind of allow-list entry.
HOSTNAME_RE = re.compile(r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9])$")
COUNTDOWN_RE = re.compile(r"^(\d+)h (\d+)m (\d+)s$")


def is_network(text: str) -> bool:
    """Mailcow's valid_network(): an IPv4 or IPv6 address with an optional prefix length in range."""
    address, slash, prefix = text.partition("/")
    try:
        version = ipaddress.ip_address(address).version
    except ValueError:
        return False
    return not slash or (prefix.isdigit() and int(prefix) <= (32 if version == 4 else 128))


def check_entries(values: t.Any, option: str, *, hosts: bool) -> list[str]:
    """A list option of networks (and, with ``hosts``, host names), each checked as Mailcow would keep it; sorted, once each."""
    kinds = "an IP address, a network (address/prefix) or a host name" if hosts else "an IP address or a network (address/prefix)"
    entries = set()
    for value in values or []:
        text = check_text(value, option).strip()
        if not (is_network(text) or (hosts and HOSTNAME_RE.match(text))):
            why = "" if option == "unban" else "; Mailcow would drop it without saying so"
            raise MailcowOptionError("%s: %r is not %s, such as 192.0.2.0/24 or 2001:db8::/32%s" % (option, value, kinds, why))
        entries.add(text)
    return sorted(entries)


def check_unban(values: t.Any) -> list[str]:
    """The unban option: addresses or networks, checked before any request."""
    return check_entries(values, "unban", hosts=False)


class Desired(t.NamedTuple):
    settings: dict[str, t.Any]  # only the settings given; the others stay as Mailcow has them
    unban: list[str]


def desired_from_params(params: dict[str, t.Any]) -> Desired:
    """Every option checked before anything is sent."""
    settings: dict[str, t.Any] = {}
    for option, (minimum, maximum, what) in NUMBERS.items():
        if params.get(option) is not None:
            settings[option] = whole(params[option], option, minimum, maximum, what)
    if params.get("ban_time_increment") is not None:
        settings["ban_time_increment"] = bool(params["ban_time_increment"])
    if params.get("allowlist") is not None:
        settings["allowlist"] = check_entries(params["allowlist"], "allowlist", hosts=True)
    if params.get("denylist") is not None:
        settings["denylist"] = check_entries(params["denylist"], "denylist", hosts=False)
    return Desired(settings, check_unban(params.get("unban")))


def _lines(value: t.Any) -> list[str]:
    return sorted({line.strip() for line in str(value or "").split("\n") if line.strip()})


def _flag(value: t.Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def normalize(raw: t.Any) -> dict[str, t.Any]:
    """get/fail2ban -> the settings: numbers as ints, flags as booleans, the lists as sorted lists."""
    raw = raw if isinstance(raw, dict) else {}
    settings: dict[str, t.Any] = {key: to_int(raw.get(key)) for key in NUMBERS}
    settings["ban_time_increment"] = _flag(raw.get("ban_time_increment"))
    settings["allowlist"] = _lines(raw.get("whitelist"))
    settings["denylist"] = _lines(raw.get("blacklist"))
    settings["manage_external"] = _flag(raw.get("manage_external"))
    return {key: settings[key] for key in SETTINGS + ("manage_external",)}


def countdown_seconds(value: t.Any) -> int | None:
    match = COUNTDOWN_RE.match(str(value or "").strip())
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60 + int(match.group(3)) if match else None


def _ban(ban: dict[str, t.Any], left: int | None, now: datetime.datetime, *, permanent: bool) -> dict[str, t.Any]:
    network = str(ban.get("network"))
    until = (now + datetime.timedelta(seconds=left)).strftime("%Y-%m-%dT%H:%M:%SZ") if left is not None else None
    return {"network": network, "ip": str(ban.get("ip") or network.split("/", maxsplit=1)[0]), "permanent": permanent,
            "banned_until": until, "seconds_left": left, "queued_for_unban": _flag(ban.get("queued_for_unban"))}


def bans(raw: t.Any, now: datetime.datetime) -> list[dict[str, t.Any]]:
    """The current bans: temporary ones (with when they end, ISO 8601 in UTC) and permanent ones, by network."""
    raw = raw if isinstance(raw, dict) else {}
    found = [_ban(ban, countdown_seconds(ban.get("banned_until")), now, permanent=False)
             for ban in raw.get("active_bans") or [] if isinstance(ban, dict)]
    found += [_ban(ban, None, now, permanent=True) for ban in raw.get("perm_bans") or [] if isinstance(ban, dict)]
    return sorted(found, key=lambda ban: (ban["permanent"], ban["network"]))


def filters(raw: t.Any) -> list[dict[str, t.Any]]:
    """The log filters (regular expressions) that count as a failed login, by id."""
    regex = raw.get("regex") if isinstance(raw, dict) else None
    items = regex.items() if isinstance(regex, dict) else []
    return sorted(({"id": to_int(key), "regex": str(value)} for key, value in items), key=lambda item: item["id"])


def _covers(entry: str, network: str) -> bool:
    """Whether the unban entry names this banned network: the same network, or an address inside it."""
    if entry == network:
        return True
    try:
        banned = ipaddress.ip_network(network, strict=False)
        wanted = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return wanted.version == banned.version and (wanted.subnet_of(banned) or banned.subnet_of(wanted))  # type: ignore[arg-type]


class Plan(t.NamedTuple):
    before: dict[str, t.Any]
    after: dict[str, t.Any]
    changes: list[str]  # settings that differ
    unban: list[str]  # banned networks to lift

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.unban)

    @property
    def edit_body(self) -> dict[str, t.Any]:
        """Every setting, so that Mailcow's defaults for omitted ones (increment and manage_external off) never apply."""
        after = self.after
        attr = {key: after[key] for key in ("ban_time", "max_ban_time", "max_attempts", "retry_window", "netban_ipv4", "netban_ipv6")}
        attr.update(ban_time_increment=1 if after["ban_time_increment"] else 0, whitelist="\n".join(after["allowlist"]),
                    blacklist="\n".join(after["denylist"]), manage_external=1 if after["manage_external"] else 0)
        return {"items": ["none"], "attr": attr}

    @property
    def unban_body(self) -> dict[str, t.Any]:
        return {"items": self.unban, "attr": {"action": "unban"}}


def plan(desired: Desired, before: dict[str, t.Any], current_bans: list[dict[str, t.Any]]) -> Plan:
    after = dict(before, **desired.settings)
    changes = [key for key in SETTINGS if after[key] != before[key]]
    lifted = sorted({ban["network"] for ban in current_bans if not ban["permanent"] and not ban["queued_for_unban"]
                     and any(_covers(entry, ban["network"]) for entry in desired.unban)})
    return Plan(before, after, changes, lifted)


def mismatch(expected: dict[str, t.Any], found: dict[str, t.Any]) -> list[str]:
    """Settings Mailcow kept otherwise than sent, as ``name: kept X instead of Y``."""
    return ["%s: kept %r instead of %r" % (key, found[key], expected[key]) for key in SETTINGS if found[key] != expected[key]]


def compared_view(settings: dict[str, t.Any]) -> dict[str, t.Any]:
    return {key: settings[key] for key in SETTINGS}
