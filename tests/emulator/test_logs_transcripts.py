# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the recorded get/logs answers of a real Mailcow, in order, on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-logs.jsonl: every log once with a count of
10, the API log (which lists the log reads before it, itself first), a range, a range backwards,
an unknown log, and the UI log with a read-only key. The UI log's one row came from a request
earlier in the recording (a queue cat, get/postcat, outside this file; tests/emulator/test_queue_transcripts.py
checks that the emulator writes it): it is pushed through the control API first. get_logs_api_no_count lists all 517 requests of the whole recording, which no
replay of this file can repeat: it is left to the unit tests. API log times are the emulator's
own: only their form and closeness to now are compared.
"""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import RO_KEY, start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

LOGS = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-logs.jsonl"
RECORDED = [json.loads(line) for line in LOGS.read_text(encoding="utf-8").splitlines() if line.strip()]
CASES = [case for case in RECORDED if case["case"] != "get_logs_api_no_count"]
UI_ROWS = next(case for case in RECORDED if case["case"] == "get_logs_ui_10")["response"]["body"]


@pytest.fixture(scope="module")
def logs_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("logs"), tls_dir)
    emulator.control("POST", "logs", {"log": "ui", "entries": UI_ROWS})
    yield Replay(emulator)
    emulator.stop()


def _with_our_times(case: dict[str, Any]) -> dict[str, Any]:
    """API log entries carry the time of our requests: each recorded one is replaced, ours once known to be of now."""
    if not case["request"]["path"].startswith("/api/v1/get/logs/api/") or not isinstance(case["response"]["body"], list):
        return case
    case = copy.deepcopy(case)
    for entry in case["response"]["body"]:
        entry["time"] = "now"
    return case


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_logs_transcript(logs_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    expected = _with_our_times(case)
    if expected is case:
        replay_case(logs_replay, case)
        return
    reply = logs_replay.send(case["request"])
    body = reply.json()
    assert reply.status == case["response"]["status"] and isinstance(body, list), reply.text
    for entry in body:
        assert isinstance(entry["time"], int) and abs(entry["time"] - time.time()) < 60, entry
        entry["time"] = "now"
    assert body == expected["response"]["body"]
    assert list(body[0]) == ["time", "uri", "method", "remote", "data"]


def test_api_log_masks_passwords_in_writes(logs_replay: Replay) -> None:
    """api_log(): POST fields as key='value', JSON re-encoded, members named like a password shown as '*'."""
    emulator = logs_replay.emulator
    emulator.request("POST", "/api/v1/add/mailbox", {"local_part": "x", "domain": "nowhere.example", "password": "S3cret!", "password2": "S3cret!"})
    newest = emulator.request("GET", "/api/v1/get/logs/api/2", key=RO_KEY).json()
    assert newest[0]["uri"] == "/api/v1/get/logs/api/2" and newest[1]["method"] == "POST" and "S3cret" not in json.dumps(newest)
    assert newest[1]["data"] == "attr='{\"local_part\":\"x\",\"domain\":\"nowhere.example\",\"password\":\"*\",\"password2\":\"*\"}'"
