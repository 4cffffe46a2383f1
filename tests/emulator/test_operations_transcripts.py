# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the recorded status and fail2ban answers of a real Mailcow, in order, on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-operations.jsonl (status: version, containers,
vmail, solr, host; fail2ban: reads, edits with the values Mailcow coerces, unban, the banlist route, a
read-only key). Containers' start times are the emulator's own: only their form is compared.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

OPERATIONS = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-operations.jsonl"
CASES = [json.loads(line) for line in OPERATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
DOCKER_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$")


@pytest.fixture(scope="module")
def operations_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("operations"), tls_dir)
    yield Replay(emulator)
    emulator.stop()


def _with_our_start_times(case: dict[str, Any], emulator: Any) -> dict[str, Any]:
    """The recorded containers with the emulator's start times, once each recorded one is a Docker time."""
    if case["case"] != "get_status_containers":
        return case
    ours = emulator.request("GET", "/api/v1/get/status/containers").json()
    case = copy.deepcopy(case)
    for name, container in case["response"]["body"].items():
        assert DOCKER_TIME.match(container["started_at"]) and DOCKER_TIME.match(ours[name]["started_at"]), name
        container["started_at"] = ours[name]["started_at"]
    return case


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_operations_transcript(operations_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it (solr's empty body included)."""
    if case["case"] == "get_status_host":
        # The host's clock, core count and architecture are this machine's: their form is compared, the rest exactly.
        reply = operations_replay.emulator.request("GET", case["request"]["path"])
        recorded, ours = copy.deepcopy(case["response"]["body"]), reply.json()
        assert reply.status == case["response"]["status"] and sorted(ours) == sorted(recorded)
        assert DOCKER_TIME.match(recorded["system_time"]) and DOCKER_TIME.match(ours["system_time"])
        assert isinstance(ours["cpu"]["cores"], int) and ours["cpu"]["cores"] >= 1 and ours["architecture"]
        recorded["system_time"], recorded["cpu"]["cores"], recorded["architecture"] = ours["system_time"], ours["cpu"]["cores"], ours["architecture"]
        assert ours == recorded
        return
    replay_case(operations_replay, _with_our_start_times(case, operations_replay.emulator))
