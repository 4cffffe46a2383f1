# SPDX-License-Identifier: GPL-3.0-or-later
"""Injected faults and the control API's counters."""
from __future__ import annotations

import http.client
import json
import ssl
import time

import pytest

from conftest import RW_KEY, Emulator, wait_for

DOMAIN = {"domain": "faults.example", "key_size": 0}


def _connection_fails(emulator: Emulator, method: str, path: str, body: object = None) -> bool:
    try:
        emulator.request(method, path, body)
    except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError):
        return True
    return False


def test_status_fault_json_then_normal(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "status", "status": 503, "count": 2, "path": "/api/v1/get/"})
    for _attempt in range(2):
        reply = emulator.request("GET", "/api/v1/get/status/version")
        assert reply.status == 503
        assert reply.json() == {"type": "error", "msg": "Service Temporarily Unavailable"}
    assert emulator.request("GET", "/api/v1/get/status/version").json() == {"version": "2026-07a"}


def test_status_fault_empty_body_and_path_filter(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "status", "status": 500, "body": "empty", "path": "/api/v1/add/"})
    assert emulator.request("GET", "/api/v1/get/status/version").status == 200  # other path: untouched
    reply = emulator.request("POST", "/api/v1/add/domain", DOMAIN)
    assert (reply.status, reply.body) == (500, b"")
    assert emulator.request("GET", "/api/v1/get/domain/faults.example").json() == {}


def test_html_fault_is_an_nginx_page(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "html"})
    reply = emulator.request("GET", "/api/v1/get/domain/all")
    assert reply.status == 502
    assert reply.content_type.startswith("text/html")
    assert "<center>nginx</center>" in reply.text and "502 Bad Gateway" in reply.text


def test_drop_fault_closes_without_answer(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "drop", "path": "/api/v1/add/"})
    assert _connection_fails(emulator, "POST", "/api/v1/add/domain", DOMAIN)
    assert emulator.request("GET", "/api/v1/get/domain/faults.example").json() == {}  # not performed


def test_drop_after_processing_is_a_lost_reply(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "drop", "path": "/api/v1/add/", "process": True})
    assert _connection_fails(emulator, "POST", "/api/v1/add/domain", DOMAIN)
    assert emulator.request("GET", "/api/v1/get/domain/faults.example").json()["domain_name"] == "faults.example"


def test_slow_fault_delays_a_normal_answer(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "slow", "delay": 0.4})
    started = time.monotonic()
    reply = emulator.request("GET", "/api/v1/get/status/version")
    assert time.monotonic() - started >= 0.4
    assert reply.json() == {"version": "2026-07a"}


def test_empty_fault_performs_nothing(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "empty", "path": "/api/v1/add/"})
    reply = emulator.request("POST", "/api/v1/add/domain", DOMAIN)
    assert (reply.status, reply.body) == (200, b"")
    assert emulator.request("GET", "/api/v1/get/domain/faults.example").json() == {}


def test_faults_from_config_count_and_clear(make_emulator: object) -> None:
    emulator = make_emulator(faults=[{"kind": "status", "status": 504, "count": 0}])  # type: ignore[operator]
    assert [emulator.request("GET", "/api/v1/get/status/version").status for _attempt in range(3)] == [504] * 3
    assert len(emulator.control("GET", "faults")["faults"]) == 1
    emulator.control("POST", "faults/clear")
    assert emulator.request("GET", "/api/v1/get/status/version").status == 200


def test_bad_fault_is_refused(emulator: Emulator) -> None:
    reply = emulator.request("POST", "/_sandbox/faults", {"kind": "meteor"}, key=None)
    assert reply.status == 400


def test_stats_count_api_requests_by_route(emulator: Emulator) -> None:
    emulator.control("POST", "stats/reset")
    emulator.request("GET", "/api/v1/get/mailbox/nobody@example.org")
    emulator.request("GET", "/api/v1/get/mailbox/other@example.org")
    emulator.request("GET", "/api/v1/get/mailbox/all", https=False)
    emulator.request("POST", "/api/v1/delete/mailbox", ["x@example.org"])
    stats = emulator.control("GET", "stats")
    assert stats["requests"] == 4  # control requests are not counted
    assert stats["by_route"] == {
        "GET /api/v1/get/mailbox/all": 1,
        "GET /api/v1/get/mailbox/{id}": 2,
        "POST /api/v1/delete/mailbox": 1,
    }
    emulator.control("POST", "stats/reset")
    assert emulator.control("GET", "stats")["requests"] == 0


@pytest.mark.parametrize("route", ["nope", "stats/nope"])
def test_unknown_control_route(emulator: Emulator, route: str) -> None:
    assert emulator.request("GET", "/_sandbox/" + route, key=None).status == 404


def test_reset_drops_objects_keeps_keys(emulator: Emulator) -> None:
    emulator.request("POST", "/api/v1/add/domain", DOMAIN)
    emulator.control("POST", "reset")
    assert emulator.request("GET", "/api/v1/get/domain/all").body == b"{}"
    assert emulator.request("GET", "/api/v1/get/status/version").status == 200


def test_fault_after_lets_the_first_requests_through(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "status", "status": 503, "count": 0, "after": 2, "path": "/api/v1/get/", "retry_after": 3})
    assert [emulator.request("GET", "/api/v1/get/status/version").status for _attempt in range(2)] == [200, 200]
    reply = emulator.request("GET", "/api/v1/get/status/version")
    assert (reply.status, reply.headers.get("Retry-After")) == (503, "3")


def test_trickle_fault_performs_the_request_then_sends_its_answer_byte_by_byte(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "trickle", "delay": 0.01, "path": "/api/v1/add/"})
    conn = emulator.connection()
    conn.request("POST", "/api/v1/add/domain", body=b'{"domain": "faults.example", "key_size": 0}',
                 headers={"X-API-Key": RW_KEY, "Content-Type": "application/json"})
    response = conn.getresponse()
    pieces = []
    while True:
        piece = response.read1(65536)
        if not piece:
            break
        pieces.append(piece)
    conn.close()
    assert len(pieces) > 10  # it came in many pieces, not at once
    assert json.loads(b"".join(pieces))[0]["type"] == "success"
    assert emulator.request("GET", "/api/v1/get/domain/faults.example").json()["domain_name"] == "faults.example"
    assert wait_for(lambda: emulator.control("GET", "stats")["streams"] == {"finished": 1})


def test_a_client_that_leaves_a_trickle_is_counted(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "trickle", "delay": 0.2, "path": "/api/v1/get/"})
    conn = emulator.connection()
    conn.request("GET", "/api/v1/get/status/version", headers={"X-API-Key": RW_KEY})
    response = conn.getresponse()
    assert response.read1(1) == b"{"
    conn.close()
    assert wait_for(lambda: emulator.control("GET", "stats")["streams"] == {"client gone": 1})


@pytest.mark.parametrize("announce", [True, False])
def test_huge_fault_sends_a_body_of_the_given_size(emulator: Emulator, announce: bool) -> None:
    emulator.control("POST", "faults", {"kind": "huge", "size": 3 * 1024 * 1024 + 5, "announce": announce})
    reply = emulator.request("GET", "/api/v1/get/domain/all")
    assert reply.status == 200 and len(reply.body) == 3 * 1024 * 1024 + 5 and reply.body.startswith(b'[{"domain_name": "huge.example"')
    assert reply.headers.get("Content-Length") == (str(3 * 1024 * 1024 + 5) if announce else None)
    assert emulator.control("GET", "stats")["by_route"] == {"GET /api/v1/get/domain/all": 1}
    assert wait_for(lambda: emulator.control("GET", "stats")["streams"] == {"finished": 1})
