# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_alias_domain's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-lifecycle.jsonl.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowError,
    MailcowExistsError,
    MailcowForbiddenError,
    MailcowNotFoundError,
    MailcowOptionError,
)
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-lifecycle.jsonl")["body"]


RAW = recorded("get_alias_domain_single_ro_key")  # alias-lc.example -> lc.example, active
ADDED = recorded("add_alias_domain_success")
MODIFIED = recorded("edit_alias_domain_active_and_target")
REMOVED = recorded("delete_alias_domain_success")
LC = {"domain_name": "lc.example", "active": 1}
GET = "/api/v1/get/alias-domain/alias-lc.example"


def run(server, check_mode=False, **params):
    params = dict({"alias_domain": "alias-lc.example", "state": "present"}, **params)
    return manage(MailcowClient(server.url, "K"), params, check_mode=check_mode, diff=True)


def expect_create_reads(mailcow, target="lc.example", target_reply=None) -> None:
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("GET", "/api/v1/get/domain/alias-lc.example", reply={})
    mailcow.expect("GET", "/api/v1/get/domain/" + target, reply=LC if target_reply is None else target_reply)


def test_create_then_unchanged(mailcow) -> None:
    expect_create_reads(mailcow)
    mailcow.expect("POST", "/api/v1/add/alias-domain", {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": 1}, reply=ADDED)
    result = run(mailcow, target_domain="lc.example")
    assert result["changed"] and result["action"] == "created"
    assert result["diff"] == {"before": {}, "after": {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": True}}
    mailcow.expect("GET", GET, reply=RAW)
    again = run(mailcow, target_domain="lc.example", active=True)
    assert not again["changed"] and again["action"] == "unchanged" and again["alias_domain"]["target_domain"] == "lc.example"


def test_changing_the_target_is_one_edit_after_checking_the_new_target(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("GET", "/api/v1/get/domain/lc2.example", reply={"domain_name": "lc2.example"})
    mailcow.expect("POST", "/api/v1/edit/alias-domain", {"items": ["alias-lc.example"], "attr": {"target_domain": "lc2.example", "active": 0}},
                   reply=MODIFIED)
    result = run(mailcow, target_domain="LC2.example", active=False)
    assert result["changed"] and result["action"] == "updated"
    assert result["diff"]["before"]["target_domain"] == "lc.example" and result["diff"]["after"] == {
        "alias_domain": "alias-lc.example", "target_domain": "lc2.example", "active": False}


def test_check_mode_reads_and_checks_but_never_writes(mailcow) -> None:
    expect_create_reads(mailcow)
    result = run(mailcow, check_mode=True, target_domain="lc.example")
    assert result["changed"] and result["alias_domain"]["active"] is True
    assert [step[0] for step in mailcow.seen] == ["GET", "GET", "GET"]


def test_missing_target_is_named_with_how_to_create_it_and_nothing_is_written(mailcow) -> None:
    expect_create_reads(mailcow, target="missing.example", target_reply={})
    with pytest.raises(MailcowNotFoundError, match=r"target_domain missing.example of alias domain alias-lc.example does not exist.*mailcow_domain"):
        run(mailcow, target_domain="missing.example")


def test_target_that_is_an_alias_domain_is_refused(mailcow) -> None:
    # get/domain/<alias domain> answers with the target's object.
    expect_create_reads(mailcow, target="other-alias.example", target_reply=LC)
    with pytest.raises(MailcowNotFoundError, match="other-alias.example is itself an alias domain .of lc.example.: give target_domain: lc.example"):
        run(mailcow, target_domain="other-alias.example")


def test_alias_domain_that_is_a_domain_is_refused_before_the_add(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/alias-domain/lc2.example", reply={})
    mailcow.expect("GET", "/api/v1/get/domain/lc2.example", reply={"domain_name": "lc2.example"})
    with pytest.raises(MailcowExistsError, match="alias_domain lc2.example is a domain of this Mailcow"):
        run(mailcow, alias_domain="lc2.example", target_domain="lc.example")


def test_delete_then_absent(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/delete/alias-domain", ["alias-lc.example"], reply=REMOVED)
    assert run(mailcow, state="absent")["action"] == "deleted"
    mailcow.expect("GET", GET, reply={})
    assert not run(mailcow, state="absent")["changed"]


def test_read_only_key_names_the_fix(mailcow) -> None:
    expect_create_reads(mailcow)
    ro = transcript("add_alias_domain_ro_key", "transcripts-lifecycle.jsonl")
    mailcow.expect("POST", "/api/v1/add/alias-domain", {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": 1},
                   reply=ro["body"], status=ro["status"])
    with pytest.raises(MailcowForbiddenError, match="read-only.*read-write API key"):
        run(mailcow, target_domain="lc.example")


def test_empty_body_is_decided_by_one_read(mailcow) -> None:
    expect_create_reads(mailcow)
    mailcow.expect("POST", "/api/v1/add/alias-domain", {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": 1}, reply="")
    mailcow.expect("GET", GET, reply=RAW)
    # An empty body to an add is how Mailcow answers the loser of two runs adding it at once.
    assert run(mailcow, target_domain="lc.example")["outcome"] == "created_concurrently"


def test_a_duplicate_refusal_to_a_planned_add_is_decided_by_one_read(mailcow) -> None:
    # Mailcow answers a second add of the same alias domain (another run added it meanwhile) as it answers an invalid name.
    expect_create_reads(mailcow)
    mailcow.expect("POST", "/api/v1/add/alias-domain", {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": 1},
                   reply=recorded("add_alias_domain_duplicate"))
    mailcow.expect("GET", GET, reply=RAW)
    result = run(mailcow, target_domain="lc.example")
    assert result["changed"] and result["outcome"] == "created_concurrently"


def test_the_same_refusal_with_nothing_there_fails_saying_so(mailcow) -> None:
    expect_create_reads(mailcow)
    mailcow.expect("POST", "/api/v1/add/alias-domain", {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": 1},
                   reply=recorded("add_alias_domain_duplicate"))
    mailcow.expect("GET", GET, reply={})
    with pytest.raises(MailcowError, match="^alias-lc.example not created: Mailcow refused POST /add/alias-domain: alias domain alias-lc.example is "
                       "invalid or already exists; re-reading shows no such object$"):
        run(mailcow, target_domain="lc.example")


@pytest.mark.parametrize("params,message", [
    ({"alias_domain": "bad_name!"}, "alias_domain 'bad_name!' is not a valid domain name"),
    ({"alias_domain": ""}, "alias_domain '' is not a valid domain name"),
    ({"target_domain": "not a domain"}, "target_domain 'not a domain' is not a valid domain name"),
    ({"target_domain": "Alias-LC.example"}, "target_domain must differ from alias_domain alias-lc.example"),
    ({"rename_from": "old-lc.example", "target_domain": "lc.example"},
     "rename_from: Mailcow cannot rename an alias domain.*Add alias-lc.example.*remove old-lc.example with state=absent"),
])
def test_bad_input_fails_before_any_request(mailcow, params, message) -> None:
    with pytest.raises(MailcowOptionError, match=message):
        run(mailcow, **params)
    assert not mailcow.seen


def test_create_without_target_fails_after_the_read_only(mailcow) -> None:
    mailcow.expect("GET", GET, reply={})
    with pytest.raises(MailcowOptionError, match="target_domain is required to create alias domain alias-lc.example"):
        run(mailcow)
