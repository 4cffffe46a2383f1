# SPDX-License-Identifier: GPL-3.0-or-later
"""Injected failures: what a client meets when nginx, php-fpm or the network misbehave.

kinds: status (a 5xx with a small JSON body, or none with "body": "empty"), html (nginx's 502
page, text/html), drop (connection closed without an answer; "process": true performs the
request first, i.e. a lost reply), slow (sleep `delay` s, then answer normally), empty (HTTP 200
with an empty body; a write is not performed: Mailcow's uncaught-exception reply), trickle (the
request is performed, then its answer is sent one byte every `delay` s after the headers), huge (HTTP
200 with a JSON-looking body of `size` bytes, sent as fast as the client reads, with its
Content-Length unless "announce": false; the request is not performed). Whether the client stayed for
a whole trickle or huge answer is counted under "streams" in the stats.
"after": N lets the first N matching requests through untouched (a server that dies after N
writes); "retry_after": a Retry-After header (seconds) on a status/html answer.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("status", "html", "drop", "slow", "empty", "trickle", "huge")
HUGE_DEFAULT = 200 * 1024 * 1024
NGINX_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    kind: str
    status: int = 0
    count: int = 1  # how many matching requests fail; <= 0 means until cleared
    path: str = "/api/"
    method: str | None = None
    delay: float = 5.0
    body: str = "json"
    process: bool = False
    after: int = 0  # matching requests let through before the fault starts
    retry_after: int | None = None
    size: int = HUGE_DEFAULT  # bytes of a huge answer
    announce: bool = True  # a huge answer's Content-Length is sent

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Fault":
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(KINDS)}")
        fault = cls(kind=data["kind"])
        fault.status = int(data.get("status") or (502 if fault.kind == "html" else 503))
        fault.count = int(data.get("count", 1))
        fault.path = str(data.get("path") or "/api/")
        fault.method = str(data["method"]).upper() if data.get("method") else None
        fault.delay = float(data.get("delay", 5.0))
        fault.body = str(data.get("body", "json"))
        fault.process = bool(data.get("process", False))
        fault.after = int(data.get("after", 0))
        fault.retry_after = int(data["retry_after"]) if data.get("retry_after") is not None else None
        fault.size = int(data.get("size", HUGE_DEFAULT))
        fault.announce = bool(data.get("announce", True))
        if fault.kind == "trickle" and "delay" not in data:
            fault.delay = 2.0
        return fault

    def matches(self, method: str, path: str) -> bool:
        return path.startswith(self.path) and (self.method is None or self.method == method)


class FaultQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first pending fault that matches, consuming one of its count."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.after > 0:
                        fault.after -= 1
                        return None
                    if fault.count > 0:
                        fault.count -= 1
                        if fault.count == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]
