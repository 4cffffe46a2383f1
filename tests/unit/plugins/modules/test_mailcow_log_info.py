# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_log_info's main() in-process against the emulator over HTTPS: counts, filters, and each failure class."""

from __future__ import annotations

import json
import time

from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow, RunModule

BAD_KEY = "BADBAD-BADBAD-BADBAD-BADBAD-BADBAD"


def test_postfix_log_filtered_by_age_and_text(run_module: RunModule, emulated: Mailcow) -> None:
    now = int(time.time())
    lines = [{"time": str(now - 7200), "program": "postfix/smtpd", "priority": "info", "message": "NOQUEUE: reject: RCPT from old[203.0.113.1]"},
             {"time": str(now - 60), "program": "postfix/smtpd", "priority": "info", "message": "connect from unknown[203.0.113.9]"},
             {"time": str(now - 30), "program": "postfix/smtpd", "priority": "info", "message": "NOQUEUE: reject: RCPT from unknown[203.0.113.9]"}]
    emulated.emulator.control("POST", "logs", {"log": "postfix", "entries": lines})
    recent = run_module("mailcow_log_info", dict(emulated.conn(RO_KEY), log="postfix", since="1h", contains="Reject"))
    assert recent["rc"] == 0 and recent["read"] == 3 and not recent["changed"], recent
    assert [e["message"] for e in recent["entries"]] == [lines[2]["message"]] and recent["entries"][0]["program"] == "postfix/smtpd"
    assert recent["entries"][0]["timestamp"] == now - 30 and recent["entries"][0]["time"].endswith("Z")
    two = run_module("mailcow_log_info", dict(emulated.conn(RO_KEY), log="postfix", count=2))
    assert [e["timestamp"] for e in two["entries"]] == [now - 30, now - 60] and two["read"] == 2


def test_api_log_lists_the_writes(run_module: RunModule, emulated: Mailcow) -> None:
    run_module("mailcow_fail2ban", dict(emulated.conn(), ban_time=900))
    result = run_module("mailcow_log_info", dict(emulated.conn(RO_KEY), log="api", count=5, contains="edit/fail2ban"))
    assert result["rc"] == 0 and [(e["method"], e["uri"]) for e in result["entries"]] == [("POST", "/api/v1/edit/fail2ban")], result
    assert '"ban_time":900' in result["entries"][0]["data"] and RW_KEY not in json.dumps(result)


def test_empty_log(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_log_info", dict(emulated.conn(RO_KEY), log="watchdog"))
    assert result["rc"] == 0 and result["entries"] == [] and result["read"] == 0, result


def test_bad_key_fails_without_showing_it(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_log_info", dict(emulated.conn(BAD_KEY), log="api"))
    assert result["rc"] == 1 and "rejected the API key" in result["msg"] and BAD_KEY not in json.dumps(result), result


def test_unreachable_server_names_api_url(run_module: RunModule) -> None:
    result = run_module("mailcow_log_info", {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "retries": 0, "log": "api"})
    assert result["rc"] == 1 and "could not connect" in result["msg"] and "MAILCOW_API_URL" in result["msg"], result


def test_bad_input_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    before = emulated.emulator.control("GET", "stats")["requests"]
    result = run_module("mailcow_log_info", dict(emulated.conn(RO_KEY), log="api", since="last week"))
    assert result["rc"] == 1 and "since must be an ISO 8601 time" in result["msg"], result
    unknown = run_module("mailcow_log_info", dict(emulated.conn(RO_KEY), log="nosuch"))
    assert unknown["rc"] == 1 and "value of log must be one of" in unknown["msg"], unknown
    assert emulated.emulator.control("GET", "stats")["requests"] == before
