# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mail submission over SMTP (RFC 6409), with smtplib.

Mailcow's submission ports: 587 wants STARTTLS before AUTH, 465 is implicit
TLS, AUTH is PLAIN or LOGIN with the full address, and Postfix refuses an envelope sender the
login does not own with 553. Every failure becomes a MailcowError naming host:port, the SMTP
reply and what to do; the password is never part of one.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowAuthError,
    MailcowError,
    MailcowForbiddenError,
    MailcowTLSError,
    MailcowTransportError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.endpoint import STEP_LIMIT, BoundedSteps, Endpoint, Session, connection_error
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport import Budget, StepTooLarge, size_text

# A 4xx reply (RFC 5321 4.2.1) is a temporary refusal: the same message may be accepted later.
TRY_LATER = ". A 4xx reply is temporary: the server asks to try again later (greylisting, rate limits, a lookup that failed)"


# Commands smtplib sends; anything else sent (an AUTH LOGIN answer, the message after DATA) belongs to the step before.
SMTP_VERBS = frozenset(("EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT"))


class _Steps(BoundedSteps):
    """Each SMTP step (the greeting, a command and its reply) within ``timeout`` seconds, however slowly the server sends."""

    def connect(self, host: str = "localhost", port: int = 0, source_address: t.Any = None) -> tuple[int, bytes]:
        self.budget.start("greeting")
        return super().connect(host, port, source_address)  # type: ignore[misc]

    def send(self, s: t.Any) -> None:
        data = s if isinstance(s, bytes) else str(s).encode("ascii", "replace")
        verb = data[:10].split(b" ")[0].strip().upper().decode("ascii", "replace")
        self.budget.start(verb if verb in SMTP_VERBS else "")
        super().send(s)  # type: ignore[misc]


class BoundedSMTP(_Steps, smtplib.SMTP):
    def __init__(self, budget: Budget, **kwargs: t.Any) -> None:
        self.budget = budget
        super().__init__(**kwargs)


class BoundedSMTPSSL(_Steps, smtplib.SMTP_SSL):
    def __init__(self, budget: Budget, **kwargs: t.Any) -> None:
        self.budget = budget
        super().__init__(**kwargs)


class SendResult(t.NamedTuple):
    accepted: list[str]
    refused: dict[str, str]


def _reply(code: int, text: bytes | str) -> str:
    """``553 5.7.1 <x>: Sender address rejected: ...`` from smtplib's (code, bytes)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return ("%s %s" % (code, " ".join(str(text).split()))).strip()


class SmtpSession(Session):
    """One authenticated submission connection. Use as a context manager; it always says QUIT."""

    def __init__(self, endpoint: Endpoint, context: ssl.SSLContext, *, timeout: float, step_limit: int = STEP_LIMIT["smtp"]) -> None:
        self.endpoint = endpoint
        self.context = context
        self.timeout = timeout
        self.budget = Budget(timeout, step_limit)
        self.conn: smtplib.SMTP | None = None

    def _where(self, step: str) -> dict[str, t.Any]:
        return {"method": step, "path": self.endpoint.url}

    def connect(self) -> None:
        host, port = self.endpoint.host, self.endpoint.port
        try:
            if self.endpoint.security == "tls":
                self.conn = BoundedSMTPSSL(self.budget, host=host, port=port, timeout=self.timeout, context=self.context)
                self.conn.ehlo()
                return
            self.conn = BoundedSMTP(self.budget, host=host, port=port, timeout=self.timeout)
            self.conn.ehlo()
            if not self.conn.has_extn("starttls"):
                raise MailcowTLSError("the %s does not offer STARTTLS, so the password cannot be sent safely. If it expects TLS "
                                      "from the first byte (like 465), set smtp_security=tls" % self.endpoint.label, **self._where("STARTTLS"))
            self.conn.starttls(context=self.context)
            self.conn.ehlo()
        except smtplib.SMTPServerDisconnected as exc:
            bounded = self._bounded(exc)
            if bounded is not None:
                raise bounded from None
            raise MailcowTransportError("the %s closed the connection before its greeting" % self.endpoint.label, **self._where("CONNECT")) from None
        except smtplib.SMTPResponseException as exc:
            raise MailcowTransportError("the %s refused the session: %s" % (self.endpoint.label, _reply(exc.smtp_code, exc.smtp_error)),
                                        status=exc.smtp_code, **self._where("CONNECT")) from None
        except (OSError, ssl.SSLError) as exc:
            raise connection_error(exc, self.endpoint, timeout=self.timeout) from None

    @property
    def eight_bit(self) -> bool:
        """Whether the server takes 8bit bodies (8BITMIME, RFC 6152)."""
        return bool(self.conn and self.conn.has_extn("8bitmime"))

    def login(self, username: str, password: str) -> None:
        conn = self._open()
        if not conn.has_extn("auth"):
            raise MailcowAuthError("the %s offers no AUTH on this connection: is this the submission port (587 or 465), not "
                                   "port 25? Set smtp_port (MAILCOW_SMTP_PORT)" % self.endpoint.label, **self._where("AUTH"))
        mechanisms = conn.esmtp_features.get("auth", "").upper().split()
        try:
            if "PLAIN" in mechanisms:
                # smtplib's own AUTH PLAIN encodes as ASCII and so fails on non-ASCII passwords.
                token = base64.b64encode(b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
                code, text = conn.docmd("AUTH", "PLAIN " + token)
                if code != 235:
                    raise smtplib.SMTPAuthenticationError(code, text)
            else:
                conn.login(username, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailcowAuthError(
                "SMTP login to the %s as %s failed: %s. Check username and password; on Mailcow the mailbox must exist, be "
                "active (not login-disabled) and allow SMTP" % (self.endpoint.label, username, _reply(exc.smtp_code, exc.smtp_error).rstrip(".")),
                status=exc.smtp_code, **self._where("AUTH")) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise self._broken(exc, "AUTH") from None

    def send(self, sender: str, recipients: list[str], data: bytes, *, login: str) -> SendResult:
        """Submit one message; raises unless at least one recipient was accepted."""
        conn = self._open()
        options = ["BODY=8BITMIME"] if self.eight_bit and not data.isascii() else []
        try:
            refused = conn.sendmail(sender, recipients, data, mail_options=options)
        except smtplib.SMTPSenderRefused as exc:
            raise self._sender_refused(exc.smtp_code, _reply(exc.smtp_code, exc.smtp_error), sender, login, len(data), "MAIL FROM") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise self._recipients_refused(exc.recipients, sender, login, len(data)) from None
        except smtplib.SMTPDataError as exc:
            raise MailcowValidationError("the %s refused the message: %s" % (self.endpoint.label, _reply(exc.smtp_code, exc.smtp_error)),
                                         status=exc.smtp_code, **self._where("DATA")) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise self._broken(exc, "DATA") from None
        refused_text = {rcpt: _reply(*reply) for rcpt, reply in refused.items()}
        return SendResult([r for r in recipients if r not in refused_text], refused_text)

    def _recipients_refused(self, recipients: dict[str, tuple[int, bytes]], sender: str, login: str, size: int) -> MailcowError:
        replies = {rcpt: _reply(*reply) for rcpt, reply in recipients.items()}
        # Postfix delays sender restrictions to RCPT TO (smtpd_delay_reject=yes, also on Mailcow), so
        # "not owned by user" arrives as the refusal of every recipient.
        for rcpt, reply in replies.items():
            if "Sender address rejected" in reply:
                return self._sender_refused(recipients[rcpt][0], reply, sender, login, size, "RCPT TO")
        reasons = "; ".join("%s: %s" % (rcpt, reply) for rcpt, reply in replies.items())
        later = TRY_LATER if any(400 <= code < 500 for code, _text in recipients.values()) else ""
        return MailcowValidationError("the %s refused every recipient, nothing was sent: %s%s" % (self.endpoint.label, reasons, later),
                                      **self._where("RCPT TO"))

    def _sender_refused(self, code: int, reply: str, sender: str, login: str, size: int, step: str) -> MailcowError:
        where = dict(self._where(step), status=code)
        if code == 553 or "not owned" in reply:
            return MailcowForbiddenError(
                "the %s refused sender %s for login %s: %s. On Mailcow a login may send only as its own address, as aliases "
                "that allow sending, or as addresses in its sender ACL" % (self.endpoint.label, sender, login, reply), **where)
        if code == 552:
            return MailcowValidationError("the %s refused a message of %d bytes as too large: %s" % (self.endpoint.label, size, reply), **where)
        return MailcowValidationError("the %s refused sender %s: %s%s" % (self.endpoint.label, sender, reply, TRY_LATER if 400 <= code < 500 else ""),
                                      **where)

    def _bounded(self, exc: BaseException) -> MailcowError | None:
        """The error of a step that ran out of time or past its byte budget (smtplib reports both as a disconnect); else None."""
        step = self.budget.step or "greeting"
        if self.budget.exceeded == "size":
            return connection_error(StepTooLarge(size_text(self.budget.limit or 0)), self.endpoint, timeout=self.timeout, step=step)
        if self.budget.exceeded == "time" or "timed out" in str(exc):
            # smtplib reports a read timeout as a disconnect ("Connection unexpectedly closed: timed out").
            return connection_error(TimeoutError(), self.endpoint, timeout=self.timeout, step=step)
        return None

    def _broken(self, exc: BaseException, step: str) -> MailcowError:
        bounded = self._bounded(exc) if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)) else None
        if bounded is not None:
            return bounded
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return MailcowTransportError("the %s closed the connection during %s" % (self.endpoint.label, step), **self._where(step))
        if isinstance(exc, smtplib.SMTPResponseException):
            return MailcowError("the %s answered %s with %s" % (self.endpoint.label, step, _reply(exc.smtp_code, exc.smtp_error)),
                                status=exc.smtp_code, **self._where(step))
        if isinstance(exc, smtplib.SMTPException):
            return MailcowError("SMTP %s with the %s failed: %s" % (step, self.endpoint.label, exc), **self._where(step))
        return connection_error(exc, self.endpoint, timeout=self.timeout, step=step)

    def _open(self) -> smtplib.SMTP:
        if self.conn is None:
            self.connect()
        return t.cast(smtplib.SMTP, self.conn)

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.quit()
        except (smtplib.SMTPException, OSError):
            self.conn.close()
        self.conn = None
