# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP/1.1 listeners (HTTPS and optional plain HTTP) in front of the app.

Keep-alive with Content-Length on every answer, a thread per connection (nginx accepts many
clients; the php-fpm bound is the app's worker pool, not the listener), TLS handshakes in the
connection's own thread so one slow client cannot stall the accept loop.
"""
from __future__ import annotations

import select
import socket
import ssl
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .wire import Request, Response

KEEPALIVE_TIMEOUT = 65  # nginx's keepalive_timeout
MAX_BODY = 64 * 1024 * 1024


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = KEEPALIVE_TIMEOUT
    server: "ApiServer"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes: without TCP_NODELAY, Nagle plus the client's
        # delayed ACK would add ~40 ms to every answer and wreck the latency model.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app writes its own log, without secrets

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError, socket.timeout):
            self.close_connection = True

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        split = urlsplit(self.path)
        request = Request(
            method=self.command, path=split.path or "/", query=split.query, headers=self.headers,
            body=body, client_ip=self.client_address[0], https=self.server.https,
        )
        response = self.server.app.dispatch(request)
        if response.drop:
            self._drop()
            return
        self._send(response)

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400)
            return None
        if length > MAX_BODY:
            self.send_error(413)
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _send(self, response: Response) -> None:
        streamed = bool(response.pace or response.size)
        if not response.announce:
            self.close_connection = True  # the body ends when the connection closes
        self.send_response(response.status)
        if response.content_type is not None:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.announce:
            self.send_header("Content-Length", str(response.size or len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and streamed:
            self.wfile.flush()
            self._stream(response)
        elif self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()

    def _stream(self, response: Response) -> None:
        """A trickled or huge body; the stats count whether the client stayed to its end."""
        try:
            if response.size:
                block = (b'{"domain_name": "huge.example", "description": "' + b"x" * 200 + b'"},') * 256
                sent = 0
                self.wfile.write(b"[")
                sent += 1
                while sent < response.size:
                    part = block[:response.size - sent]
                    self.wfile.write(part)
                    sent += len(part)
            else:
                for index in range(len(response.body)):
                    if index and select.select([self.connection], [], [], 0)[0]:
                        # A client waiting for its answer sends nothing: readable means it closed the connection.
                        raise ConnectionResetError("the client closed the connection")
                    self.wfile.write(response.body[index:index + 1])
                    self.wfile.flush()
                    if index + 1 < len(response.body):
                        time.sleep(response.pace)
            self.wfile.flush()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
            self.close_connection = True
            self.server.app.stats.stream("client gone")
            raise ConnectionResetError("the client left before the answer was complete") from None
        self.server.app.stats.stream("finished")

    def _drop(self) -> None:
        """Close without a word; SO_LINGER 0 makes it a reset, like a REJECTing firewall."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, app: Any, tls: ssl.SSLContext | None) -> None:
        self.app, self.tls, self.https = app, tls, tls is not None
        super().__init__((host, port), ApiHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None:
            request.settimeout(10)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                request.close()
                return  # a failed handshake (e.g. a client that rejects our CA) is the client's business
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.app.log.exception(f"connection from {client_address[0]}")

    def start(self, name: str) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, args=(0.1,), name=name, daemon=True)
        thread.start()
        return thread


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # Mailcow's nginx: TLSv1.2 and 1.3
    context.load_cert_chain(cert, key)
    return context
