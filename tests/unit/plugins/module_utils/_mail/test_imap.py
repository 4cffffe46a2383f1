# SPDX-License-Identifier: GPL-3.0-or-later
"""The IMAP layer: wire-format parsing, search building, and the session against a scripted server.

Canned replies are Dovecot 2.3's own (recorded from the sandbox's Dovecot, Mailcow's IMAP server).
The responder speaks real IMAP over real TLS on loopback; a test lists the commands it expects
with their replies and fails on any unexpected or missing one.
"""

from __future__ import annotations

import base64
import datetime
import re
import select
import socket
import socketserver
import ssl
import threading
import time
import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.endpoint import Endpoint, tls_context
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap import ImapSession
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap_protocol import (
    body_parts,
    decode_mutf7,
    encode_mutf7,
    parse_fetch,
    parse_internaldate,
    parse_list,
    parse_values,
    uid_set,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap_search import Filters, build_search, criteria, parse_when, render
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import message_info
from .test_smtp import PASSWORD, Certs, free_port, make_certs, responders

NOW = datetime.datetime(2026, 11, 24, 12, 0, 0, tzinfo=datetime.timezone.utc)
DOVECOT_CAPS = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES MULTIAPPEND URL-PARTIAL CATENATE "
                "UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH "
                "LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE")

# Recorded from Dovecot: a multipart/mixed message (alternative text+html, one attachment).
STRUCTURE = (b'((("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 10 1 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 11 1 '
             b'NIL NIL NIL NIL) "alternative" ("boundary" "===============6635826287080474917==") NIL NIL NIL)("application" "octet-stream" NIL NIL '
             b'NIL "base64" 1372 NIL ("attachment" ("filename" "att.bin")) NIL NIL) "mixed" ("boundary" "===============0435176913695375518==") '
             b'NIL NIL NIL)')
HEADERS = (b"From: =?utf-8?q?J=C3=BCrgen?= <alice@example.org>\r\nTo: bob@example.org\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
           b"Date: Tue, 24 Nov 2026 10:10:18 +0000\r\nMessage-ID: <1795.4360@example.org>\r\n\r\n")
LIST = [b'* LIST (\\HasNoChildren \\Sent) "/" Sent', b'* LIST (\\HasNoChildren \\Drafts) "/" Drafts', b'* LIST (\\HasNoChildren) "/" INBOX']


def literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def summary_line(seq: int, uid: int, flags: str = "\\Recent", structure: bytes = STRUCTURE, headers: bytes = HEADERS) -> bytes:
    return (b'* %d FETCH (UID %d FLAGS (%s) INTERNALDATE "24-Nov-2026 10:10:18 +0000" RFC822.SIZE 2374 BODYSTRUCTURE %s '
            b"BODY[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID)] " % (seq, uid, flags.encode(), structure)) + literal(headers) + b")"


# -- wire format ----------------------------------------------------------------------------------


def test_parse_values_literals_quoted_and_sections() -> None:
    data = [(b'1 (UID 5 BODY[HEADER.FIELDS (FROM TO)] {5}', b'ab)cd'), b' FLAGS (\\Seen $Label) INTERNALDATE " 4-Nov-2026 10:00:00 +0100" X NIL Y "NIL")']
    assert parse_values(data) == ["1", ["UID", "5", "BODY[HEADER.FIELDS (FROM TO)]", b"ab)cd", "FLAGS", ["\\Seen", "$Label"],
                                        "INTERNALDATE", " 4-Nov-2026 10:00:00 +0100", "X", None, "Y", "NIL"]]


def test_parse_fetch_merges_by_uid_and_drops_partial_suffix() -> None:
    data = [(b"1 (UID 1 BINARY.SIZE[2] 1000 BINARY[1.1]<0> {5}", b"Hallo"), b" BINARY.SIZE[1.1] 10)", b"3 (FLAGS (\\Seen))"]
    assert parse_fetch(data) == {1: {"UID": "1", "BINARY.SIZE[2]": "1000", "BINARY[1.1]": b"Hallo", "BINARY.SIZE[1.1]": "10"}}


def test_body_parts_of_a_recorded_structure() -> None:
    parts = body_parts(parse_values([STRUCTURE])[0])
    assert [(p.section, p.content_type, p.encoding, p.size, p.charset, p.filename, p.is_attachment) for p in parts] == [
        ("1.1", "text/plain", "8bit", 10, "utf-8", None, False),
        ("1.2", "text/html", "7bit", 11, "utf-8", None, False),
        ("2", "application/octet-stream", "base64", 1372, None, "att.bin", True),
    ]


@pytest.mark.parametrize(
    "structure, expected",
    [
        (b'("text" "plain" ("charset" "iso-8859-1") NIL NIL "quoted-printable" 42 2 NIL NIL NIL NIL)', [("1", "text/plain", None, False)]),
        (b'(("text" "plain" NIL NIL NIL "7bit" 5 1 NIL NIL NIL NIL)("application" "pdf" ("name" "=?utf-8?q?M=C3=A4rz.pdf?=") NIL NIL "base64" '
         b'100 NIL ("attachment" ("filename*" "utf-8\'\'M%C3%A4rz%20Bericht.pdf")) NIL NIL) "mixed" NIL NIL NIL NIL)',
         [("1", "text/plain", None, False), ("2", "application/pdf", "März Bericht.pdf", True)]),
        (b'(("text" "plain" NIL NIL NIL "7bit" 5 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 300 ("date" "subj" NIL NIL NIL NIL NIL '
         b'NIL NIL NIL) ("text" "plain" NIL NIL NIL "7bit" 10 1 NIL NIL NIL NIL) 12 NIL ("attachment" ("filename" "fwd.eml")) NIL NIL) "mixed" '
         b'NIL NIL NIL NIL)', [("1", "text/plain", None, False), ("2", "message/rfc822", "fwd.eml", True)]),
        (b'(("image" "png" NIL "<img1>" NIL "base64" 2000 NIL ("inline" NIL) NIL NIL) "related" NIL NIL NIL NIL)', [("1", "image/png", None, True)]),
    ],
    ids=["single-part", "rfc2231-filename", "attached-message", "inline-image"],
)
def test_body_parts_table(structure: bytes, expected: list[tuple[t.Any, ...]]) -> None:
    parts = body_parts(parse_values([structure])[0])
    assert [(p.section, p.content_type, p.filename, p.is_attachment) for p in parts] == expected


def test_parse_list_with_a_literal_name() -> None:
    data = LIST[:1] + [(b'(\\HasNoChildren) "/" {15}', "Entwürfe & Co".encode("utf-8")), b""]
    data = [line[2:] if isinstance(line, bytes) and line.startswith(b"* LIST ") else line for line in data]
    data = [line[5:] if isinstance(line, bytes) and line.startswith(b"LIST ") else line for line in data]
    folders = parse_list(data)
    assert [(f.name, f.flags) for f in folders] == [("Sent", ("\\HasNoChildren", "\\Sent")), ("Entwürfe & Co", ("\\HasNoChildren",))]


@pytest.mark.parametrize(
    "name, encoded",
    [("INBOX", "INBOX"), ("Entwürfe", "Entw&APw-rfe"), ("A & B", "A &- B"), ("日本語", "&ZeVnLIqe-"), ("Sent/2026 ü", "Sent/2026 &APw-")],
)
def test_modified_utf7(name: str, encoded: str) -> None:
    assert encode_mutf7(name) == encoded
    assert decode_mutf7(encoded) == name


@pytest.mark.parametrize("uids, expected", [([1], "1"), ([3, 1, 2], "1:3"), ([1, 2, 3, 7, 9, 10], "1:3,7,9:10"), ([5, 5], "5")])
def test_uid_set(uids: list[int], expected: str) -> None:
    assert uid_set(uids) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(" 4-Nov-2026 10:00:00 +0100", "2026-11-04T10:00:00+01:00"), ("24-Nov-2026 23:59:59 -0530", "2026-11-24T23:59:59-05:30"), ("junk", None)],
)
def test_internaldate(value: str, expected: str | None) -> None:
    parsed = parse_internaldate(value)
    assert (parsed.isoformat() if parsed else None) == expected


# -- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, day_only, expected",
    [
        ("2026-11-20", True, datetime.date(2026, 11, 20)),
        ("2026-11-24T10:00:00+01:00", False, datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.timezone.utc)),
        ("2026-11-24T10:00:00Z", False, datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.timezone.utc)),
        ("30m", False, NOW - datetime.timedelta(minutes=30)),
        ("2h", False, NOW - datetime.timedelta(hours=2)),
        ("7d", False, NOW - datetime.timedelta(days=7)),
        ("-90s", False, NOW - datetime.timedelta(seconds=90)),
        ("1 week", False, NOW - datetime.timedelta(weeks=1)),
    ],
)
def test_parse_when(value: str, day_only: bool, expected: t.Any) -> None:
    when = parse_when(value, "since", now=NOW)
    assert when is not None and when.day_only is day_only
    assert (when.moment.date() if day_only else when.moment) == expected


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "5 fortnights"])
def test_parse_when_refuses(value: str) -> None:
    with pytest.raises(errors.MailcowOptionError, match="since: .* is neither a date"):
        parse_when(value, "since", now=NOW)


@pytest.mark.parametrize(
    "filters, within, expected",
    [
        (Filters(), True, ["ALL"]),
        (Filters(unseen=True, sender="alice@example.org"), True, ["UNSEEN", "FROM", "alice@example.org"]),
        (Filters(since=parse_when("2h", "since", now=NOW)), True, ["YOUNGER", "7200"]),
        (Filters(since=parse_when("2h", "since", now=NOW)), False, ["SINCE", "24-Nov-2026"]),
        (Filters(since=parse_when("2026-11-01", "since", now=NOW), before=parse_when("2026-11-03", "b", now=NOW)), True,
         ["SINCE", "1-Nov-2026", "BEFORE", "3-Nov-2026"]),
        (Filters(before=parse_when("90s", "before", now=NOW)), True, ["OLDER", "90"]),
        (Filters(before=parse_when("2099-01-01T00:00:00+00:00", "before", now=NOW)), True, []),
        (Filters(message_id="<a@b>", headers=(("X-Ticket", "4711"),), to="bob", subject="Hi"), True,
         ["TO", "bob", "SUBJECT", "Hi", "HEADER", "Message-ID", "<a@b>", "HEADER", "X-Ticket", "4711"]),
    ],
)
def test_criteria(filters: Filters, within: bool, expected: list[str]) -> None:
    assert criteria(filters, now=NOW, within=within) == (expected or ["ALL"])


@pytest.mark.parametrize(
    "filters, caps, args, literal",
    [
        (Filters(subject='say "hi"'), set(), (b"SUBJECT", b'"say \\"hi\\""'), None),
        (Filters(subject="Grüße", sender="bob"), {"LITERAL+"},
         (b"CHARSET", b"UTF-8", b"FROM", b'"bob"', b"SUBJECT", b"{7+}\r\nGr\xc3\xbc\xc3\x9fe"), None),
        (Filters(subject="Grüße", sender="bob"), set(), (b"CHARSET", b"UTF-8", b"FROM", b'"bob"', b"SUBJECT"), "Grüße".encode()),
        (Filters(subject="Grüße", unseen=True, to="x"), set(), (b"CHARSET", b"UTF-8", b"UNSEEN", b"TO", b'"x"', b"SUBJECT"), "Grüße".encode()),
        (Filters(headers=(("X-A", "ä"),), sender="b"), set(), (b"CHARSET", b"UTF-8", b"FROM", b'"b"', b"HEADER", b'"X-A"'), "ä".encode()),
    ],
    ids=["quoted", "literal-plus", "sync-literal-last", "sync-literal-moved-last", "sync-literal-header"],
)
def test_render(filters: Filters, caps: set[str], args: tuple[bytes, ...], literal: bytes | None) -> None:
    command = build_search(filters, capabilities=caps, now=NOW)
    assert (command.args, command.literal) == (args, literal)


def test_render_without_literal_plus_allows_one_non_ascii_filter() -> None:
    with pytest.raises(errors.MailcowOptionError, match="lacks LITERAL\\+, so only one filter may contain non-ASCII text"):
        render(criteria(Filters(subject="Grüße", sender="Jürgen"), now=NOW, within=True), literal_plus=False)


# -- the scripted server --------------------------------------------------------------------------


class Step(t.NamedTuple):
    pattern: bytes
    untagged: tuple[bytes, ...]
    status: bytes
    idle: bool = False
    after: float | None = None  # IDLE: seconds until the untagged lines are sent (None: never)
    drop: bool = False  # IDLE: send the untagged lines after ``after`` seconds, then close the connection


class ImapResponder:
    """A scripted IMAP server. Greeting, CAPABILITY, STARTTLS, AUTHENTICATE PLAIN and LOGOUT are built in
    (as Dovecot answers them); every other command must match the next expected step."""

    def __init__(self, certs: Certs, *, security: str = "tls", caps: str = DOVECOT_CAPS, logins: dict[str, str] | None = None,
                 offer_starttls: bool = True, auth_plain: bool = True) -> None:
        self.certs, self.security, self.caps, self.offer_starttls, self.auth_plain = certs, security, caps, offer_starttls, auth_plain
        self.logins = logins if logins is not None else {"bob@example.org": PASSWORD}
        self.steps: list[Step] = []
        self.commands: list[bytes] = []
        self.errors: list[str] = []
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def expect(self, pattern: bytes, *untagged: bytes, status: bytes = b"OK done") -> ImapResponder:
        self.steps.append(Step(pattern, untagged, status))
        return self

    def expect_idle(self, *untagged: bytes, after: float | None = 0.05, drop: bool = False, status: bytes = b"OK Idle completed.") -> ImapResponder:
        """IDLE: ``+ idling``, the untagged lines ``after`` seconds later unless DONE came first, then DONE -> status."""
        self.steps.append(Step(b"IDLE", untagged, status, idle=True, after=after, drop=drop))
        return self

    def endpoint(self) -> Endpoint:
        return Endpoint("imap", "127.0.0.1", self.port, t.cast(t.Any, self.security))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def verify(self) -> None:
        assert not self.errors, self.errors
        assert not self.steps, "expected commands never sent: %s" % [s.pattern for s in self.steps]

    def _handler(self) -> type[socketserver.BaseRequestHandler]:
        responder = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                try:
                    ImapConnection(responder, self.request).run()
                except (OSError, ssl.SSLError):
                    pass

        return Handler


class ImapConnection:
    def __init__(self, responder: ImapResponder, sock: socket.socket) -> None:
        self.r, self.sock, self.tls, self.user = responder, sock, False, None

    def send(self, data: bytes) -> None:
        self.sock.sendall(data + b"\r\n")

    def caps(self) -> bytes:
        caps = self.r.caps + ("" if self.tls or not self.r.offer_starttls else " STARTTLS LOGINDISABLED")
        return (caps + ("" if self.user or not self.r.auth_plain else " AUTH=PLAIN")).encode()

    def run(self) -> None:
        if self.r.security == "tls":
            self.sock, self.tls = self.r.certs.server_context().wrap_socket(self.sock, server_side=True), True
        self.file = self.sock.makefile("rb")
        self.send(b"* OK [CAPABILITY " + self.caps() + b"] Dovecot ready.")
        while True:
            command = self.read_command()
            if command is None:
                return
            tag, _sep, rest = command.partition(b" ")
            self.r.commands.append(rest)
            if not self.builtin(tag, rest) and not self.scripted(tag, rest):
                return
            if rest.upper() == b"LOGOUT":
                return

    def read_command(self) -> bytes | None:
        data = b""
        while True:
            line = self.file.readline()
            if not line:
                return None
            data += line
            match = re.search(rb"\{(\d+)(\+?)\}\r\n$", line)
            if not match:
                return data[:-2] if data.endswith(b"\r\n") else data.rstrip(b"\n")
            if not match.group(2):
                self.send(b"+ OK")
            data += self.file.read(int(match.group(1)))

    def builtin(self, tag: bytes, rest: bytes) -> bool:
        verb = rest.split(b" ", 1)[0].upper()
        if verb == b"CAPABILITY":
            self.send(b"* CAPABILITY " + self.caps())
        elif verb == b"STARTTLS":
            self.send(tag + b" OK Begin TLS negotiation now.")
            self.sock, self.tls = self.r.certs.server_context().wrap_socket(self.sock, server_side=True), True
            self.file = self.sock.makefile("rb")
            return True
        elif verb == b"AUTHENTICATE":
            return self.authenticate(tag)
        elif verb == b"LOGOUT":
            self.send(b"* BYE Logging out")
        else:
            return False
        self.send(tag + b" OK " + verb.title() + b" completed.")
        return True

    def authenticate(self, tag: bytes) -> bool:
        self.send(b"+ ")
        _authz, user, password = base64.b64decode(self.file.readline().strip()).decode("utf-8").split("\0")
        if self.r.logins.get(user) != password:
            self.send(tag + b" NO [AUTHENTICATIONFAILED] Authentication failed.")
        else:
            self.user = user
            self.send(tag + b" OK [CAPABILITY " + self.caps() + b"] Logged in")
        return True

    def scripted(self, tag: bytes, rest: bytes) -> bool:
        """Answer the next expected step; False when the connection was dropped on purpose."""
        step = self.r.steps[0] if self.r.steps else None
        if step is None or not re.fullmatch(step.pattern, rest, re.DOTALL):
            self.r.errors.append("unexpected command %r (expected %r)" % (rest, step.pattern if step else None))
            self.send(tag + b" BAD unexpected")
            return True
        self.r.steps.pop(0)
        if step.idle:
            return self.idle(tag, step)
        for line in step.untagged:
            self.send(line)
        self.send(tag + b" " + step.status)
        return True

    def idle(self, tag: bytes, step: Step) -> bool:
        """RFC 2177 as Dovecot speaks it: the client must send DONE, and nothing else, to end it."""
        self.send(b"+ idling")
        if step.drop:
            time.sleep(step.after or 0)
            for line in step.untagged:
                self.send(line)
            self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
            return False
        if step.after is not None and not self.client_spoke(step.after):
            for line in step.untagged:
                self.send(line)
        done = self.file.readline()
        self.r.commands.append(done.rstrip(b"\r\n"))
        if done != b"DONE\r\n":
            self.r.errors.append("expected DONE during IDLE, got %r" % done)
            return False
        if not step.status:  # a server that hangs: no answer to DONE, then the connection goes
            time.sleep(2)
            return False
        self.send(tag + b" " + step.status)
        return True

    def client_spoke(self, seconds: float) -> bool:
        pending = self.sock.pending() if isinstance(self.sock, ssl.SSLSocket) else 0
        return bool(pending or select.select([self.sock], [], [], seconds)[0])


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def imapd(certs: Certs) -> t.Iterator[t.Callable[..., ImapResponder]]:
    with responders(ImapResponder, certs) as start:
        yield start


def info_params(server: ImapResponder, certs: Certs, **overrides: t.Any) -> dict[str, t.Any]:
    params: dict[str, t.Any] = {"imap_host": "127.0.0.1", "imap_port": server.port, "imap_security": server.security, "username": "bob@example.org",
                                "password": PASSWORD, "validate_certs": True, "ca_path": certs.ca, "timeout": 5, "folder": "INBOX", "unseen": False,
                                "since": None, "before": None, "from": None, "to": None, "subject": None, "message_id": None, "header": None,
                                "limit": 50, "include_body": True, "max_body_size": 65536, "wait_timeout": 0, "wait_count": 1,
                                "wait_method": "auto", "wait_interval": 1.0, "mark_seen": False}
    params.update(overrides)
    return params


# -- sessions and message_info --------------------------------------------------------------------


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_login_with_a_utf8_password(imapd, certs, security: str) -> None:
    server = imapd(security=security)
    with ImapSession(server.endpoint(), tls_context(validate_certs=True, ca_path=certs.ca), timeout=5) as imap:
        imap.login("bob@example.org", PASSWORD)
        assert "WITHIN" in imap.capabilities and "BINARY" in imap.capabilities
    assert (b"STARTTLS" in server.commands) is (security == "starttls")


def test_wrong_password_is_an_auth_error_without_the_password(imapd, certs) -> None:
    server = imapd()
    with pytest.raises(errors.MailcowAuthError) as caught:
        message_info(info_params(server, certs, password="wrong-" + PASSWORD), check_mode=False)
    message = str(caught.value)
    assert message == ("IMAP login to the IMAP server 127.0.0.1:%d as bob@example.org failed: [AUTHENTICATIONFAILED] Authentication failed. "
                       "Check username and password; on Mailcow the mailbox must exist, be active (not login-disabled) and allow IMAP" % server.port)
    assert PASSWORD not in repr(caught.value.to_result())


def test_no_starttls_offered_refuses_to_send_the_password(imapd, certs) -> None:
    server = imapd(security="starttls", offer_starttls=False)
    with pytest.raises(errors.MailcowTLSError, match="does not offer STARTTLS"):
        ImapSession(server.endpoint(), tls_context(validate_certs=True, ca_path=certs.ca), timeout=5).__enter__()


def test_read_newest_first_fetching_only_what_is_returned(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 10 EXISTS", status=b"OK [READ-ONLY] Examine completed")
    server.expect(re.escape(b"UID SEARCH CHARSET UTF-8 UNSEEN FROM \"alice\" SUBJECT {7+}\r\nGr\xc3\xbc\xc3\x9fe"), b"* SEARCH 3 5 7 8 9 10")
    server.expect(re.escape(b"UID FETCH 9:10 (UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS "
                            b"(FROM TO CC SUBJECT DATE MESSAGE-ID)])"), summary_line(6, 9), summary_line(7, 10, flags="\\Seen"))
    server.expect(re.escape(b"UID FETCH 10 (UID BINARY.SIZE[2] BINARY.PEEK[1.1]<0.65536> BINARY.SIZE[1.1])"),
                  b"* 7 FETCH (UID 10 BINARY.SIZE[2] 1000 BINARY[1.1]<0> " + literal(b"Hallo \xc3\xbc\r\n") + b" BINARY.SIZE[1.1] 10)")
    server.expect(re.escape(b"UID FETCH 9 (UID BINARY.SIZE[2] BINARY.PEEK[1.1]<0.65536> BINARY.SIZE[1.1])"),
                  b"* 6 FETCH (UID 9 BINARY.SIZE[2] 1000 BINARY[1.1]<0> " + literal(b"Hallo \xc3\xbc\r\n") + b" BINARY.SIZE[1.1] 10)")
    result = message_info(info_params(server, certs, unseen=True, subject="Grüße", **{"from": "alice"}, limit=2), check_mode=False)
    assert result["changed"] is False and result["matched"] == 6 and [m["uid"] for m in result["messages"]] == [10, 9]
    assert result["messages"][0] == {
        "uid": 10, "message_id": "<1795.4360@example.org>", "from": "Jürgen <alice@example.org>", "from_address": "alice@example.org",
        "to": ["bob@example.org"], "cc": [], "subject": "Grüße", "date": "2026-11-24T10:10:18+00:00", "received": "2026-11-24T10:10:18+00:00",
        "flags": ["\\Seen"], "size": 2374, "body": "Hallo ü\n", "body_truncated": False,
        "attachments": [{"filename": "att.bin", "content_type": "application/octet-stream", "size": 1000}],
    }


def test_without_binary_only_the_returned_message_is_read_whole(imapd, certs) -> None:
    whole = HEADERS.replace(b"\r\n\r\n", b"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n") + (
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n--b\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename=att.bin\r\nContent-Transfer-Encoding: base64\r\n\r\neHh4eA==\r\n--b--\r\n")
    server = imapd(caps="IMAP4rev1 LITERAL+")
    server.expect(b'EXAMINE "INBOX"', b"* 1 EXISTS")
    server.expect(b"UID SEARCH ALL", b"* SEARCH 4")
    server.expect(b"UID FETCH 4 .*", summary_line(1, 4))
    server.expect(re.escape(b"UID FETCH 4 (UID BODY.PEEK[])"), b"* 1 FETCH (UID 4 BODY[] " + literal(whole) + b")")
    message = message_info(info_params(server, certs), check_mode=False)["messages"][0]
    assert message["body"] == "Hallo" and message["attachments"] == [{"filename": "att.bin", "content_type": "application/octet-stream", "size": 4}]


def test_no_body_and_no_attachment_means_no_second_fetch(imapd, certs) -> None:
    plain = b'("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 1 NIL NIL NIL NIL)'
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 1 EXISTS")
    server.expect(b"UID SEARCH ALL", b"* SEARCH 4")
    server.expect(b"UID FETCH 4 .*", summary_line(1, 4, structure=plain))
    message = message_info(info_params(server, certs, include_body=False), check_mode=False)["messages"][0]
    assert message["attachments"] == [] and "body" not in message


def test_empty_folder(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "Entw&APw-rfe"', b"* 0 EXISTS")
    server.expect(b"UID SEARCH ALL", b"* SEARCH")
    result = message_info(info_params(server, certs, folder="Entwürfe"), check_mode=False)
    assert result == {"changed": False, "folder": "Entwürfe", "matched": 0, "messages": []}


def test_missing_folder_names_the_folders_there_are(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "Nope"', status=b"NO Mailbox doesn't exist: Nope (0.001 + 0.000 secs).")
    server.expect(b'LIST "" "\\*"', *LIST)
    with pytest.raises(errors.MailcowNotFoundError, match="folder 'Nope' of bob@example.org does not exist on the IMAP server .*Folders: Drafts, INBOX, Sent"):
        message_info(info_params(server, certs, folder="Nope"), check_mode=False)


SEARCH_X = re.escape(b'UID SEARCH HEADER "Message-ID" "<x@example.org>"')
NO_IDLE_CAPS = DOVECOT_CAPS.replace(" IDLE ", " ")


def expect_read(server: ImapResponder, uid: int) -> None:
    server.expect(b"UID FETCH %d .*" % uid, summary_line(1, uid))
    server.expect(b"UID FETCH %d .*" % uid, b"* 1 FETCH (UID %d BINARY.SIZE[2] 1000 BINARY[1.1]<0> " % uid + literal(b"Hallo") + b" BINARY.SIZE[1.1] 5)")


def verbs(server: ImapResponder) -> list[bytes]:
    """The commands from EXAMINE (or SELECT) on, by verb (``UID SEARCH``, ``IDLE``, ``DONE``, ...)."""
    names = [c.split(b" ")[0] if not c.startswith(b"UID ") else b" ".join(c.split(b" ")[:2]) for c in server.commands]
    return names[min(names.index(v) for v in (b"EXAMINE", b"SELECT") if v in names):]


def test_wait_without_idle_falls_back_to_polling(imapd, certs) -> None:
    server = imapd(caps=NO_IDLE_CAPS)
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH")
    server.expect(b"NOOP", b"* 1 EXISTS", b"* 1 RECENT")
    server.expect(SEARCH_X, b"* SEARCH 1")
    expect_read(server, 1)
    result = message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=10), check_mode=False)
    assert [m["uid"] for m in result["messages"]] == [1]
    assert b"IDLE" not in server.commands


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_wait_uses_idle_when_offered_and_searches_again_after_each_change(imapd, certs, security: str) -> None:
    server = imapd(security=security)
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH")
    server.expect_idle(b"* 1 EXISTS", b"* 1 RECENT")
    server.expect(SEARCH_X, b"* SEARCH 1")  # one of two: idle again
    server.expect_idle(b"* 2 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH 1 2")
    server.expect(b"UID FETCH 1:2 .*", summary_line(1, 1), summary_line(2, 2))
    for uid in (2, 1):
        server.expect(b"UID FETCH %d .*" % uid, b"* 1 FETCH (UID %d BINARY.SIZE[2] 1000 BINARY[1.1]<0> {0}\r\n BINARY.SIZE[1.1] 0)" % uid)
    result = message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=10, wait_count=2), check_mode=False)
    assert [m["uid"] for m in result["messages"]] == [2, 1]
    assert verbs(server)[:6] == [b"EXAMINE", b"UID SEARCH", b"IDLE", b"DONE", b"UID SEARCH", b"IDLE"]
    assert b"NOOP" not in server.commands


def test_wait_method_poll_polls_even_where_idle_is_offered(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH")
    server.expect(b"NOOP", b"* 1 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH 1")
    expect_read(server, 1)
    message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=10, wait_method="poll"), check_mode=False)
    assert b"IDLE" not in server.commands


def test_wait_method_idle_on_a_server_without_idle_says_so(imapd, certs) -> None:
    server = imapd(caps=NO_IDLE_CAPS)
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    with pytest.raises(errors.MailcowError, match=r"wait_method=idle, but the IMAP server 127\.0\.0\.1:\d+ does not offer IDLE\. Set wait_method=auto"):
        message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=10, wait_method="idle"), check_mode=False)


def test_wait_with_idle_keeps_the_deadline_and_searches_once_more(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH")
    server.expect_idle(after=None)  # nothing arrives: the client ends IDLE at the deadline
    server.expect(SEARCH_X, b"* SEARCH")
    started = time.monotonic()
    with pytest.raises(errors.MailcowTimeoutError) as caught:
        message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=1), check_mode=False)
    assert time.monotonic() - started >= 1  # not given up early (no upper bound: the machine may be slow)
    assert str(caught.value) == "waited 1 seconds for 1 message(s) in folder INBOX of bob@example.org matching message-id '<x@example.org>', found 0"
    assert verbs(server) == [b"EXAMINE", b"UID SEARCH", b"IDLE", b"DONE", b"UID SEARCH", b"LOGOUT"]


def test_wait_reissues_idle_within_the_wait(imapd, certs, monkeypatch) -> None:
    from ansible_collections.glassdome.mailcow.plugins.module_utils._mail import manager

    monkeypatch.setattr(manager, "REIDLE_SECONDS", 0.2)
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH")
    server.expect_idle(after=None).expect_idle(after=None)  # nothing changed: no search in between
    server.expect_idle(b"* 1 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH 1")
    expect_read(server, 1)
    message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=30), check_mode=False)
    assert verbs(server)[1:9] == [b"UID SEARCH", b"IDLE", b"DONE", b"IDLE", b"DONE", b"IDLE", b"DONE", b"UID SEARCH"]


def test_wait_connection_dropped_during_idle_is_reported(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    server.expect(SEARCH_X, b"* SEARCH")
    server.expect_idle(after=0.1, drop=True)
    with pytest.raises(errors.MailcowTransportError) as caught:
        message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=10), check_mode=False)
    assert str(caught.value) == ("the connection to the IMAP server 127.0.0.1:%d was lost while waiting for mail (IDLE): the server closed the "
                                 "connection. Run the task again; if something between here and the server drops idle connections, set "
                                 "wait_method=poll" % server.port)
    assert caught.value.to_result() == {"error_type": "MailcowTransportError", "method": "IDLE", "path": "imaps://127.0.0.1:%d" % server.port}


@pytest.mark.parametrize(
    "untagged, events",
    [
        ((b"* OK Still here",), []),
        ((b"* 3 EXPUNGE",), []),
        ((b"* 1 FETCH (FLAGS (\\Seen))",), [b"* 1 FETCH (FLAGS (\\Seen))"]),
        ((b"* OK Still here", b"* 1 FETCH (UID 1 BODY[HEADER] " + literal(b"a\r\nb)") + b")", b"* 4 RECENT"),
         [b"* 1 FETCH (UID 1 BODY[HEADER] {5}\r\na\r\nb))", b"* 4 RECENT"]),  # what follows until the tagged OK counts too
    ],
    ids=["keep-alive", "expunge", "flags-changed", "literal"],
)
def test_idle_returns_only_changes_that_may_match(imapd, certs, untagged: tuple[bytes, ...], events: list[bytes]) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 1 EXISTS")
    server.expect_idle(*untagged, after=0.02)
    server.expect(b"NOOP")  # the connection is usable after DONE
    with ImapSession(server.endpoint(), tls_context(validate_certs=True, ca_path=certs.ca), timeout=5) as imap:
        imap.login("bob@example.org", PASSWORD)
        imap.select("INBOX", readonly=True)
        assert imap.idle(0.3) == events
        imap.noop()


def test_idle_reads_what_imaplib_had_buffered_first(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 1 EXISTS")
    server.expect(b"NOOP", status=b"OK NOOP completed.\r\n* 2 EXISTS")  # one write: imaplib reads both lines, returns the first
    server.expect_idle(after=None)  # the client must end it at once: the news came before IDLE
    with ImapSession(server.endpoint(), tls_context(validate_certs=True, ca_path=certs.ca), timeout=5) as imap:
        imap.login("bob@example.org", PASSWORD)
        imap.select("INBOX", readonly=True)
        imap.noop()
        assert imap.idle(30) == [b"* 2 EXISTS"]


def test_idle_without_an_answer_to_done_names_the_timeout(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 1 EXISTS")
    server.expect_idle(after=None, status=b"")
    imap = ImapSession(server.endpoint(), tls_context(validate_certs=True, ca_path=certs.ca), timeout=1)
    with imap:
        imap.login("bob@example.org", PASSWORD)
        imap.select("INBOX", readonly=True)
        with pytest.raises(errors.MailcowTransportError, match=r"^the IMAP server 127\.0\.0\.1:\d+ did not answer DONE within 1 seconds \(option timeout\)$"):
            imap.idle(0.1)
        assert imap.conn is None  # abandoned, not logged out: a LOGOUT would wait for the hung server again


def test_idle_refused_by_the_server(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 1 EXISTS")
    server.expect(b"IDLE", status=b"BAD Unknown command")
    with ImapSession(server.endpoint(), tls_context(validate_certs=True, ca_path=certs.ca), timeout=5) as imap:
        imap.login("bob@example.org", PASSWORD)
        imap.select("INBOX", readonly=True)
        with pytest.raises(errors.MailcowError, match="refused IDLE: BAD Unknown command. Set wait_method=poll to wait by polling"):
            imap.idle(1)


def test_wait_times_out_with_a_clear_message(imapd, certs) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS")
    for _i in range(40):  # each NOOP reports a flag change, so each is followed by a search
        server.expect(b"UID SEARCH .*", b"* SEARCH 7").expect(b"NOOP", b"* 7 FETCH (FLAGS (\\Seen))")
    with pytest.raises(errors.MailcowTimeoutError) as caught:
        message_info(info_params(server, certs, subject="Report", wait_timeout=1, wait_count=2, wait_method="poll", wait_interval=0.2,
                                 **{"from": "alice"}), check_mode=False)
    assert str(caught.value) == ("waited 1 seconds for 2 message(s) in folder INBOX of bob@example.org matching from 'alice', "
                                 "subject 'Report', found 1")
    server.steps.clear()


def test_poll_searches_again_only_after_a_change(imapd, certs) -> None:
    server = imapd(caps=NO_IDLE_CAPS)
    server.expect(b'SELECT "INBOX"', b"* 0 EXISTS", b"* 0 RECENT")  # the RECENT of SELECT is no change
    server.expect(SEARCH_X, b"* SEARCH")
    server.expect(b"NOOP").expect(b"NOOP", b"* OK Still here").expect(b"NOOP", b"* 1 EXISTS", b"* 1 RECENT")
    server.expect(SEARCH_X, b"* SEARCH 1")
    expect_read(server, 1)
    server.expect(re.escape(b"UID STORE 1 +FLAGS.SILENT (\\Seen)"))
    message_info(info_params(server, certs, message_id="x@example.org", wait_timeout=30, wait_interval=0.1, mark_seen=True), check_mode=False)
    assert verbs(server)[:7] == [b"SELECT", b"UID SEARCH", b"NOOP", b"NOOP", b"NOOP", b"UID SEARCH", b"UID FETCH"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_mark_seen(imapd, certs, check_mode: bool) -> None:
    server = imapd()
    server.expect(b'EXAMINE "INBOX"' if check_mode else b'SELECT "INBOX"', b"* 2 EXISTS")
    server.expect(b"UID SEARCH UNSEEN", b"* SEARCH 1 2")
    server.expect(b"UID FETCH 1:2 .*", summary_line(1, 1, flags="\\Seen"), summary_line(2, 2, flags=""))
    for uid in (2, 1):
        server.expect(b"UID FETCH %d .*" % uid, b"* 1 FETCH (UID %d BINARY.SIZE[2] 1000 BINARY[1.1]<0> {0}\r\n BINARY.SIZE[1.1] 0)" % uid)
    if not check_mode:
        server.expect(re.escape(b"UID STORE 2 +FLAGS.SILENT (\\Seen)"))
    result = message_info(info_params(server, certs, unseen=True, mark_seen=True), check_mode=check_mode)
    assert result["changed"] is True
    assert [m["flags"] for m in result["messages"]] == [["\\Seen"], ["\\Seen"]]


def test_connection_refused(certs) -> None:
    params = {"imap_host": "127.0.0.1", "imap_port": free_port(), "imap_security": None, "username": "bob@example.org", "password": PASSWORD,
              "validate_certs": True, "ca_path": certs.ca, "timeout": 5}
    with pytest.raises(errors.MailcowTransportError, match=r"cannot connect to the IMAP server 127\.0\.0\.1:\d+: connection refused"):
        message_info(dict(params, folder="INBOX"), check_mode=False)


def test_tls_against_a_starttls_port_hints_at_imap_security(certs) -> None:
    server = ImapResponder(certs, security="starttls")  # not verified: it sees a TLS ClientHello where a command should be
    try:
        with pytest.raises(errors.MailcowTLSError, match="TLS handshake with the IMAP server .*set imap_security=starttls"):
            message_info(info_params(server, certs, imap_security="tls"), check_mode=False)
    finally:
        server.close()


@pytest.mark.parametrize(
    "overrides, match",
    [({"limit": -1}, "limit must be at least 0"), ({"max_body_size": 0}, "max_body_size must be at least 1"),
     ({"wait_count": 0}, "wait_count must be at least 1"), ({"wait_timeout": -5}, "wait_timeout must be at least 0"),
     ({"wait_interval": 0.01}, "wait_interval must be at least 0.1, got 0.01")],
)
def test_numeric_options_are_checked_before_connecting(certs, overrides: dict[str, int], match: str) -> None:
    params = {"imap_host": "127.0.0.1", "imap_port": free_port(), "imap_security": "tls", "username": "bob@example.org", "password": PASSWORD,
              "validate_certs": True, "ca_path": certs.ca, "timeout": 5, "limit": 50, "max_body_size": 65536, "wait_timeout": 0, "wait_count": 1,
              "wait_interval": 1.0}
    with pytest.raises(errors.MailcowOptionError, match=match):
        message_info(dict(params, **overrides), check_mode=False)


def test_login_falls_back_to_login_without_auth_plain(imapd, certs) -> None:
    server = imapd(caps="IMAP4rev1 LITERAL+", auth_plain=False)
    server.expect(re.escape(b'LOGIN "bob@example.org" "plain-ascii"'), status=b"OK Logged in")
    with ImapSession(server.endpoint(), tls_context(validate_certs=True, ca_path=certs.ca), timeout=5) as imap:
        imap.login("bob@example.org", "plain-ascii")
        with pytest.raises(errors.MailcowAuthError, match="no AUTH=PLAIN, and LOGIN cannot carry the non-ASCII characters or control "
                                                          "characters .* of the user name or password of bob@"):
            imap.login("bob@example.org", PASSWORD)
        # A line break would end the LOGIN command early (imaplib does not quote it): refused, nothing sent.
        sent = len(server.commands)
        with pytest.raises(errors.MailcowAuthError, match="LOGIN cannot carry the non-ASCII characters or control characters"):
            imap.login("bob@example.org", "plain\r\nA9 DELETE INBOX")
        assert len(server.commands) == sent
