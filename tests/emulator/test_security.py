# SPDX-License-Identifier: GPL-3.0-or-later
"""fail2ban, key handling, sessions, and what must never reach the log."""
from __future__ import annotations

import http.client
import re
import ssl

from conftest import BAD_KEY, RO_KEY, RW_KEY, Emulator

SECRET = "Sehr-Geheim-42!"


def _refused(emulator: Emulator, key: str) -> bool:
    try:
        emulator.request("GET", "/api/v1/get/status/version", key=key)
    except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError):
        return True
    return False


def test_fail2ban_bans_after_repeated_401s(make_emulator: object) -> None:
    emulator = make_emulator(f2b_max=3, f2b_window=60, f2b_ban=60)  # type: ignore[operator]
    for _attempt in range(3):
        assert emulator.request("GET", "/api/v1/get/domain/all", key=BAD_KEY).status == 401
    assert _refused(emulator, RW_KEY)  # now even a good key gets its connection reset
    assert _refused(emulator, RW_KEY)
    state = emulator.control("GET", "f2b")  # the control API stays reachable to lift the ban
    assert list(state["banned"]) == ["127.0.0.1"]
    emulator.control("POST", "f2b/clear")
    assert emulator.request("GET", "/api/v1/get/status/version").status == 200
    assert emulator.control("GET", "stats")["by_status"]["banned"] == 2


def test_fail2ban_counts_ip_denials_and_can_be_disabled(emulator: Emulator) -> None:
    emulator.control("POST", "f2b", {"max": 2})
    emulator.control("POST", "allow_from", {"ro": ["192.0.2.1"]})
    for _attempt in range(2):
        reply = emulator.request("GET", "/api/v1/get/domain/all", key=RO_KEY)
        assert (reply.status, reply.json()) == (401, {"type": "error", "msg": "api access denied for ip 127.0.0.1"})
    assert _refused(emulator, RW_KEY)
    emulator.control("POST", "f2b/clear")
    emulator.control("POST", "f2b", {"max": 0})
    for _attempt in range(5):
        assert emulator.request("GET", "/api/v1/get/domain/all", key=BAD_KEY).status == 401
    assert not _refused(emulator, RW_KEY)


def test_key_characters_outside_the_alphabet_are_stripped(emulator: Emulator) -> None:
    mangled = " " + RW_KEY.lower().replace("-", "-!") + "\t"
    assert emulator.request("GET", "/api/v1/get/status/version", key=mangled).status == 200


def test_cookie_carries_the_key_and_rw_session_survives(emulator: Emulator) -> None:
    first = emulator.request("GET", "/api/v1/get/status/version")
    cookie = re.match(r"(MCSESSID=[^;]+)", first.headers["Set-Cookie"]).group(1)  # type: ignore[union-attr]
    assert "HttpOnly" in first.headers["Set-Cookie"] and "secure" in first.headers["Set-Cookie"]
    reply = emulator.request("POST", "/api/v1/add/domain", {"domain": "c.example", "key_size": 0},
                             headers={"Cookie": cookie}, key=None)
    assert reply.json()[-1]["msg"] == ["domain_added", "c.example"]
    fresh = emulator.request("GET", "/api/v1/get/domain/c.example", key=None)
    assert (fresh.status, fresh.body) == (200, b"")  # no key, no cookie: nothing


def test_log_has_no_keys_passwords_or_cookies(emulator: Emulator) -> None:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "log.example", "key_size": 0})
    add = {"local_part": "x", "domain": "log.example", "password": SECRET, "password2": SECRET}
    emulator.request("POST", "/api/v1/add/mailbox", add)
    emulator.request("POST", "/api/v1/edit/mailbox", {"items": ["x@log.example"], "attr": {"password": SECRET, "password2": SECRET}})
    emulator.request("POST", "/api/v1/add/mailbox", [add])  # the bulk reply echoes it; the log must not
    emulator.request("GET", "/api/v1/get/domain/all", key=BAD_KEY)
    emulator.request("GET", f"/api/v1/get/mailbox/all?tags={SECRET}", key=RO_KEY)
    session = emulator.request("GET", "/api/v1/get/status/version").headers["Set-Cookie"].split(";")[0].split("=")[1]
    emulator.request("GET", "/api/v1/get/status/version", headers={"Cookie": f"MCSESSID={session}"}, key=None)
    log = emulator.log_file.read_text()  # line-buffered: complete while the emulator runs
    assert "POST /api/v1/add/mailbox 200" in log and "GET /api/v1/get/domain/all 401" in log
    for secret in (RW_KEY, RO_KEY, BAD_KEY, SECRET, session):
        assert secret not in log
    assert SECRET not in emulator.users_file.read_text()
