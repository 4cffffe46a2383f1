# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: e-mail messages, built for sending and summarised after reading.

Only the standard library's ``email`` package: addresses with display names, RFC 2047 headers,
multipart/alternative and multipart/mixed, attachments, Message-ID, and the reverse (decoded
headers, text bodies, attachment lists) for what IMAP returns.
"""

from __future__ import annotations

import codecs
import dataclasses
import email.errors
import email.header
import email.policy
import email.utils
import mimetypes
import os
import re
import typing as t
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError

# Headers the module's own options set; a custom header of the same name would contradict them.
RESERVED_HEADERS = frozenset(("from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id",
                              "mime-version", "content-type", "content-transfer-encoding", "content-disposition"))
# What the stdlib header parser may raise on malformed input; one odd message must not fail a task.
HEADER_PARSE_ERRORS = (ValueError, TypeError, IndexError, AttributeError, LookupError, email.errors.MessageError)
MESSAGE_ID_RE = re.compile(r"^(?:<([^<>\s@]+@[^<>\s@]+)>|([^<>\s@]+@[^<>\s@]+))$")
# Every character that ends a line for Python's str.splitlines(), and so for the email package, which
# refuses a header value holding one ("Header values may not contain linefeed...") only when the
# message is built, after the SMTP login: LF, CR, VT, FF, FS, GS, RS, NEL, LINE and PARAGRAPH SEPARATOR.
LINE_BREAK_RE = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# An address as it travels in SMTP's MAIL FROM and RCPT TO: a dot-atom local part (RFC 5321 4.1.2) and a
# host name, so that nothing in it can end the address or start an SMTP parameter (say, " SIZE=1").
ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
ADDR_SPEC_RE = re.compile(r"^[%s]+(?:\.[%s]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$" % (ATEXT, ATEXT))


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A file to attach, already read."""

    filename: str
    content_type: str
    data: bytes


@dataclasses.dataclass
class OutgoingMessage:
    """Everything needed to build one message; validated before any connection is made."""

    sender: Address
    subject: str
    message_id: str
    to: list[Address] = dataclasses.field(default_factory=list)
    cc: list[Address] = dataclasses.field(default_factory=list)
    bcc: list[Address] = dataclasses.field(default_factory=list)
    reply_to: list[Address] = dataclasses.field(default_factory=list)
    body: str | None = None
    html_body: str | None = None
    attachments: list[Attachment] = dataclasses.field(default_factory=list)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    charset: str = "utf-8"

    @property
    def recipients(self) -> list[str]:
        """Envelope recipients: To, Cc and Bcc addresses, each once, in order."""
        seen: dict[str, None] = {}
        for address in self.to + self.cc + self.bcc:
            seen.setdefault(address.addr_spec, None)
        return list(seen)


# -- building -------------------------------------------------------------------------------------


def check_one_line(value: str, option: str) -> str:
    """Text that goes into a mail header: refused, naming the option, when it holds any line break."""
    found = LINE_BREAK_RE.search(value)
    if found:
        raise MailcowOptionError("%s must be one line: %r holds a line break (%r at position %d), which a mail header cannot carry; "
                                 "remove it" % (option, value, found.group(), found.start()))
    return value


def parse_address(value: str, option: str) -> Address:
    """``Name <user@example.org>`` or ``user@example.org`` -> Address; IDN domains become punycode.

    Refused before any connection: a line break anywhere, and an address that is not exactly
    ``user@host`` as written (the parser would silently drop a space: ``a@b SIZE=1`` became ``a@bSIZE=1``).
    """
    check_one_line(str(value or ""), option)
    pairs = email.utils.getaddresses([value or ""])
    if len(pairs) != 1 or "@" not in pairs[0][1]:
        raise MailcowOptionError("%s: %r is not one e-mail address (quote display names that contain a comma: "
                                 "'\"Doe, Jane\" <jane@example.org>')" % (option, value))
    name, addr_spec = pairs[0]
    local, _sep, domain = addr_spec.rpartition("@")
    if not local.isascii():
        raise MailcowOptionError("%s: %r has a non-ASCII local part, which needs SMTPUTF8; it is not supported" % (option, value))
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError as exc:
        raise MailcowOptionError("%s: %r is not a valid e-mail address: %s" % (option, value, exc)) from None
    if addr_spec not in str(value) or not ADDR_SPEC_RE.match("%s@%s" % (local, domain)):
        raise MailcowOptionError("%s: %r is not a plain e-mail address: write user@example.org or Name <user@example.org>, with no spaces, "
                                 "quotes or other characters outside a display name in the address itself" % (option, value))
    try:
        return Address(display_name=name, username=local, domain=domain)
    except (ValueError, email.errors.HeaderParseError) as exc:
        raise MailcowOptionError("%s: %r is not a valid e-mail address: %s" % (option, value, exc)) from None


def parse_addresses(values: t.Iterable[str] | None, option: str) -> list[Address]:
    return [parse_address(value, option) for value in values or ()]


def normalize_message_id(value: str) -> str:
    """``abc@host`` or ``<abc@host>`` -> ``<abc@host>``; anything else is refused."""
    match = MESSAGE_ID_RE.match((value or "").strip())
    if not match:
        raise MailcowOptionError("message_id must look like <unique-part@domain>, got %r" % value)
    return "<%s>" % (match.group(1) or match.group(2))


def new_message_id(domain: str) -> str:
    """A fresh, globally unique Message-ID in the sender's domain (RFC 5322 3.6.4)."""
    return email.utils.make_msgid(domain=domain)


def read_attachment(path: str) -> Attachment:
    """Read a file to attach; the content type is guessed from its name, which must fit on a header line."""
    check_one_line(os.path.basename(path), "attachments: the file name of %r" % path)
    content_type, encoding = mimetypes.guess_type(path)
    if content_type is None or encoding is not None:
        # A .tar.gz is sent as the gzip bytes it is, not as an "encoded" tar.
        content_type = "application/octet-stream"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise MailcowOptionError("attachments: cannot read %s: %s" % (path, exc.strerror or exc)) from None
    return Attachment(os.path.basename(path), content_type, data)


def check_custom_headers(headers: dict[str, t.Any] | None) -> dict[str, str]:
    """Custom headers as strings; names the module sets itself are refused."""
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        name = str(name).strip()
        if not re.match(r"^[!-9;-~]+$", name):
            raise MailcowOptionError("headers: %r is not a valid header name" % name)
        if name.lower() in RESERVED_HEADERS:
            raise MailcowOptionError("headers: %s is set by the module's own options; use them instead" % name)
        checked[name] = check_one_line(str(value), "headers: the value of %s" % name)
    return checked


def build_message(spec: OutgoingMessage, *, eight_bit: bool, date: str | None = None) -> EmailMessage:
    """The message as it goes over SMTP (no Bcc header: that lives only in the envelope).

    With ``eight_bit`` (the server announced 8BITMIME) text parts may be sent as 8bit, as mail
    clients do; otherwise they are quoted-printable or base64.
    """
    msg = EmailMessage(policy=email.policy.SMTP.clone(cte_type="8bit" if eight_bit else "7bit"))
    msg["From"] = spec.sender
    for name, addresses in (("To", spec.to), ("Cc", spec.cc), ("Reply-To", spec.reply_to)):
        if addresses:
            msg[name] = addresses
    msg["Subject"] = spec.subject
    msg["Date"] = date or email.utils.formatdate(localtime=True)
    msg["Message-ID"] = spec.message_id
    for name, value in spec.headers.items():
        msg[name] = value
    _set_bodies(msg, spec)
    for item in spec.attachments:
        maintype, _sep, subtype = item.content_type.partition("/")
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    return msg


def _set_bodies(msg: EmailMessage, spec: OutgoingMessage) -> None:
    text = spec.body if spec.body is not None or spec.html_body is not None else ""
    try:
        if text is not None:
            msg.set_content(text, charset=spec.charset)
        if spec.html_body is not None:
            if text is None:
                msg.set_content(spec.html_body, subtype="html", charset=spec.charset)
            else:
                msg.add_alternative(spec.html_body, subtype="html", charset=spec.charset)
    except LookupError:
        raise MailcowOptionError("charset: %r is not a known character set" % spec.charset) from None
    except UnicodeEncodeError as exc:
        raise MailcowOptionError("the body cannot be written in charset %s (%s); use utf-8" % (spec.charset, exc.reason)) from None


def to_bytes(msg: EmailMessage) -> bytes:
    """Wire form, CRLF line ends."""
    return msg.as_bytes(policy=msg.policy)


def with_bcc(raw: bytes, bcc: list[Address]) -> bytes:
    """The copy kept in Sent: the sent bytes plus a Bcc header, as mail clients keep it."""
    if not bcc:
        return raw
    header = EmailMessage(policy=email.policy.SMTP)
    header["Bcc"] = bcc
    return header.as_bytes().rstrip(b"\r\n") + b"\r\n" + raw


# -- reading --------------------------------------------------------------------------------------

SUMMARY_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID")


def summarize_headers(raw: bytes) -> dict[str, t.Any]:
    """Decoded From/To/Cc/Subject/Date/Message-ID of a header block."""
    msg = BytesHeaderParser(policy=email.policy.default).parsebytes(raw or b"")
    sender = _addresses(msg, "From")
    return {
        "message_id": _text(msg, "Message-ID").strip() or None,
        "from": ", ".join(sender),
        "from_address": _first_addr_spec(msg, "From"),
        "to": _addresses(msg, "To"),
        "cc": _addresses(msg, "Cc"),
        "subject": _text(msg, "Subject"),
        "date": _iso_date(msg),
    }


def _text(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
        return " ".join(str(value).split()) if value is not None else ""
    except HEADER_PARSE_ERRORS:
        return decode_words(str(msg.get_all(name, [""])[0]))


def _addresses(msg: Message, name: str) -> list[str]:
    try:
        header: t.Any = msg.get(name)
        if header is None:
            return []
        return [str(address) for address in header.addresses]
    except HEADER_PARSE_ERRORS:
        return [_text(msg, name)]


def _first_addr_spec(msg: Message, name: str) -> str | None:
    try:
        header: t.Any = msg.get(name)
        addresses = header.addresses if header is not None else ()
        return addresses[0].addr_spec.lower() if addresses else None
    except HEADER_PARSE_ERRORS:
        return None


def _iso_date(msg: Message) -> str | None:
    try:
        header: t.Any = msg.get("Date")
        when = header.datetime if header is not None else None
        return when.isoformat() if when is not None else None
    except HEADER_PARSE_ERRORS:
        return None


def decode_words(value: str | None) -> str:
    """RFC 2047 encoded words -> text; undecodable input is returned as it is."""
    if not value:
        return ""
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except HEADER_PARSE_ERRORS + (UnicodeDecodeError,):
        return value


def decode_text(data: bytes, charset: str | None, *, complete: bool) -> str:
    """Bytes of a text part -> str with LF line ends. A multibyte character cut off at the end of a truncated part is dropped."""
    name = (charset or "utf-8").lower()
    if name in ("us-ascii", "ascii"):
        # Mail labelled ASCII is often really UTF-8; decoding it so loses nothing for true ASCII.
        name = "utf-8"
    try:
        decoder = codecs.getincrementaldecoder(name)(errors="replace")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    # Text over IMAP has CRLF line ends; playbooks compare with YAML strings that have LF.
    return decoder.decode(data, final=complete).replace("\r\n", "\n")


def parse_full_message(raw: bytes, *, max_body: int, want_body: bool) -> dict[str, t.Any]:
    """Body text and attachments from a whole message (used when the server lacks IMAP BINARY)."""
    msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    result: dict[str, t.Any] = {"attachments": []}
    body_part = msg.get_body(preferencelist=("plain", "html"))
    for part in leaf_parts(msg):
        if part is not body_part and is_attachment_part(part):
            payload = part.get_payload(decode=True) if not part.is_multipart() else part.as_bytes()
            result["attachments"].append({"filename": part.get_filename(), "content_type": part.get_content_type(), "size": len(payload or b"")})
    if want_body:
        data = t.cast(bytes, body_part.get_payload(decode=True) or b"") if body_part is not None else b""
        result["body"] = decode_text(data[:max_body], body_part.get_content_charset() if body_part else None, complete=len(data) <= max_body)
        result["body_truncated"] = len(data) > max_body
    return result


def leaf_parts(msg: Message) -> t.Iterator[Message]:
    """Non-multipart parts in order; an attached message (message/rfc822) is one leaf, not entered."""
    if msg.get_content_maintype() == "multipart":
        for part in msg.get_payload():
            yield from leaf_parts(t.cast(Message, part))
    else:
        yield msg


def is_attachment_part(part: Message) -> bool:
    """Attachment: disposition attachment, a file name, or anything that is not inline text."""
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in ("text", "multipart")
