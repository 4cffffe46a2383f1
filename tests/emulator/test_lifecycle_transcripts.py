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
get_dkim_after_domain_add
get_dkim_domain_without_key
get_dkim_unknown_domain
add_dkim_key_size_missing
add_dkim_invalid_selector
add_dkim_unknown_domain
add_dkim_domains_as_list
add_dkim_two_domains_one_has_key
add_dkim_domain_has_key
delete_dkim_success
get_dkim_after_delete
delete_dkim_again
add_dkim_4096
get_dkim_after_add_4096_ro_key
add_dkim_duplicate_success
add_dkim_duplicate_to_unknown_domain
get_dkim_duplicated_unknown_domain
add_dkim_duplicate_from_without_key
get_alias_domain_all_empty
add_alias_domain_success
get_dkim_alias_domain_without_key
add_alias_domain_with_dkim_512
get_dkim_alias_domain_with_key
add_alias_domain_duplicate
add_alias_domain_target_missing
add_alias_domain_equal_existing_domain
add_alias_domain_invalid_alias_name
get_alias_domain_all
get_alias_domain_single_ro_key
get_alias_domain_missing
edit_alias_domain_active_and_target
edit_alias_domain_rename_attempt
edit_alias_domain_target_missing
edit_alias_domain_missing
get_alias_domain_after_edits
delete_alias_domain_success
get_dkim_after_alias_domain_delete
delete_alias_domain_again
get_domain_admin_all_empty
add_domain_admin_success
add_domain_admin_duplicate
add_domain_admin_domains_comma_string
get_domain_admin_after_comma_string
add_domain_admin_retry_after_comma_string
add_domain_admin_domain_missing
add_domain_admin_weak_password
add_domain_admin_invalid_username
get_domain_admin_all
get_domain_admin_single_ro_key
get_domain_admin_missing
edit_domain_admin_domains_and_active
get_domain_admin_after_edit
edit_domain_admin_domain_missing
edit_domain_admin_password
edit_domain_admin_missing
edit_da_acl
edit_da_acl_missing_admin
delete_domain_admin_success
delete_domain_admin_again
get_app_passwd_all_mailbox_empty
add_app_passwd_success
add_app_passwd_duplicate_name
add_app_passwd_special_chars_protocols_string
add_app_passwd_mailbox_missing
add_app_passwd_empty_name
get_app_passwd_all_mailbox_ro_key
get_app_passwd_all_missing_mailbox
get_app_passwd_by_id
edit_app_passwd_with_username
edit_app_passwd_password
edit_app_passwd_without_username
edit_app_passwd_missing_id
get_app_passwd_after_edits
delete_app_passwd_success
delete_app_passwd_again
race_add_domain_admin_thread_a
get_domain_admin_after_race
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
