# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the life-cycle recording of a real Mailcow (DKIM, alias domains, domain admins, app
passwords, sync jobs, rate limits, sender_acl, listings) in order on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-lifecycle.jsonl. The racing pairs
(race_*_thread_b) cannot be replayed one after the other: tests/emulator/test_races.py sends them
at once.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

LIFECYCLE = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-lifecycle.jsonl"
CASES = [
    case
    for case in (json.loads(line) for line in LIFECYCLE.read_text(encoding="utf-8").splitlines() if line.strip())
    if not case["case"].endswith("_thread_b")
]


@pytest.fixture(scope="module")
def lifecycle_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("lifecycle"), tls_dir)
    yield Replay(emulator)
    emulator.stop()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_lifecycle_transcript(lifecycle_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(lifecycle_replay, case)
