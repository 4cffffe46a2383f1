# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: IMAP4rev1 wire format (RFC 3501), as pure functions.

imaplib sends commands and splits responses into lines and literals but leaves their grammar to
the caller. This module parses that grammar (atoms, quoted strings, literals, NIL, lists), the
FETCH, LIST and BODYSTRUCTURE responses, quotes strings and encodes folder names in modified
UTF-7, so that the session (imap.py) never slices response text by hand.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import email.utils
import itertools
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.message import decode_words

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LITERAL_MARK = re.compile(rb"~?\{(\d+)\+?\}$")
Value = t.Union[str, bytes, None, t.List[t.Any]]


class Literal(bytes):
    """The bytes of a literal ``{n}``/``~{n}`` (kept apart from atoms and quoted strings)."""


_OPEN = object()
_CLOSE = object()


# -- tokens and values ----------------------------------------------------------------------------


def chunks_of(data: t.Iterable[t.Any]) -> t.Iterator[bytes]:
    """imaplib's response list -> text chunks and Literal chunks, in order.

    imaplib returns a literal as a tuple ``(text ending in {n}, literal bytes)`` followed by the
    rest of the line as a separate item.
    """
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            head, literal = item
            yield LITERAL_MARK.sub(b"", head.rstrip())
            yield Literal(literal)
        else:
            yield item


def tokens(chunks: t.Iterable[bytes]) -> t.Iterator[t.Any]:
    for chunk in chunks:
        if isinstance(chunk, Literal):
            yield chunk
            continue
        yield from _text_tokens(chunk)


def _text_tokens(text: bytes) -> t.Iterator[t.Any]:
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos:pos + 1]
        if char in b" \r\n\t":
            pos += 1
        elif char == b"(":
            pos += 1
            yield _OPEN
        elif char == b")":
            pos += 1
            yield _CLOSE
        elif char == b'"':
            value, pos = _quoted(text, pos)
            yield value
        else:
            atom, pos = _atom(text, pos)
            yield None if atom.upper() == "NIL" else _Atom(atom)


class _Atom(str):
    """An atom (as opposed to a quoted string: only an atom NIL means nothing)."""


def _quoted(text: bytes, pos: int) -> tuple[str, int]:
    out = bytearray()
    pos += 1
    while pos < len(text):
        byte = text[pos]
        if byte == 0x5C and pos + 1 < len(text):  # backslash escapes " and \
            out.append(text[pos + 1])
            pos += 2
            continue
        if byte == 0x22:
            return out.decode("utf-8", "replace"), pos + 1
        out.append(byte)
        pos += 1
    return out.decode("utf-8", "replace"), pos


def _atom(text: bytes, pos: int) -> tuple[str, int]:
    """An atom; a section spec such as ``BODY[HEADER.FIELDS (FROM TO)]`` is one atom, spaces and all."""
    start, depth = pos, 0
    while pos < len(text):
        char = text[pos:pos + 1]
        if char == b"[":
            depth += 1
        elif char == b"]":
            depth -= 1
        elif depth <= 0 and char in b" ()\r\n":
            break
        pos += 1
    return text[start:pos].decode("utf-8", "replace"), pos


def parse_values(data: t.Iterable[t.Any]) -> list[Value]:
    """All top-level values of imaplib's response data: nested lists of str/bytes/None."""
    stack: list[list[Value]] = [[]]
    for token in tokens(chunks_of(data)):
        if token is _OPEN:
            stack.append([])
        elif token is _CLOSE:
            if len(stack) > 1:
                done = stack.pop()
                stack[-1].append(done)
        else:
            stack[-1].append(token)
    while len(stack) > 1:  # an unterminated list still yields what was read
        done = stack.pop()
        stack[-1].append(done)
    return stack[0]


def as_text(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


# -- FETCH and LIST responses ---------------------------------------------------------------------


def parse_fetch(data: t.Iterable[t.Any]) -> dict[int, dict[str, Value]]:
    """``n (UID 5 FLAGS (...) ...)`` responses -> ``{uid: {ITEM: value}}``.

    Item names are upper-cased and lose a partial suffix (``BINARY[1]<0>`` -> ``BINARY[1]``).
    Responses without a UID (unsolicited flag updates) are ignored.
    """
    values = parse_values(data)
    result: dict[int, dict[str, Value]] = {}
    for value in values:
        if not isinstance(value, list):
            continue  # the message sequence number before each list
        items = {re.sub(r"<\d+>$", "", str(value[i]).upper()): value[i + 1] for i in range(0, len(value) - 1, 2)}
        uid = items.get("UID")
        if isinstance(uid, str) and uid.isdigit():
            result.setdefault(int(uid), {}).update(items)
    return result


def find_item(items: dict[str, Value], prefix: str) -> Value:
    """The value of the first item whose name starts with prefix (servers vary in how they echo sections)."""
    for name, value in items.items():
        if name.startswith(prefix):
            return value
    return None


@dataclasses.dataclass(frozen=True)
class Folder:
    name: str
    flags: tuple[str, ...]
    delimiter: str | None


def parse_list(data: t.Iterable[t.Any]) -> list[Folder]:
    """LIST responses ``(\\HasNoChildren \\Sent) "/" Sent`` -> folders with decoded names."""
    values = parse_values(data)
    folders = []
    for i in range(0, len(values) - 2, 3):
        flags, delimiter, name = values[i:i + 3]
        if not isinstance(flags, list) or name is None:
            continue
        folders.append(Folder(decode_mutf7(as_text(name) or ""), tuple(str(f) for f in flags), as_text(delimiter)))
    return folders


# -- strings, folder names, dates, sets -----------------------------------------------------------


def quote(value: str) -> str:
    """An IMAP quoted string; only 7-bit text without CR/LF may be quoted (RFC 3501 9, QUOTED-CHAR)."""
    if not value.isascii() or "\r" in value or "\n" in value:
        raise ValueError("cannot quote %r: needs a literal" % value)
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def encode_mutf7(name: str) -> str:
    """Folder name -> IMAP modified UTF-7 (RFC 3501 5.1.3): ``Entwürfe`` -> ``Entw&APw-rfe``."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def decode_mutf7(name: str) -> str:
    def decode(match: re.Match[str]) -> str:
        chunk = match.group(1)
        if not chunk:
            return "&"
        data = chunk.replace(",", "/")
        data += "=" * (-len(data) % 4)
        return base64.b64decode(data).decode("utf-16-be", "replace")

    return re.sub(r"&([A-Za-z0-9+,]*)-", decode, name)


def mailbox_arg(folder: str) -> str:
    """A folder name as a command argument: modified UTF-7, always quoted (spaces, specials)."""
    return quote(encode_mutf7(folder))


def search_date(day: datetime.date) -> str:
    """IMAP date for SINCE/BEFORE: ``24-Nov-2026`` (month names are not locale-dependent)."""
    return "%d-%s-%04d" % (day.day, MONTHS[day.month - 1], day.year)


def parse_internaldate(value: Value) -> datetime.datetime | None:
    """``24-Nov-2026 10:00:00 +0100`` -> aware datetime."""
    text = as_text(value)
    match = re.match(r"^\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$", text or "")
    if not match or match.group(2).title() not in MONTHS:
        return None
    day, month, year, hour, minute, second, sign, tz_h, tz_m = match.groups()
    offset = datetime.timedelta(hours=int(tz_h), minutes=int(tz_m)) * (-1 if sign == "-" else 1)
    return datetime.datetime(int(year), MONTHS.index(month.title()) + 1, int(day), int(hour), int(minute), int(second),
                             tzinfo=datetime.timezone(offset))


def uid_set(uids: t.Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``1:3,7`` (keeps long commands short)."""
    ordered = sorted(set(uids))
    ranges: list[str] = []
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        ranges.append(str(ordered[start]) if start == end else "%d:%d" % (ordered[start], ordered[end]))
        start = end + 1
    return ",".join(ranges)


# -- BODYSTRUCTURE --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Part:
    """A leaf of a BODYSTRUCTURE: what a section holds, without its bytes."""

    section: str
    content_type: str
    params: dict[str, str]
    encoding: str
    size: int
    disposition: str | None = None
    disposition_params: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def charset(self) -> str | None:
        return self.params.get("charset")

    @property
    def filename(self) -> str | None:
        return decoded_param(self.disposition_params, "filename") or decoded_param(self.params, "name")

    @property
    def is_attachment(self) -> bool:
        """The same rule as message.is_attachment_part, so both read paths agree."""
        if self.disposition == "attachment" or self.filename:
            return True
        return not self.content_type.startswith(("text/", "multipart/"))


def body_parts(node: Value, section: str = "") -> list[Part]:
    """Leaf parts of a BODYSTRUCTURE in order, with section numbers for BODY[...]/BINARY[...]."""
    if not isinstance(node, list) or not node:
        return []
    if isinstance(node[0], list):  # multipart: its children come first, then the subtype
        parts: list[Part] = []
        children = itertools.takewhile(lambda child: isinstance(child, list), node)
        for index, child in enumerate(children, 1):
            parts += body_parts(child, "%s.%d" % (section, index) if section else str(index))
        return parts
    return [_leaf(node, section or "1")]


def _leaf(node: list[Value], section: str) -> Part:
    maintype, subtype = (as_text(node[0]) or "application").lower(), (as_text(node[1]) or "octet-stream").lower()
    # Extension data follows the basic fields; text adds a line count, message/rfc822 adds three fields.
    extra = 1 if maintype == "text" else 3 if (maintype, subtype) == ("message", "rfc822") else 0
    disposition = node[8 + extra] if len(node) > 8 + extra else None
    size = as_text(node[6]) if len(node) > 6 else None
    return Part(
        section=section,
        content_type="%s/%s" % (maintype, subtype),
        params=_param_dict(node[2]),
        encoding=(as_text(node[5]) or "7bit").lower(),
        size=int(size) if size and size.isdigit() else 0,
        disposition=(as_text(disposition[0]) or "").lower() if isinstance(disposition, list) and disposition else None,
        disposition_params=_param_dict(disposition[1]) if isinstance(disposition, list) and len(disposition) > 1 else {},
    )


def _param_dict(value: Value) -> dict[str, str]:
    if not isinstance(value, list):
        return {}
    return {(as_text(value[i]) or "").lower(): as_text(value[i + 1]) or "" for i in range(0, len(value) - 1, 2)}


def decoded_param(params: dict[str, str], name: str) -> str | None:
    """A MIME parameter decoded from RFC 2231 (``filename*=utf-8''%C3%A4.pdf``, continuations) or RFC 2047."""
    related = [(key, value) for key, value in params.items() if key == name or key.startswith(name + "*")]
    if not related:
        return None
    # decode_params treats its first pair as the header's main value, hence the placeholder.
    decoded = dict(email.utils.decode_params([("", "")] + related))
    value = decoded.get(name)
    if value is None:
        return None
    # decode_params hands values back quoted; collapse_rfc2231_value applies the charset.
    return decode_words(email.utils.unquote(email.utils.collapse_rfc2231_value(value)))
