# SPDX-License-Identifier: GPL-3.0-or-later
"""The SMTP session against a scripted submission server over real loopback sockets and real TLS.

The responder plays Mailcow's Postfix: STARTTLS or implicit TLS, AUTH PLAIN/LOGIN only after TLS,
553 for a sender the login does not own, per-recipient refusals. It records every line it got,
so tests check what went over the wire, not what smtplib was asked to do.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import socket
import socketserver
import ssl
import threading
import typing as t
from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.endpoint import Endpoint, resolve_endpoint, tls_context
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.smtp import SmtpSession

PASSWORD = "s3cret-Pässwort"


# -- a throwaway CA and server certificate ----------------------------------------------------------


class Certs(t.NamedTuple):
    ca: str
    cert: str
    key: str

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certs(directory: Path, *, dns: tuple[str, ...] = ("localhost",), ips: tuple[str, ...] = ("127.0.0.1",)) -> Certs:
    """A CA and a server certificate, by default for 127.0.0.1 and localhost as the sandbox has."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    san = x509.SubjectAlternativeName([x509.DNSName(n) for n in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips])
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(san, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = Certs(str(directory / "ca.pem"), str(directory / "server.pem"), str(directory / "server.key"))
    Path(paths.ca).write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    Path(paths.cert).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(paths.key).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the responder ----------------------------------------------------------------------------------


class SmtpResponder:
    """A scripted submission server. Knobs say how it behaves; ``lines`` records what it received."""

    def __init__(self, certs: Certs, *, security: str = "starttls", offer_starttls: bool = True, logins: dict[str, str] | None = None,
                 owns: t.Callable[[str, str], bool] | None = None, refuse: dict[str, str] | None = None, eight_bit: bool = True,
                 delay_reject: bool = True, auth: bool = True, refuse_sender: str | None = None) -> None:
        self.certs, self.security, self.offer_starttls, self.eight_bit, self.auth = certs, security, offer_starttls, eight_bit, auth
        # Postfix's default smtpd_delay_reject=yes: sender restrictions answer at RCPT TO, not MAIL FROM.
        self.delay_reject = delay_reject
        self.logins = logins if logins is not None else {"alice@example.org": PASSWORD}
        self.owns = owns or (lambda login, sender: login == sender)
        self.refuse = refuse or {}
        self.refuse_sender = refuse_sender  # the reply to every MAIL FROM, for example a 4xx rate limit
        self.lines: list[str] = []
        self.messages: list[bytes] = []
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def endpoint(self, security: str | None = None) -> Endpoint:
        return Endpoint("smtp", "127.0.0.1", self.port, t.cast(t.Any, security or self.security))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[socketserver.StreamRequestHandler]:
        responder = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                Session(responder, self.connection).run()

        return Handler


class Session:
    """One client connection: Postfix's submission dialogue, reduced to what the client uses."""

    def __init__(self, responder: SmtpResponder, sock: socket.socket) -> None:
        self.r, self.sock = responder, sock
        self.tls = False
        self.login: str | None = None
        self.sender: str | None = None
        self.rcpts: list[str] = []

    def send(self, text: str) -> None:
        self.sock.sendall(text.encode() + b"\r\n")

    def run(self) -> None:
        try:
            if self.r.security == "tls":
                self.sock = self.r.certs.server_context().wrap_socket(self.sock, server_side=True)
                self.tls = True
            self.file = self.sock.makefile("rb")
            self.send("220 mail.example.org ESMTP Postfix")
            while True:  # not iter(self.file.readline): STARTTLS replaces self.file
                raw = self.file.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                self.r.lines.append(line)
                if not self.command(line):
                    return
        except (OSError, ssl.SSLError):
            return

    def command(self, line: str) -> bool:
        verb = line.split(" ", 1)[0].upper()
        handler = getattr(self, "do_" + verb, None)
        if handler is None:
            self.send("502 5.5.2 Error: command not recognized")
            return True
        return handler(line[len(verb):].strip()) is not False

    def do_EHLO(self, _arg: str) -> None:
        extensions = ["mail.example.org", "PIPELINING", "SIZE 10240000"]
        if not self.tls and self.r.offer_starttls:
            extensions.append("STARTTLS")
        if self.tls and self.r.auth:  # Postfix's port 25 (smtpd without SASL) offers no AUTH
            extensions.append("AUTH PLAIN LOGIN")
        if self.r.eight_bit:
            extensions.append("8BITMIME")
        self.send("\r\n".join("250-" + e for e in extensions[:-1]) + "\r\n250 " + extensions[-1])

    def do_STARTTLS(self, _arg: str) -> None:
        self.send("220 2.0.0 Ready to start TLS")
        self.sock = self.r.certs.server_context().wrap_socket(self.sock, server_side=True)
        self.file = self.sock.makefile("rb")
        self.tls = True

    def do_AUTH(self, arg: str) -> None:
        mechanism, _sep, token = arg.partition(" ")
        if not self.tls or mechanism.upper() != "PLAIN":
            self.send("504 5.5.4 Unrecognized authentication type")
            return
        _authz, user, password = base64.b64decode(token).decode("utf-8").split("\0")
        if self.r.logins.get(user) != password:
            self.send("535 5.7.8 Error: authentication failed: authentication failure")
            return
        self.login = user
        self.send("235 2.7.0 Authentication successful")

    def do_MAIL(self, arg: str) -> None:
        sender = arg.split(":", 1)[1].split(">", 1)[0].lstrip(" <")
        if self.login is None:
            self.send("530 5.7.0 Must issue a STARTTLS command first" if not self.tls else "503 5.5.1 Error: authentication required")
        elif self.r.refuse_sender:
            self.send(self.r.refuse_sender)
        elif not self.r.owns(self.login, sender) and not self.r.delay_reject:
            self.sender = None
            self.send(self.not_owned(sender))
        else:
            self.sender, self.rcpts = sender, []
            self.send("250 2.1.0 Ok")

    def not_owned(self, sender: str) -> str:
        return "553 5.7.1 <%s>: Sender address rejected: not owned by user %s" % (sender, self.login)

    def do_RCPT(self, arg: str) -> None:
        rcpt = arg.split(":", 1)[1].strip().strip("<>")
        if self.sender is not None and not self.r.owns(t.cast(str, self.login), self.sender):
            self.send(self.not_owned(self.sender))
        elif rcpt in self.r.refuse:
            self.send(self.r.refuse[rcpt])
        else:
            self.rcpts.append(rcpt)
            self.send("250 2.1.5 Ok")

    def do_DATA(self, _arg: str) -> None:
        if not self.rcpts:
            self.send("554 5.5.1 Error: no valid recipients")
            return
        self.send("354 End data with <CR><LF>.<CR><LF>")
        data = bytearray()
        for raw in iter(self.file.readline, b""):
            if raw == b".\r\n":
                break
            data += raw[1:] if raw.startswith(b"..") else raw
        self.r.messages.append(bytes(data))
        self.send("250 2.0.0 Ok: queued as 4ABCDEF")

    def do_RSET(self, _arg: str) -> None:
        self.send("250 2.0.0 Ok")

    def do_NOOP(self, _arg: str) -> None:
        self.send("250 2.0.0 Ok")

    def do_QUIT(self, _arg: str) -> bool:
        self.send("221 2.0.0 Bye")
        return False


@contextlib.contextmanager
def responders(kind: t.Callable[..., t.Any], certs: Certs) -> t.Iterator[t.Callable[..., t.Any]]:
    """``start(**knobs)`` starts a responder of this kind; all are closed (and verified, if they can be) at the end."""
    started: list[t.Any] = []

    def start(**kwargs: t.Any) -> t.Any:
        started.append(kind(certs, **kwargs))
        return started[-1]

    try:
        yield start
    finally:
        for responder in started:
            responder.close()
    for responder in started:
        getattr(responder, "verify", lambda: None)()


@pytest.fixture
def smtpd(certs: Certs) -> t.Iterator[t.Callable[..., SmtpResponder]]:
    with responders(SmtpResponder, certs) as start:
        yield start


_TEST_CA: t.Any = object()  # session()'s default ca_path: the CA in certs


def session(responder: SmtpResponder, certs: Certs, *, security: str | None = None, timeout: float = 5,
            validate_certs: bool | None = True, ca_path: str | None = _TEST_CA) -> SmtpSession:
    """A client session that trusts the test CA unless told otherwise (ca_path=None: the system's CA store)."""
    if ca_path is _TEST_CA:
        ca_path = certs.ca
    return SmtpSession(responder.endpoint(security), tls_context(validate_certs=validate_certs, ca_path=ca_path), timeout=timeout)


MESSAGE = b"From: alice@example.org\r\nTo: bob@example.org\r\nSubject: hi\r\n\r\nhello\r\n"


# -- tests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_send_over_both_tls_modes(smtpd, certs, security: str) -> None:
    server = smtpd(security=security)
    with session(server, certs) as smtp:
        smtp.login("alice@example.org", PASSWORD)
        result = smtp.send("alice@example.org", ["bob@example.org"], MESSAGE, login="alice@example.org")
    assert result.accepted == ["bob@example.org"] and result.refused == {}
    assert server.messages == [MESSAGE]
    assert ("STARTTLS" in server.lines) is (security == "starttls")
    assert server.lines[-1].upper() == "QUIT"


def test_auth_plain_carries_a_utf8_password(smtpd, certs) -> None:
    server = smtpd()
    with session(server, certs) as smtp:
        smtp.login("alice@example.org", PASSWORD)
    auth = [line for line in server.lines if line.startswith("AUTH")]
    assert base64.b64decode(auth[0].split()[2]) == b"\0alice@example.org\0" + PASSWORD.encode("utf-8")


def test_8bit_body_is_announced_only_when_the_server_has_8bitmime(smtpd, certs) -> None:
    body = "From: alice@example.org\r\nSubject: x\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n".encode()
    for eight_bit, expected in ((True, "mail FROM:<alice@example.org> size=%d BODY=8BITMIME" % len(body)), (False, None)):
        server = smtpd(eight_bit=eight_bit)
        with session(server, certs) as smtp:
            smtp.login("alice@example.org", PASSWORD)
            assert smtp.eight_bit is eight_bit
            smtp.send("alice@example.org", ["bob@example.org"], body, login="alice@example.org")
        mail_from = [line for line in server.lines if line.upper().startswith("MAIL FROM")][0]
        assert ("BODY=8BITMIME" in mail_from) is eight_bit, mail_from
        if expected:
            assert mail_from == expected


def test_wrong_password_is_an_auth_error_without_the_password(smtpd, certs) -> None:
    server = smtpd()
    with pytest.raises(errors.MailcowAuthError) as caught:
        with session(server, certs) as smtp:
            smtp.login("alice@example.org", "wrong-" + PASSWORD)
    message = str(caught.value)
    assert "SMTP login to the SMTP server 127.0.0.1:%d as alice@example.org failed: 535 5.7.8" % server.port in message
    assert PASSWORD not in message and PASSWORD not in repr(caught.value.to_result())
    assert caught.value.to_result() == {"error_type": "MailcowAuthError", "method": "AUTH", "path": "smtp://127.0.0.1:%d" % server.port, "status": 535}


@pytest.mark.parametrize("delay_reject", [True, False], ids=["at-rcpt-to-as-postfix-does", "at-mail-from"])
def test_sender_not_owned_is_mailcows_553(smtpd, certs, delay_reject: bool) -> None:
    server = smtpd(delay_reject=delay_reject)
    with pytest.raises(errors.MailcowForbiddenError) as caught:
        with session(server, certs) as smtp:
            smtp.login("alice@example.org", PASSWORD)
            smtp.send("ceo@example.org", ["bob@example.org"], MESSAGE, login="alice@example.org")
    message = str(caught.value)
    assert "refused sender ceo@example.org for login alice@example.org: 553 5.7.1 <ceo@example.org>: Sender address rejected: not owned by user" in message
    assert "sender ACL" in message
    assert caught.value.status == 553 and server.messages == []


def test_some_recipients_refused_still_sends(smtpd, certs) -> None:
    server = smtpd(refuse={"nobody@example.org": "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"})
    with session(server, certs) as smtp:
        smtp.login("alice@example.org", PASSWORD)
        result = smtp.send("alice@example.org", ["bob@example.org", "nobody@example.org"], MESSAGE, login="alice@example.org")
    assert result.accepted == ["bob@example.org"]
    assert result.refused == {"nobody@example.org": "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"}
    assert len(server.messages) == 1


def test_every_recipient_refused_names_each_and_why(smtpd, certs) -> None:
    server = smtpd(refuse={"a@example.net": "554 5.7.1 <a@example.net>: Relay access denied", "b@example.org": "550 5.1.1 <b@example.org>: User unknown"})
    with pytest.raises(errors.MailcowValidationError) as caught:
        with session(server, certs) as smtp:
            smtp.login("alice@example.org", PASSWORD)
            smtp.send("alice@example.org", ["a@example.net", "b@example.org"], MESSAGE, login="alice@example.org")
    message = str(caught.value)
    assert "refused every recipient, nothing was sent" in message
    assert "a@example.net: 554 5.7.1 <a@example.net>: Relay access denied" in message
    assert "b@example.org: 550 5.1.1 <b@example.org>: User unknown" in message
    assert server.messages == []


@pytest.mark.parametrize(
    "tls, match",
    [
        ({"ca_path": None}, r"TLS verification of the SMTP server 127\.0\.0\.1:\d+ failed: .*Point ca_path \(MAILCOW_CA_PATH\).*"
                            r"validate_certs=false \(MAILCOW_VERIFY_SSL=false\)"),
        ({"validate_certs": False, "ca_path": None}, None),
    ],
    ids=["unknown-ca", "validate-certs-false"],
)
def test_certificate_verification(smtpd, certs, tls: dict[str, t.Any], match: str | None) -> None:
    server = smtpd()
    if match is None:
        with session(server, certs, **tls) as smtp:
            smtp.login("alice@example.org", PASSWORD)
        return
    with pytest.raises(errors.MailcowTLSError, match=match):
        with session(server, certs, **tls):
            pass


def test_hostname_is_checked(certs, tmp_path: Path) -> None:
    other = make_certs(tmp_path, dns=("mail.example.org",), ips=())  # trusted CA, but not issued for 127.0.0.1
    server = SmtpResponder(other)
    try:
        with pytest.raises(errors.MailcowTLSError, match="TLS verification of the SMTP server .* failed: IP address mismatch"):
            with SmtpSession(server.endpoint(), tls_context(validate_certs=True, ca_path=other.ca), timeout=5):
                pass
    finally:
        server.close()


def test_implicit_tls_against_a_starttls_port_hints_at_smtp_security(smtpd, certs) -> None:
    server = smtpd(security="starttls")
    with pytest.raises(errors.MailcowTLSError, match=r"TLS handshake with the SMTP server .* failed: .*set smtp_security=starttls"):
        with session(server, certs, security="tls"):
            pass


def test_starttls_against_an_implicit_tls_port_times_out_with_a_hint(smtpd, certs) -> None:
    server = smtpd(security="tls")
    with pytest.raises(errors.MailcowTransportError, match=r"did not answer within 1 seconds \(option timeout\) during greeting\. .*set smtp_security=tls"):
        with session(server, certs, security="starttls", timeout=1):
            pass


def test_no_starttls_offered_refuses_to_send_the_password(smtpd, certs) -> None:
    server = smtpd(offer_starttls=False)
    with pytest.raises(errors.MailcowTLSError, match="does not offer STARTTLS"):
        with session(server, certs):
            pass
    assert not any(line.startswith("AUTH") for line in server.lines)


def test_connection_refused(certs) -> None:
    endpoint = Endpoint("smtp", "127.0.0.1", free_port(), "starttls")
    with pytest.raises(errors.MailcowTransportError, match=r"cannot connect to the SMTP server 127\.0\.0\.1:\d+: connection refused"):
        with SmtpSession(endpoint, tls_context(validate_certs=True, ca_path=certs.ca), timeout=5):
            pass


def test_unknown_host() -> None:
    endpoint = Endpoint("smtp", "no-such-host.invalid", 587, "starttls")
    with pytest.raises(errors.MailcowTransportError, match=r"cannot resolve no-such-host.invalid .*Check smtp_host \(MAILCOW_SMTP_HOST\)$"):
        with SmtpSession(endpoint, tls_context(validate_certs=True, ca_path=None), timeout=5):
            pass


def test_missing_ca_file_is_an_option_error(tmp_path: Path) -> None:
    with pytest.raises(errors.MailcowOptionError, match=r"^ca_path \(MAILCOW_CA_PATH\) .*nope.pem does not exist: give the path of the PEM file"):
        tls_context(validate_certs=True, ca_path=str(tmp_path / "nope.pem"))


def test_unreadable_or_wrong_ca_file_is_named(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    with pytest.raises(errors.MailcowOptionError, match=r"^ca_path \(MAILCOW_CA_PATH\) .*garbage.pem is not a PEM CA bundle"):
        tls_context(validate_certs=True, ca_path=str(garbage))
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    with pytest.raises(errors.MailcowOptionError, match=r"^ca_path \(MAILCOW_CA_PATH\) .*empty.pem is not a PEM CA bundle"):
        tls_context(validate_certs=True, ca_path=str(empty))


def test_a_ca_directory_is_used_as_one(tmp_path: Path, certs) -> None:
    hashed = tmp_path / "cas"
    hashed.mkdir()
    assert tls_context(validate_certs=True, ca_path=str(hashed)).verify_mode == ssl.CERT_REQUIRED


@pytest.mark.parametrize(
    "kind, host, port, security, address, expected",
    [
        ("smtp", None, None, None, "alice@Example.ORG", ("mail.example.org", 587, "starttls")),
        ("smtp", None, 465, None, "alice@example.org", ("mail.example.org", 465, "tls")),
        ("smtp", None, None, "tls", "alice@example.org", ("mail.example.org", 465, "tls")),
        ("smtp", "127.0.0.1", 10587, None, "alice@example.org", ("127.0.0.1", 10587, "starttls")),
        ("smtp", "smtp.example.net", 2525, "tls", None, ("smtp.example.net", 2525, "tls")),
        ("imap", None, None, None, "bob@example.org", ("mail.example.org", 993, "tls")),
        ("imap", None, 143, None, "bob@example.org", ("mail.example.org", 143, "starttls")),
        ("imap", None, None, "starttls", "bob@example.org", ("mail.example.org", 143, "starttls")),
        ("imap", "127.0.0.1", 10993, None, "bob@example.org", ("127.0.0.1", 10993, "tls")),
    ],
)
def test_endpoint_defaults(kind, host, port, security, address, expected) -> None:
    endpoint = resolve_endpoint(kind, host=host, port=port, security=security, address=address)
    assert (endpoint.host, endpoint.port, endpoint.security) == expected


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"host": None, "port": None, "security": None, "address": "nodomain"}, "smtp_host is not set .*mail.<domain>"),
        ({"host": "x", "port": 70000, "security": None, "address": None}, r"smtp_port \(or MAILCOW_SMTP_PORT\) must be between 1 and 65535, got 70000"),
    ],
)
def test_endpoint_errors(kwargs, match) -> None:
    with pytest.raises(errors.MailcowOptionError, match=match):
        resolve_endpoint("smtp", **kwargs)
