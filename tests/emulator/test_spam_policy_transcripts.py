# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the spam policy recording of a real Mailcow (allow and deny lists, spam scores) in order on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-spam-policy.jsonl, cases of the same recording
as tests/fixtures/mailcow-api/transcripts-routing.jsonl, whose setup cases (domains rb.example and
rb2.example, mailboxes alice@ and bob@rb.example) are replayed first. Allow and deny list entries
are known by a prefid only Mailcow knows (adds answer without one), a sender is on one list of an
object at most, there is no edit route, and the spam score reads back as a ``"low,high"`` string.
The time-limited alias cases of the file are replayed by test_time_limited_alias_transcripts.py.
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


def _cases(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


SETUP = [case for case in _cases("transcripts-routing.jsonl") if case["case"].startswith("setup_")]
CASES = [case for case in _cases("transcripts-spam-policy.jsonl") if "time_limited" not in case["case"]]


@pytest.fixture(scope="module")
def policy_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("spam-policy"), tls_dir)
    replay = Replay(emulator)
    for case in SETUP:
        replay_case(replay, case)
    yield replay
    emulator.stop()


def test_the_recording_holds_lists_and_scores() -> None:
    names = [case["case"] for case in CASES]
    assert len(names) == 68 and names[0] == "get_policy_wl_domain_empty" and names[-1] == "edit_spam_score_bad_key"


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_spam_policy_transcript(policy_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(policy_replay, case)
