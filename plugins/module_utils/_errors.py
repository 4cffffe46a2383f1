# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the exceptions the clients raise. Modules map them to fail_json once."""

from __future__ import annotations

import typing as t


class MailcowError(Exception):
    """Any failure talking to Mailcow (API, SMTP or IMAP).

    Carries what a caller needs to act on it: the request method and URL path (never the API key),
    the HTTP status, and Mailcow's message key with its arguments. ``str(error)`` is the readable
    English message.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        msg_key: str | None = None,
        msg_args: t.Sequence[t.Any] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.msg_key = msg_key
        self.msg_args = list(msg_args)
        # Extra result keys for fail_json (e.g. failed_entries of a bulk run); never secrets.
        self.details: dict[str, t.Any] = {}
        # A refusal in an answer that also reports success for other parts of the same request (Mailcow saves the
        # valid sender_acl entries of an edit and drops the others): the write was partly carried out.
        self.partly_applied = False

    def to_result(self) -> dict[str, t.Any]:
        """Extra fail_json keys; only those that are known."""
        result: dict[str, t.Any] = {"error_type": type(self).__name__}
        for key in ("method", "path", "status", "msg_key"):
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        if self.msg_args:
            result["msg_args"] = self.msg_args
        result.update(self.details)
        return result


class MailcowAuthError(MailcowError):
    """The server refused the credentials (API key, or a mailbox login over SMTP/IMAP)."""


class MailcowIPNotAllowedError(MailcowAuthError):
    """The API key is valid but the caller's IP is not in the key's allow list."""


class MailcowForbiddenError(MailcowError):
    """The credentials are valid but may not do this (read-only API key used for a write)."""


class MailcowNotFoundError(MailcowError):
    """The object or the API route does not exist."""


class MailcowExistsError(MailcowError):
    """An add was refused because the object already exists."""


class MailcowValidationError(MailcowError):
    """The server refused the request's content (Mailcow 'danger' answers, SMTP 5xx refusals)."""


class MailcowTransportError(MailcowError):
    """The server could not be reached or answered with something that is not Mailcow's API.

    ``not_sent`` is true when the request surely never reached the server (no connection was
    made): only then may a write be sent again, and only then is its outcome known (not done).
    ``timed_out`` is true when the request was sent and no answer came in time: the server may
    still be carrying it out.
    """

    def __init__(self, message: str, *, not_sent: bool = False, timed_out: bool = False, **kwargs: t.Any) -> None:
        super().__init__(message, **kwargs)
        self.not_sent = not_sent
        self.timed_out = timed_out

    @property
    def answer_lost(self) -> bool:
        """The request was sent and no HTTP answer came back: a write may have been carried out."""
        return not self.not_sent and self.status is None and not isinstance(self, MailcowTLSError)


class MailcowUnknownOutcomeError(MailcowError):
    """A write was answered in a way that does not tell whether it was carried out.

    Mailcow answers HTTP 200 with an empty body when PHP failed part-way, e.g. the loser of two
    racing adds of the same object. Callers re-read the object to decide.
    """


class MailcowBatchError(MailcowError):
    """Several writes of one run failed or were not attempted; ``details`` lists every entry."""


class MailcowTLSError(MailcowTransportError):
    """The TLS handshake or certificate verification failed."""


class MailcowTimeoutError(MailcowError):
    """A wait (for example for a message to arrive) ran out of time."""


class MailcowOptionError(MailcowError):
    """A task option is invalid; raised before anything is sent to the server."""


class MailcowPathError(MailcowOptionError):
    """A name that no Mailcow API URL path can carry (a '/', a '..' step, a control character); nothing was sent."""
