# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_fail2ban and mailcow_fail2ban_info in-process against the emulator over HTTPS, whose bans the settings drive."""

from __future__ import annotations

import json

from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow, RunModule

BAD_KEY = "BADBAD-BADBAD-BADBAD-BADBAD-BADBAD"
SETTINGS = {"ban_time": 3600, "ban_time_increment": True, "max_ban_time": 86400, "max_attempts": 5, "retry_window": 900,
            "netban_ipv4": 24, "netban_ipv6": 64, "allowlist": ["2001:db8:10::/48", "192.0.2.0/24", "office.example"],
            "denylist": ["203.0.113.7"]}


def read(emulated: Mailcow) -> dict:
    return emulated.emulator.request("GET", "/api/v1/get/fail2ban").json()


def test_check_mode_then_change_then_unchanged(run_module: RunModule, emulated: Mailcow) -> None:
    fresh = read(emulated)
    predicted = run_module("mailcow_fail2ban", dict(emulated.conn(), **SETTINGS), check_mode=True, diff=True)
    assert predicted["rc"] == 0 and predicted["changed"] and read(emulated) == fresh, predicted
    changed = run_module("mailcow_fail2ban", dict(emulated.conn(), **SETTINGS), diff=True)
    assert changed["rc"] == 0 and changed["changed"] and changed["fail2ban"] == predicted["fail2ban"], changed
    assert changed["diff"]["before"]["ban_time"] == 1800 and changed["diff"]["after"]["allowlist"] == sorted(SETTINGS["allowlist"])
    stored = read(emulated)
    assert (stored["ban_time"], stored["netban_ipv4"], stored["whitelist"]) == (3600, 24, "192.0.2.0/24\n2001:db8:10::/48\noffice.example")
    again = run_module("mailcow_fail2ban", dict(emulated.conn(), whitelist=SETTINGS["allowlist"], **{k: v for k, v in SETTINGS.items() if k != "allowlist"}))
    assert again["rc"] == 0 and not again["changed"] and again["changes"] == [], again
    seen = run_module("mailcow_fail2ban_info", emulated.conn(RO_KEY))
    assert seen["rc"] == 0 and seen["fail2ban"] == changed["fail2ban"] and seen["bans"] == [] and len(seen["filters"]) == 9


def test_settings_drive_the_bans_and_unban_lifts_them(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_fail2ban", dict(emulated.conn(), ban_time=600, max_ban_time=3600, netban_ipv4=24))["changed"]
    emulated.emulator.control("POST", "f2b/ban", {"ip": "198.51.100.7"})
    bans = run_module("mailcow_fail2ban_info", emulated.conn(RO_KEY))["bans"]
    assert [(b["network"], b["permanent"], b["queued_for_unban"]) for b in bans] == [("198.51.100.0/24", False, False)]
    assert 595 <= bans[0]["seconds_left"] <= 600 and bans[0]["banned_until"].endswith("Z")
    lifted = run_module("mailcow_fail2ban", dict(emulated.conn(), unban=["198.51.100.7"]), diff=True)
    assert lifted["changed"] and lifted["unbanned"] == ["198.51.100.0/24"] and lifted["diff"]["after"]["banned"] == [], lifted
    assert run_module("mailcow_fail2ban_info", emulated.conn(RO_KEY))["bans"] == []
    assert not run_module("mailcow_fail2ban", dict(emulated.conn(), unban=["198.51.100.7"]))["changed"]
    emulated.emulator.control("POST", "f2b/ban", {"ip": "198.51.100.8"})  # the network's second ban: twice as long (increment)
    second = run_module("mailcow_fail2ban_info", emulated.conn(RO_KEY))["bans"][0]
    assert 1195 <= second["seconds_left"] <= 1200


def test_allowlisted_client_is_never_banned(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_fail2ban", dict(emulated.conn(), max_attempts=2, allowlist=["127.0.0.1"]))["changed"]
    for _attempt in range(3):
        assert emulated.emulator.request("GET", "/api/v1/get/status/version", key=BAD_KEY).status == 401
    assert run_module("mailcow_fail2ban_info", emulated.conn(RO_KEY))["bans"] == []
    assert emulated.emulator.control("GET", "f2b")["banned"] == {}


def test_read_only_key_cannot_write_and_nothing_changes(run_module: RunModule, emulated: Mailcow) -> None:
    fresh = read(emulated)
    result = run_module("mailcow_fail2ban", dict(emulated.conn(RO_KEY), ban_time=120))
    assert result["rc"] == 1 and "read-only" in result["msg"] and RO_KEY not in json.dumps(result), result
    assert read(emulated) == fresh


def test_bad_key_fails_without_showing_it(run_module: RunModule, emulated: Mailcow) -> None:
    for name in ("mailcow_fail2ban", "mailcow_fail2ban_info"):
        result = run_module(name, emulated.conn(BAD_KEY))
        assert result["rc"] == 1 and "rejected the API key" in result["msg"] and BAD_KEY not in json.dumps(result), result


def test_unreachable_server_names_api_url(run_module: RunModule) -> None:
    for name in ("mailcow_fail2ban", "mailcow_fail2ban_info"):
        result = run_module(name, {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "retries": 0})
        assert result["rc"] == 1 and "could not connect" in result["msg"] and "MAILCOW_API_URL" in result["msg"], result


def test_bad_input_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    before = emulated.emulator.control("GET", "stats")["requests"]
    result = run_module("mailcow_fail2ban", dict(emulated.conn(), ban_time=30, allowlist=["192.0.2.0/24"]))
    assert result["rc"] == 1 and result["msg"] == "ban_time must be a whole number of seconds from 60 to 2147483647, got 30", result
    result = run_module("mailcow_fail2ban", dict(emulated.conn(), denylist=["bad host"]))
    assert result["rc"] == 1 and "denylist: 'bad host' is not an IP address or a network" in result["msg"], result
    assert emulated.emulator.control("GET", "stats")["requests"] == before
