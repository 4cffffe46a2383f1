# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the address rewriting recording of a real Mailcow (BCC maps, recipient maps) in order on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-rewriting.jsonl, the cases that follow
tests/fixtures/mailcow-api/transcripts-routing.jsonl in the same recording; the setup cases of that
file (domains rb.example and rb2.example, mailboxes alice@ and bob@rb.example) are replayed first.
BCC map ids are numbers only Mailcow knows, adds answer without one, a domain is stored as
``@domain``, the recipient type is ``rcpt``, one map per local destination and type, an unknown
type on edit kills PHP (an empty answer), a missing id is ``access_denied`` on edit and delete.
Recipient maps store a domain as ``@domain`` on both sides and refuse a second map of an old side on
add but not on edit; deleting a missing one still answers deleted.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api"


def recorded_cases(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


SETUP = [case for case in recorded_cases("transcripts-routing.jsonl") if case["case"].startswith("setup_")]
CASES = recorded_cases("transcripts-rewriting.jsonl")


def replay_after_setup(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str], name: str) -> Iterator[Replay]:
    """A fresh emulator with the setup cases of the recording replayed: the body of a module-scoped fixture."""
    emulator = start_emulator(tmp_path_factory.mktemp(name), tls_dir)
    replay = Replay(emulator)
    for case in SETUP:
        replay_case(replay, case)
    yield replay
    emulator.stop()


@pytest.fixture(scope="module")
def rewriting_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    yield from replay_after_setup(tmp_path_factory, tls_dir, "rewriting")


def test_setup_is_the_routing_recordings() -> None:
    assert [case["case"] for case in SETUP] == ["setup_add_domain_rb", "setup_add_domain_rb2", "setup_add_mailbox_alice", "setup_add_mailbox_bob"]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_rewriting_transcript(rewriting_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(rewriting_replay, case)
