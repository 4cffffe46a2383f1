# SPDX-License-Identifier: GPL-3.0-or-later
"""Request counters for the benchmark: every /api/ request, by method and route pattern."""
from __future__ import annotations

import threading
from collections import Counter
from typing import Any

# Path segments kept literally in a pattern; anything else (names, ids) becomes {id}.
_LITERALS = {"all", "reduced", "version", "tag", "template"}


def route_pattern(method: str, route_segments: list[str | None]) -> str:
    """"GET /api/v1/get/mailbox/{id}": low-cardinality keys however many objects exist."""
    action, category, obj, extra = (route_segments + [None] * 4)[:4]
    parts = [(action or "")[:40], (category or "")[:40]]
    if obj is not None:
        parts.append(obj if obj in _LITERALS else "{id}")
    if extra is not None:
        parts.append("{id}")
    return f"{method} /api/v1/" + "/".join(p for p in parts if p is not None).rstrip("/")


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._by_route: Counter[str] = Counter()
            self._by_status: Counter[str] = Counter()
            self._streams: Counter[str] = Counter()

    def count(self, pattern: str, status: int | str) -> None:
        with self._lock:
            self._requests += 1
            self._by_route[pattern] += 1
            self._by_status[str(status)] += 1

    def stream(self, outcome: str) -> None:
        """How a trickled or huge answer ended: "finished", or "client gone" (it closed the connection first)."""
        with self._lock:
            self._streams[outcome] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._requests,
                "by_route": dict(sorted(self._by_route.items())),
                "by_status": dict(sorted(self._by_status.items())),
                "streams": dict(sorted(self._streams.items())),
            }
