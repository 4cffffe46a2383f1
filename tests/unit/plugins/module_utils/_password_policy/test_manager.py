# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_password_policy's and mailcow_password_policy_info's decisions as exact HTTP conversations, with the answers the real
Mailcow recorded; and the password check the writing modules share, case by case as Mailcow's password_check() decides."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowAuthError,
    MailcowForbiddenError,
    MailcowOptionError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.api import refuse_weak_passwords
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.manager import info, manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.model import failed_rules, normalize
from ...scripted_mailcow import recorded_request, transcript

REC = "transcripts-password-policy.jsonl"
FRESH = transcript("get_passwordpolicy", REC)["body"]
EDITED = transcript("get_passwordpolicy_after_edit", REC)["body"]  # "10", "1", "1", "1", "1"
SAVED = transcript("edit_passwordpolicy", REC)["body"]
RO = transcript("edit_passwordpolicy_ro_key", REC)
BAD_KEY = transcript("edit_passwordpolicy_bad_key", REC)
EDIT_BODY = recorded_request("edit_passwordpolicy", REC)["body"]
GET, EDIT = "/api/v1/get/passwordpolicy", "/api/v1/edit/passwordpolicy"
STRICT = {"length": 10, "chars": True, "special_chars": True, "lowerupper": True, "numbers": True}


def run(server, check_mode=False, key="K", **given):
    params = dict(dict.fromkeys(STRICT, None), **given)
    return manage(MailcowClient(server.url, key, retries=0), params, check_mode=check_mode, diff=True)


def test_change_sends_the_recorded_edit_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply=SAVED).expect("GET", GET, reply=EDITED)
    result = run(mailcow, **STRICT)
    assert result["changed"] and result["password_policy"] == STRICT and result["changes"] == list(STRICT)
    assert result["diff"]["before"] == {"length": 6, "chars": False, "special_chars": False, "lowerupper": False, "numbers": False}
    mailcow.expect("GET", GET, reply=EDITED)
    again = run(mailcow, **STRICT)
    assert not again["changed"] and again["diff"]["before"] == again["diff"]["after"] == STRICT


def test_check_mode_only_reads_and_rules_not_given_are_sent_as_they_are(mailcow) -> None:
    mailcow.expect("GET", GET, reply=EDITED)
    assert run(mailcow, check_mode=True, length=12)["changes"] == ["length"]
    mailcow.expect("GET", GET, reply=EDITED)
    mailcow.expect("POST", EDIT, {"items": ["x"], "attr": dict(EDIT_BODY["attr"], numbers=0)}, reply=SAVED)
    mailcow.expect("GET", GET, reply=dict(EDITED, numbers="0"))
    assert run(mailcow, numbers=False)["password_policy"] == dict(STRICT, numbers=False)


def test_a_rule_mailcow_did_not_keep_fails_the_task(mailcow) -> None:
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply=SAVED)
    mailcow.expect("GET", GET, reply=transcript("get_passwordpolicy_after_invalid", REC)["body"])
    with pytest.raises(MailcowValidationError, match=r"did not keep every rule as sent \(chars: kept False instead of True\)"):
        run(mailcow, **STRICT)


def test_lost_answer_decided_by_reading_back(mailcow) -> None:
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply="").expect("GET", GET, reply=EDITED)
    assert run(mailcow, **STRICT)["outcome"] == "confirmed"
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply="").expect("GET", GET, reply=FRESH)
    with pytest.raises(MailcowUnknownOutcomeError, match="not yet as planned"):
        run(mailcow, **STRICT)


def test_read_only_and_bad_keys(mailcow) -> None:
    mailcow.expect("GET", GET, reply=FRESH).expect("POST", EDIT, EDIT_BODY, reply=RO["body"], status=RO["status"])
    with pytest.raises(MailcowForbiddenError, match="read-only"):
        run(mailcow, **STRICT)
    mailcow.expect("GET", GET, reply=BAD_KEY["body"], status=BAD_KEY["status"], content_type=BAD_KEY["content_type"])
    with pytest.raises(MailcowAuthError, match="rejected the API key"):
        run(mailcow, length=8)


@pytest.mark.parametrize("length", [2, 0, -1, "8", True, 2**31])
def test_bad_length_refused_before_any_request(mailcow, length) -> None:
    with pytest.raises(MailcowOptionError, match=r"^length must be a whole number of characters"):
        run(mailcow, length=length)
    assert mailcow.seen == []


def test_info_reads_once(mailcow) -> None:
    mailcow.expect("GET", GET, reply=EDITED)
    assert info(MailcowClient(mailcow.url, "K"), {}) == {"changed": False, "password_policy": STRICT}


LENGTH_6 = normalize(FRESH)


@pytest.mark.parametrize("policy, password, failed", [
    (LENGTH_6, "abcdef", []),
    (LENGTH_6, "abcde", ["length"]),
    (LENGTH_6, "0", ["empty"]),  # PHP's empty("0")
    (LENGTH_6, "ääab", []),  # strlen counts bytes: 4 characters, 6 bytes
    (LENGTH_6, "äabc", ["length"]),  # 5 bytes
    (normalize(EDITED), "Abcdefgh-1", []),
    (normalize(EDITED), "abcdefgh-1", ["lowerupper"]),
    (normalize(EDITED), "Abcdefghi1", ["special_chars"]),
    (normalize(EDITED), "Abcdefghi-", ["numbers"]),
    (normalize(EDITED), "Abcdefgh-\u0663", ["numbers"]),  # an Arabic-Indic digit is no 0-9 (PCRE without /u), but a special character
    (normalize(EDITED), "12345678-!", ["chars", "lowerupper"]),
    (normalize(dict(EDITED, chars="2")), "12345678-!", ["lowerupper"]),  # only a value of 1 requires a class
])
def test_failed_rules_as_mailcows_password_check(policy, password, failed) -> None:
    assert [rule for rule, _needs in failed_rules(policy, password)] == failed


def test_weak_passwords_are_named_with_their_rules_never_shown_and_nothing_is_read_without_one(mailcow) -> None:
    refuse_weak_passwords(MailcowClient(mailcow.url, "K"), [])
    assert mailcow.seen == []
    mailcow.expect("GET", GET, reply=EDITED)
    with pytest.raises(MailcowValidationError) as failed:
        refuse_weak_passwords(MailcowClient(mailcow.url, "K"), [("mailbox a@x.example", "Good-Passw0rd"), ("mailbox b@x.example", "weakpw")])
    message = str(failed.value)
    assert message.startswith("Mailcow's password policy would refuse the password of mailbox b@x.example (length: at least 10 characters")
    assert "a@x.example" not in message and "weakpw" not in message and "Good-Passw0rd" not in message
    assert failed.value.to_result()["weak_passwords"] == [{"entry": "mailbox b@x.example", "rules": ["length", "special_chars", "lowerupper", "numbers"]}]
    assert failed.value.msg_key == "password_complexity"
