# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_log_info's reads and normalisation as exact HTTP conversations, with the answers the real Mailcow recorded."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowAuthError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._log.manager import log_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._log.model import check_since, normalize
from ...scripted_mailcow import transcript

LOGS = "transcripts-logs.jsonl"
API_10 = transcript("get_logs_api_10", LOGS)["body"]
API_ALL = transcript("get_logs_api_no_count", LOGS)["body"]  # 517 requests, 23 of them add/mailbox, the oldest at 01:49:02
UI = transcript("get_logs_ui_10", LOGS)["body"]
EMPTY = transcript("get_logs_dovecot_10", LOGS)["body"]
BAD_KEY = transcript("get_status_version_bad_key", "transcripts-operations.jsonl")


def run(server, **params):
    params = dict({"log": "api", "count": 100, "since": None, "contains": None}, **params)
    return log_entries(MailcowClient(server.url, "K"), params)


def test_api_log_normalised_newest_first(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/logs/api/10", reply=API_10)
    result = run(mailcow, count=10)
    assert result["read"] == 10 and len(result["entries"]) == 10 and not result["changed"]
    assert result["entries"][0] == {"time": "2026-12-07T01:49:09Z", "timestamp": 1796608149, "method": "GET",
                                    "uri": "/api/v1/get/logs/api/10", "remote": "127.0.0.1", "data": ""}


def test_empty_log_is_an_empty_list(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/logs/dovecot/100", reply=EMPTY)
    assert run(mailcow, log="dovecot") == {"changed": False, "log": "dovecot", "entries": [], "read": 0}


def test_ui_log_json_fields_decoded(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/logs/ui/10", reply=UI)
    entry = run(mailcow, log="ui", count=10)["entries"][0]
    assert entry["message"] == "queue_cat_success" and entry["call"] == ["process_mailq_output", "cat", {"qid": "ABCDEF123"}]
    assert (entry["time"], entry["type"], entry["user"], entry["role"], entry["id"]) == ("2026-12-07T01:49:09Z", "success", "API", "admin", 1)


def test_contains_and_since_filter_what_was_read(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/logs/api/10000", reply=API_ALL)
    found = run(mailcow, count=10000, contains="ADD/MAILBOX")
    assert found["read"] == 517 and len(found["entries"]) == 23 and all("/add/mailbox" in e["uri"] for e in found["entries"])
    assert found["entries"][-1]["data"].count('"password":"*"') == 1
    mailcow.expect("GET", "/api/v1/get/logs/api/10000", reply=API_ALL)
    late = run(mailcow, count=10000, since="2026-12-07T01:49:09Z")
    assert len(late["entries"]) == 16 and all(e["timestamp"] >= 1796608149 for e in late["entries"])
    mailcow.expect("GET", "/api/v1/get/logs/api/10000", reply=API_ALL)
    local = run(mailcow, count=10000, since="2026-12-07T02:49:08+01:00")  # the same instant less a second, with an offset
    assert len(local["entries"]) == 16 + 20


def test_since_as_an_age() -> None:
    now = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=datetime.timezone.utc)
    assert check_since("30m", now) == datetime.datetime(2026, 12, 7, 7, 30, tzinfo=datetime.timezone.utc)
    assert check_since("2d", now) == datetime.datetime(2026, 12, 5, 8, 0, tzinfo=datetime.timezone.utc)
    assert check_since("2026-12-07T06:00:00", now) == datetime.datetime(2026, 12, 7, 6, 0, tzinfo=datetime.timezone.utc)


def test_fields_named_per_log() -> None:
    assert normalize("sasl", {"username": "alice@rb.example", "service": "imap", "real_rip": "192.0.2.4", "datetime": "2026-12-07 01:49:02"}) == {
        "time": "2026-12-07T01:49:02", "timestamp": None, "username": "alice@rb.example", "service": "imap", "remote": "192.0.2.4"}
    assert normalize("watchdog", {"time": "1796608149", "service": "Postfix", "lvl": "100", "hpnow": "5", "hptotal": "8", "hpdiff": "0"}) == {
        "time": "2026-12-07T01:49:09Z", "timestamp": 1796608149, "service": "Postfix", "level": "100", "health": "5", "health_total": "8",
        "health_change": "0"}
    assert normalize("rspamd-history", {"unix_time": 1796608149.25, "rcpt_smtp": ["bob@rb.example"], "action": "reject", "x": 1})["recipients"] == [
        "bob@rb.example"]
    assert normalize("postfix", {"program": "postfix/smtpd", "priority": "info", "message": "connect"})["time"] is None


def test_bad_key(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/logs/api/100", reply=BAD_KEY["body"], status=BAD_KEY["status"], content_type=BAD_KEY["content_type"])
    with pytest.raises(MailcowAuthError, match="rejected the API key"):
        run(mailcow)


@pytest.mark.parametrize("params, match", [
    ({"log": "nosuch"}, "log must be one of acme, api, autodiscover"),
    ({"count": 0}, "count must be a whole number of entries from 1 to 10000, got 0"),
    ({"count": 10001}, "count must be a whole number of entries from 1 to 10000"),
    ({"since": "yesterday"}, "since must be an ISO 8601 time such as 2026-12-07T08:00:00Z"),
    ({"since": "5 years"}, "since must be an ISO 8601 time"),
    ({"contains": "a\nb"}, "contains must not contain control characters"),
])
def test_bad_input_refused_before_any_request(mailcow, params, match) -> None:
    with pytest.raises(MailcowOptionError, match=match):
        run(mailcow, **params)
    assert mailcow.seen == []
