# SPDX-License-Identifier: GPL-3.0-or-later
"""API key authentication (sessions.inc.php "API" block) and the fail2ban it feeds (fail2ban.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import validate
from .fail2ban import Fail2Ban

__all__ = ["ApiKeys", "Fail2Ban"]

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
