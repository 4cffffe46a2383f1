# SPDX-License-Identifier: GPL-3.0-or-later
"""Latency model, php-fpm-like worker pool, keep-alive and many concurrent clients."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import Emulator

MAILBOX = {"domain": "lat.example", "name": "L", "password": "Geheim-123", "password2": "Geheim-123"}


def _timed(emulator: Emulator, method: str, path: str, body: object = None) -> float:
    started = time.monotonic()
    reply = emulator.request(method, path, body)
    assert reply.status == 200, reply.text
    return time.monotonic() - started


def test_realistic_latency_is_slower_than_zero(emulator: Emulator) -> None:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "lat.example", "key_size": 0})
    # The best of three, so that a busy machine does not make the unpadded run look slow.
    zero = min(_timed(emulator, "POST", "/api/v1/add/mailbox", {**MAILBOX, "local_part": f"z{n}"}) for n in range(3))
    assert emulator.control("POST", "latency", {"model": "realistic"}) == {"latency": "realistic"}
    realistic = _timed(emulator, "POST", "/api/v1/add/mailbox", {**MAILBOX, "local_part": "r"})
    edit = _timed(emulator, "POST", "/api/v1/edit/mailbox", {"items": ["r@lat.example"], "attr": {"name": "R"}})
    get = _timed(emulator, "GET", "/api/v1/get/mailbox/r@lat.example")
    assert realistic >= 0.075 > zero  # add mailbox: ~78 ms on a real Mailcow
    assert edit >= 0.02  # edit name: ~21 ms
    assert get >= 0.012  # one mailbox: ~12.5 ms


def test_one_worker_serialises_processing(emulator: Emulator) -> None:
    emulator.control("POST", "faults", {"kind": "slow", "delay": 0.4, "count": 4})

    def two_at_once() -> float:
        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda _: emulator.request("GET", "/api/v1/get/status/version"), range(2)))
        return time.monotonic() - started

    assert two_at_once() < 0.75  # 2 workers: side by side (0.4 s), with room for a busy machine
    emulator.control("POST", "workers", {"workers": 1})
    assert two_at_once() >= 0.8  # 1 worker: one after the other
    assert emulator.control("GET", "stats")["workers"] == 1


def test_keep_alive_reuses_one_connection(emulator: Emulator) -> None:
    conn = emulator.connection()
    try:
        emulator.request("GET", "/api/v1/get/status/version", conn=conn)
        sock = conn.sock
        local = sock.getsockname()
        for path in ("/api/v1/get/domain/all", "/api/v1/nope", "/api/v1/get/mailbox/all"):
            reply = emulator.request("GET", path, conn=conn)
            assert reply.headers.get("Connection") != "close"
            assert int(reply.headers["Content-Length"]) == len(reply.body)
        reply = emulator.request("POST", "/api/v1/add/domain", {"domain": "ka.example", "key_size": 0}, conn=conn)
        assert reply.json()[-1]["msg"] == ["domain_added", "ka.example"]
        assert conn.sock is sock and sock.getsockname() == local
    finally:
        conn.close()


def test_many_concurrent_clients(emulator: Emulator) -> None:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "many.example", "key_size": 0, "mailboxes": 100})
    errors: list[str] = []

    def client(n: int) -> None:
        conn = emulator.connection()
        try:
            body = {**MAILBOX, "domain": "many.example", "local_part": f"u{n}"}
            added = emulator.request("POST", "/api/v1/add/mailbox", body, conn=conn).json()
            if added[-1]["msg"] != ["mailbox_added", f"u{n}@many.example"]:
                errors.append(str(added))
            for _attempt in range(3):
                if emulator.request("GET", f"/api/v1/get/mailbox/u{n}@many.example", conn=conn).status != 200:
                    errors.append("get failed")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    listed = emulator.request("GET", "/api/v1/get/mailbox/all/many.example").json()
    assert len(listed) == 24


def test_latency_model_costs() -> None:
    from mailcow_emulator.latency import LatencyModel

    model = LatencyModel("realistic")
    assert abs(model.cost([("mailbox_list_item", 50)]) - 0.245) < 0.001  # 50 mailboxes: ~245 ms
    assert abs(model.cost([("mailbox_edit", 1), ("password_hash", 1)]) - 0.074) < 0.001
    assert abs(model.cost([("domain_add", 1)]) - 0.270) < 0.001
    assert LatencyModel("zero").cost([("domain_add", 1)]) == 0.0
