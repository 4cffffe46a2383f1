# SPDX-License-Identifier: GPL-3.0-or-later
"""Racing adds, as a real Mailcow answers them (tests/fixtures/mailcow-api/transcripts-races.jsonl).

Two identical adds at once: one succeeds, the other answers HTTP 200 with an empty body, and the
object exists once. A later duplicate add is refused with object_exists / is_alias_or_mailbox.
Every request goes over its own real HTTPS connection, opened before the race starts.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from conftest import RW_KEY, Emulator, Reply

RACES = Path(__file__).resolve().parents[1] / "fixtures" / "mailcow-api" / "transcripts-races.jsonl"
CASES = {c["case"]: c for c in (json.loads(line) for line in RACES.read_text(encoding="utf-8").splitlines() if line.strip())}
PAIRS = ["race_add_mailbox", "race_add_alias", "race_add_domain_admin"]


def _send_at_once(emulator: Emulator, requests: list[dict[str, Any]]) -> list[Reply]:
    """Each request on its own connected socket, released together by a barrier."""
    connections = [emulator.connection() for _request in requests]
    for conn in connections:
        conn.connect()
    barrier = threading.Barrier(len(requests))
    replies: list[Any] = [None] * len(requests)

    def run(index: int) -> None:
        request = requests[index]
        barrier.wait()
        replies[index] = emulator.request(request["method"], request["path"], request["body"], conn=connections[index])

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for conn in connections:
        conn.close()
    return replies


def _setup(emulator: Emulator) -> None:
    assert emulator.request("POST", "/api/v1/add/domain", {"domain": "lc.example", "key_size": 0}).status == 200
    bob = {"local_part": "bob", "domain": "lc.example", "password": "Fake-Passw0rd-1", "password2": "Fake-Passw0rd-1"}
    assert emulator.request("POST", "/api/v1/add/mailbox", bob).json()[-1]["msg"][0] == "mailbox_added"


def _count(emulator: Emulator, category: str, name: str) -> int:
    path = "/api/v1/get/domain-admin/all" if category == "admin" else "/api/v1/get/%s/all/lc.example" % category
    found = emulator.request("GET", path).json()
    found = found if isinstance(found, list) else [found] if found else []
    field = "address" if category == "alias" else "username"
    return sum(1 for item in found if item.get(field) == name)


@pytest.mark.parametrize("pair", PAIRS)
def test_racing_adds_replay_the_recorded_pair(emulator: Emulator, pair: str) -> None:
    _setup(emulator)
    # Both requests are held 0.3 s by php-fpm, so they surely overlap whatever the machine's load.
    emulator.control("POST", "faults", {"kind": "slow", "delay": 0.3, "count": 2, "path": "/api/v1/add/"})
    winner, loser = CASES[pair + "_thread_a"], CASES[pair + "_thread_b"]
    assert loser["response"]["body"] == "" and winner["request"] == loser["request"]
    replies = _send_at_once(emulator, [winner["request"], loser["request"]])
    assert all(r.status == 200 for r in replies)
    bodies = sorted((r.body for r in replies), key=len)
    assert bodies[0] == b""
    recorded = [entry["msg"] for entry in winner["response"]["body"]]
    assert [entry["msg"][0] for entry in json.loads(bodies[1])] == [msg[0] for msg in recorded]
    body = winner["request"]["body"]
    category = pair.rsplit("_", 1)[1]
    name = body.get("address") or body.get("username") or "%s@%s" % (body.get("local_part"), body.get("domain"))
    assert _count(emulator, category, name) == 1


@pytest.mark.parametrize("category,body,refusal", [
    ("mailbox", {"local_part": "late", "domain": "lc.example", "password": "Fake-Passw0rd-1", "password2": "Fake-Passw0rd-1"},
     ["object_exists", "late@lc.example"]),
    ("alias", {"address": "late-alias@lc.example", "goto": "bob@lc.example", "active": 1}, ["is_alias_or_mailbox", "late-alias@lc.example"]),
    ("domain-admin", {"username": "late", "domains": ["lc.example"], "password": "Fake-Passw0rd-1", "password2": "Fake-Passw0rd-1", "active": 1},
     ["object_exists", "late"]),
])
def test_a_later_duplicate_add_is_refused(emulator: Emulator, category: str, body: dict[str, Any], refusal: list[str]) -> None:
    _setup(emulator)
    first = emulator.request("POST", "/api/v1/add/" + category, body)
    assert first.json()[-1]["type"] == "success"
    again = emulator.request("POST", "/api/v1/add/" + category, body)
    assert (again.status, again.json()[-1]["type"], again.json()[-1]["msg"]) == (200, "danger", refusal)


def test_simultaneous_adds_with_realistic_latency(emulator: Emulator) -> None:
    """Five pairs released at once with the realistic cost of an add (~78 ms): one empty body a pair."""
    _setup(emulator)
    emulator.control("POST", "latency", {"model": "realistic"})
    for number in range(5):
        body = {"local_part": "race%d" % number, "domain": "lc.example", "name": "Race", "password": "Fake-Passw0rd-1",
                "password2": "Fake-Passw0rd-1", "active": 1, "quota": 64}
        request = {"method": "POST", "path": "/api/v1/add/mailbox", "body": body}
        replies = _send_at_once(emulator, [request, request])
        assert sorted(len(r.body) > 0 for r in replies) == [False, True], [r.text for r in replies]
        assert _count(emulator, "mailbox", "race%d@lc.example" % number) == 1


def test_unauthenticated_add_never_wins_or_loses_a_race(emulator: Emulator) -> None:
    _setup(emulator)
    emulator.control("POST", "faults", {"kind": "slow", "delay": 0.3, "count": 1, "path": "/api/v1/add/"})
    body = {"address": "x@lc.example", "goto": "bob@lc.example", "active": 1}
    conn = emulator.connection()
    conn.connect()
    thread = threading.Thread(target=lambda: emulator.request("POST", "/api/v1/add/alias", body, conn=conn))
    thread.start()
    try:
        reply = emulator.request("POST", "/api/v1/add/alias", body, key="wrong-" + RW_KEY)
    finally:
        thread.join(10)
        conn.close()
    assert reply.status == 401  # not the empty body of a lost race
