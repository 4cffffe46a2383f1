# SPDX-License-Identifier: GPL-3.0-or-later
"""The API client against scripted Mailcow conversations (replies from the recorded transcripts)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, normalize_base_url
from ...scripted_mailcow import DROP, transcript

KEY = "ABCDEF-123456-ABCDEF-123456-ABCDEF"


def client(server, **kwargs) -> MailcowClient:
    kwargs.setdefault("backoff", 0.01)
    return MailcowClient(server.url, KEY, **kwargs)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("https://mail.example.org", "https://mail.example.org/api/v1"),
        ("https://mail.example.org/", "https://mail.example.org/api/v1"),
        ("https://mail.example.org/api", "https://mail.example.org/api/v1"),
        ("https://mail.example.org/api/v1/", "https://mail.example.org/api/v1"),
        ("http://127.0.0.1:8080/mailcow/api/v1", "http://127.0.0.1:8080/mailcow/api/v1"),
    ],
)
def test_base_url_tolerates_api_suffix(given: str, expected: str) -> None:
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize("bad", ["mail.example.org", "ftp://mail.example.org", "", "https://"])
def test_base_url_rejects_non_http(bad: str) -> None:
    with pytest.raises(errors.MailcowOptionError, match="api_url"):
        normalize_base_url(bad)


def test_get_sends_key_and_no_cookie(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/status/version", reply={"version": "2026-07a"})
    mailcow.expect("GET", "/api/v1/get/status/version", reply={"version": "2026-07a"})
    api = client(mailcow)
    assert api.get("status", "version") == {"version": "2026-07a"}
    api.get("status", "version")
    headers = mailcow.seen[1][3]
    assert headers["X-API-Key"] == KEY
    assert "Cookie" not in headers, "Mailcow's session cookie must never be sent back"


def test_path_segments_are_quoted_for_both_decodings(mailcow) -> None:
    # Mailcow's nginx decodes the path once, PHP's query parser once more: each segment is encoded twice.
    mailcow.expect("GET", "/api/v1/get/mailbox/a%2520b@example.org", reply={})
    assert client(mailcow).get("mailbox", "a b@example.org") == {}
    mailcow.expect("POST", "/api/v1/delete/mailbox/tag/x%2526query%253Ddelete%2526%25252F@sec.example", ["t"], reply=[])
    client(mailcow).write("delete", "mailbox", ["t"], "tag", "x&query=delete&%2F@sec.example")


@pytest.mark.parametrize("name, words", [
    ("a/b@example.org", "contains '/'"),
    ("..", "path step"),
    (".", "path step"),
    ("", "empty"),
    ("a\r\nb@example.org", "line break"),
    ("a\u2028b@example.org", "line break"),
])
def test_names_no_path_can_carry_are_refused_before_sending(mailcow, name: str, words: str) -> None:
    with pytest.raises(errors.MailcowPathError) as caught:
        client(mailcow).get("domain-admin", name)
    assert words in str(caught.value) and "domain admin" in str(caught.value) and "Nothing was sent" in str(caught.value)
    assert "\n" not in str(caught.value) and "\u2028" not in str(caught.value)
    assert not mailcow.seen


@pytest.mark.parametrize(
    "case, error, words",
    [
        ("wrong_key", errors.MailcowAuthError, ["rejected the API key", "401", "not retried"]),
        ("key_valid_but_ip_not_in_allow_from", errors.MailcowIPNotAllowedError, ["127.0.0.1", "allowed list"]),
        ("ro_key_write_add_domain", errors.MailcowForbiddenError, ["read-only", "403"]),
        ("unknown_route_get", errors.MailcowNotFoundError, ["route not found"]),
    ],
)
def test_http_errors_are_distinct_and_not_retried(mailcow, case: str, error: type, words: list[str]) -> None:
    recorded = transcript(case)
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=recorded["body"], status=recorded["status"], content_type=recorded["content_type"])
    with pytest.raises(error) as info:
        client(mailcow).get("domain", "all")
    for word in words:
        assert word in str(info.value)
    assert KEY not in str(info.value)
    assert len(mailcow.seen) == 1, "auth failures must never be retried (fail2ban)"


def test_danger_answer_raises_with_translated_message(mailcow) -> None:
    recorded = transcript("add_mailbox_quota_above_domain_maxquota")
    mailcow.expect("POST", "/api/v1/add/mailbox", {"local_part": "x"}, reply=recorded["body"])
    with pytest.raises(errors.MailcowValidationError) as info:
        client(mailcow).write("add", "mailbox", {"local_part": "x"})
    assert info.value.msg_key == "mailbox_quota_exceeded"
    assert info.value.msg_args == [2048]
    assert "maximum per mailbox (2048 MiB)" in str(info.value)


def test_exists_answer_is_an_exists_error(mailcow) -> None:
    mailcow.expect("POST", "/api/v1/add/mailbox", {"local_part": "alice"}, reply=transcript("add_mailbox_duplicate")["body"])
    with pytest.raises(errors.MailcowExistsError, match="alice@example.org already exists"):
        client(mailcow).write("add", "mailbox", {"local_part": "alice"})


def test_partial_success_is_a_failure_that_says_so(mailcow) -> None:
    mailcow.expect("POST", "/api/v1/delete/mailbox", ["a@example.org", "b@example.org"], reply=transcript("delete_mailbox_two_one_missing")["body"])
    with pytest.raises(errors.MailcowValidationError, match=r"1 other part\(s\) of the request succeeded"):
        client(mailcow).write("delete", "mailbox", ["a@example.org", "b@example.org"])


def test_success_entries_are_returned(mailcow) -> None:
    mailcow.expect("POST", "/api/v1/add/domain", {"domain": "example.org"}, reply=transcript("add_domain_success")["body"])
    entries = client(mailcow).write("add", "domain", {"domain": "example.org"})
    assert [e.key for e in entries] == ["rl_saved", "dkim_added", "domain_added"]


def test_empty_body_on_write_is_an_unknown_outcome(mailcow) -> None:
    mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["x.org"]}, reply="")
    with pytest.raises(errors.MailcowUnknownOutcomeError, match="empty body .*re-read the object to know whether the write was carried out"):
        client(mailcow).write("edit", "domain", {"items": ["x.org"]})


def test_html_error_page_is_a_transport_error_after_retries(mailcow) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
    for _i in range(3):
        mailcow.expect("GET", "/api/v1/get/domain/all", reply=page, status=502, content_type="text/html")
    with pytest.raises(errors.MailcowTransportError, match="HTTP 502.*502 Bad Gateway nginx"):
        client(mailcow, retries=2).get("domain", "all")
    assert len(mailcow.seen) == 3


def test_read_is_retried_after_503_then_succeeds(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/all", reply={"type": "error", "msg": "busy"}, status=503)
    mailcow.expect("GET", "/api/v1/get/domain/all", reply={})
    assert client(mailcow).get("domain", "all") == {}


def test_write_is_not_retried_after_503(mailcow) -> None:
    mailcow.expect("POST", "/api/v1/add/domain", {"domain": "x.org"}, reply="", status=503)
    with pytest.raises(errors.MailcowTransportError, match="HTTP 503"):
        client(mailcow).write("add", "domain", {"domain": "x.org"})
    assert len(mailcow.seen) == 1


def test_dropped_connection_on_read_is_retried(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DROP)
    mailcow.expect("GET", "/api/v1/get/domain/all", reply={})
    assert client(mailcow).get("domain", "all") == {}


def test_dropped_connection_on_write_is_not_retried(mailcow) -> None:
    mailcow.expect("POST", "/api/v1/add/domain", {"domain": "x.org"}, reply=DROP)
    expected = r"connection to Mailcow API at http://127\.0\.0\.1:\d+/api/v1 lost after sending POST /add/domain: Remote end closed connection without response"
    with pytest.raises(errors.MailcowTransportError, match=expected) as info:
        client(mailcow).write("add", "domain", {"domain": "x.org"})
    assert len(mailcow.seen) == 1
    assert (info.value.not_sent, info.value.answer_lost) == (False, True)


def test_connection_refused_names_the_url() -> None:
    api = MailcowClient("http://127.0.0.1:9", KEY, retries=1, backoff=0.01)
    with pytest.raises(errors.MailcowTransportError) as info:
        api.get("domain", "all")
    assert str(info.value) == "could not connect to Mailcow API at http://127.0.0.1:9/api/v1: Connection refused (GET /get/domain/all was not sent)"
    assert info.value.not_sent and not info.value.answer_lost


def test_unresolvable_host_names_the_url() -> None:
    api = MailcowClient("https://mailcow.invalid", KEY, retries=0, timeout=5)
    with pytest.raises(errors.MailcowTransportError, match="mailcow.invalid"):
        api.get("domain", "all")


def test_non_json_200_is_a_transport_error(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/all", reply="<html>Welcome to nginx</html>", content_type="text/html")
    with pytest.raises(errors.MailcowTransportError, match="not JSON"):
        client(mailcow).get("domain", "all")


def test_router_error_on_200(mailcow) -> None:
    recorded = transcript("add_mailbox_no_content_type")
    mailcow.expect("POST", "/api/v1/add/mailbox", {"a": 1}, reply=recorded["body"])
    with pytest.raises(errors.MailcowError, match="Cannot find attributes in post data"):
        client(mailcow).write("add", "mailbox", {"a": 1})


def test_tls_failure_names_the_fix(tmp_path) -> None:
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
                    "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.handle_request, daemon=True).start()
    api = MailcowClient("https://127.0.0.1:%d" % server.server_address[1], KEY, retries=0)
    with pytest.raises(errors.MailcowTLSError) as info:
        api.get("domain", "all")
    server.server_close()
    assert "certificate verify failed" in str(info.value)
    assert "ca_path" in str(info.value) and "validate_certs" in str(info.value)
    # The reason keeps its closing parenthesis: "...: certificate verify failed: ... (_ssl.c:NNNN). Point ca_path ..."
    assert re.search(r"certificate verify failed[^()]*\(_ssl\.c:\d+\)\. Point ca_path \(MAILCOW_CA_PATH\)", str(info.value)), str(info.value)


def test_no_retry_starts_after_the_retry_window(mailcow) -> None:
    # A server that is down must fail a task in bounded time whatever `retries` says.
    for _attempt in range(2):
        mailcow.expect("GET", "/api/v1/get/domain/all", reply={"type": "error", "msg": "busy"}, status=503)
    api = client(mailcow, retries=5, backoff=0.2)
    api.retry_window = 0.3  # first retry after 0.2 s fits, the next one (0.4 s later) would not
    with pytest.raises(errors.MailcowError, match="HTTP 503 busy"):
        api.get("domain", "all")
    assert len(mailcow.seen) == 2


def test_no_other_code_builds_a_request_path() -> None:
    """api_path is the one place: no module or module_utils file quotes a segment or joins a route itself."""
    root = Path(__file__).resolve().parents[5] / "plugins"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if (path.name == "client.py" and path.parent.name == "_api") or path.parent.name == "_mail":  # _mail quotes IMAP strings
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\._call\(", r"\.write\(\s*\"[a-z-]+\",\s*\"[^\"]*/", r"[\"']/(?:get|add|edit|delete)/[^\"']*%s",
                        r"client\.get\([^)]*%", r"\bquote\(\s*(?!secret)"):
            offenders += ["%s: %s" % (path.relative_to(root), match.group(0)) for match in re.finditer(pattern, text)]
    assert offenders == []


@pytest.mark.parametrize("reply", [[{"domain_name": "example.org"}], "example.org", None, 7])
def test_a_single_object_read_of_another_shape_is_an_error_never_absent(mailcow, reply) -> None:
    from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.api import get_domain  # pylint: disable=import-outside-toplevel

    mailcow.expect("GET", "/api/v1/get/domain/example.org", reply=reply)
    with pytest.raises(errors.MailcowError, match=r"answered GET /get/domain/example.org with .*(expected|not JSON)"):
        get_domain(client(mailcow), "example.org")
