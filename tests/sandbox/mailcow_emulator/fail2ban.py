# SPDX-License-Identifier: GPL-3.0-or-later
"""Mailcow's fail2ban: the netfilter container's bans and the settings get/edit fail2ban read and write.

The settings drive the bans: ``max_attempts`` failed API logins within ``retry_window`` seconds ban
the client's network (``netban_ipv4``/``netban_ipv6`` bits) for ``ban_time`` seconds, doubled for
each further ban of that network up to ``max_ban_time`` when ``ban_time_increment`` is on; an
allow-listed client is never banned and a deny-listed one always is. A banned client's connections
are reset (see the HTTP layer), which is what a REJECT rule in front of nginx looks like from the
client side. ``max_attempts`` <= 0 (set through the control API only) disables banning.

get/fail2ban and edit/fail2ban answer as the recording (transcripts-operations.jsonl) shows: edit
coerces numbers (intval, then clamps), takes an omitted ban_time_increment or manage_external as
off, silently drops allow-list entries that are neither a network nor a host name and deny-list
entries that are not networks, and answers ``f2b_modified`` whatever it kept.
"""
from __future__ import annotations

import ipaddress
import re
import threading
import time
from collections import deque
from typing import Any

from . import php
from .context import Call

# The banlist id and filters of the recorded instance (both are per-install values on a real Mailcow).
BANLIST_ID = "988376ba-a0d9-40f1-b294-054e2b7fc213"
REGEX = {
    "1": "mailcow UI: Invalid password for .+ by ([0-9a-f\\.:]+)",
    "2": "Rspamd UI: Invalid password by ([0-9a-f\\.:]+)",
    "3": "warning: .*\\[([0-9a-f\\.:]+)\\]: SASL .+ authentication failed: (?!.*Connection lost to authentication server).+",
    "4": "warning: non-SMTP command from .*\\[([0-9a-f\\.:]+)]:.+",
    "5": "NOQUEUE: reject: RCPT from \\[([0-9a-f\\.:]+)].+Protocol error.+",
    "6": "\\w+\\([^,]+,([0-9a-f\\.:]+),<[^>]+>\\): Password mismatch \\(SHA1 of given password: [a-f0-9]+\\)",
    "7": "\\w+\\([^,]+,([0-9a-f\\.:]+),<[^>]+>\\): unknown user \\(SHA1 of given password: [a-f0-9]+\\)",
    "8": "SOGo.+ Login from \\'([0-9a-f\\.:]+)\\' for user .+ might not have worked",
    "9": "([0-9a-f\\.:]+) \\\"GET \\/SOGo\\/.* HTTP.+\\\" 403 .+",
}
DEFAULT_MAX_BAN_TIME = 10000
_HOSTNAME = re.compile(r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9])$")


def valid_network(text: str) -> bool:
    """Mailcow's valid_network(): an IPv4 or IPv6 address with an optional /prefix in range."""
    address, _sep, prefix = text.partition("/")
    try:
        version = ipaddress.ip_address(address).version
    except ValueError:
        return False
    if not _sep:
        return True
    return prefix.isdigit() and 0 <= int(prefix) <= (32 if version == 4 else 128)


def valid_hostname(text: str) -> bool:
    return bool(_HOSTNAME.match(text))


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


def _countdown(seconds: float) -> str:
    """fail2ban('get')'s banned_until: sprintf('%02dh %02dm %02ds') of the seconds left."""
    left = max(int(seconds), 0)
    return "%02dh %02dm %02ds" % (left // 3600, left // 60 % 60, left % 60)


class Fail2Ban:
    """The netfilter container's state plus Mailcow's F2B_OPTIONS, F2B_WHITELIST and F2B_BLACKLIST."""

    def __init__(self, max_failures: int = 10, window: float = 600, ban_time: float = 1800) -> None:
        self._defaults = (max_failures, window, ban_time)
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}
        self._banned_until: dict[str, float] = {}  # network -> monotonic end of its ban
        self._ban_counts: dict[str, int] = {}
        self.reset_settings()

    def reset_settings(self) -> None:
        """Back to a fresh install's settings (the emulator's configured max/window/ban), bans kept."""
        max_failures, window, ban_time = self._defaults
        with self._lock:
            self.max_failures, self.window, self.ban_time = max_failures, window, ban_time
            self.max_ban_time = DEFAULT_MAX_BAN_TIME
            self.ban_time_increment = True
            self.netban_ipv4, self.netban_ipv6 = 32, 128
            self.manage_external = 0
            self.whitelist: list[str] = []
            self.blacklist: list[str] = []
            self.edited = False  # Mailcow rewrites F2B_OPTIONS in another key order on the first edit

    # -- the firewall ----------------------------------------------------------------------------
    def _ban_network(self, ip: str) -> str:
        address = ipaddress.ip_address(ip)
        bits = self.netban_ipv4 if address.version == 4 else self.netban_ipv6
        return str(ipaddress.ip_network("%s/%d" % (ip, bits), strict=False))

    def _listed(self, ip: str, entries: list[str]) -> bool:
        address = ipaddress.ip_address(ip)
        for entry in entries:
            network = _network(entry)
            if network is not None and network.version == address.version and address in network:
                return True
        return False

    def record_failure(self, ip: str) -> None:
        if self.max_failures <= 0:
            return
        now = time.monotonic()
        with self._lock:
            if self._listed(ip, self.whitelist):
                return
            stamps = self._failures.setdefault(ip, deque())
            stamps.append(now)
            while stamps and now - stamps[0] > self.window:
                stamps.popleft()
            if len(stamps) >= self.max_failures:
                self._ban(ip, now)
                stamps.clear()

    def _ban(self, ip: str, now: float) -> str:
        network = self._ban_network(ip)
        count = self._ban_counts.get(network, 0)
        length = self.ban_time * (2 ** count) if self.ban_time_increment else self.ban_time
        self._ban_counts[network] = count + 1
        self._banned_until[network] = now + min(length, max(self.max_ban_time, self.ban_time))
        return network

    def ban(self, ip: str) -> str:
        """Ban ``ip``'s network as its failures would (control API: a ban on an address the tests do not connect from)."""
        ipaddress.ip_address(ip)
        with self._lock:
            return self._ban(ip, time.monotonic())

    def is_banned(self, ip: str) -> bool:
        with self._lock:
            try:
                address = ipaddress.ip_address(ip)
            except ValueError:
                return False
            if self._listed(ip, self.blacklist):
                return True
            now = time.monotonic()
            for network, until in list(self._banned_until.items()):
                if now >= until:
                    del self._banned_until[network]
                elif address in ipaddress.ip_network(network):
                    return True
            return False

    def unban(self, network: str) -> None:
        """F2B_QUEUE_UNBAN: netfilter lifts the ban within seconds; here at once."""
        with self._lock:
            self._banned_until.pop(str(_network(network) or network), None)

    def state(self) -> dict[str, object]:
        now = time.monotonic()
        with self._lock:
            return {
                "max_failures": self.max_failures, "window": self.window, "ban_time": self.ban_time,
                "banned": {network.split("/")[0]: round(until - now, 1) for network, until in self._banned_until.items() if until > now},
                "failures": {ip: len(s) for ip, s in self._failures.items() if s},
            }

    def configure(self, max_failures: int | None, window: float | None, ban_time: float | None) -> None:
        with self._lock:
            if max_failures is not None:
                self.max_failures = max_failures
            if window is not None:
                self.window = window
            if ban_time is not None:
                self.ban_time = ban_time

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._banned_until.clear()
            self._ban_counts.clear()

    # -- get/fail2ban and edit/fail2ban ------------------------------------------------------------
    def options(self) -> dict[str, Any]:
        """F2B_OPTIONS as stored: the install's key order until the first edit, then edit's."""
        numbers = {"ban_time": int(self.ban_time), "max_ban_time": int(self.max_ban_time), "ban_time_increment": self.ban_time_increment,
                   "max_attempts": max(int(self.max_failures), 1), "retry_window": int(self.window),
                   "netban_ipv4": self.netban_ipv4, "netban_ipv6": self.netban_ipv6}
        order = (("ban_time", "ban_time_increment", "max_ban_time", "netban_ipv4", "netban_ipv6", "max_attempts", "retry_window") if self.edited
                 else ("ban_time", "max_ban_time", "ban_time_increment", "max_attempts", "retry_window", "netban_ipv4", "netban_ipv6"))
        options: dict[str, Any] = {key: numbers[key] for key in order}
        options.update(banlist_id=BANLIST_ID, manage_external=self.manage_external)
        return options

    def get(self) -> dict[str, Any]:
        """fail2ban('get'): the options, the filters, the lists (sorted, newline-joined) and the active bans, if any."""
        now = time.monotonic()
        with self._lock:
            answer = self.options()
            answer["regex"] = dict(REGEX)
            answer["whitelist"] = "\n".join(sorted(self.whitelist))
            answer["blacklist"] = "\n".join(sorted(self.blacklist))
            # Unbans are carried out at once here, so no ban is ever queued for one.
            bans = [{"queued_for_unban": 0, "network": network, "ip": network.split("/")[0],
                     "banned_until": _countdown(until - now)} for network, until in self._banned_until.items() if until > now]
        if bans:
            answer["active_bans"] = bans
        return answer

    def edit(self, call: Call, data: dict[str, Any]) -> bool:
        """fail2ban('edit'): an action on networks (unban), else the settings."""
        log = ["fail2ban", "edit", data]
        networks = [php.trim(n) for n in php.as_list(data.get("network"))]
        if "action" in data:
            for network in networks:
                if data["action"] == "unban" and valid_network(network):
                    self.unban(network)
                call.push("success", log, ["object_modified", php.htmlspecialchars(network)])
            return True
        with self._lock:
            now = self.options()
            numbers = {key: php.intval(data[key]) if key in data else now[key]
                       for key in ("ban_time", "max_ban_time", "max_attempts", "retry_window", "netban_ipv4", "netban_ipv6")}
            self.ban_time = max(numbers["ban_time"], 60)
            self.ban_time_increment = php.strval(data.get("ban_time_increment")) == "1"
            self.max_ban_time = max(numbers["max_ban_time"], 60)
            # Mailcow's clamps, in its order: the upper bound overwrites the lower one's result.
            self.netban_ipv4 = 32 if numbers["netban_ipv4"] > 32 else numbers["netban_ipv4"]
            self.netban_ipv6 = 128 if numbers["netban_ipv6"] > 128 else numbers["netban_ipv6"]
            self.max_failures = max(numbers["max_attempts"], 1)
            self.window = max(numbers["retry_window"], 1)
            self.manage_external = 1 if php.intval(data.get("manage_external", 0)) > 0 else 0
            self.edited = True
            allow = php.strval(data["whitelist"]) if "whitelist" in data else "\n".join(self.whitelist)
            deny = php.strval(data["blacklist"]) if "blacklist" in data else "\n".join(self.blacklist)
            self.whitelist = _kept(allow, lambda item: valid_network(item) or valid_hostname(item))
            self.blacklist = _kept(deny, valid_network)
        call.push("success", log, "f2b_modified")
        return True


def _kept(text: str, valid: Any) -> list[str]:
    """preg_split on space, comma, semicolon and newline; trimmed, empty and invalid entries dropped, duplicates once."""
    kept: list[str] = []
    for item in php.split_list(text):
        if item and valid(item) and item not in kept:
            kept.append(item)
    return kept
