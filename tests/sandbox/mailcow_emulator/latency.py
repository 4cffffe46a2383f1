# SPDX-License-Identifier: GPL-3.0-or-later
"""What a real Mailcow costs: a php-fpm worker pool and per-call service times.

Numbers come from docs/mailcow-api.md#costs (2 cores, one keep-alive connection): a bare
request ~10 ms, one mailbox GET ~12.5 ms, the full listing (get/mailbox/all) ~4.7 ms per mailbox
returned (50 -> ~245 ms), the reduced listing (get/mailbox/reduced, measured at 1000 mailboxes)
~1.4 ms per mailbox (1000 -> ~1.4 s instead of ~4.7 s), add mailbox ~78 ms (password hashing), edit ~21 ms, edit with password ~74 ms, delete ~33 ms,
add domain ~270 ms (DKIM key generation). The sleep happens while a worker is held, so with few
workers concurrent clients queue exactly as they would in front of php-fpm.
"""
from __future__ import annotations

import threading
import time

BASE_MS = 10.0
# Extra milliseconds per charged item, on top of BASE_MS for the request.
REALISTIC_MS: dict[str, float] = {
    "mailbox_get": 2.5,
    "mailbox_list_item": 4.7,
    "mailbox_reduced_item": 1.4,
    "domain_get": 2.5,
    "domain_list_item": 3.0,
    "alias_get": 1.5,
    "alias_list_item": 1.0,
    "mailbox_add": 68.0,
    "mailbox_edit": 11.0,
    "password_hash": 53.0,
    "mailbox_delete": 23.0,
    "domain_add": 260.0,
    "domain_edit": 15.0,
    "domain_delete": 30.0,
    "alias_add": 10.0,
    "alias_edit": 10.0,
    "alias_delete": 12.0,
    # add/dkim by key size (timings-lifecycle.json: 1024 ~23 ms, 2048 ~210 ms, 4096 ~974 ms; 3072 between).
    "dkim_add_1024": 13.0,
    "dkim_add_2048": 200.0,
    "dkim_add_3072": 500.0,
    "dkim_add_4096": 964.0,
    "dkim_get": 2.5,
}
MODELS = ("zero", "realistic")


class LatencyModel:
    def __init__(self, model: str = "zero") -> None:
        self.set(model)

    def set(self, model: str) -> None:
        if model not in MODELS:
            raise ValueError(f"latency model must be one of {', '.join(MODELS)}")
        self.model = model

    def cost(self, charges: list[tuple[str, int]]) -> float:
        """Seconds a real Mailcow would spend on a request that charged these items."""
        if self.model == "zero":
            return 0.0
        total = BASE_MS + sum(REALISTIC_MS.get(item, 0.0) * count for item, count in charges)
        return total / 1000.0


class WorkerPool:
    """A counting semaphore whose size can change at run time (POST /_sandbox/workers)."""

    def __init__(self, size: int = 2) -> None:
        self._cond = threading.Condition()
        self._size = max(1, int(size))
        self._busy = 0
        self.peak = 0

    @property
    def size(self) -> int:
        return self._size

    def resize(self, size: int) -> None:
        with self._cond:
            self._size = max(1, int(size))
            self._cond.notify_all()

    def __enter__(self) -> "WorkerPool":
        with self._cond:
            while self._busy >= self._size:
                self._cond.wait()
            self._busy += 1
            self.peak = max(self.peak, self._busy)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._busy -= 1
            self._cond.notify_all()


def sleep_until(started: float, seconds: float) -> None:
    """Pad the real handling time up to the model's cost."""
    remaining = started + seconds - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
