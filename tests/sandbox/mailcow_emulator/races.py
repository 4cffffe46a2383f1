# SPDX-License-Identifier: GPL-3.0-or-later
"""Racing adds: two requests adding the same object at once.

A real Mailcow checks that the object does not exist, hashes the password, then INSERTs. Two
identical adds sent at once both pass the check; the second INSERT hits the unique key, the
PDOException escapes and PHP prints nothing: HTTP 200 with an EMPTY body, and the object exists
once (transcripts race_add_mailbox_thread_a/_b, race_add_alias_thread_a/_b: 10 of 10 pairs;
race_add_domain_admin_thread_a/_b: the second INSERT into `admin` throws). An
add that arrives after the first one has finished gets the ordinary `object_exists` refusal.

The emulator decides a business call in one step under the store lock, so it models the window
explicitly: an add holds its object's name from the moment a worker starts on it until its answer
is ready (latency model and injected delays included); another add of the same name arriving in
that window is the loser.
"""
from __future__ import annotations

import json
import threading
from typing import Any

from .router import parse_route
from .wire import Request

# add/<category> -> how the object is named in the add's body (lower-cased, as Mailcow stores it).
_CATEGORIES = ("mailbox", "alias", "domain-admin")


def object_key(req: Request) -> str | None:
    """``"mailbox:a@b"`` / ``"alias:a@b"`` / ``"domain-admin:name"`` for an add of one named object, else None."""
    if req.method != "POST" or "application/json" not in (req.header("Content-Type") or ""):
        return None
    route = parse_route(req)
    if route.action != "add" or route.category not in _CATEGORIES or route.obj:
        return None
    try:
        body: Any = json.loads(req.body.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    if route.category == "mailbox":
        name = f"{str(body.get('local_part', '')).strip()}@{str(body.get('domain', '')).strip()}"
    elif route.category == "domain-admin":
        name = str(body.get("username", "")).strip()
    else:
        name = str(body.get("address", "")).strip()
    return f"{route.category}:{name.lower()}" if name.strip("@") else None


class InFlight:
    """Names of the objects whose add is being handled right now."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: set[str] = set()

    def claim(self, key: str) -> bool:
        """True for the first add of ``key``; False while another add of it is being handled."""
        with self._lock:
            if key in self._names:
                return False
            self._names.add(key)
            return True

    def release(self, key: str) -> None:
        with self._lock:
            self._names.discard(key)
