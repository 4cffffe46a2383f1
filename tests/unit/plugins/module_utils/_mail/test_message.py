# SPDX-License-Identifier: GPL-3.0-or-later
"""Building outgoing messages and summarising incoming ones (no sockets: pure email package work)."""

from __future__ import annotations

import email
import email.policy
import typing as t
from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import outgoing_from_params
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.message import (
    build_message,
    check_custom_headers,
    decode_text,
    normalize_message_id,
    parse_address,
    parse_full_message,
    summarize_headers,
    to_bytes,
    with_bcc,
)

DATE = "Tue, 24 Nov 2026 10:00:00 +0100"


def params(**overrides: t.Any) -> dict[str, t.Any]:
    base: dict[str, t.Any] = {"from": "alice@example.org", "to": ["bob@example.org"], "cc": None, "bcc": None, "reply_to": None,
                              "subject": "Hello", "body": "Hi Bob", "html_body": None, "attachments": None, "headers": None,
                              "charset": "utf-8", "message_id": "<fixed@example.org>"}
    base.update(overrides)
    return base


def built(eight_bit: bool = True, **overrides: t.Any) -> tuple[bytes, email.message.EmailMessage]:
    raw = to_bytes(build_message(outgoing_from_params(params(**overrides)), eight_bit=eight_bit, date=DATE))
    return raw, t.cast(email.message.EmailMessage, email.message_from_bytes(raw, policy=email.policy.default))


# -- addresses and Message-ID ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, name, addr_spec",
    [
        ("alice@example.org", "", "alice@example.org"),
        ("Alice Example <alice@example.org>", "Alice Example", "alice@example.org"),
        ('"Doe, Jane" <jane@example.org>', "Doe, Jane", "jane@example.org"),
        ("Jürgen Müller <juergen@example.org>", "Jürgen Müller", "juergen@example.org"),
        ("user@bücher.example", "", "user@xn--bcher-kva.example"),
    ],
)
def test_parse_address(value: str, name: str, addr_spec: str) -> None:
    address = parse_address(value, "to")
    assert (address.display_name, address.addr_spec) == (name, addr_spec)


@pytest.mark.parametrize(
    "value, match",
    [
        ("not an address", "to: 'not an address' is not one e-mail address"),
        ("Doe, Jane <jane@example.org>", "quote display names that contain a comma"),
        ("", "is not one e-mail address"),
        ("jürgen@example.org", "non-ASCII local part, which needs SMTPUTF8"),
    ],
)
def test_parse_address_refuses(value: str, match: str) -> None:
    with pytest.raises(errors.MailcowOptionError, match=match):
        parse_address(value, "to")


@pytest.mark.parametrize(
    "value, expected",
    [("abc@example.org", "<abc@example.org>"), ("<abc@example.org>", "<abc@example.org>"), ("  <a.b-c@x.y>  ", "<a.b-c@x.y>")],
)
def test_message_id_normalized(value: str, expected: str) -> None:
    assert normalize_message_id(value) == expected


@pytest.mark.parametrize("value", ["abc", "<a b@example.org>", "<abc@example.org", "a@b@c", "<>"])
def test_message_id_refused(value: str) -> None:
    with pytest.raises(errors.MailcowOptionError, match="message_id must look like"):
        normalize_message_id(value)


def test_message_id_generated_in_the_senders_domain() -> None:
    first = outgoing_from_params(params(message_id=None, **{"from": "Alice <alice@Example.org>"}))
    second = outgoing_from_params(params(message_id=None))
    assert first.message_id.startswith("<") and first.message_id.lower().endswith("@example.org>")
    assert first.message_id != second.message_id


# -- headers ----------------------------------------------------------------------------------------


def test_headers_and_no_bcc_on_the_wire() -> None:
    raw, msg = built(to=["Bob <bob@example.org>", "carol@example.org"], cc=["dave@example.org"], bcc=["eve@example.org"],
                     reply_to=["help@example.org"], headers={"X-Ticket": "4711", "In-Reply-To": "<prev@example.org>"})
    assert msg["From"] == "alice@example.org"
    assert msg["To"] == "Bob <bob@example.org>, carol@example.org"
    assert msg["Cc"] == "dave@example.org" and msg["Reply-To"] == "help@example.org"
    assert msg["Message-ID"] == "<fixed@example.org>" and msg["Date"] == DATE
    assert msg["X-Ticket"] == "4711" and msg["In-Reply-To"] == "<prev@example.org>"
    assert msg["Bcc"] is None and b"eve@example.org" not in raw
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_envelope_recipients_are_to_cc_bcc_once() -> None:
    spec = outgoing_from_params(params(to=["bob@example.org", "Bob again <bob@example.org>"], cc=["carol@example.org"], bcc=["eve@example.org"]))
    assert spec.recipients == ["bob@example.org", "carol@example.org", "eve@example.org"]


def test_sent_copy_keeps_bcc() -> None:
    spec = outgoing_from_params(params(bcc=["Eve <eve@example.org>"]))
    raw = to_bytes(build_message(spec, eight_bit=True, date=DATE))
    copy = email.message_from_bytes(with_bcc(raw, spec.bcc), policy=email.policy.default)
    assert copy["Bcc"] == "Eve <eve@example.org>" and copy["Message-ID"] == "<fixed@example.org>"
    assert with_bcc(raw, []) == raw


def test_unicode_subject_and_display_name_are_rfc2047_encoded() -> None:
    raw, msg = built(subject="Grüße aus Köln ✓", **{"from": "Jürgen Müller <alice@example.org>"})
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii(), head
    assert b"=?utf-8?" in head
    assert msg["Subject"] == "Grüße aus Köln ✓"
    assert msg["From"].addresses[0].display_name == "Jürgen Müller"


def test_multiline_subject_becomes_one_line() -> None:
    _raw, msg = built(subject="first\nsecond")
    assert msg["Subject"] == "first second"


@pytest.mark.parametrize("name", ["From", "to", "Subject", "Message-ID", "Content-Type", "bcc", "Date", "MIME-Version"])
def test_custom_headers_cannot_override_options(name: str) -> None:
    with pytest.raises(errors.MailcowOptionError, match="headers: .* is set by the module's own options"):
        check_custom_headers({name: "x"})


@pytest.mark.parametrize("headers, match", [({"Bad Name": "x"}, "not a valid header name"), ({"X-A": "one\ntwo"}, "must be one line")])
def test_custom_headers_refused(headers: dict[str, str], match: str) -> None:
    with pytest.raises(errors.MailcowOptionError, match=match):
        check_custom_headers(headers)


def test_no_recipients_refused() -> None:
    with pytest.raises(errors.MailcowOptionError, match="no recipients"):
        outgoing_from_params(params(to=None))


# -- bodies and MIME structure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, structure",
    [
        ({}, ["text/plain"]),
        ({"body": None}, ["text/plain"]),
        ({"body": None, "html_body": "<p>Hi</p>"}, ["text/html"]),
        ({"html_body": "<p>Hi</p>"}, ["multipart/alternative", "text/plain", "text/html"]),
        ({"attachments": ["report.pdf"]}, ["multipart/mixed", "text/plain", "application/pdf"]),
        ({"html_body": "<p>Hi</p>", "attachments": ["report.pdf", "data.tar.gz"]},
         ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf", "application/octet-stream"]),
    ],
    ids=["text", "empty", "html", "alternative", "attachment", "alternative+attachments"],
)
def test_mime_structure(tmp_path: Path, overrides: dict[str, t.Any], structure: list[str]) -> None:
    if "attachments" in overrides:
        for name in overrides["attachments"]:
            (tmp_path / name).write_bytes(b"%PDF-1.4 data")
        overrides["attachments"] = [str(tmp_path / name) for name in overrides["attachments"]]
    _raw, msg = built(**overrides)
    assert [part.get_content_type() for part in msg.walk()] == structure


@pytest.mark.parametrize(
    "eight_bit, body, cte",
    [
        (True, "plain ascii", "7bit"),
        (True, "Grüße, ß and € are 8-bit", "8bit"),
        (False, "Grüße, ß and € are 8-bit", "base64"),
        (False, "mostly ascii text with one ü in it, so quoted-printable is shorter than base64 here", "quoted-printable"),
        (True, "ü" + "x" * 200, "quoted-printable"),  # a line over 78 octets is never sent as raw 8bit
    ],
)
def test_transfer_encoding(eight_bit: bool, body: str, cte: str) -> None:
    raw, msg = built(eight_bit=eight_bit, body=body)
    assert msg["Content-Transfer-Encoding"] == cte
    assert msg.get_content().rstrip("\r\n") == body
    assert raw.isascii() is (cte != "8bit")


@pytest.mark.parametrize("charset, body", [("iso-8859-1", "Grüße"), ("us-ascii", "plain")])
def test_charset(charset: str, body: str) -> None:
    _raw, msg = built(charset=charset, body=body)
    assert msg.get_content_charset() == charset and msg.get_content().rstrip("\r\n") == body


@pytest.mark.parametrize("charset, match", [("us-ascii", "cannot be written in charset us-ascii"), ("no-such-charset", "not a known character set")])
def test_charset_errors(charset: str, match: str) -> None:
    with pytest.raises(errors.MailcowOptionError, match=match):
        built(charset=charset, body="Grüße")


def test_attachment_filename_and_content_round_trip(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    path = tmp_path / "Bericht für März.bin"
    path.write_bytes(data)
    raw, msg = built(attachments=[str(path)])
    attachment = next(msg.iter_attachments())
    assert attachment.get_filename() == "Bericht für März.bin"
    assert attachment.get_payload(decode=True) == data
    summary = parse_full_message(raw, max_body=100, want_body=True)
    assert summary == {"attachments": [{"filename": "Bericht für März.bin", "content_type": "application/octet-stream", "size": len(data)}],
                       "body": "Hi Bob\n", "body_truncated": False}


def test_missing_attachment_is_an_option_error(tmp_path: Path) -> None:
    with pytest.raises(errors.MailcowOptionError, match="attachments: cannot read .*missing.pdf: No such file"):
        outgoing_from_params(params(attachments=[str(tmp_path / "missing.pdf")]))


# -- reading ----------------------------------------------------------------------------------------


def test_summarize_headers_decodes() -> None:
    raw = (b"From: =?utf-8?q?J=C3=BCrgen?= <Juergen@Example.org>\r\n"
           b"To: Bob <bob@example.org>, carol@example.org\r\n"
           b"Subject: =?utf-8?b?R3LDvMOfZSDinJM=?=\r\n"
           b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
           b"Message-ID: <abc@example.org>\r\n\r\n")
    assert summarize_headers(raw) == {
        "message_id": "<abc@example.org>", "from": "Jürgen <Juergen@Example.org>", "from_address": "juergen@example.org",
        "to": ["Bob <bob@example.org>", "carol@example.org"], "cc": [], "subject": "Grüße ✓", "date": "2026-11-24T10:00:00+01:00",
    }


def test_summarize_headers_tolerates_garbage() -> None:
    summary = summarize_headers(b"From: <<<\r\nDate: yesterday\r\nSubject: \xff\xfe odd\r\n\r\n")
    assert summary["date"] is None and summary["message_id"] is None
    assert "odd" in summary["subject"]


@pytest.mark.parametrize(
    "data, charset, complete, expected",
    [
        ("Grüße".encode(), "utf-8", True, "Grüße"),
        ("Grüße".encode()[:3], "utf-8", False, "Gr"),  # the cut-off half of ü is dropped, not shown as U+FFFD
        ("Grüße".encode("latin-1"), "iso-8859-1", True, "Grüße"),
        ("Grüße".encode(), "us-ascii", True, "Grüße"),  # mislabelled UTF-8 is still read
        (b"abc", "x-unknown", True, "abc"),
    ],
)
def test_decode_text(data: bytes, charset: str, complete: bool, expected: str) -> None:
    assert decode_text(data, charset, complete=complete) == expected


def test_full_message_body_is_capped() -> None:
    raw, _msg = built(body="ü" * 100)
    summary = parse_full_message(raw, max_body=11, want_body=True)
    assert summary["body"] == "ü" * 5 and summary["body_truncated"] is True
