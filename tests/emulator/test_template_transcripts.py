# SPDX-License-Identifier: GPL-3.0-or-later
"""Replay the template and resource recordings of a real Mailcow in order on one fresh emulator.

The recordings are tests/fixtures/mailcow-api/transcripts-templates.jsonl (domain and mailbox
templates, and domains and mailboxes added with and without one) and transcripts-resources.jsonl
(rooms, equipment and groups of a domain), cases of the same recording as
tests/fixtures/mailcow-api/transcripts-routing.jsonl, whose setup cases (domains rb.example and
rb2.example, mailboxes alice@ and bob@rb.example) are replayed first. Templates are read by
numeric id only (a name reads as ``{}``), ids are shared between the two kinds, edits replace the
whole attribute set (a mailbox template's edit copies its row into its attributes when
``protocol_access`` is not sent), Default cannot be deleted or renamed, a domain template delete
removes the first id of a list only, and add/domain and add/mailbox ignore a template *name*.
"""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from test_rewriting_transcripts import recorded_cases, replay_after_setup
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

TEMPLATES = recorded_cases("transcripts-templates.jsonl")
RESOURCES = recorded_cases("transcripts-resources.jsonl")


@pytest.fixture(scope="module")
def templates_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    yield from replay_after_setup(tmp_path_factory, tls_dir, "templates")


@pytest.mark.parametrize("case", TEMPLATES, ids=[c["case"] for c in TEMPLATES])
def test_template_transcript(templates_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(templates_replay, case)


@pytest.mark.parametrize("case", RESOURCES, ids=[c["case"] for c in RESOURCES])
def test_resource_transcript(templates_replay: Replay, case: dict[str, Any]) -> None:
    """After the template cases, in order.

    The domain's mailbox listing is compared by its addresses only: its mailboxes also carry what cases of the
    recording not copied here did to them (a relayhost, a spam alias, a recovery address); what it shows is that
    no resource is listed as a mailbox.
    """
    if case["case"] != "get_mailbox_all_with_resources":
        replay_case(templates_replay, case)
        return
    listed = templates_replay.send(case["request"]).json()
    assert [m["username"] for m in listed] == [m["username"] for m in case["response"]["body"]] == [
        "alice@rb.example", "bob@rb.example", "notpl@rb.example", "tpluser@rb.example"]
