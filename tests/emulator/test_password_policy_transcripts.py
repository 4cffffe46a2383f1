# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the recorded password policy answers of a real Mailcow, in order, on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-password-policy.jsonl: the default policy
(as strings, and as the HTML help text), an edit read back as strings, edits whose too-small or
non-numeric length is kept as it was while "yes" becomes 0, an empty edit, read-only and bad keys;
between them, a mailbox whose password the edited policy refuses.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

RECORDING = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-password-policy.jsonl"
CASES = [json.loads(line) for line in RECORDING.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def policy_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("password-policy"), tls_dir)
    # The recording's domain, made before it (add_mailbox_weak_password_after_policy adds a mailbox in it).
    assert emulator.request("POST", "/api/v1/add/domain", {"domain": "rb.example", "active": 1}).status == 200
    yield Replay(emulator)
    emulator.stop()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_password_policy_transcript(policy_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(policy_replay, case)
