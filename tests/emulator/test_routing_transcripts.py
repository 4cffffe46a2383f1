# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the routing recording of a real Mailcow (relayhosts, the relayhost a domain or a mailbox
uses, transport maps, forwarding hosts, TLS policy maps) in order on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-routing.jsonl: relayhost ids are numbers
only Mailcow knows, adds answer without one, duplicates and invalid host names are accepted, a
missing id reads as ``{}``, deleting a relayhost resets the domains that use it; transport
destinations are split and checked one by one, and a next hop keeps one user name; forwarding
hosts have no id and read their spam setting back inverted; a TLS policy map without a valid
policy kills PHP (an empty answer).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

ROUTING = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-routing.jsonl"
CASES = [json.loads(line) for line in ROUTING.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def routing_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("routing"), tls_dir)
    yield Replay(emulator)
    emulator.stop()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_routing_transcript(routing_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(routing_replay, case)
