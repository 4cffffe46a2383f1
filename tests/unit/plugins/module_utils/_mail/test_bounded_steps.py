# SPDX-License-Identifier: GPL-3.0-or-later
"""SMTP and IMAP steps against servers that trickle or never stop, over real loopback sockets.

Every step (the greeting, a command and its answer) must end within ``timeout`` seconds however
slowly the server sends, and bring at most the step's byte budget. Nothing is timed: each test asserts
the error, the step it names, and that the server saw the client leave while it was still sending.
"""

from __future__ import annotations

import ssl
import time
import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.endpoint import Endpoint, tls_context
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap import ImapSession
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.smtp import SmtpSession
from ...raw_server import Conn, RawServer

GREETING = b"220 mail.example.org ESMTP ready\r\n"


@pytest.fixture
def serve() -> t.Iterator[t.Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(handler: t.Callable[[Conn], None]) -> RawServer:
        servers.append(RawServer(handler))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def context() -> ssl.SSLContext:
    return tls_context(validate_certs=True, ca_path=None)


def smtp(server: RawServer, **kwargs: t.Any) -> SmtpSession:
    return SmtpSession(Endpoint("smtp", "127.0.0.1", server.port, "starttls"), context(), **kwargs)


def imap(server: RawServer, **kwargs: t.Any) -> ImapSession:
    return ImapSession(Endpoint("imap", "127.0.0.1", server.port, "starttls"), context(), **kwargs)


def trickle(conn: Conn, data: bytes, pause: float = 0.3) -> None:
    for byte in data:
        conn.send(bytes([byte]))
        time.sleep(pause)


def test_smtp_greeting_trickled_byte_by_byte_fails_at_the_timeout(serve) -> None:
    server = serve(lambda conn: trickle(conn, GREETING * 10))
    with pytest.raises(errors.MailcowTransportError, match=r"^the SMTP server 127\.0\.0\.1:\d+ did not answer within 2 seconds \(option timeout\) "
                                                           r"during greeting\."):
        with smtp(server, timeout=2):
            pass
    assert server.wait() == ["client gone"]


def test_smtp_ehlo_reply_trickled_names_ehlo(serve) -> None:
    def handler(conn: Conn) -> None:
        conn.send(GREETING)
        assert conn.line().upper().startswith(b"EHLO ")
        trickle(conn, b"250-mail.example.org\r\n" * 20, pause=0.05)

    server = serve(handler)
    with pytest.raises(errors.MailcowTransportError, match=r"did not answer within 2 seconds \(option timeout\) during EHLO\."):
        with smtp(server, timeout=2):
            pass
    assert server.wait() == ["client gone"]


def test_smtp_endless_reply_lines_stop_at_the_step_budget(serve) -> None:
    def handler(conn: Conn) -> None:
        conn.send(GREETING)
        conn.line()
        while True:
            conn.send(b"250-PIPELINING\r\n" * 4096)

    server = serve(handler)
    with pytest.raises(errors.MailcowTransportError, match=r"^the SMTP server 127\.0\.0\.1:\d+ sent more than 1 MiB during EHLO without finishing "
                                                           r"its answer: is 127\.0\.0\.1:\d+ a mail server\?$"):
        with smtp(server, timeout=30):
            pass
    assert server.wait() == ["client gone"]


def imap_greeting_then(lines: t.Callable[[Conn], None]) -> t.Callable[[Conn], None]:
    """A server that greets, takes the first command (imaplib asks for CAPABILITY) and then runs ``lines``."""

    def handler(conn: Conn) -> None:
        conn.send(b"* OK IMAP4rev1 ready\r\n")
        assert b" CAPABILITY" in conn.line()
        lines(conn)

    return handler


def test_imap_endless_untagged_lines_fail_at_the_timeout(serve) -> None:
    def lines(conn: Conn) -> None:
        while True:
            conn.send(b"* OK still here\r\n")
            time.sleep(0.05)

    server = serve(imap_greeting_then(lines))
    with pytest.raises(errors.MailcowTransportError, match=r"^the IMAP server 127\.0\.0\.1:\d+ did not answer within 2 seconds \(option timeout\) "
                                                           r"during CAPABILITY\."):
        with imap(server, timeout=2):
            pass
    assert server.wait() == ["client gone"]


def test_imap_greeting_trickled_fails_at_the_timeout(serve) -> None:
    server = serve(lambda conn: trickle(conn, b"* OK IMAP4rev1 ready\r\n" * 5))
    with pytest.raises(errors.MailcowTransportError, match=r"did not answer within 2 seconds \(option timeout\) during greeting\."):
        with imap(server, timeout=2):
            pass
    assert server.wait() == ["client gone"]


def test_imap_endless_untagged_lines_stop_at_the_step_budget(serve) -> None:
    def lines(conn: Conn) -> None:
        while True:
            conn.send(b"* 1 EXISTS\r\n" * 8192)

    server = serve(imap_greeting_then(lines))
    with pytest.raises(errors.MailcowTransportError, match=r"^the IMAP server 127\.0\.0\.1:\d+ sent more than 1 MiB during CAPABILITY without "
                                                           r"finishing its answer"):
        with imap(server, timeout=30, step_limit=1024 * 1024):
            pass
    assert server.wait() == ["client gone"]


def test_each_step_has_its_own_time(serve) -> None:
    """Steps that each take most of the timeout add up to more than it: the limit is per step, not per session."""

    def handler(conn: Conn) -> None:
        trickle(conn, GREETING, pause=1.5 / len(GREETING))
        assert conn.line().upper().startswith(b"EHLO ")
        trickle(conn, b"250 mail.example.org\r\n", pause=1.5 / 22)
        conn.line()  # STARTTLS is refused: the password is never sent in clear

    server = serve(handler)
    with pytest.raises(errors.MailcowTLSError, match="does not offer STARTTLS"):
        with smtp(server, timeout=4):  # 1.5 s a step, 3 s in all: each step well within 4 s, the two together not
            pass
