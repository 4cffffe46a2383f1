# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: a requests adapter whose answers keep to one deadline per request.

requests' ``timeout`` bounds each socket read, so a server that sends its headers and then one
byte every 2 seconds is waited for as long as it keeps sending. The adapter's connections build
their http.client responses on a reader (module_utils/_transport.py) that sets the socket's
timeout to what is left of the current request's deadline before every read, headers and body
alike. The deadline of the request under way is the calling thread's (``bounded(budget)``):
requests reads the answer in the thread that sent the request.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._transport import Budget, bounded_file

try:
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:  # pragma: no cover - the client reports the missing requests library
    HAS_ADAPTER = False
    HTTPAdapter = HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = object  # type: ignore[misc,assignment]
else:
    HAS_ADAPTER = True

_CURRENT = threading.local()


@contextlib.contextmanager
def bounded(budget: Budget) -> t.Iterator[Budget]:
    """Answers read by this thread meanwhile keep to ``budget`` (started here)."""
    budget.start()
    _CURRENT.budget = budget
    try:
        yield budget
    finally:
        _CURRENT.budget = None


class BoundedResponse(http.client.HTTPResponse):
    """An http.client response whose reads keep to the deadline of the request under way in this thread."""

    def __init__(self, sock: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(sock, *args, **kwargs)
        budget = getattr(_CURRENT, "budget", None)
        if budget is not None:
            self.fp = bounded_file(sock, self.fp, budget)


class _HTTPConnection(HTTPConnection):
    response_class = BoundedResponse


class _HTTPSConnection(HTTPSConnection):
    response_class = BoundedResponse


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class BoundedAdapter(HTTPAdapter):
    """requests' HTTPAdapter with connections that read through BoundedResponse."""

    def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
