# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the quarantine recording of a real Mailcow, in order, on one fresh emulator, and check
what the recording could not show (a reachable Postfix and Rspamd) against Mailcow's source.

The recording is tests/fixtures/mailcow-api/transcripts-quarantine.jsonl. Its three rows were
written straight into the quarantine table after the first (empty) read: they are seeded through the
control API at that point, from the listing and the one row read in full. Postfix and Rspamd were
unreachable from Mailcow's PHP for that recording, so they are taken down through the control API
for the replay.
"""
from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import RO_KEY, Emulator, start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

QUARANTINE = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-quarantine.jsonl"
CASES = [json.loads(line) for line in QUARANTINE.read_text(encoding="utf-8").splitlines() if line.strip()]
BY_NAME = {case["case"]: case for case in CASES}


def recorded_rows() -> list[dict[str, Any]]:
    """The three rows as listed, the first with what reading it in full showed."""
    rows = [dict(row) for row in BY_NAME["get_quarantine_all"]["response"]["body"]]
    full = BY_NAME["get_quarantine_one"]["response"]["body"]
    rows[0].update({key: full[key] for key in ("ip", "symbols", "fuzzy_hashes", "msg", "domain", "user", "qhash")})
    return rows


@pytest.fixture(scope="module")
def quarantine_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("quarantine"), tls_dir)
    emulator.control("POST", "quarantine/services", {"postfix": False, "rspamd": False})
    yield Replay(emulator)
    emulator.stop()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_quarantine_transcript(quarantine_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    if case["case"] == "get_quarantine_all":
        quarantine_replay.emulator.control("POST", "quarantine", {"items": recorded_rows()})
    replay_case(quarantine_replay, case)


@pytest.fixture()
def fresh(tmp_path: Path, tls_dir: dict[str, str]) -> Iterator[Emulator]:
    emulator = start_emulator(tmp_path, tls_dir)
    emulator.control("POST", "quarantine", {"items": recorded_rows()})
    yield emulator
    emulator.stop()


def _ids(emulator: Emulator) -> list[int]:
    return [row["id"] for row in emulator.request("GET", "/api/v1/get/quarantine/all", key=RO_KEY).json()]


def test_release_with_postfix_and_rspamd_up_removes_the_item_and_learns_ham(fresh: Emulator) -> None:
    """functions.quarantine.inc.php: item_released after the message went to Postfix, then learned_ham, per id."""
    answer = fresh.request("POST", "/api/v1/edit/qitem", {"items": ["1", "3"], "attr": {"action": "release"}}).json()
    assert [(entry["type"], entry["msg"]) for entry in answer] == [
        ("success", ["item_released", "1"]), ("success", ["learned_ham", "1"]),
        ("success", ["item_released", "3"]), ("success", ["learned_ham", "3"])]
    assert _ids(fresh) == [2]


def test_release_stops_at_the_first_item_when_postfix_is_down(fresh: Emulator) -> None:
    fresh.control("POST", "quarantine/services", {"postfix": False})
    answer = fresh.request("POST", "/api/v1/edit/qitem", {"items": ["1", "3"], "attr": {"action": "learnham"}}).json()
    assert [(entry["type"], entry["msg"]) for entry in answer] == [("warning", "Cannot connect to Postfix")]
    assert _ids(fresh) == [1, 2, 3]


def test_release_with_rspamd_down_releases_but_answers_a_learning_error(fresh: Emulator) -> None:
    fresh.control("POST", "quarantine/services", {"rspamd": False})
    answer = fresh.request("POST", "/api/v1/edit/qitem", {"items": ["2"], "attr": {"action": "release"}}).json()
    assert [(entry["type"], entry["msg"]) for entry in answer] == [
        ("success", ["item_released", "2"]), ("danger", ["ham_learn_error", "Curl: Couldn't connect to server"])]
    assert _ids(fresh) == [1, 3]


def test_learnspam_with_rspamd_up_answers_qlearn_spam(fresh: Emulator) -> None:
    answer = fresh.request("POST", "/api/v1/edit/qitem", {"items": ["3", "999"], "attr": {"action": "learnspam"}}).json()
    assert [(entry["type"], entry["msg"]) for entry in answer] == [("success", ["qlearn_spam", "3"]), ("danger", "access_denied")]
    assert _ids(fresh) == [1, 2]


def test_seeded_rows_are_refused_without_a_queue_id_or_recipient(fresh: Emulator) -> None:
    reply = fresh.request("POST", "/_sandbox/quarantine", {"items": [{"qid": "Q"}]}, key=None)
    assert reply.status == 400 and "qid and rcpt" in reply.json()["error"]
    reset = fresh.control("POST", "reset")
    assert reset["ok"] and _ids(fresh) == [] and fresh.control("GET", "quarantine")["services"] == {"postfix": True, "rspamd": True}


def test_release_to_a_postfix_port_nobody_listens_on_keeps_the_item(tmp_path: Path, tls_dir: dict[str, str]) -> None:
    """With a Postfix port configured (the sandbox's mail stack), releasing really talks SMTP: no listener, Mailcow's warning."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    emulator = start_emulator(tmp_path, tls_dir, postfix_port=closed)
    try:
        emulator.control("POST", "quarantine", {"items": recorded_rows()})
        answer = emulator.request("POST", "/api/v1/edit/qitem", {"items": ["2"], "attr": {"action": "release"}}).json()
        assert [(entry["type"], entry["msg"]) for entry in answer] == [("warning", "Cannot connect to Postfix")]
        assert _ids(emulator) == [1, 2, 3]
    finally:
        emulator.stop()
