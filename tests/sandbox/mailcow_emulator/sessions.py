# SPDX-License-Identifier: GPL-3.0-or-later
"""PHP sessions as Mailcow uses them: the MCSESSID cookie carries the API identity.

Every answer sets the cookie; replaying it without a key stays authenticated as the key that
created the session (docs/mailcow-api.md#authentication). Non-API sessions also keep unsent reply messages, which a
client replaying their cookie gets prepended to its next write reply.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

COOKIE_NAME = "MCSESSID"
LIFETIME = 10800  # $SESSION_LIFETIME: idle seconds before session_unset()
MAX_SESSIONS = 20000  # a benchmark opens one session per request: bound the memory
_VALID_ID = re.compile(r"^[A-Za-z0-9,-]{1,128}\Z")


@dataclass
class Session:
    id: str
    role: str | None = None
    username: str | None = None
    api_access: str | None = None  # "rw" | "ro"
    returns: list[dict[str, Any]] = field(default_factory=list)
    last_activity: float = field(default_factory=time.monotonic)

    @property
    def is_api(self) -> bool:
        return self.api_access is not None

    def authorise(self, access: str) -> None:
        self.role, self.username, self.api_access = "admin", "API", access


class SessionStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def attach(self, cookie_id: str | None) -> Session:
        """session_start(): resume the cookie's session, adopt an unknown id, or start anew.

        PHP runs with session.use_strict_mode off, so an unknown but well-formed id is adopted.
        """
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(cookie_id) if cookie_id else None
            if session is not None and now - session.last_activity > LIFETIME:
                session = Session(id=session.id)
            if session is None:
                valid = cookie_id is not None and _VALID_ID.match(cookie_id)
                session = Session(id=cookie_id if cookie_id is not None and valid else _new_id())
            session.last_activity = now
            self._sessions[session.id] = session
            self._sessions.move_to_end(session.id)
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
            return session

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()


def _new_id() -> str:
    # PHP's default: 26 characters from [0-9a-v] (sid_bits_per_character = 5).
    alphabet = "0123456789abcdefghijklmnopqrstuv"
    return "".join(secrets.choice(alphabet) for _char in range(26))


def cookie_header(session_id: str, https: bool) -> str:
    secure = "; secure" if https else ""
    return f"{COOKIE_NAME}={session_id}; path=/{secure}; HttpOnly; SameSite=Lax"


def cookie_from(header: str | None) -> str | None:
    """The MCSESSID value of a Cookie header, if any."""
    if not header:
        return None
    for part in header.split(";"):
        name, _sep, value = part.strip().partition("=")
        if name == COOKIE_NAME and value:
            return value
    return None
