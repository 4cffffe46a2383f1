# SPDX-License-Identifier: GPL-3.0-or-later
"""A loopback TCP server whose every connection runs a test's handler over a real socket.

For servers that misbehave at the byte level (trickling, endless, huge, resetting). Each connection's
outcome is recorded: ``finished`` when the handler ran to its end, ``client gone`` when the client closed
the connection (a send failed, or a read found it closed) before the handler was done. A test asserts
that the client gave up while the server was still sending, instead of timing the client.
"""

from __future__ import annotations

import socket
import ssl
import threading
import typing as t

Handler = t.Callable[["Conn"], None]


class ClientGone(Exception):
    """The client closed the connection."""


class Conn:
    """One accepted connection, as the handler sees it."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sent = 0
        self._buffer = b""

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise ClientGone(str(exc)) from None
        self.sent += len(data)

    def line(self) -> bytes:
        """The next line the client sent, without CRLF."""
        while b"\n" not in self._buffer:
            self._more()
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.rstrip(b"\r")

    def request_head(self) -> bytes:
        """An HTTP request's head (up to the blank line); its body, if any, is left unread."""
        while b"\r\n\r\n" not in self._buffer:
            self._more()
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        return head

    def _more(self) -> None:
        try:
            data = self.sock.recv(65536)
        except OSError as exc:
            raise ClientGone(str(exc)) from None
        if not data:
            raise ClientGone("closed")
        self._buffer += data


class RawServer:
    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.outcomes: list[str] = []
        self.sent: list[int] = []
        self.connections = 0
        self._changed = threading.Condition()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _address = self.sock.accept()
            except OSError:
                return
            with self._changed:
                self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        conn = None
        outcome = "finished"
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            conn = Conn(sock)
            self.handler(conn)
        except ClientGone:
            outcome = "client gone"
        except (OSError, ssl.SSLError):
            outcome = "client gone"
        finally:
            sock.close()
            with self._changed:
                self.outcomes.append(outcome)
                self.sent.append(conn.sent if conn else 0)
                self._changed.notify_all()

    def wait(self, count: int = 1, limit: float = 120) -> list[str]:
        """The outcomes once ``count`` connections have ended (``limit`` only keeps a broken test from hanging)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.outcomes) >= count, limit)
            return list(self.outcomes)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way; close() alone leaves it listening
        except OSError:
            pass
        self.sock.close()


def http_head(status: str = "200 OK", **headers: t.Any) -> bytes:
    """``HTTP/1.1 <status>`` and the headers (``Content_Length`` -> ``Content-Length``), ending in the blank line."""
    lines = ["HTTP/1.1 " + status] + ["%s: %s" % (name.replace("_", "-"), value) for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
