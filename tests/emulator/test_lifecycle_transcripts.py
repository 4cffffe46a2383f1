# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the life-cycle recording of a real Mailcow (DKIM, alias domains, domain admins, app
passwords, sync jobs, rate limits, sender_acl, listings) in order on one fresh emulator.

The recording is tests/fixtures/mailcow-api/transcripts-lifecycle.jsonl. The racing pairs
(race_*_thread_b) cannot be replayed one after the other: tests/emulator/test_races.py sends them
at once. Cases in PENDING are endpoints the emulator does not serve yet: they must fail (strict
xfail), so a case that starts to pass has to leave the list.
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
PENDING: frozenset[str] = frozenset(
    """
get_syncjobs_all_empty
add_syncjob_success
add_syncjob_duplicate
add_syncjob_minimal
add_syncjob_invalid_host
add_syncjob_invalid_port
add_syncjob_custom_params_forbidden
add_syncjob_custom_params_delete2
add_syncjob_out_of_range_values
add_syncjob_mailbox_missing
get_syncjobs_all
get_syncjobs_all_no_log
get_syncjobs_by_mailbox_ro_key
get_syncjobs_by_id
get_syncjobs_missing_mailbox
edit_syncjob_success
edit_syncjob_missing_id
edit_syncjob_created_with_invalid_host
delete_syncjob_success
delete_syncjob_again
delete_syncjob_non_numeric
""".split()
)


@pytest.fixture(scope="module")
def lifecycle_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("lifecycle"), tls_dir)
    yield Replay(emulator)
    emulator.stop()


def _marks(name: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(strict=True, reason="endpoint not served by the emulator yet")] if name in PENDING else []


@pytest.mark.parametrize("case", [pytest.param(c, id=c["case"], marks=_marks(c["case"])) for c in CASES])
def test_lifecycle_transcript(lifecycle_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(lifecycle_replay, case)


def test_pending_names_are_recorded_cases() -> None:
    assert PENDING <= {c["case"] for c in CASES}
