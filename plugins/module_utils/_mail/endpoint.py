# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: where a mail module connects (host, port, TLS mode) and how.

Shared by the SMTP and IMAP sessions: endpoint defaults (Mailcow's: ``mail.<domain>``, 587
STARTTLS / 465 TLS, 993 TLS / 143 STARTTLS), the TLS context, and the translation of socket and
TLS failures into MailcowError with host:port and the reason. Never sees a password.
"""

from __future__ import annotations

import abc
import dataclasses
import os
import socket
import ssl
import types
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowError,
    MailcowOptionError,
    MailcowTLSError,
    MailcowTransportError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport import Budget, DeadlineReader, StepTooLarge, bounded_file, check_ca_path

Kind = t.Literal["smtp", "imap"]
Security = t.Literal["tls", "starttls"]

# Ports whose protocol is fixed by convention (RFC 8314): the TLS mode follows from them.
DEFAULT_PORTS: dict[tuple[str, str], int] = {("smtp", "starttls"): 587, ("smtp", "tls"): 465, ("imap", "tls"): 993, ("imap", "starttls"): 143}
STARTTLS_ONLY_PORTS = {"smtp": (587, 25), "imap": (143,)}
TLS_ONLY_PORTS = {"smtp": (465,), "imap": (993,)}


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One mail server port and how to secure it."""

    kind: Kind
    host: str
    port: int
    security: Security

    @property
    def label(self) -> str:
        """``SMTP server mail.example.org:587`` for messages."""
        return "%s server %s" % (self.kind.upper(), self.address)

    @property
    def address(self) -> str:
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s:%d" % (host, self.port)

    @property
    def url(self) -> str:
        """``smtps://host:465``, ``imap://host:143`` (STARTTLS): the ``path`` of errors."""
        scheme = self.kind + ("s" if self.security == "tls" else "")
        return "%s://%s" % (scheme, self.address)


def domain_of(address: str | None) -> str | None:
    """Domain part of ``user@example.org`` (or of ``Name <user@example.org>``), lower-case."""
    if not address or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].strip().rstrip(">").strip().lower() or None


def resolve_endpoint(kind: Kind, *, host: str | None, port: int | None, security: str | None, address: str | None) -> Endpoint:
    """Fill in what the task left unset as a Mailcow host is usually named: ``mail.<domain>``, port from the TLS mode.

    With no TLS mode either, the well-known implicit-TLS ports (465, 993) mean ``tls`` and any other
    port ``starttls`` for SMTP; for IMAP only 143 means ``starttls``, because 993 is IMAP's default.
    """
    if not host:
        domain = domain_of(address)
        if not domain:
            raise MailcowOptionError("%s_host is not set (nor MAILCOW_%s_HOST) and %r has no domain to derive mail.<domain> from"
                                     % (kind, kind.upper(), address))
        host = "mail." + domain
    if not security:
        if kind == "smtp":
            security = "tls" if port in TLS_ONLY_PORTS["smtp"] else "starttls"
        else:
            security = "starttls" if port in STARTTLS_ONLY_PORTS["imap"] else "tls"
    if security not in ("tls", "starttls"):
        raise MailcowOptionError("%s_security must be tls or starttls, got %r" % (kind, security))
    if not port:
        port = DEFAULT_PORTS[(kind, security)]
    if not 0 < int(port) < 65536:
        raise MailcowOptionError("%s_port (or MAILCOW_%s_PORT) must be between 1 and 65535, got %s" % (kind, kind.upper(), port))
    return Endpoint(kind, host.strip(), int(port), t.cast(Security, security))


def tls_context(*, validate_certs: bool | None, ca_path: str | None) -> ssl.SSLContext:
    """A client context: verification and hostname checking on unless validate_certs is false.

    Mailcow's Postfix and Dovecot refuse anything older than TLS 1.2, so the client does too.
    """
    if validate_certs is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        check_ca_path(ca_path)
        try:
            if ca_path and os.path.isdir(ca_path):
                context = ssl.create_default_context(capath=ca_path)  # a c_rehash directory, as requests takes it for the API
            else:
                context = ssl.create_default_context(cafile=ca_path or None)
        except (OSError, ssl.SSLError) as exc:
            raise MailcowOptionError("cannot load the CA bundle ca_path=%s (option ca_path or MAILCOW_CA_PATH): %s"
                                     % (ca_path, getattr(exc, "strerror", None) or exc)) from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def connection_error(exc: BaseException, endpoint: Endpoint, *, timeout: float, step: str = "connect") -> MailcowError:
    """Translate a socket or TLS failure into a readable MailcowError naming host:port and the options that set them."""
    cls: type[MailcowError] = MailcowTransportError
    where = endpoint.label
    if isinstance(exc, ssl.SSLCertVerificationError):
        cls, text = MailcowTLSError, ("TLS verification of the %s failed: %s. Point ca_path (MAILCOW_CA_PATH) at the CA that signed the "
                                      "server certificate, or set validate_certs=false (MAILCOW_VERIFY_SSL=false) for a test server"
                                      % (where, exc.verify_message or exc.reason or exc))
    elif isinstance(exc, ssl.SSLError):
        cls, text = MailcowTLSError, "TLS handshake with the %s failed: %s. %s" % (where, exc.reason or exc, tls_hint(endpoint))
    elif isinstance(exc, StepTooLarge):
        text = "the %s sent more than %s during %s without finishing its answer: is %s a mail server?" % (
            where, exc.args[0] if exc.args else "its limit", step, endpoint.address)
    elif isinstance(exc, (socket.timeout, TimeoutError)):
        text = "the %s did not answer within %s seconds (option timeout) during %s. %s" % (where, timeout, step, tls_hint(endpoint))
    elif isinstance(exc, socket.gaierror):
        text = "cannot connect to the %s: cannot resolve %s (%s). Check %s" % (where, endpoint.host, exc.strerror, fix_host(endpoint))
    elif isinstance(exc, ConnectionRefusedError):
        text = "cannot connect to the %s: connection refused. Is the server running, and are %s right?" % (where, fix_host(endpoint, port=True))
    else:
        text = "connection to the %s failed (%s): %s. Check %s" % (where, step, getattr(exc, "strerror", None) or exc, fix_host(endpoint, port=True))
    return cls(text, method=step.upper(), path=endpoint.url)


# The most one step (a command and its answer) may bring: an SMTP reply is a few lines; an IMAP FETCH may carry a
# whole message, and Mailcow refuses messages over 100 MiB by default.
STEP_LIMIT = {"smtp": 1024 * 1024, "imap": 128 * 1024 * 1024}


class BoundedSteps:
    """smtplib or imaplib connection whose every step (a command and its answer, or the greeting) keeps to ``budget``.

    Both libraries make their reader with ``self.file = self.sock.makefile("rb")`` (again after STARTTLS);
    this property swaps in a reader that keeps to the step's deadline and byte budget. A subclass starts
    a step (``budget.start(name)``) when it connects and each time it sends a command.
    """

    budget: Budget

    @property
    def file(self) -> t.Any:
        return self.__dict__.get("_bounded_file")

    @file.setter
    def file(self, value: t.Any) -> None:
        if value is not None and not isinstance(getattr(value, "raw", None), DeadlineReader):
            value = bounded_file(self.sock, value, self.budget)  # type: ignore[attr-defined]
        self.__dict__["_bounded_file"] = value


def fix_host(endpoint: Endpoint, *, port: bool = False) -> str:
    """``smtp_host and smtp_port (MAILCOW_SMTP_HOST, MAILCOW_SMTP_PORT)``: where the task says where the server is."""
    names = ["%s_host" % endpoint.kind] + (["%s_port" % endpoint.kind] if port else [])
    return "%s (%s)" % (" and ".join(names), ", ".join("MAILCOW_" + n.upper() for n in names))


def tls_hint(endpoint: Endpoint) -> str:
    """The usual cause of a TLS mismatch: implicit TLS spoken to a STARTTLS port or the reverse."""
    if endpoint.security == "tls":
        return ("Is %s an implicit-TLS port? If it expects STARTTLS (like %d), set %s_security=starttls"
                % (endpoint.port, DEFAULT_PORTS[(endpoint.kind, "starttls")], endpoint.kind))
    return ("Is %s a STARTTLS port? If it expects TLS from the first byte (like %d), set %s_security=tls"
            % (endpoint.port, DEFAULT_PORTS[(endpoint.kind, "tls")], endpoint.kind))


SessionT = t.TypeVar("SessionT", bound="Session")


class Session(abc.ABC):
    """A connection to one endpoint as a context manager: connected on entry, closed on exit (or when connecting fails)."""

    @abc.abstractmethod
    def connect(self) -> None:
        """Open the connection and log in."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connection, whatever state it is in."""

    def __enter__(self: SessionT) -> SessionT:
        try:
            self.connect()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: types.TracebackType | None) -> None:
        self.close()
