# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the recorded mail queue answers of a real Mailcow on one fresh emulator, then the modelled queue itself.

The recording is tests/fixtures/mailcow-api/transcripts-queue.jsonl: get/mailq/all, edit/mailq with
each action (hold, unhold, deliver, flush, super_delete, an unknown one, an empty attr), delete/mailq
(a list, a bare string, a read-only key) and get/postcat, all for a queue id that is not in the queue.
Mailcow's dockerapi container was a stub there, but the stub answered what Postfix's tools answer for
an empty queue (postsuper exits 0 for an unknown queue id: "Deleted: 0 messages"), so those answers are
the real ones, and this emulator, without a running Postfix, gives them from its modelled queue.
get/postcat is the exception: the stub printed ``1`` where Postfix's postcat prints its error (checked
here as postcat's text; docs/mailcow-api.md, "Mail queue").
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import RO_KEY, Emulator, start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

QUEUE = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-queue.jsonl"
RECORDED = [json.loads(line) for line in QUEUE.read_text(encoding="utf-8").splitlines() if line.strip()]
CASES = [case for case in RECORDED if case["case"] != "get_postcat"]
POSTCAT = next(case for case in RECORDED if case["case"] == "get_postcat")
LOGS = QUEUE.with_name("transcripts-logs.jsonl")


@pytest.fixture(scope="module")
def queue_emulator(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Emulator]:
    # A postfix_dir whose Postfix does not run: the modelled queue answers (the fallback of emulator-only runs).
    base = tmp_path_factory.mktemp("queue")
    emulator = start_emulator(base, tls_dir, postfix_dir=str(base / "no-postfix"))
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def queue_replay(queue_emulator: Emulator) -> Replay:
    return Replay(queue_emulator)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_queue_transcript(queue_replay: Replay, case: dict[str, Any]) -> None:
    """In recording order: every answer as the real Mailcow gave it."""
    replay_case(queue_replay, case)


def test_postcat_of_a_missing_queue_id_is_postcats_error(queue_replay: Replay) -> None:
    reply = queue_replay.send(POSTCAT["request"])
    assert reply.status == 200 and reply.content_type.startswith("application/json")
    assert reply.text == "postcat: fatal: open queue file ABCDEF123: No such file or directory\n"


def test_postcat_writes_the_recorded_ui_log_row(queue_replay: Replay) -> None:
    """Mailcow's logger() records a queue cat in the UI log: the recording's one UI log row (get_logs_ui_10)."""
    recorded = next(json.loads(line) for line in LOGS.read_text(encoding="utf-8").splitlines() if '"get_logs_ui_10"' in line)
    expected = recorded["response"]["body"]
    assert queue_replay.emulator.request("GET", "/api/v1/get/logs/ui/10").json()[0]["call"] == expected[0]["call"]  # the cat above
    queue_replay.send(POSTCAT["request"])  # a second cat: a second row, the newest first
    rows = queue_replay.emulator.request("GET", "/api/v1/get/logs/ui/10").json()
    assert len(rows) == 2 and [list(row) for row in rows] == [list(expected[0])] * 2
    for row in rows:
        assert {k: v for k, v in row.items() if k not in ("id", "task", "time")} == {k: v for k, v in expected[0].items() if k not in ("id", "task", "time")}
        assert re.match(r"^[0-9A-F]{6}$", row["task"]) and abs(row["time"] - time.time()) < 600
    assert [row["id"] for row in rows] == [2, 1]


@pytest.fixture
def seeded(queue_emulator: Emulator) -> Emulator:
    queue_emulator.control("POST", "reset")
    now = int(time.time())
    queue_emulator.control("POST", "mailq", {"entries": [
        {"queue_id": "A1B2C3D4E5", "sender": "alice@rb.example", "arrival_time": now - 7200, "message_size": 2048,
         "recipients": [{"address": "x@remote.example", "delay_reason": "connect to mx.remote.example[192.0.2.5]:25: Connection refused"},
                        "y@remote.example"]},
        {"queue_id": "B1B2C3D4E5", "sender": "", "queue_name": "hold", "recipients": ["alice@rb.example"]},
        {"queue_id": "C1B2C3D4E5", "sender": "bob@rb.example", "recipients": ["z@up.example"], "deliverable": True},
    ]})
    return queue_emulator


def _listed(emulator: Emulator) -> dict[str, str]:
    return {entry["queue_id"]: entry["queue_name"] for entry in emulator.request("GET", "/api/v1/get/mailq/all").json()}


def test_listing_has_mailcows_shape(seeded: Emulator) -> None:
    reply = seeded.request("GET", "/api/v1/get/mailq/all", key=RO_KEY)
    assert reply.status == 200
    first = reply.json()[0]
    assert list(first) == ["queue_name", "queue_id", "arrival_time", "message_size", "forced_expire", "sender", "recipients"]
    assert first["recipients"] == ["x@remote.example (connect to mx.remote.example[192.0.2.5]:25: Connection refused)", "y@remote.example"]
    assert seeded.control("GET", "mailq")["source"] == "model"


def test_hold_unhold_delete_and_deliver_act_on_the_model(seeded: Emulator) -> None:
    answer = seeded.request("POST", "/api/v1/edit/mailq", {"items": ["A1B2C3D4E5", "B1B2C3D4E5"], "attr": {"action": "hold"}}).json()
    assert answer == [{"type": "success", "log": ["process_mailq_output", "edit", {"qid": ["A1B2C3D4E5", "B1B2C3D4E5"], "action": "hold"}],
                       "msg": "queue_command_success"}]
    assert _listed(seeded) == {"A1B2C3D4E5": "hold", "B1B2C3D4E5": "hold", "C1B2C3D4E5": "deferred"}
    seeded.request("POST", "/api/v1/edit/mailq", {"items": ["B1B2C3D4E5"], "attr": {"action": "unhold"}})
    assert _listed(seeded)["B1B2C3D4E5"] == "deferred"  # postsuper -H moves it to the deferred queue
    seeded.request("POST", "/api/v1/edit/mailq", {"items": ["A1B2C3D4E5", "C1B2C3D4E5"], "attr": {"action": "deliver"}})
    assert _listed(seeded) == {"A1B2C3D4E5": "hold", "B1B2C3D4E5": "deferred"}  # held mail is not delivered; C's next hop is up
    seeded.request("POST", "/api/v1/edit/mailq", {"items": "mailqitems-all", "attr": {"action": "flush"}})
    assert _listed(seeded) == {"A1B2C3D4E5": "hold", "B1B2C3D4E5": "deferred"}  # B's next hop is down: still deferred
    answer = seeded.request("POST", "/api/v1/delete/mailq", ["B1B2C3D4E5", "not-hex!"]).json()
    assert answer[0]["msg"] == "queue_command_success" and _listed(seeded) == {"A1B2C3D4E5": "hold"}


def test_non_hexadecimal_ids_are_dropped_as_dockerapi_does(seeded: Emulator) -> None:
    answer = seeded.request("POST", "/api/v1/edit/mailq", {"items": ["a1b2c3d4e5x"], "attr": {"action": "hold"}}).json()
    assert answer[0]["msg"] == "queue_command_success" and _listed(seeded)["A1B2C3D4E5"] == "deferred"


def test_postcat_shows_the_modelled_envelope(seeded: Emulator) -> None:
    text = seeded.request("GET", "/api/v1/get/postcat/A1B2C3D4E5").text
    assert text.startswith("*** ENVELOPE RECORDS deferred/A/A1B2C3D4E5 ***") and "recipient: y@remote.example" in text


def test_seeding_checks_its_input(queue_emulator: Emulator) -> None:
    reply = queue_emulator.request("POST", "/_sandbox/mailq", {"entries": [{"queue_id": "nothex!", "recipients": ["a@b.example"]}]}, key=None)
    assert reply.status == 400 and "hexadecimal" in reply.json()["error"]
    reply = queue_emulator.request("POST", "/_sandbox/mailq", {"entries": [{"recipients": []}]}, key=None)
    assert reply.status == 400 and "recipients" in reply.json()["error"]


def test_reset_empties_the_modelled_queue(seeded: Emulator) -> None:
    seeded.control("POST", "reset")
    assert seeded.request("GET", "/api/v1/get/mailq/all").text == "[]"
