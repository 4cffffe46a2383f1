# SPDX-License-Identifier: GPL-3.0-or-later
"""The reduced mailbox listing (GET get/mailbox/reduced/<domain>): what it answers and what it costs.

transcripts-listing.jsonl holds the cases get_mailbox_reduced_domain, get_mailbox_all_domain and
get_mailbox_reduced_missing_domain of a real Mailcow, preceded by the recorded setup cases they
depend on (domains, three mailboxes, the sender_acl edits that touched alice), in recording order.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import RW_KEY, start_emulator
from test_transcripts import Replay
from test_transcripts import test_replay as replay_case

from mailcow_emulator.auth import ApiKeys, Fail2Ban
from mailcow_emulator.latency import LatencyModel
from mailcow_emulator.model import Store
from mailcow_emulator.router import MailcowApi
from mailcow_emulator.wire import Request

LISTING = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-listing.jsonl"
CASES = [json.loads(line) for line in LISTING.read_text(encoding="utf-8").splitlines() if line.strip()]
ONLY_IN_FULL = {"max_new_quota", "spam_aliases", "pushover_active", "rl", "rl_scope", "is_relayed", "sender_acl"}


@pytest.fixture(scope="module")
def listing_replay(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Replay]:
    emulator = start_emulator(tmp_path_factory.mktemp("listing"), tls_dir)
    yield Replay(emulator)
    emulator.stop()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_listing_transcript(listing_replay: Replay, case: dict[str, Any]) -> None:
    """Replayed in order on one emulator: every answer as the real Mailcow gave it."""
    replay_case(listing_replay, case)


def test_recorded_reduced_objects_are_the_full_ones_minus_seven_fields() -> None:
    """The fixture itself: what the client may rely on when it reads the reduced listing."""
    bodies = {c["case"]: c["response"]["body"] for c in CASES}
    full, reduced = bodies["get_mailbox_all_domain"], bodies["get_mailbox_reduced_domain"]
    assert [m["username"] for m in full] == [m["username"] for m in reduced]
    for full_item, reduced_item in zip(full, reduced):
        assert set(full_item) - set(reduced_item) == ONLY_IN_FULL
        assert {k: v for k, v in full_item.items() if k not in ONLY_IN_FULL} == reduced_item
    assert bodies["get_mailbox_reduced_missing_domain"] == reduced  # unknown domain: every mailbox


# -- the latency model ---------------------------------------------------------------------------
def _request(method: str, path: str, body: Any = None) -> Request:
    payload = json.dumps(body).encode() if body is not None else b""
    headers = {"X-API-Key": RW_KEY, "Content-Type": "application/json"}
    return Request(method, path, "", headers, payload, "127.0.0.1", True)


def _charges_of(api: MailcowApi, method: str, path: str, body: Any = None) -> list[tuple[str, int]]:
    charges: list[tuple[str, int]] = []
    reply = api.handle(_request(method, path, body), charges)
    assert reply.status == 200 and b"danger" not in reply.body, reply.body
    return charges


def test_reduced_listing_is_charged_as_the_cheaper_read() -> None:
    api = MailcowApi(Store(), ApiKeys(RW_KEY, "", {"rw": ["127.0.0.1"], "ro": []}), Fail2Ban(0), "2026-07a",
                     "mail.sandbox.test", on_mail_change=lambda: None)
    _charges_of(api, "POST", "/api/v1/add/domain", {"domain": "cost.example", "defquota": 64, "maxquota": 1024, "quota": 10240, "active": 1})
    for n in range(4):
        body = {"local_part": f"u{n}", "domain": "cost.example", "password": "Fake-Passw0rd-1", "password2": "Fake-Passw0rd-1", "active": 1}
        _charges_of(api, "POST", "/api/v1/add/mailbox", body)
    reduced = _charges_of(api, "GET", "/api/v1/get/mailbox/reduced/cost.example")
    full = _charges_of(api, "GET", "/api/v1/get/mailbox/all/cost.example")
    assert reduced == [("mailbox_reduced_item", 4)]
    assert full == [("mailbox_list_item", 4)]
    # Unknown domain: every mailbox is listed, and charged.
    assert _charges_of(api, "GET", "/api/v1/get/mailbox/reduced/missing.example") == [("mailbox_reduced_item", 4)]


def test_latency_model_prices_both_listings_as_measured() -> None:
    """Measured on a real Mailcow at 1000 mailboxes: full ~4.7 ms, reduced ~1.4 ms per mailbox."""
    model = LatencyModel("realistic")
    assert abs(model.cost([("mailbox_list_item", 1000)]) - 4.71) < 0.001
    assert abs(model.cost([("mailbox_reduced_item", 1000)]) - 1.41) < 0.001
    assert LatencyModel("zero").cost([("mailbox_reduced_item", 1000)]) == 0.0
