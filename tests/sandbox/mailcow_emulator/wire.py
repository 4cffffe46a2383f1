# SPDX-License-Identifier: GPL-3.0-or-later
"""Transport-neutral request and response records passed between the HTTP layer and the app."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

JSON = "application/json"
# PHP's default_mimetype: what a reply printed before json_api.php sets its header carries.
PHP_DEFAULT = "text/html; charset=utf-8"


class Headers(Protocol):
    """What http.client.HTTPMessage offers: case-insensitive get()."""

    def get(self, name: str, default: None = None) -> str | None: ...


@dataclass
class Request:
    method: str
    path: str  # raw (still percent-encoded) path, without the query string
    query: str  # raw query string
    headers: Headers
    body: bytes
    client_ip: str
    https: bool

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str | None = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False  # close the connection without answering
    pace: float = 0.0  # seconds between the body's bytes (0: all at once)
    size: int = 0  # a generated body of this many bytes instead of ``body`` (a huge answer)
    announce: bool = True  # send Content-Length (else the body ends when the connection closes)

    @classmethod
    def text(cls, status: int, text: str, content_type: str | None = JSON) -> "Response":
        return cls(status=status, body=text.encode("utf-8"), content_type=content_type)
