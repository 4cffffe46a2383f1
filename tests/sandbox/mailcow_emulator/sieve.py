# SPDX-License-Identifier: GPL-3.0-or-later
"""The Sieve check of add/filter and edit/filter: Mailcow's SieveParser (data/web/inc/lib/sieve), reduced.

The scanner and the grammar are Mailcow's (same tokens, same order of alternatives, same messages:
``line N: <found> where <expected> expected near <text>``). The semantics keep Mailcow's way of
checking arguments (required ones in order, optional tags first, a string list as ``[...]`` or one
string) for the core commands and tests and the common extensions; every tag is accepted, and the
tags that take a value take the next string or number. What the recording shows is exact:
``if header :contains "Subject" { discard`` -> ``line 1: block start where string list expected near {``
and ``discard`` -> ``line 1: script end where semicolon expected near ``.
"""
from __future__ import annotations

import re
from typing import Any

UNKNOWN, SCRIPT_END, LEFT_BRACKET, RIGHT_BRACKET, BLOCK_START, BLOCK_END = 0x0, 0x1, 0x2, 0x4, 0x8, 0x10
LEFT_PAREN, RIGHT_PAREN, COMMA, SEMICOLON, WHITESPACE, TAG = 0x20, 0x40, 0x80, 0x100, 0x200, 0x400
QUOTED, NUMBER, COMMENT, MULTILINE, IDENTIFIER = 0x800, 0x1000, 0x2000, 0x4000, 0x8000
STRING, STRING_LIST, TEST_LIST = 0x4800, 0x4802, 0x8020

NAMES = {IDENTIFIER: "identifier", WHITESPACE: "whitespace", QUOTED: "quoted string", TAG: "tag", SEMICOLON: "semicolon",
         LEFT_BRACKET: "left bracket", RIGHT_BRACKET: "right bracket", BLOCK_START: "block start", BLOCK_END: "block end",
         LEFT_PAREN: "left parenthesis", RIGHT_PAREN: "right parenthesis", COMMA: "comma", NUMBER: "number", COMMENT: "comment",
         MULTILINE: "multiline string", SCRIPT_END: "script end", STRING: "string", STRING_LIST: "string list"}

# SieveScanner::$tokenMatch_, in its order (the first alternative that matches wins, as in PCRE).
_TOKENS = (
    (LEFT_BRACKET, r"\["), (RIGHT_BRACKET, r"\]"), (BLOCK_START, r"\{"), (BLOCK_END, r"\}"), (LEFT_PAREN, r"\("),
    (RIGHT_PAREN, r"\)"), (COMMA, r","), (SEMICOLON, r";"), (WHITESPACE, r"[ \r\n\t]+"),
    (TAG, r":[A-Za-z_][A-Za-z0-9_]*(?=\b)"), (QUOTED, r'"(([^"]*[^"\\])?(\\\\)*\\")*[^"]*"'),
    (NUMBER, r"[0-9]+(?:[KMG])?(?=\b)"), (COMMENT, r"(?:/\*(?:[^*]|\*(?=[^/]))*\*/|#[^\r\n]*\r?(\n|$))"),
    (MULTILINE, r"text:[ \t]*(?:#[^\r\n]*)?\r?\n(\.[^\r\n]+\r?\n|[^.][^\r\n]*\r?\n)*\.\r?(\n|$)"),
    (IDENTIFIER, r"[A-Za-z_][A-Za-z0-9_]*(?=\b)"), (UNKNOWN, r"[^ \r\n\t]+"),
)
_TOKEN_RE = re.compile("|".join("(?P<t%d>%s)" % (index, regex) for index, (_type, regex) in enumerate(_TOKENS)), re.DOTALL)

# Positional arguments after the optional tags: (type, name). "test" is one test, "tests" a test list.
_S, _SL, _N = (STRING, "string"), (STRING_LIST, "string list"), (NUMBER, "number")
COMMANDS: dict[str, tuple[tuple[int, str], ...]] = {
    "require": (_SL,), "if": ((IDENTIFIER, "test"), (BLOCK_START, "block")), "elsif": ((IDENTIFIER, "test"), (BLOCK_START, "block")),
    "else": ((BLOCK_START, "block"),), "keep": (), "discard": (), "stop": (), "redirect": (_S,), "fileinto": (_S,), "reject": (_S,),
    "ereject": (_S,), "vacation": (_S,), "addflag": (_SL,), "setflag": (_SL,), "removeflag": (_SL,), "set": (_S, _S),
    "addheader": (_S, _S), "deleteheader": (_SL,), "notify": (_S,), "break": (), "foreverypart": ((BLOCK_START, "block"),),
}
TESTS: dict[str, tuple[tuple[int, str], ...]] = {
    "address": (_SL, _SL), "envelope": (_SL, _SL), "header": (_SL, _SL), "exists": (_SL,), "size": (_N,), "true": (), "false": (),
    "not": ((IDENTIFIER, "test"),), "anyof": ((TEST_LIST, "test"),), "allof": ((TEST_LIST, "test"),), "body": (_SL,),
    "hasflag": (_SL,), "string": (_SL, _SL), "date": (_S, _S, _SL), "currentdate": (_S, _SL), "duplicate": (), "mailboxexists": (_SL,),
    "environment": (_S, _SL), "valid_notify_method": (_SL,), "spamtest": (_S,), "virustest": (_S,), "ihave": (_SL,),
}
# Tags followed by a value (a string or a number) in the common extensions.
TAGS_WITH_VALUE = frozenset(("comparator", "value", "count", "days", "seconds", "subject", "from", "addresses", "handle", "flags",
                             "importance", "options", "message", "index", "zone", "header", "uniqueid"))


class SieveError(Exception):
    """SieveException: its message is what Mailcow returns in ``["sieve_error", message]``."""


class Token:
    def __init__(self, kind: int, text: str, line: int) -> None:
        self.kind, self.text, self.line = kind, text, line

    def is_(self, mask: int) -> bool:
        return bool(self.kind & mask) if mask else self.kind == UNKNOWN


def _error(token: Token, expected: Any) -> SieveError:
    if isinstance(expected, str):
        return SieveError("line %d: %s" % (token.line, expected))
    wanted = " or ".join(NAMES.get(kind, "unknown token") for kind in (expected if isinstance(expected, tuple) else (expected,)))
    return SieveError("line %d: %s where %s expected near %s" % (token.line, NAMES.get(token.kind, "unknown token"), wanted, token.text))


def tokenize(script: str) -> list[Token]:
    tokens, line, pos = [], 1, 0
    while pos < len(script):
        match = _TOKEN_RE.match(script, pos)
        if not match:
            tokens.append(Token(UNKNOWN, "", line))
            return tokens
        index = int(match.lastgroup[1:]) if match.lastgroup else len(_TOKENS) - 1
        kind, text = _TOKENS[index][0], match.group(match.lastgroup or 0)
        tokens.append(Token(kind, text, line))
        if kind == UNKNOWN:
            return tokens
        pos, line = match.end(), line + text.count("\n")
    tokens.append(Token(SCRIPT_END, "", line))
    return tokens


class _Semantics:
    """SieveSemantics reduced: arguments as [kind, occurrence, name], optional tags first."""

    def __init__(self, token: Token) -> None:
        name = token.text.lower()
        table = TESTS if name in TESTS else COMMANDS if name in COMMANDS else None
        if table is None:
            raise _error(token, "unknown command " + name)
        self.followup = BLOCK_START if table is TESTS else SEMICOLON
        # A test list takes one test or more: it stays open after the first.
        self.args: list[list[Any]] = [[TAG, "*", "tag"]] + [[kind, "+" if kind == TEST_LIST else "1", label] for kind, label in table[name]]

    def _valid_type(self, token: Token) -> None:
        while self.args:
            kind, occurrence, _name = self.args[0]
            if occurrence == "0":
                self.args.pop(0)
                continue
            if token.is_(kind):
                return
            if occurrence not in ("?", "*"):
                raise _error(token, kind)
            self.args.pop(0)
        raise _error(token, self.followup)

    def validate(self, token: Token) -> None:
        self._valid_type(token)
        arg = self.args[0]
        arg[1] = "0" if arg[1] in ("1", "?") else "*" if arg[1] == "+" else arg[1]
        if token.is_(TAG) and token.text[1:].lower() in TAGS_WITH_VALUE:
            self.args.insert(0, [STRING_LIST | NUMBER, "1", "tag value"])

    def start_list(self, token: Token) -> None:
        self._valid_type(token)
        self.args[0] = [STRING, "+", self.args[0][2]]

    def end_list(self) -> None:
        self.args.pop(0)

    def done(self, token: Token) -> None:
        for kind, occurrence, _name in self.args:
            if occurrence in ("+", "1"):
                raise _error(token, kind)


class _Parser:
    def __init__(self, script: str) -> None:
        self.tokens, self.pos = tokenize(script), 0

    def peek(self) -> Token:
        offset = self.pos
        while self.tokens[offset].is_(COMMENT | WHITESPACE):
            offset += 1
        return self.tokens[offset]

    def next(self) -> Token:
        token = self.peek()
        self.pos = self.tokens.index(token, self.pos) + 1
        return token

    def parse(self) -> None:
        self.commands()
        if not self.peek().is_(SCRIPT_END):
            raise _error(self.next(), SCRIPT_END)

    def commands(self) -> None:
        while self.peek().is_(IDENTIFIER):
            semantics = _Semantics(self.next())
            self.arguments(semantics)
            token = self.next()
            if token.is_(SEMICOLON):
                semantics.done(token)
                continue
            semantics.validate(token)
            if not token.is_(BLOCK_START):
                raise _error(token, SEMICOLON)
            self.commands()
            end = self.next()
            if not end.is_(BLOCK_END):
                raise _error(end, BLOCK_END)

    def arguments(self, semantics: _Semantics) -> None:
        while True:
            if self.peek().is_(NUMBER | TAG):
                semantics.validate(self.next())
            elif self.peek().is_(STRING_LIST):
                self.string_list(semantics)
            else:
                break
        if self.peek().is_(TEST_LIST):
            self.test_list(semantics)

    def string_list(self, semantics: _Semantics) -> None:
        if not self.peek().is_(LEFT_BRACKET):
            semantics.validate(self.next())
            return
        semantics.start_list(self.next())
        if self.peek().is_(RIGHT_BRACKET):
            self.next()
            semantics.end_list()
            return
        while True:
            semantics.validate(self.next())
            token = self.next()
            if not token.is_(COMMA | RIGHT_BRACKET):
                raise _error(token, (COMMA, RIGHT_BRACKET))
            if token.is_(RIGHT_BRACKET):
                break
        semantics.end_list()

    def test_list(self, semantics: _Semantics) -> None:
        if not self.peek().is_(LEFT_PAREN):
            self.test(semantics)
            return
        semantics.validate(self.next())
        while True:
            self.test(semantics)
            token = self.next()
            if not token.is_(COMMA | RIGHT_PAREN):
                raise _error(token, (COMMA, RIGHT_PAREN))
            if token.is_(RIGHT_PAREN):
                break

    def test(self, semantics: _Semantics) -> None:
        token = self.next()
        semantics.validate(token)
        own = _Semantics(token)
        self.arguments(own)
        own.done(self.peek())


def check(script: str) -> None:
    """SieveParser::parse(): raises SieveError with Mailcow's message."""
    _Parser(script).parse()
