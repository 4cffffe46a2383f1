# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what the API client and the mail sessions share about their connections.

A socket timeout bounds one read, not an answer: a server that sends one byte every 2 seconds
never trips a 5-second timeout. ``DeadlineReader`` reads a socket for http.client, smtplib and
imaplib with the socket's timeout set to what is left of one deadline before every read, so a
whole answer (or SMTP/IMAP step) takes at most that long, and with a byte budget, so a server that
never stops sending cannot fill the memory. ``check_ca_path`` names a CA bundle that cannot be used.
"""

from __future__ import annotations

import io
import os
import socket
import ssl
import time
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError


class Budget:
    """The deadline and byte budget of the step under way; ``start()`` begins a step.

    ``deadline`` None means no deadline (the socket's own timeout applies); ``limit`` None means
    no byte budget. ``exceeded`` says which bound ended a read: "time" or "size".
    """

    def __init__(self, seconds: float | None, limit: int | None = None) -> None:
        self.seconds = seconds
        self.limit = limit
        self.deadline: float | None = None
        self.received = 0
        self.started = 0.0
        self.exceeded = ""
        self.step = ""

    def start(self, step: str = "") -> None:
        """A new step (``step`` names it for messages; empty: the same name as before) with the whole time and budget."""
        self.step = step or self.step
        self.started = time.monotonic()
        self.deadline = None if self.seconds is None else self.started + self.seconds
        self.received = 0
        self.exceeded = ""

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()


class StepTimeout(socket.timeout):
    """The step's deadline passed (a socket.timeout, so every library treats it as one)."""


class StepTooLarge(OSError):
    """The step's answer went past its byte budget."""


class DeadlineReader(io.RawIOBase):
    """A socket's raw reads, each bounded by what is left of the budget's deadline and byte budget."""

    def __init__(self, sock: socket.socket, raw: t.Any, budget: Budget) -> None:
        super().__init__()
        self.sock = sock
        self.raw = raw
        self.budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int | None:
        budget = self.budget
        previous = self.sock.gettimeout()
        remaining = budget.remaining()
        if remaining is None or previous == 0.0:
            # No deadline, or a caller reading without waiting (the IMAP IDLE reader takes what is buffered).
            return self._counted(self.raw.readinto(buffer))
        if remaining <= 0:
            budget.exceeded = "time"
            raise StepTimeout("timed out")
        self.sock.settimeout(remaining if previous is None else min(previous, remaining))
        try:
            return self._counted(self.raw.readinto(buffer))
        except socket.timeout:
            budget.exceeded = "time"
            raise
        finally:
            self.sock.settimeout(previous)

    def _counted(self, count: int | None) -> int | None:
        budget = self.budget
        budget.received += count or 0
        if budget.limit is not None and budget.received > budget.limit:
            budget.exceeded = "size"
            raise StepTooLarge(size_text(budget.limit))
        return count

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()


def size_text(size: int) -> str:
    """``128 MiB``, ``1536 KiB``, ``700 bytes``."""
    for unit, name in ((1024 * 1024, "MiB"), (1024, "KiB")):
        if size >= unit and size % unit == 0:
            return "%d %s" % (size // unit, name)
    return "%d bytes" % size


def bounded_file(sock: t.Any, made: t.Any, budget: Budget) -> io.BufferedReader:
    """``made`` (what ``sock.makefile("rb")`` returned, not read from yet) as a file whose reads keep to ``budget``."""
    raw = made.detach() if isinstance(made, io.BufferedReader) else made
    return io.BufferedReader(DeadlineReader(sock, raw, budget), 65536)


def check_ca_path(ca_path: str | None) -> None:
    """Refuse a CA bundle that does not exist, cannot be read or holds no certificate, naming the option."""
    if not ca_path:
        return
    option = "ca_path (MAILCOW_CA_PATH) %s" % ca_path
    if not os.path.exists(ca_path):
        raise MailcowOptionError("%s does not exist: give the path of the PEM file of the CA that signed the server certificate" % option)
    if os.path.isdir(ca_path):
        if not os.access(ca_path, os.R_OK | os.X_OK):
            raise MailcowOptionError("%s is a directory this user cannot read" % option)
        return
    try:
        with open(ca_path, "rb") as handle:
            handle.read(1)
        ssl.create_default_context(cafile=ca_path)
    except OSError as exc:  # ssl.SSLError is an OSError too
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
        if isinstance(exc, ssl.SSLError):
            raise MailcowOptionError("%s is not a PEM CA bundle (%s): give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)"
                                     % (option, reason)) from None
        raise MailcowOptionError("%s cannot be read: %s" % (option, reason)) from None
