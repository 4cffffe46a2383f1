# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay every recorded request of a real Mailcow, in order, and compare the answers.

Strict where the real server is deterministic: status, content-type family, and the body, entry
by entry (type, msg with its arguments, the echoed log) or key by key in the same order with
equal values and JSON types. Volatile values are only checked for shape: timestamps, and alias
ids (ours start at 1; the recording's are mapped so later requests address the right alias).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import BAD_KEY, RO_KEY, RW_KEY, Emulator, Reply, start_emulator

REPO = Path(__file__).resolve().parents[2]
# Recorded from a real Mailcow (tests/fixtures/mailcow-api/README.md); where the emulator disagrees, the recording wins.
TRANSCRIPTS = Path(os.environ.get("MAILCOW_TRANSCRIPTS", REPO / "tests" / "fixtures" / "mailcow-api" / "transcripts.jsonl"))
KEYS = {"<rw-key>": RW_KEY, "<ro-key>": RO_KEY, "<bad-key>": BAD_KEY}
COOKIE_PLACEHOLDER = "<session-id-from-previous-rw-response>"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
VOLATILE_TIMES = {"created", "modified", "passwd_update"}
BCRYPT = re.compile(r"^\{BLF-CRYPT\}\$2y\$10\$[./A-Za-z0-9]{53}$")
# DKIM public keys are random on a real Mailcow: the recorded key -> the emulator's, first seen wins, so a
# key copied by add/dkim_duplicate must read back as the same key (each recorded key belongs to one recording).
PUBKEYS: dict[str, str] = {}
DKIM_TXT_PREFIX = "v=DKIM1;k=rsa;t=s;s=email;p="


def _cases() -> list[dict[str, Any]]:
    # A missing file must fail the run, never quietly replay nothing.
    return [json.loads(line) for line in TRANSCRIPTS.read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = _cases()
pytestmark = pytest.mark.skipif(not CASES, reason=f"no transcripts at {TRANSCRIPTS}")


class Replay:
    """What carries over between cases: the emulator, the rw session cookie, alias id mapping."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.rw_cookie: str | None = None
        self.alias_ids: dict[str, str] = {}

    def substitute(self, text: str) -> str:
        # Ids first: a key or session cookie must not have its digits taken for an id.
        for recorded, ours in self.alias_ids.items():
            text = re.sub(rf"(?<![0-9]){recorded}(?![0-9])", ours, text)
        for placeholder, key in KEYS.items():
            text = text.replace(placeholder, key)
        if self.rw_cookie:
            text = text.replace(COOKIE_PLACEHOLDER, self.rw_cookie)
        return text

    def send(self, request: dict[str, Any]) -> Reply:
        headers = {name: self.substitute(value) for name, value in request["headers"].items()}
        payload = _payload(request.get("body"), headers.get("Content-Type", ""))
        path = self.substitute(request["path"])
        if payload is not None:
            payload = self.substitute(payload)
        reply = self.emulator.request(request["method"], path, payload, headers=headers, key=None)
        if request["headers"].get("X-API-Key") == "<rw-key>":
            cookie = reply.headers.get("Set-Cookie") or ""
            match = re.match(r"MCSESSID=([^;]+)", cookie)
            if match:
                self.rw_cookie = match.group(1)
        return reply


def _payload(body: Any, content_type: str) -> str | None:
    """The recording keeps JSON bodies as objects and raw ones (malformed JSON, form data) as
    text; a JSON *string* body (delete_mailbox_string_body) is text that is no JSON document at
    all, so it is re-encoded."""
    if body is None:
        return None
    if not isinstance(body, str):
        return json.dumps(body)
    raw_json = body == "" or body.lstrip()[:1] in ("{", "[", '"')
    return json.dumps(body) if "application/json" in content_type and not raw_json else body


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("replay"), tls_dir)
    yield Replay(emulator)
    emulator.stop()


def _family(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_replay(replay: Replay, case: dict[str, Any]) -> None:
    allow_list_case = "allow_from" in case.get("note", "")
    if allow_list_case:
        # The recording narrowed the ro key's allow-list to 192.0.2.1 for this one request.
        replay.emulator.control("POST", "allow_from", {"ro": ["192.0.2.1"]})
    try:
        reply = replay.send(case["request"])
    finally:
        if allow_list_case:
            replay.emulator.control("POST", "allow_from", {"ro": ["127.0.0.0/8"]})
    expected = case["response"]
    assert reply.status == expected["status"], reply.text
    assert _family(reply.content_type) == _family(expected["content_type"])
    if expected["body"] == "":
        assert reply.body == b""
        return
    actual = reply.json()
    _learn_listed_ids(case["request"]["path"], expected["body"], actual, replay.alias_ids)
    compare(expected["body"], actual, "body", replay.alias_ids)


def _learn_listed_ids(path: str, expected: Any, actual: Any, ids: dict[str, str]) -> None:
    """App passwords are added without an id in the answer: their ids are first seen in a listing."""
    if "/get/app-passwd/all/" in path and isinstance(expected, list) and isinstance(actual, list):
        for exp, act in zip(expected, actual):
            if isinstance(exp, dict) and isinstance(act, dict) and str(exp.get("id")) not in ids:
                ids[str(exp.get("id"))] = str(act.get("id"))


def compare(expected: Any, actual: Any, where: str, alias_ids: dict[str, str]) -> None:
    if isinstance(expected, dict) and "msg" in expected and isinstance(expected.get("msg"), list):
        _note_alias_id(expected, actual, alias_ids)
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        assert list(actual) == list(expected), f"{where}: keys differ"
        for key, value in expected.items():
            _compare_member(key, value, actual[key], f"{where}.{key}", alias_ids)
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}: {actual!r}"
        for index, (exp, act) in enumerate(zip(expected, actual)):
            compare(exp, act, f"{where}[{index}]", alias_ids)
    else:
        if isinstance(expected, str) and expected in alias_ids:
            expected = alias_ids[expected]  # an id the request echoes back in its log
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} != {expected!r}"


def _compare_member(key: str, expected: Any, actual: Any, where: str, alias_ids: dict[str, str]) -> None:
    if key in VOLATILE_TIMES and isinstance(expected, str):
        assert isinstance(actual, str) and TIMESTAMP.match(actual), f"{where}: {actual!r}"
    elif key == "id" and isinstance(expected, int):
        # Ids first seen in a listing (sync jobs, app passwords: their add answers none) are mapped in listing order.
        assert actual == int(alias_ids.setdefault(str(expected), str(actual))), f"{where}: {actual!r}"
    elif (key == "id" and isinstance(expected, list)) or (key == "msg" and isinstance(expected, list) and expected[:1] == ["deleted_syncjob"]):
        compare([_our_id(value, alias_ids) for value in expected], actual, where, alias_ids)
    elif key == "password" and isinstance(expected, str) and BCRYPT.match(expected):
        assert isinstance(actual, str) and BCRYPT.match(actual), f"{where}: not a bcrypt hash"
    elif key == "pubkey" and isinstance(expected, str) and expected:
        _compare_pubkey(expected, actual, where)
    elif key == "dkim_txt" and isinstance(expected, str) and expected.startswith(DKIM_TXT_PREFIX):
        assert isinstance(actual, str) and actual.startswith(DKIM_TXT_PREFIX), f"{where}: {actual!r}"
        _compare_pubkey(expected[len(DKIM_TXT_PREFIX):], actual[len(DKIM_TXT_PREFIX):], where)
    else:
        compare(expected, actual, where, alias_ids)


def _compare_pubkey(expected: str, actual: Any, where: str) -> None:
    """Same size and DER header as the recorded key (so Mailcow's length guess reads the same), and the same key wherever it recurs."""
    assert isinstance(actual, str) and len(actual) == len(expected) and actual[:32] == expected[:32], f"{where}: {actual!r}"
    assert PUBKEYS.setdefault(expected, actual) == actual, f"{where}: another key than the one first answered for it"


def _our_id(value: Any, alias_ids: dict[str, str]) -> Any:
    """A recorded integer id as ours (a job id echoed in a delete answer or a request's log)."""
    return int(alias_ids[str(value)]) if isinstance(value, int) and not isinstance(value, bool) and str(value) in alias_ids else value


def _note_alias_id(expected: dict[str, Any], actual: Any, alias_ids: dict[str, str]) -> None:
    """alias_added carries the new id (a string): record ours, then compare as equal."""
    msg = expected["msg"]
    if msg and msg[0] == "alias_added" and isinstance(actual, dict) and isinstance(actual.get("msg"), list):
        ours = actual["msg"][2] if len(actual["msg"]) > 2 else None
        assert isinstance(ours, str) and ours.isdigit(), f"alias id {ours!r} is not a numeric string"
        alias_ids[msg[2]] = ours
