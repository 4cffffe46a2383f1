# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: one IMAP session (imaplib) as Mailcow's Dovecot meets it.

993 is implicit TLS, 143 needs STARTTLS before a login (Mailcow's Dovecot). Searching happens on
the server with UID SEARCH; only the messages returned are fetched, and of those only headers,
flags, sizes and BODYSTRUCTURE, plus (with IMAP BINARY) the decoded body text and attachment
sizes - never a 5 MB attachment just to learn its name. Servers without BINARY get the whole
message of only the messages returned. Every failure becomes a MailcowError naming host:port.

Waiting for mail uses IDLE (RFC 2177) where the server offers it: ``idle()`` reads the
connection itself while idling (imaplib 3.11 has no IDLE), so that a wait ends on the server's
EXISTS instead of on the next poll.
"""

from __future__ import annotations

import datetime
import imaplib
import itertools
import re
import select
import socket
import ssl
import time
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowAuthError,
    MailcowError,
    MailcowNotFoundError,
    MailcowTLSError,
    MailcowTransportError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.endpoint import STEP_LIMIT, BoundedSteps, Endpoint, Session, connection_error
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap_protocol import (
    Folder,
    Part,
    as_text,
    body_parts,
    find_item,
    mailbox_arg,
    parse_fetch,
    parse_internaldate,
    parse_list,
    quote,
    uid_set,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap_search import Filters, build_search
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.message import SUMMARY_HEADERS, decode_text, parse_full_message, summarize_headers
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import CONTROL_RE
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport import Budget

# Untagged responses (during IDLE, or to NOOP) that may mean a new match: new messages, or changed flags (unseen).
IDLE_EVENTS = frozenset((b"EXISTS", b"RECENT", b"FETCH"))
_IDLE_TAGS = itertools.count(1)
SUMMARY_ITEMS = "(UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (%s)])" % " ".join(h.upper() for h in SUMMARY_HEADERS)


def _text(data: t.Any) -> str:
    """imaplib's response data or exception argument -> readable text."""
    if isinstance(data, (list, tuple)):
        data = b" ".join(d if isinstance(d, bytes) else str(d).encode() for d in data if d is not None and not isinstance(d, tuple))
    if isinstance(data, BaseException):
        data = data.args[0] if data.args else str(data)
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    # Dovecot appends its timing, "(0.001 + 0.000 secs).", to every tagged answer: noise in a message.
    return re.sub(r"\s*\(\d+\.\d+( \+ \d+\.\d+)* secs\)\.?$", "", " ".join(str(data).split()))


class _Steps(BoundedSteps):
    """Each IMAP step (the greeting, a command and everything up to its tagged answer) within ``timeout`` seconds,
    however slowly the server sends and however many untagged lines it sends meanwhile."""

    def open(self, host: t.Any = "", port: t.Any = None, timeout: t.Any = None) -> None:
        self.budget.start("greeting")
        super().open(host, port, timeout)  # type: ignore[misc]

    def send(self, data: t.Any) -> None:
        words = data.split(b" ", 3)
        tag = getattr(self, "tagpre", None)
        step = ""
        if tag and len(words) > 1 and words[0].startswith(tag):
            step = b" ".join(words[1:3] if words[1].upper() == b"UID" and len(words) > 2 else words[1:2]).strip().upper().decode("ascii", "replace")
        self.budget.start(step)
        super().send(data)  # type: ignore[misc]


class BoundedIMAP4(_Steps, imaplib.IMAP4):
    def __init__(self, budget: Budget, host: str, port: int, **kwargs: t.Any) -> None:
        self.budget = budget
        super().__init__(host, port, **kwargs)


class BoundedIMAP4SSL(_Steps, imaplib.IMAP4_SSL):
    def __init__(self, budget: Budget, host: str, port: int, **kwargs: t.Any) -> None:
        self.budget = budget
        super().__init__(host, port, **kwargs)


class ImapSession(Session):
    """A connection, a login and at most one selected folder. Use as a context manager."""

    def __init__(self, endpoint: Endpoint, context: ssl.SSLContext, *, timeout: float, step_limit: int = STEP_LIMIT["imap"]) -> None:
        self.endpoint = endpoint
        self.context = context
        self.timeout = timeout
        self.budget = Budget(timeout, step_limit)
        self.conn: imaplib.IMAP4 | None = None
        self.username: str | None = None
        self.folder: str | None = None
        # What SELECT/EXAMINE answered (RFC 3501 6.3.1): UIDs are only comparable while UIDVALIDITY stays the same,
        # and every message that arrives later gets a UID of at least UIDNEXT. None when the server did not say.
        self.uid_validity: int | None = None
        self.uid_next: int | None = None

    # -- connection and login -----------------------------------------------------------------

    def connect(self) -> None:
        host, port = self.endpoint.host, self.endpoint.port
        try:
            if self.endpoint.security == "tls":
                self.conn = BoundedIMAP4SSL(self.budget, host, port, ssl_context=self.context, timeout=self.timeout)
                return
            self.conn = BoundedIMAP4(self.budget, host, port, timeout=self.timeout)
            if "STARTTLS" not in self.conn.capabilities:
                raise MailcowTLSError("the %s does not offer STARTTLS, so the password cannot be sent safely. If it expects TLS "
                                      "from the first byte (like 993), set imap_security=tls" % self.endpoint.label,
                                      method="STARTTLS", path=self.endpoint.url)
            self.conn.starttls(ssl_context=self.context)
        except imaplib.IMAP4.error as exc:
            raise MailcowTransportError("the %s did not start a session: %s" % (self.endpoint.label, _text(exc)),
                                        method="CONNECT", path=self.endpoint.url) from None
        except (OSError, ssl.SSLError) as exc:
            raise connection_error(exc, self.endpoint, timeout=self.timeout, step=self.budget.step or "connect") from None

    @property
    def capabilities(self) -> frozenset[str]:
        return frozenset(str(c).upper() for c in (self.conn.capabilities if self.conn else ()))

    def login(self, username: str, password: str) -> None:
        conn = self._open()
        self.username = username
        try:
            if "AUTH=PLAIN" in self.capabilities:
                # AUTHENTICATE PLAIN carries UTF-8; imaplib's LOGIN would send the arguments as ASCII.
                conn.authenticate("PLAIN", lambda _challenge: b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8"))
            elif username.isascii() and password.isascii() and not CONTROL_RE.search(password):
                # imaplib quotes the password's backslashes and double quotes only: a line break would end the command.
                conn.login(quote(username), password)
            else:
                raise MailcowAuthError("the %s offers no AUTH=PLAIN, and LOGIN cannot carry the non-ASCII characters or control characters "
                                       "(line breaks, tabs, NUL ...) of the user name or password of %s" % (self.endpoint.label, username),
                                       method="LOGIN", path=self.endpoint.url)
        except imaplib.IMAP4.abort as exc:
            raise self._broken(exc, "LOGIN") from None
        except imaplib.IMAP4.error as exc:
            raise MailcowAuthError(
                "IMAP login to the %s as %s failed: %s. Check username and password; on Mailcow the mailbox must exist, be "
                "active (not login-disabled) and allow IMAP" % (self.endpoint.label, username, _text(exc).rstrip(".")),
                method="LOGIN", path=self.endpoint.url) from None
        except (OSError, ssl.SSLError) as exc:
            raise connection_error(exc, self.endpoint, timeout=self.timeout, step="LOGIN") from None
        # Servers announce more after login (Dovecot adds WITHIN, BINARY, ...); imaplib keeps the first list.
        data = self._run("CAPABILITY", conn.capability)
        conn.capabilities = tuple(_text(data).upper().split()) or conn.capabilities

    # -- plumbing -----------------------------------------------------------------------------

    def _open(self) -> imaplib.IMAP4:
        if self.conn is None:
            self.connect()
        return t.cast(imaplib.IMAP4, self.conn)

    def _run(self, step: str, call: t.Callable[[], tuple[str, t.Any]], *, missing_ok: bool = False) -> t.Any:
        """Run one imaplib call; anything but OK becomes a MailcowError (or None with missing_ok)."""
        try:
            status, data = call()
        except imaplib.IMAP4.abort as exc:
            raise self._broken(exc, step) from None
        except imaplib.IMAP4.error as exc:
            raise MailcowError("the %s refused %s: %s" % (self.endpoint.label, step, _text(exc)), method=step, path=self.endpoint.url) from None
        except (OSError, ssl.SSLError) as exc:
            raise connection_error(exc, self.endpoint, timeout=self.timeout, step=step) from None
        if status != "OK":
            if missing_ok:
                return None
            raise MailcowError("the %s refused %s: %s %s" % (self.endpoint.label, step, status, _text(data)), method=step, path=self.endpoint.url)
        return data

    def _broken(self, exc: BaseException, step: str) -> MailcowError:
        return MailcowTransportError("the connection to the %s broke during %s: %s" % (self.endpoint.label, step, _text(exc)),
                                     method=step, path=self.endpoint.url)

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.logout()
        except (imaplib.IMAP4.error, OSError):
            self.conn.shutdown()
        self.conn = None

    # -- folders ------------------------------------------------------------------------------

    def folders(self) -> list[Folder]:
        conn = self._open()
        return parse_list(self._run("LIST", lambda: conn.list('""', '"*"')))

    def select(self, folder: str, *, readonly: bool) -> int:
        """Select (or EXAMINE, which cannot change flags) a folder; returns its message count."""
        conn = self._open()
        try:
            status, data = conn.select(mailbox_arg(folder), readonly=readonly)
        except imaplib.IMAP4.abort as exc:
            raise self._broken(exc, "SELECT") from None
        except OSError as exc:  # ssl.SSLError too
            raise connection_error(exc, self.endpoint, timeout=self.timeout, step="SELECT") from None
        except imaplib.IMAP4.error as exc:
            raise MailcowError("the %s refused to open folder %s: %s" % (self.endpoint.label, folder, _text(exc)),
                               method="SELECT", path=self.endpoint.url) from None
        if status != "OK":
            names = ", ".join(sorted(f.name for f in self.folders()))
            raise MailcowNotFoundError("folder %r of %s does not exist on the %s (%s). Folders: %s"
                                       % (folder, self.username, self.endpoint.label, _text(data), names),
                                       method="SELECT", path=self.endpoint.url)
        self.folder = folder
        self.uid_validity, self.uid_next = (_response_number(conn, "UIDVALIDITY"), _response_number(conn, "UIDNEXT"))
        return int(_text(data) or 0) if _text(data).isdigit() else 0

    def create(self, folder: str) -> None:
        conn = self._open()
        self._run("CREATE", lambda: conn.create(mailbox_arg(folder)))

    def append(self, folder: str, raw: bytes, *, flags: str = "(\\Seen)") -> None:
        """Store a message in a folder, creating the folder once if the server says TRYCREATE."""
        conn = self._open()
        when = imaplib.Time2Internaldate(time.time())
        if self._run("APPEND", lambda: conn.append(mailbox_arg(folder), flags, when, raw), missing_ok=True) is None:
            self.create(folder)
            self._run("APPEND", lambda: conn.append(mailbox_arg(folder), flags, when, raw))

    # -- searching and reading ----------------------------------------------------------------

    def search(self, filters: Filters, *, now: datetime.datetime | None = None) -> list[int]:
        """UIDs of the selected folder's matching messages, ascending."""
        conn = self._open()
        command = build_search(filters, capabilities=self.capabilities, now=now or datetime.datetime.now(datetime.timezone.utc))

        def call() -> tuple[str, t.Any]:
            # imaplib sends a literal after the arguments once the server asks for it, and takes
            # bytes arguments as they are (typeshed says str for both).
            conn.literal = t.cast(t.Any, command.literal)
            return conn.uid("SEARCH", *t.cast(t.Tuple[t.Any, ...], command.args))

        data = self._run("SEARCH", call)
        return sorted({int(n) for n in _text(data).split() if n.isdigit()})

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above ``last_uid`` in the selected folder, ascending (``UID SEARCH UID n:*``)."""
        conn = self._open()
        data = self._run("SEARCH", lambda: conn.uid("SEARCH", "UID", "%d:*" % (last_uid + 1)))
        # n:* always includes the highest UID, even when that is below n (RFC 3501 6.4.8).
        return sorted({int(n) for n in _text(data).split() if n.isdigit() and int(n) > last_uid})

    def noop(self) -> bool:
        """Let the server report what changed since the last command; True if it reported EXISTS, RECENT or FETCH."""
        conn = self._open()
        self.changes(conn)  # forget what earlier commands left behind (SELECT leaves RECENT)
        self._run("NOOP", conn.noop)
        return self.changes(conn)

    @staticmethod
    def changes(conn: imaplib.IMAP4) -> bool:
        """Whether imaplib holds an untagged EXISTS, RECENT or FETCH; reading them clears them."""
        held = [conn.response(name.decode())[1] != [None] for name in sorted(IDLE_EVENTS)]  # all read: any() would stop early
        return any(held)

    def idle(self, seconds: float) -> list[bytes]:
        """IDLE (RFC 2177) for at most ``seconds``; returns the untagged responses that say the folder changed.

        Returns as soon as one EXISTS, RECENT or FETCH arrives (an empty list when the time ran out),
        always after DONE and the server's tagged answer, so the connection is ready for the next
        command. Keep-alives (``* OK Still here``) are read and ignored.
        """
        conn = self._open()
        tag = b"GDIDLE%d" % next(_IDLE_TAGS)
        try:
            lines = _Lines(conn)
            conn.send(tag + b" IDLE\r\n")
            events = self._idle_started(lines, tag)
            events += self._idle_wait(lines, time.monotonic() + seconds) if not events else []
            conn.send(b"DONE\r\n")
            return events + self._idle_done(lines, tag)
        except MailcowError:
            self._abandon()
            raise
        except (OSError, ssl.SSLError) as exc:
            self._abandon()
            raise self._idle_broken(exc) from None

    def _idle_started(self, lines: _Lines, tag: bytes) -> list[bytes]:
        """Read up to the server's ``+ idling``; a tagged answer instead means it refused IDLE."""
        events: list[bytes] = []
        while True:
            line = self._idle_line(lines, time.monotonic() + self.timeout, "IDLE")
            if line.startswith(b"+"):
                return events
            if line.startswith(tag + b" "):
                raise MailcowError("the %s refused IDLE: %s. Set wait_method=poll to wait by polling (every wait_interval seconds)"
                                   % (self.endpoint.label, _text(line[len(tag) + 1:])), method="IDLE", path=self.endpoint.url)
            events += self._idle_event(line)

    def _idle_wait(self, lines: _Lines, until: float) -> list[bytes]:
        while True:
            line = lines.line(until)
            if line is None:
                return []
            events = self._idle_event(line)
            if events:
                return events

    def _idle_done(self, lines: _Lines, tag: bytes) -> list[bytes]:
        """After DONE: untagged responses still on their way, then the tagged answer to IDLE."""
        events: list[bytes] = []
        while True:
            line = self._idle_line(lines, time.monotonic() + self.timeout, "DONE")
            if line.startswith(tag + b" "):
                status = line[len(tag) + 1:].split(b" ", 1)[0].upper()
                if status != b"OK":
                    raise MailcowError("the %s answered DONE with %s" % (self.endpoint.label, _text(line[len(tag) + 1:])),
                                       method="IDLE", path=self.endpoint.url)
                return events
            events += self._idle_event(line)

    def _idle_line(self, lines: _Lines, until: float, step: str) -> bytes:
        line = lines.line(until)
        if line is None:
            raise self._idle_timeout(step)
        return line

    def _idle_timeout(self, step: str) -> MailcowError:
        return MailcowTransportError("the %s did not answer %s within %s seconds (option timeout)" % (self.endpoint.label, step, self.timeout),
                                     method="IDLE", path=self.endpoint.url)

    def _idle_event(self, line: bytes) -> list[bytes]:
        """``* 3 EXISTS`` -> [line] if it may mean a new match; ``* BYE`` ends the session."""
        words = line.split(b" ", 3)
        if words[:2] == [b"*", b"BYE"]:
            raise MailcowTransportError("the %s closed the connection while waiting for mail (IDLE): %s. Run the task again; if "
                                        "this keeps happening, set wait_method=poll" % (self.endpoint.label, _text(line[6:]).rstrip(".")),
                                        method="IDLE", path=self.endpoint.url)
        if len(words) >= 3 and words[0] == b"*" and words[1].isdigit() and words[2].upper() in IDLE_EVENTS:
            return [line]
        return []

    def _idle_broken(self, exc: BaseException) -> MailcowError:
        if isinstance(exc, (socket.timeout, TimeoutError)):
            return self._idle_timeout("IDLE")
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return MailcowTransportError("the connection to the %s was lost while waiting for mail (IDLE): %s. Run the task again; if "
                                     "something between here and the server drops idle connections, set wait_method=poll"
                                     % (self.endpoint.label, reason), method="IDLE", path=self.endpoint.url)

    def _abandon(self) -> None:
        """Drop a connection left in an unknown state (mid-IDLE): no LOGOUT, which would wait for an answer."""
        if self.conn is not None:
            try:
                self.conn.shutdown()
            except OSError:
                pass
            self.conn = None

    def fetch(self, uids: list[int], items: str) -> dict[int, dict[str, t.Any]]:
        conn = self._open()
        if not uids:
            return {}
        return parse_fetch(self._run("FETCH", lambda: conn.uid("FETCH", uid_set(uids), items)))

    def mark_seen(self, uids: list[int]) -> None:
        conn = self._open()
        if uids:
            self._run("STORE", lambda: conn.uid("STORE", uid_set(uids), "+FLAGS.SILENT", "(\\Seen)"))

    def read_messages(self, uids: list[int], *, include_body: bool, max_body: int) -> list[dict[str, t.Any]]:
        """Summaries of these messages, in the order given."""
        fetched = self.fetch(uids, SUMMARY_ITEMS)
        messages = []
        for uid in uids:
            items = fetched.get(uid)
            if items is None:
                continue  # expunged meanwhile
            message = summarize(uid, items)
            parts = body_parts(items.get("BODYSTRUCTURE"))
            message.update(self._contents(uid, parts, include_body=include_body, max_body=max_body))
            messages.append(message)
        return messages

    def _contents(self, uid: int, parts: list[Part], *, include_body: bool, max_body: int) -> dict[str, t.Any]:
        """Body text and attachment list; with BINARY only the text part and sizes travel."""
        text_part = _body_part(parts)
        attachments = [p for p in parts if p.is_attachment and p is not text_part]
        if not attachments and not (include_body and text_part):
            return {"attachments": [], **({"body": "", "body_truncated": False} if include_body else {})}
        if "BINARY" in self.capabilities:
            contents = self._binary_contents(uid, text_part if include_body else None, attachments, max_body)
            if contents is not None:
                return contents
        whole = self.fetch([uid], "(UID BODY.PEEK[])").get(uid, {})
        raw = find_item(whole, "BODY[")
        return parse_full_message(raw if isinstance(raw, bytes) else b"", max_body=max_body, want_body=include_body)

    def _binary_contents(self, uid: int, text_part: Part | None, attachments: list[Part], max_body: int) -> dict[str, t.Any] | None:
        items = ["UID"] + ["BINARY.SIZE[%s]" % p.section for p in attachments]
        if text_part is not None:
            items += ["BINARY.PEEK[%s]<0.%d>" % (text_part.section, max_body), "BINARY.SIZE[%s]" % text_part.section]
        conn = self._open()
        # A server that cannot decode a part (NO [UNKNOWN-CTE]) answers NO: then the whole message is read.
        data = self._run("FETCH", lambda: conn.uid("FETCH", str(uid), "(%s)" % " ".join(items)), missing_ok=True)
        got = parse_fetch(data or []).get(uid)
        if got is None:
            return None
        result: dict[str, t.Any] = {"attachments": [_attachment(p, got.get("BINARY.SIZE[%s]" % p.section)) for p in attachments]}
        if text_part is not None:
            result.update(_body_of(got, text_part))
        return result


class _Lines:
    """Response lines read straight from the socket, each wait bounded by a deadline (for IDLE).

    imaplib's buffered file cannot time out and be read again, so while idling this reader takes
    the socket, starting with whatever imaplib had already buffered.
    """

    def __init__(self, conn: imaplib.IMAP4) -> None:
        self.sock: socket.socket = conn.sock
        self.buffer = _buffered(conn)

    def line(self, until: float) -> bytes | None:
        """The next line (with a literal ``{n}`` and the rest of its line), or None when ``until`` came first."""
        while True:
            end = self._line_end()
            if end >= 0:
                line, self.buffer = self.buffer[:end], self.buffer[end + 2:]
                return line
            if not self._fill(until):
                return None

    def _line_end(self) -> int:
        """Where the first complete line ends in the buffer, or -1."""
        end = self.buffer.find(b"\r\n")
        literal = LITERAL_SIZE.search(self.buffer, 0, end) if end >= 0 else None
        if literal is None:
            return end
        start = end + 2 + int(literal.group(1))
        return self.buffer.find(b"\r\n", start) if len(self.buffer) >= start else -1

    def _fill(self, until: float) -> bool:
        pending = self.sock.pending() if isinstance(self.sock, ssl.SSLSocket) else 0
        if not pending:
            remaining = until - time.monotonic()
            if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
                return False
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionResetError(0, "the server closed the connection")
        self.buffer += data
        return True


LITERAL_SIZE = re.compile(rb"\{(\d+)\+?\}$")


def _buffered(conn: imaplib.IMAP4) -> bytes:
    """What imaplib's reader holds already, taken without waiting for more."""
    reader = getattr(conn, "file", None)
    if reader is None or not hasattr(reader, "peek"):
        return b""
    previous = conn.sock.gettimeout()
    conn.sock.settimeout(0.0)
    try:
        data = reader.peek(65536)
    except (BlockingIOError, ssl.SSLWantReadError):
        data = b""
    finally:
        conn.sock.settimeout(previous)
    return reader.read(len(data)) if data else b""


def _response_number(conn: imaplib.IMAP4, code: str) -> int | None:
    """The number of a response code imaplib kept from the last SELECT (``[UIDVALIDITY 3857529045]``)."""
    values = conn.response(code)[1]
    text = as_text(values[-1]) if values and values[-1] is not None else None
    return int(text) if text and text.isdigit() else None


def _body_of(items: dict[str, t.Any], part: Part) -> dict[str, t.Any]:
    """The decoded text of a BINARY fetch, and whether BINARY.SIZE says there was more."""
    data = items.get("BINARY[%s]" % part.section) or b""
    data = data.encode() if isinstance(data, str) else bytes(data)  # an empty part comes as "" rather than a literal
    truncated = _int(items.get("BINARY.SIZE[%s]" % part.section), len(data)) > len(data)
    return {"body": decode_text(data, part.charset, complete=not truncated), "body_truncated": truncated}


def _body_part(parts: list[Part]) -> Part | None:
    """The text shown as the body: the first text/plain part that is not an attachment, else text/html."""
    for wanted in ("text/plain", "text/html"):
        for part in parts:
            if part.content_type == wanted and not part.is_attachment:
                return part
    return None


def _int(value: t.Any, default: int) -> int:
    text = as_text(value)
    return int(text) if text and text.isdigit() else default


def _attachment(part: Part, decoded_size: t.Any) -> dict[str, t.Any]:
    return {"filename": part.filename, "content_type": part.content_type, "size": _int(decoded_size, part.size)}


def summarize(uid: int, items: dict[str, t.Any]) -> dict[str, t.Any]:
    """One message's headers, flags and sizes as the module returns them."""
    header_block = find_item(items, "BODY[HEADER")
    message = summarize_headers(header_block if isinstance(header_block, bytes) else b"")
    received = parse_internaldate(items.get("INTERNALDATE"))
    flags = items.get("FLAGS")
    message.update(
        uid=uid,
        flags=[str(f) for f in flags] if isinstance(flags, list) else [],
        size=_int(items.get("RFC822.SIZE"), 0),
        received=received.isoformat() if received else None,
    )
    if message["date"] is None:
        message["date"] = message["received"]
    return message
