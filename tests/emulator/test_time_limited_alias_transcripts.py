# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the time-limited alias cases of the spam policy recording in order on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-spam-policy.jsonl (its ``*time_limited*`` cases),
after the setup cases of tests/fixtures/mailcow-api/transcripts-routing.jsonl. Mailcow names each
alias at random and reads its validity back as a Unix timestamp: the addresses of the first listing
are mapped to the emulator's by what tells them apart (description, permanent, hours of validity
after creation), later requests name the emulator's, listings compare as sets of those fields, and
validity as hours after ``created``.
"""
from __future__ import annotations

import calendar
import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import start_emulator
from test_transcripts import Replay, compare
from test_transcripts import test_replay as replay_case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api"


def _cases(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


SETUP = [case for case in _cases("transcripts-routing.jsonl") if case["case"].startswith("setup_")]
CASES = [case for case in _cases("transcripts-spam-policy.jsonl") if "time_limited" in case["case"]]


class AliasReplay(Replay):
    def __init__(self, emulator: Any) -> None:
        super().__init__(emulator)
        self.addresses: dict[str, str] = {}  # recorded -> ours

    def substitute(self, text: str) -> str:
        for recorded, ours in self.addresses.items():
            text = text.replace(recorded, ours)
        return super().substitute(text)


@pytest.fixture(scope="module")
def alias_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[AliasReplay]:
    emulator = start_emulator(tmp_path_factory.mktemp("time-limited"), tls_dir)
    replay = AliasReplay(emulator)
    for case in SETUP:
        replay_case(replay, case)
    yield replay
    emulator.stop()


def _hours(row: dict[str, Any]) -> int:
    """Hours from creation to the end of validity (the recording's server ran in UTC; the emulator's clock is local)."""
    created = calendar.timegm(time.strptime(row["created"], "%Y-%m-%d %H:%M:%S"))
    if abs(created + round((row["validity"] - created) / 3600) * 3600 - row["validity"]) > 120:
        created = int(time.mktime(time.strptime(row["created"], "%Y-%m-%d %H:%M:%S")))
    return round((row["validity"] - created) / 3600)


def _signature(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["description"], row["permanent"], _hours(row), row["goto"], row["modified"])


def test_the_recording_holds_every_time_limited_alias_case() -> None:
    assert len(CASES) == 31 and CASES[0]["case"] == "get_time_limited_aliases_empty" and CASES[-1]["case"] == "get_time_limited_aliases_final"


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_time_limited_alias_transcript(alias_replay: AliasReplay, case: dict[str, Any]) -> None:
    expected = case["response"]
    if not (isinstance(expected["body"], list) and expected["body"] and "address" in expected["body"][0]):
        # The answer as recorded, with the recorded addresses (echoed in its log) as ours.
        replay_case(alias_replay, dict(case, response=dict(expected, body=json.loads(alias_replay.substitute(json.dumps(expected["body"]))))))
        return
    reply = alias_replay.send(case["request"])
    assert reply.status == expected["status"]
    ours = reply.json()
    assert isinstance(ours, list) and len(ours) == len(expected["body"]), ours
    if not alias_replay.addresses:  # the first listing: learn which of ours is which recorded alias
        free = list(ours)
        for row in expected["body"]:
            match = next(mine for mine in free if _signature(mine) == _signature(row))
            free.remove(match)
            alias_replay.addresses[row["address"]] = match["address"]
    assert sorted(row["address"] for row in ours) == sorted(alias_replay.addresses[row["address"]] for row in expected["body"])
    by_address = {row["address"]: row for row in ours}
    for row in expected["body"]:
        mine = by_address[alias_replay.addresses[row["address"]]]
        assert list(mine) == list(row) and _signature(mine) == _signature(row)
        assert mine["address"].endswith("@rb.example") and mine["address"].count(".") >= 2
        compare({k: v for k, v in row.items() if k not in ("address", "validity", "created")},
                {k: v for k, v in mine.items() if k not in ("address", "validity", "created")}, case["case"], {})
