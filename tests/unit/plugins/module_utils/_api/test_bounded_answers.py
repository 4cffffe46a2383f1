# SPDX-License-Identifier: GPL-3.0-or-later
"""The API client against servers that misbehave at the byte level, over real loopback sockets.

A trickling server (headers, then one byte at a time), a huge answer (with and without its size
announced), answers that are JSON of the wrong shape, redirects, a TLS port spoken to in plain HTTP
and the reverse, a certificate for another name. Nothing is timed: each test asserts the error and
that the server saw the client leave while it was still sending.
"""

from __future__ import annotations

import json
import os
import re
import socket
import ssl
import subprocess
import sys
import textwrap
import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list, cleartext_warning, is_loopback
from ...raw_server import Conn, RawServer, http_head
from .._mail.test_smtp import make_certs

KEY = "ABCDEF-123456-ABCDEF-123456-ABCDEF"
TRICKLE_BYTES = 120  # one every 0.5 s: a minute, far more than any timeout below


@pytest.fixture
def serve() -> t.Iterator[t.Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(handler: t.Callable[[Conn], None], **kwargs: t.Any) -> RawServer:
        servers.append(RawServer(handler, **kwargs))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def client(server: RawServer, scheme: str = "http", **kwargs: t.Any) -> MailcowClient:
    kwargs.setdefault("retries", 0)
    return MailcowClient("%s://127.0.0.1:%d" % (scheme, server.port), KEY, **kwargs)


def trickle(conn: Conn, data: bytes, pause: float = 0.5) -> None:
    for byte in data:
        conn.send(bytes([byte]))
        time.sleep(pause)


def answer(body: bytes, status: str = "200 OK", content_type: str = "application/json") -> t.Callable[[Conn], None]:
    def handler(conn: Conn) -> None:
        conn.request_head()
        conn.send(http_head(status, Content_Type=content_type, Content_Length=len(body)) + body)
    return handler


# -- every wait is a deadline ---------------------------------------------------------------------


def test_a_body_trickled_byte_by_byte_fails_at_the_timeout(serve) -> None:
    def handler(conn: Conn) -> None:
        conn.request_head()
        conn.send(http_head(Content_Type="application/json", Content_Length=TRICKLE_BYTES))
        trickle(conn, b" " * TRICKLE_BYTES)

    server = serve(handler)
    with pytest.raises(errors.MailcowTransportError) as info:
        client(server, timeout=2).get("domain", "all")
    assert re.match(r"the answer of Mailcow API at http://127\.0\.0\.1:\d+/api/v1 to GET /get/domain/all was not complete within 2 seconds "
                    r"\(\d+ bytes came in that time\)$", str(info.value)), str(info.value)
    assert info.value.timed_out and info.value.answer_lost
    assert server.wait() == ["client gone"]
    assert server.sent[0] < len(http_head(Content_Type="application/json", Content_Length=TRICKLE_BYTES)) + TRICKLE_BYTES


def test_headers_trickled_byte_by_byte_fail_at_the_timeout(serve) -> None:
    def handler(conn: Conn) -> None:
        conn.request_head()
        trickle(conn, b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * TRICKLE_BYTES + b"\r\n\r\n")

    server = serve(handler)
    with pytest.raises(errors.MailcowTransportError, match=r"^no answer from Mailcow API at \S+ within 2 seconds after sending GET /get/domain/all$"):
        client(server, timeout=2).get("domain", "all")
    assert server.wait() == ["client gone"]


def test_a_trickled_write_answer_is_an_unknown_outcome_not_a_failure(serve) -> None:
    def handler(conn: Conn) -> None:
        conn.request_head()
        conn.send(http_head(Content_Type="application/json", Content_Length=TRICKLE_BYTES))
        trickle(conn, b" " * TRICKLE_BYTES)

    server = serve(handler)
    with pytest.raises(errors.MailcowTransportError) as info:
        client(server, timeout=1).write("add", "domain", {"domain": "x.example"})
    assert "to POST /add/domain was not complete within 1 seconds" in str(info.value)
    assert info.value.answer_lost  # the write may have been carried out: callers re-read
    assert server.wait() == ["client gone"]


def test_the_deadline_leaves_keep_alive_working(serve) -> None:
    def handler(conn: Conn) -> None:
        for _request in range(3):
            conn.request_head()
            conn.send(http_head(Content_Type="application/json", Content_Length=2) + b"{}")

    server = serve(handler)
    api = client(server, timeout=2)
    assert [api.get("domain", "all") for _request in range(3)] == [{}, {}, {}]
    assert server.wait() == ["finished"]
    assert server.connections == 1  # one connection for all three: the deadline reader left it reusable


# -- every read is bounded ------------------------------------------------------------------------


def test_an_announced_huge_answer_is_refused_unread(serve) -> None:
    size = 200 * 1024 * 1024

    def handler(conn: Conn) -> None:
        conn.request_head()
        conn.send(http_head(Content_Type="application/json", Content_Length=size))
        block = b" " * 65536
        for _block in range(size // len(block)):
            conn.send(block)

    server = serve(handler)
    with pytest.raises(errors.MailcowError) as info:
        client(server).get("domain", "all")
    assert str(info.value).startswith("Mailcow API answered GET /get/domain/all with an answer of 209715200 bytes (its Content-Length): refused "
                                      "without reading it whole, as max_answer_mib allows 64 MiB."), str(info.value)
    assert "raise max_answer_mib" in str(info.value)
    assert not isinstance(info.value, errors.MailcowTransportError)  # not retried: it would be as large again
    assert server.wait() == ["client gone"]
    assert server.sent[0] < size


def test_an_unannounced_huge_answer_is_refused_at_the_limit(serve) -> None:
    def handler(conn: Conn) -> None:
        conn.request_head()
        conn.send(http_head(Content_Type="application/json", Connection="close") + b"[")
        while True:
            conn.send(b'{"domain_name": "x.example"},' * 2048)

    server = serve(handler)
    with pytest.raises(errors.MailcowError, match=r"^Mailcow API answered GET /get/domain/all with an answer larger than 1 MiB: refused without "
                                                  r"reading it whole, as max_answer_mib allows 1 MiB"):
        client(server, max_answer_mib=1).get("domain", "all")
    assert server.wait() == ["client gone"]


def test_a_huge_answer_to_a_write_leaves_its_outcome_open(serve) -> None:
    server = serve(answer(b"[" + b'{"type": "success", "msg": "x"},' * 40000 + b"{}]"))
    with pytest.raises(errors.MailcowUnknownOutcomeError, match="with an answer of \\d+ bytes"):
        client(server, max_answer_mib=1).write("add", "domain", {"domain": "x.example"})


def test_a_huge_answer_is_not_held_in_memory(serve, tmp_path: Path) -> None:
    """A 400 MB answer in a process of its own: refused, and the process never held anything near it."""
    size = 400 * 1024 * 1024

    def handler(conn: Conn) -> None:
        conn.request_head()
        conn.send(http_head(Content_Type="application/json", Connection="close") + b"[")
        block = b'{"domain_name": "x.example"},' * 2048
        while conn.sent < size:
            conn.send(block)

    server = serve(handler)
    script = tmp_path / "huge.py"
    script.write_text(textwrap.dedent("""
        import json, resource, sys
        from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
        from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
        try:
            MailcowClient(sys.argv[1], "K", retries=0).get("domain", "all")
            message = "no error"
        except MailcowError as exc:
            message = str(exc)
        print(json.dumps({"message": message, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    """))
    done = subprocess.run([sys.executable, str(script), "http://127.0.0.1:%d" % server.port], capture_output=True, text=True, env=dict(os.environ),
                          check=True)
    result = json.loads(done.stdout)
    assert "with an answer larger than 64 MiB" in result["message"]
    assert result["peak_mib"] < 250, result  # the limit's 64 MiB and the interpreter, not the 400 MB sent
    assert server.wait() == ["client gone"]
    assert server.sent[0] < size


@pytest.mark.parametrize("body, kind", [
    (b"123", "a JSON number"),
    (b'"garbage"', "a JSON string"),
    (b"null", "JSON null"),
    (b"true", "a JSON boolean"),
    (b'["a", "b"]', "a list holding a JSON string"),
    (b'[{"domain_name": "x.example"}, 7]', "a list holding a JSON number"),
])
def test_a_read_answer_of_the_wrong_shape_is_an_error_naming_the_request(serve, body: bytes, kind: str) -> None:
    server = serve(answer(body))
    with pytest.raises(errors.MailcowError) as info:
        client(server).get("domain", "all")
    assert str(info.value).startswith("Mailcow API answered GET /get/domain/all with %s where an object or a list of objects was expected: " % kind)
    assert info.value.path == "/get/domain/all"


@pytest.mark.parametrize("data", [123, "garbage", None, ["a"], [{"a": 1}, None]])
def test_as_list_never_turns_a_wrong_shape_into_nothing(data: t.Any) -> None:
    with pytest.raises(errors.MailcowError, match="where a list of objects was expected"):
        as_list(data)


@pytest.mark.parametrize("data, expected", [({}, []), ([], []), ({"a": 1}, [{"a": 1}]), ([{"a": 1}, {"b": 2}], [{"a": 1}, {"b": 2}])])
def test_as_list_of_mailcow_shapes(data: t.Any, expected: list[dict[str, t.Any]]) -> None:
    assert as_list(data) == expected


# -- redirects, schemes, certificates ---------------------------------------------------------------


@pytest.mark.parametrize("status", ["302 Found", "307 Temporary Redirect"])
def test_a_redirect_names_its_target_and_is_not_followed(serve, status: str) -> None:
    def handler(conn: Conn) -> None:
        conn.request_head()
        conn.send(http_head(status, Location="https://user:pw@mail.example.org:8443/api/v1/get/domain/all?key=1", Content_Length=0))

    server = serve(handler)
    with pytest.raises(errors.MailcowTransportError) as info:
        client(server).get("domain", "all")
    text = str(info.value)
    assert text.startswith("Mailcow API answered GET /get/domain/all with HTTP %s, a redirect to https://mail.example.org:8443/api/v1/get/domain/all; "
                           "redirects are not followed" % status.split()[0]), text
    assert "use https:// in api_url" in text
    assert "pw" not in text and "key=1" not in text
    assert server.wait() == ["finished"] and server.connections == 1


def test_http_against_a_tls_port_hints_at_https(serve, tmp_path: Path) -> None:
    certs = make_certs(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs.cert, certs.key)
    server = serve(lambda conn: conn.line(), tls=context)
    with pytest.raises(errors.MailcowTransportError, match=r"Is the port an HTTPS port\? api_url uses http://.*use https://"):
        client(server).get("domain", "all")


def test_https_against_a_plain_port_hints_at_http(serve) -> None:
    def handler(conn: Conn) -> None:
        conn.sock.recv(4096)  # a TLS ClientHello: an HTTP server answers 400 to it
        conn.send(http_head("400 Bad Request", Content_Type="text/html", Content_Length=0, Connection="close"))

    server = serve(handler)
    with pytest.raises(errors.MailcowTLSError, match=r"Is the port an HTTPS port\? The server did not answer TLS: if it serves plain HTTP, use http://"):
        client(server, scheme="https").get("domain", "all")


def test_a_host_name_mismatch_is_reported_whole(serve, tmp_path: Path) -> None:
    certs = make_certs(tmp_path, dns=("mail.example.org",), ips=())
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs.cert, certs.key)
    server = serve(answer(b"{}"), tls=context)
    with pytest.raises(errors.MailcowTLSError) as info:
        client(server, scheme="https", ca_path=certs.ca).get("domain", "all")
    text = str(info.value)
    assert "certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'. (_ssl.c:" in text, text
    assert "Use the host name the certificate names in api_url" in text


def test_a_refused_connection_does_not_hint_at_timeout() -> None:
    with socket.socket() as closed:  # bound, never listening: connections to it are refused
        closed.bind(("127.0.0.1", 0))
        with pytest.raises(errors.MailcowTransportError) as info:
            MailcowClient("http://127.0.0.1:%d" % closed.getsockname()[1], KEY, retries=0).get("domain", "all")
    assert "Connection refused" in str(info.value) and "timeout" not in str(info.value)


@pytest.mark.parametrize("content, problem", [(None, "does not exist"), (b"not a certificate\n", "is not a PEM CA bundle")])
def test_a_ca_path_problem_is_named_before_any_request(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(errors.MailcowOptionError, match=r"^ca_path \(MAILCOW_CA_PATH\) %s %s" % (re.escape(str(path)), problem)):
        MailcowClient("https://127.0.0.1:9", KEY, ca_path=str(path))


@pytest.mark.parametrize("url, warns", [
    ("http://127.0.0.1:8080", False), ("http://127.8.9.10", False), ("http://[::1]:8080", False), ("http://localhost", False),
    ("http://LOCALHOST.:80/api/v1", False), ("http://[::ffff:127.0.0.1]", False), ("https://mail.example.org", False),
    ("http://mail.example.org", True), ("http://10.0.0.5:8080", True), ("http://[2001:db8::1]", True), ("http://128.0.0.1", True),
    ("http://localhost.example.org", True),
])
def test_http_warns_unless_the_host_is_this_machine(url: str, warns: bool) -> None:
    warning = cleartext_warning(url)
    assert bool(warning) is warns, warning
    if warning:
        assert warning.startswith("api_url (MAILCOW_API_URL) %s uses http://: the API key and everything else travel unencrypted" % url.rstrip("/"))


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and not is_loopback("example.org")
