# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the recordings of a real Mailcow's mailbox Sieve filters and OAuth2 clients, each in order on one fresh emulator.

tests/fixtures/mailcow-api/transcripts-filters.jsonl: filters of alice@ and bob@rb.example (the
setup cases of tests/fixtures/mailcow-api/transcripts-routing.jsonl are replayed first): adds
without an id or a duplicate check, a second active prefilter making the first inactive, the Sieve
parser's messages, edits that keep what they are not given, deletes (a missing id is
``access_denied``). tests/fixtures/mailcow-api/transcripts-oauth2.jsonl: OAuth2 clients added
without an id ("Added client access"), with any redirect URI or none, the scope always
``profile``, the secret renewed by an edit and read in clear, deletes that answer with the last id.
Client ids and secrets are random on a real Mailcow: each recorded one is mapped to the
emulator's, first seen wins, and a renewed secret must differ from the one before.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api"
SECRET_SHAPES = {"client_id": re.compile(r"^[0-9a-f]{12}$"), "client_secret": re.compile(r"^[0-9a-f]{24}$")}


def _cases(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


SETUP = [case for case in _cases("transcripts-routing.jsonl") if case["case"].startswith("setup_")]
FILTERS = _cases("transcripts-filters.jsonl")
OAUTH2 = _cases("transcripts-oauth2.jsonl")


@pytest.fixture(scope="module")
def filters_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("filters"), tls_dir)
    replay = Replay(emulator)
    for case in SETUP:
        replay_case(replay, case)
    yield replay
    emulator.stop()


@pytest.fixture(scope="module")
def oauth2_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("oauth2"), tls_dir)
    yield Replay(emulator)
    emulator.stop()


@pytest.mark.parametrize("case", FILTERS, ids=[c["case"] for c in FILTERS])
def test_filters_transcript(filters_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(filters_replay, case)


# Recorded client id or secret -> the emulator's, first seen wins.
RANDOM: dict[str, str] = {}


def _with_random_values_mapped(expected: Any, actual: Any) -> Any:
    """``expected`` with each recorded client id and secret replaced by the emulator's (checked for shape, one to one)."""
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [_with_random_values_mapped(e, a) for e, a in zip(expected, actual)]
    if not (isinstance(expected, dict) and isinstance(actual, dict)):
        return expected
    mapped = dict(expected)
    for key, shape in SECRET_SHAPES.items():
        if isinstance(expected.get(key), str) and isinstance(actual.get(key), str):
            assert shape.match(actual[key]), "%s: %r" % (key, actual[key])
            ours = RANDOM.setdefault(expected[key], actual[key])
            assert ours == actual[key], "%s: another value than the one first answered for it" % key
            assert list(RANDOM.values()).count(ours) == 1, "%s: two recorded values answered alike" % key
            mapped[key] = ours
    return mapped


@pytest.mark.parametrize("case", OAUTH2, ids=[c["case"] for c in OAUTH2])
def test_oauth2_transcript(oauth2_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it, random ids and secrets mapped."""
    if case["request"]["method"] == "GET" and case["response"]["status"] == 200:
        actual = oauth2_replay.send(case["request"]).json()
        case = dict(case, response=dict(case["response"], body=_with_random_values_mapped(case["response"]["body"], actual)))
    replay_case(oauth2_replay, case)


def test_recordings_are_the_breadth_recordings_cases() -> None:
    assert len(FILTERS) == 36 and len(OAUTH2) == 28
    assert [case["case"] for case in SETUP] == ["setup_add_domain_rb", "setup_add_domain_rb2", "setup_add_mailbox_alice", "setup_add_mailbox_bob"]
