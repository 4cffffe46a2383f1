# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_oauth2_client's decisions as exact HTTP conversations: what is read, what is written, where the secret goes.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-oauth2.jsonl.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.manager import manage_one
from ...scripted_mailcow import DROP, transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-oauth2.jsonl")["body"]


ALL = "/api/v1/get/oauth2-client/all"
LISTED = recorded("get_oauth2_client_all")  # 1 and 2 https://app.example/callback, 3 none, 4 "not a uri", 5 https://app2.example/cb
FIFTH = LISTED[4]
AFTER = recorded("get_oauth2_client_after_edits")  # id 1 with the renewed secret
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def secrets(result: object, *, allowed: str = "") -> list[str]:
    text = json.dumps({k: v for k, v in dict(result).items() if k != "client_secret" or v != allowed})
    return [row["client_secret"] for row in LISTED + [AFTER] if row["client_secret"] in text]


def test_create_adds_learns_the_id_and_returns_the_secret_once(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_oauth2_client_all_empty"))
    mailcow.expect("POST", "/api/v1/add/oauth2-client", {"redirect_uri": "https://app2.example/cb"}, reply=recorded("add_oauth2_client_scope_other"))
    mailcow.expect("GET", ALL, reply=[FIFTH])
    mailcow.expect("GET", ALL, reply=[FIFTH])  # the secret, read once more after the writes
    result = run(mailcow, redirect_uri="HTTPS://App2.Example/cb")
    assert result["client_secret"] == FIFTH["client_secret"] and result["oauth2_client"]["client_id"] == FIFTH["client_id"]
    assert result["diff"] == {"before": {}, "after": {"redirect_uri": "https://app2.example/cb", "client_id": None, "client_secret": "(new)"}}
    assert secrets(result, allowed=FIFTH["client_secret"]) == []
    mailcow.expect("GET", ALL, reply=LISTED)
    again = run(mailcow, redirect_uri="https://app2.example/cb")
    assert not again["changed"] and "client_secret" not in again and secrets(again) == []


def test_a_new_uri_and_a_renewal_are_two_requests_because_mailcow_does_one_thing_per_edit(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/oauth2-client", {"items": ["1"], "attr": {"redirect_uri": "https://app.example/new-callback"}},
                   reply=recorded("edit_oauth2_client_redirect_uri"))
    mailcow.expect("POST", "/api/v1/edit/oauth2-client", {"items": ["1"], "attr": {"renew_secret": 1}}, reply=recorded("edit_oauth2_client_renew_secret"))
    mailcow.expect("POST", "/api/v1/edit/oauth2-client", {"items": ["1"], "attr": {"revoke_tokens": 1}},
                   reply=recorded("edit_oauth2_client_revoke_tokens"))
    mailcow.expect("GET", ALL, reply=[dict(AFTER, redirect_uri="https://app.example/new-callback")] + LISTED[1:])
    result = run(mailcow, client_id=LISTED[0]["client_id"], redirect_uri="https://app.example/new-callback", renew_secret=True, revoke_tokens=True)
    assert result["action"] == "updated" and result["client_secret"] == AFTER["client_secret"]
    assert result["diff"]["after"] == {"redirect_uri": "https://app.example/new-callback", "client_id": LISTED[0]["client_id"],
                                       "client_secret": "(new)", "tokens": "(revoked)"}
    assert secrets(result, allowed=AFTER["client_secret"]) == []


def test_check_mode_reads_only(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    result = run(mailcow, check_mode=True, redirect_uri="https://app2.example/cb", renew_secret=True)
    assert result["changed"] and "client_secret" not in result and secrets(result) == []


def test_duplicates_are_refused_and_absent_deletes_both(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    with pytest.raises(MailcowOptionError, match=r"https://app.example/callback is on this Mailcow 2 times \(ids 1, 2\)"):
        run(mailcow, redirect_uri="https://app.example/callback", renew_secret=True)
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/oauth2-client", ["1", "2"], reply=recorded("delete_oauth2_client_list"))
    assert run(mailcow, redirect_uri="https://app.example/callback", state="absent")["action"] == "deleted"


def test_an_edit_mailcow_refuses_is_an_error_without_secrets(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/oauth2-client", {"items": ["5"], "attr": {"renew_secret": 1}}, reply=recorded("edit_oauth2_client_missing"))
    with pytest.raises(MailcowValidationError) as raised:
        run(mailcow, redirect_uri="https://app2.example/cb", renew_secret=True)
    assert "access denied" in str(raised.value) and not any(row["client_secret"] in str(raised.value) for row in LISTED)


def test_a_lost_add_answer_is_decided_by_one_listing(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED[:4])
    mailcow.expect("POST", "/api/v1/add/oauth2-client", {"redirect_uri": "https://app2.example/cb"}, reply=DROP)
    mailcow.expect("GET", ALL, reply=LISTED)  # it was carried out: not sent again
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("GET", ALL, reply=LISTED)
    result = run(mailcow, redirect_uri="https://app2.example/cb")
    assert result["outcome"] == "confirmed" and result["client_secret"] == FIFTH["client_secret"] and result["oauth2_client"]["id"] == 5
