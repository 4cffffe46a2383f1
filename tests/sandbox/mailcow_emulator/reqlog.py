# SPDX-License-Identifier: GPL-3.0-or-later
"""One line per request: client, method, path, status, milliseconds.

Never the API key, a cookie, a query string or a body: bodies carry passwords, and the file
is read by people and CI logs.
"""
from __future__ import annotations

import threading
import time
import traceback
from typing import TextIO


class RequestLog:
    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._handle: TextIO | None = open(path, "a", encoding="utf-8", buffering=1) if path else None

    def request(self, client: str, method: str, path: str, status: int | str, millis: float, note: str = "") -> None:
        suffix = f" {note}" if note else ""
        self._write(f"{client} {method} {_safe(path)} {status} {millis:.1f}ms{suffix}")

    def message(self, text: str) -> None:
        self._write(text)

    def exception(self, context: str) -> None:
        # The traceback names code, never request data: frames' locals are not printed.
        self._write(f"ERROR {context}\n{traceback.format_exc().rstrip()}")

    def _write(self, line: str) -> None:
        if self._handle is None:
            return
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        with self._lock:
            self._handle.write(f"{stamp} {line}\n")

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def _safe(path: str) -> str:
    """The path without its query string, control characters escaped, length bounded."""
    path = path.split("?", 1)[0]
    return "".join(c if 0x20 < ord(c) < 0x7F else f"%{ord(c):02X}" for c in path)[:300]
