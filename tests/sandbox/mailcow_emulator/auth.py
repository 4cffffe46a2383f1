# SPDX-License-Identifier: GPL-3.0-or-later
"""API key authentication (sessions.inc.php "API" block) and the fail2ban it feeds."""
from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from . import validate

_KEY_JUNK = re.compile(r"[^a-zA-Z0-9-]")


@dataclass
class ApiKeys:
    """One rw and one ro key, each with its own allow-list (Mailcow keeps one row per access)."""

    rw_key: str = ""
    ro_key: str = ""
    allow_from: dict[str, list[str]] = field(default_factory=lambda: {"rw": ["127.0.0.1", "::1"], "ro": ["127.0.0.1", "::1"]})

    def match(self, header_value: str) -> str | None:
        """The access level of a presented key, after Mailcow strips odd characters.

        MariaDB's collation makes the comparison case-insensitive; a configured key that itself
        holds stripped characters can never match, exactly as on the real server.
        """
        presented = _KEY_JUNK.sub("", header_value).lower()
        for access, key in (("rw", self.rw_key), ("ro", self.ro_key)):
            if key and presented == key.lower():
                return access
        return None

    def ip_allowed(self, access: str, ip: str) -> bool:
        entries: list[str] = []
        for item in self.allow_from.get(access, []):
            entries.extend(e for e in re.split(r"[ ,;\n]", item) if e)
        return validate.ip_acl(ip, entries)


class Fail2Ban:
    """Mailcow's netfilter container: N failed API logins within a window ban the IP.

    A banned client's connections are reset (see the HTTP layer), which is what a REJECT rule
    in front of nginx looks like from the client side. max_failures <= 0 disables it.
    """

    def __init__(self, max_failures: int = 10, window: float = 600, ban_time: float = 1800) -> None:
        self.max_failures, self.window, self.ban_time = max_failures, window, ban_time
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}
        self._banned_until: dict[str, float] = {}

    def record_failure(self, ip: str) -> None:
        if self.max_failures <= 0:
            return
        now = time.monotonic()
        with self._lock:
            stamps = self._failures.setdefault(ip, deque())
            stamps.append(now)
            while stamps and now - stamps[0] > self.window:
                stamps.popleft()
            if len(stamps) >= self.max_failures:
                self._banned_until[ip] = now + self.ban_time
                stamps.clear()

    def is_banned(self, ip: str) -> bool:
        with self._lock:
            until = self._banned_until.get(ip)
            if until is None:
                return False
            if time.monotonic() >= until:
                del self._banned_until[ip]
                return False
            return True

    def state(self) -> dict[str, object]:
        now = time.monotonic()
        with self._lock:
            return {
                "max_failures": self.max_failures, "window": self.window, "ban_time": self.ban_time,
                "banned": {ip: round(until - now, 1) for ip, until in self._banned_until.items() if until > now},
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
