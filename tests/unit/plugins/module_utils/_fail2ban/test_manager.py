# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_fail2ban's and mailcow_fail2ban_info's decisions as exact HTTP conversations, with the answers the real Mailcow recorded."""

from __future__ import annotations

import copy
import datetime
import re

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowAuthError,
    MailcowForbiddenError,
    MailcowOptionError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.manager import info, manage
from ...scripted_mailcow import recorded_request, transcript

OPS = "transcripts-operations.jsonl"
FRESH = transcript("get_fail2ban", OPS)["body"]  # a fresh install: 1800 s, increment on, 10 attempts in 600 s, empty lists
EDITED = transcript("get_fail2ban_after_edit", OPS)["body"]  # max_ban_time 86400, allow 192.0.2.0/24, deny 203.0.113.7
COERCED = transcript("get_fail2ban_after_strings", OPS)["body"]  # ban_time "abc" kept as 60, max_attempts "0" as 1
MODIFIED = transcript("edit_fail2ban_settings", OPS)["body"]
UNBANNED = transcript("edit_fail2ban_unban", OPS)["body"]
RO = transcript("edit_fail2ban_ro_key", OPS)
BAD_KEY = transcript("get_status_version_bad_key", OPS)
GET, EDIT = "/api/v1/get/fail2ban", "/api/v1/edit/fail2ban"
# The recorded edit: every setting, as the module always sends them.
EDIT_BODY = recorded_request("edit_fail2ban_settings", OPS)["body"]
WANTED = {"max_ban_time": 86400, "allowlist": ["192.0.2.0/24"], "denylist": ["203.0.113.7"]}


def params(**given):
    names = ("ban_time", "max_ban_time", "ban_time_increment", "max_attempts", "retry_window", "netban_ipv4", "netban_ipv6", "allowlist", "denylist")
    return dict(dict.fromkeys(names, None), **dict({"unban": []}, **given))


def run(server, check_mode=False, key="K", **given):
    return manage(MailcowClient(server.url, key, retries=0), params(**given), check_mode=check_mode, diff=True)


def test_change_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply=MODIFIED).expect("GET", GET, reply=EDITED)
    result = run(mailcow, **WANTED)
    assert result["changed"] and result["changes"] == ["max_ban_time", "allowlist", "denylist"] and result["unbanned"] == []
    assert result["fail2ban"]["allowlist"] == ["192.0.2.0/24"] and result["fail2ban"]["ban_time_increment"] is True
    assert result["diff"]["before"]["max_ban_time"] == 10000 and result["diff"]["after"]["max_ban_time"] == 86400
    assert result["diff"]["before"]["denylist"] == [] and result["diff"]["after"]["denylist"] == ["203.0.113.7"]
    mailcow.expect("GET", GET, reply=EDITED)
    again = run(mailcow, **WANTED)
    assert not again["changed"] and again["fail2ban"] == result["fail2ban"] and again["diff"]["before"] == again["diff"]["after"]


def test_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", GET, reply=FRESH)
    result = run(mailcow, check_mode=True, ban_time=3600, netban_ipv6=64)
    assert result["changed"] and result["changes"] == ["ban_time", "netban_ipv6"]
    assert result["fail2ban"]["ban_time"] == 3600 and result["fail2ban"]["max_attempts"] == 10


def test_settings_not_given_are_sent_as_they_are_so_mailcow_keeps_them(mailcow) -> None:
    """Mailcow turns an omitted ban_time_increment off: the module sends the current value with every edit."""
    body = copy.deepcopy(EDIT_BODY)
    body["attr"].update(max_ban_time=10000, whitelist="", blacklist="", max_attempts=3)
    after = dict(FRESH, max_attempts=3)
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, body, reply=MODIFIED).expect("GET", GET, reply=after)
    assert run(mailcow, max_attempts=3)["changes"] == ["max_attempts"]


def test_a_value_mailcow_did_not_keep_fails_the_task(mailcow) -> None:
    body = copy.deepcopy(EDIT_BODY)
    body["attr"].update(ban_time=120, ban_time_increment=0)
    mailcow.expect("GET", GET, reply=EDITED).expect("POST", EDIT, body, reply=MODIFIED).expect("GET", GET, reply=COERCED)
    with pytest.raises(MailcowValidationError, match=r"did not keep every setting as sent \(ban_time: kept 60 instead of 120; "
                                                     r"max_attempts: kept 1 instead of 10\)"):
        run(mailcow, ban_time=120, ban_time_increment=False)


def test_lost_answer_decided_by_reading_back(mailcow) -> None:
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply="").expect("GET", GET, reply=EDITED)
    result = run(mailcow, **WANTED)
    assert result["changed"] and result["outcome"] == "confirmed"
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply="").expect("GET", GET, reply=FRESH)
    with pytest.raises(MailcowUnknownOutcomeError, match="not yet as planned"):
        run(mailcow, **WANTED)


def test_read_only_key_is_refused_by_mailcow(mailcow) -> None:
    body = copy.deepcopy(EDIT_BODY)
    body["attr"].update(ban_time=60, max_ban_time=10000, whitelist="", blacklist="")
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, body, reply=RO["body"], status=RO["status"])
    with pytest.raises(MailcowForbiddenError, match="read-only"):
        run(mailcow, ban_time=60)


def test_bad_key(mailcow) -> None:
    mailcow.expect("GET", GET, reply=BAD_KEY["body"], status=BAD_KEY["status"], content_type=BAD_KEY["content_type"])
    with pytest.raises(MailcowAuthError, match="rejected the API key"):
        run(mailcow, ban_time=60)


BANNED = dict(EDITED, active_bans=[
    {"queued_for_unban": 0, "network": "198.51.100.0/24", "ip": "198.51.100.0", "banned_until": "00h 29m 59s"},
    {"queued_for_unban": 1, "network": "198.51.200.7/32", "ip": "198.51.200.7", "banned_until": "01h 00m 00s"},
], perm_bans=[{"network": "203.0.113.7", "ip": "203.0.113.7"}])


def test_unban_lifts_only_current_bans_covering_the_address(mailcow) -> None:
    mailcow.expect("GET", GET, reply=BANNED)
    mailcow.expect("POST", EDIT, {"items": ["198.51.100.0/24"], "attr": {"action": "unban"}}, reply=UNBANNED)
    result = run(mailcow, unban=["198.51.100.7", "192.0.2.9", "198.51.200.7"])  # the second is not banned, the third is being lifted
    assert result["changed"] and result["unbanned"] == ["198.51.100.0/24"] and result["changes"] == []
    assert result["diff"]["before"]["banned"] == ["198.51.100.0/24"] and result["diff"]["after"]["banned"] == []
    mailcow.expect("GET", GET, reply=EDITED)
    assert not run(mailcow, unban=["198.51.100.7"])["changed"]


def test_info_normalises_bans_and_filters(mailcow) -> None:
    mailcow.expect("GET", GET, reply=BANNED)
    before = datetime.datetime.now(datetime.timezone.utc)
    result = info(MailcowClient(mailcow.url, "K"), {})
    first = result["bans"][0]
    assert [b["network"] for b in result["bans"]] == ["198.51.100.0/24", "198.51.200.7/32", "203.0.113.7"]
    assert first["seconds_left"] == 1799 and not first["permanent"] and not first["queued_for_unban"]
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", first["banned_until"])
    until = datetime.datetime.strptime(first["banned_until"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert datetime.timedelta(seconds=1797) <= until - before <= datetime.timedelta(seconds=1801)
    assert result["bans"][1]["queued_for_unban"] and result["bans"][2] == {
        "network": "203.0.113.7", "ip": "203.0.113.7", "permanent": True, "banned_until": None, "seconds_left": None, "queued_for_unban": False}
    assert result["fail2ban"]["denylist"] == ["203.0.113.7"] and len(result["filters"]) == 9 and result["filters"][0]["id"] == 1


@pytest.mark.parametrize("given, match", [
    ({"ban_time": 59}, "ban_time must be a whole number of seconds from 60 to"),
    ({"max_ban_time": 0}, "max_ban_time must be a whole number of seconds from 60"),
    ({"max_attempts": 0}, "max_attempts must be a whole number of failed logins from 1"),
    ({"retry_window": 0}, "retry_window must be a whole number of seconds from 1"),
    ({"netban_ipv4": 99}, "netban_ipv4 must be a prefix length in bits from 8 to 32, got 99"),
    ({"netban_ipv6": 7}, "netban_ipv6 must be a prefix length in bits from 8 to 128, got 7"),
    ({"allowlist": ["192.0.2.0/33"]}, r"allowlist: '192.0.2.0/33' is not an IP address, a network \(address/prefix\) or a host name"),
    ({"allowlist": ["a b"]}, "allowlist: 'a b' is not"),
    ({"allowlist": ["ok.example\n"]}, "allowlist must not contain control characters"),
    ({"denylist": ["evil.example"]}, r"denylist: 'evil.example' is not an IP address or a network \(address/prefix\)"),
    ({"unban": ["not-an-ip"]}, "unban: 'not-an-ip' is not an IP address or a network"),
])
def test_bad_input_refused_before_any_request(mailcow, given, match) -> None:
    with pytest.raises(MailcowOptionError, match=match):
        run(mailcow, **given)
    assert mailcow.seen == []
