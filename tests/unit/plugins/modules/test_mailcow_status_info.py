# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_status_info's main() in-process against the emulator over HTTPS: verdict, alerting, and each failure class."""

from __future__ import annotations

import json

from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow, RunModule

BAD_KEY = "BADBAD-BADBAD-BADBAD-BADBAD-BADBAD"


def test_read_only_key_reads_a_healthy_mailcow(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_status_info", emulated.conn(RO_KEY))
    assert result["rc"] == 0 and not result["changed"] and result["healthy"] and result["reasons"] == [], result
    assert result["version"] and len(result["containers"]) == 18 and all(c["started_at"].endswith("Z") for c in result["containers"])
    assert result["full_text_search"]["available"] is False and result["storage"]["used_percent"] is None


def test_stopped_container_and_full_storage_fail_the_task_when_asked(run_module: RunModule, emulated: Mailcow) -> None:
    emulated.emulator.control("POST", "status", {"containers": {"dovecot": "exited"},
                                                 "vmail": {"disk": "/dev/vdb", "used": "97G", "total": "100G", "used_percent": "97%"}})
    reported = run_module("mailcow_status_info", emulated.conn(RO_KEY))
    assert reported["rc"] == 0 and not reported["healthy"] and reported["containers_down"] == ["dovecot-mailcow"]
    failed = run_module("mailcow_status_info", dict(emulated.conn(RO_KEY), fail_when_unhealthy=True, ignore_containers=["dovecot"]))
    assert failed["rc"] == 1 and failed["failed"] and failed["healthy"] is False, failed
    assert failed["msg"] == "Mailcow is not healthy: mail storage /dev/vdb is 97% used (97G of 100G), more than max_storage_percent 90%"
    assert failed["containers_down"] == ["dovecot-mailcow"] and failed["storage"]["total_bytes"] == 10 ** 11
    emulated.emulator.control("POST", "status", {"containers": {"dovecot": "running"}})
    healthy = run_module("mailcow_status_info", dict(emulated.conn(RO_KEY), fail_when_unhealthy=True, max_storage_percent=98))
    assert healthy["rc"] == 0 and healthy["healthy"], healthy


def test_bad_key_fails_without_showing_it(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_status_info", emulated.conn(BAD_KEY))
    assert result["rc"] == 1 and "rejected the API key" in result["msg"] and BAD_KEY not in json.dumps(result), result


def test_unreachable_server_names_api_url(run_module: RunModule) -> None:
    result = run_module("mailcow_status_info", {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "retries": 0})
    assert result["rc"] == 1 and "could not connect" in result["msg"] and "MAILCOW_API_URL" in result["msg"], result
    assert RW_KEY not in json.dumps(result)


def test_bad_input_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    before = emulated.emulator.control("GET", "stats")["requests"]
    result = run_module("mailcow_status_info", dict(emulated.conn(RO_KEY), max_storage_percent=0))
    assert result["rc"] == 1 and "max_storage_percent must be a whole percentage from 1 to 100" in result["msg"], result
    assert emulated.emulator.control("GET", "stats")["requests"] == before
