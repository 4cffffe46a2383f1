# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes whose outcome is unknown (empty body, answer lost, timeout after sending, "exists" on an
add we planned) are decided by re-reading once: exact HTTP conversations for each path.

A real Mailcow answers the loser of two racing adds with HTTP 200 and an empty body
(tests/fixtures/mailcow-api/transcripts-races.jsonl); "exists" comes when the other add finished first.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.manager import manage_many as alias_many
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.manager import manage_one as alias_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowBatchError,
    MailcowError,
    MailcowExistsError,
    MailcowNotFoundError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.manager import manage_many, manage_one
from ..scripted_mailcow import DROP, domain_read, transcript, policy_read

RAW = transcript("get_mailbox_single")["body"]  # alice@example.org, 512 MiB, "Alice Example"
ADDED = transcript("add_mailbox_success")["body"]
EXISTS = transcript("add_mailbox_duplicate")["body"]
DENIED = transcript("add_mailbox_missing_domain")["body"]
MODIFIED = transcript("edit_mailbox_quota")["body"]
ALIAS = transcript("get_alias_by_address")["body"]  # info@example.org -> alice@example.org, id 189
ALIAS_DENIED = transcript("add_alias_missing_domain")["body"]
GET = "/api/v1/get/mailbox/alice@example.org"
ADD_BODY = {"local_part": "alice", "domain": "example.org", "password": "Geheim-123", "password2": "Geheim-123", "quota": 512, "active": 1}
OPTIONS = {"address": "alice@example.org", "password": "Geheim-123", "quota": 512}


def params(**kwargs):
    return dict({"state": "present", "update_password": "on_create", "purge_tags": True, "domain": None, "concurrency": 2, "purge": False}, **kwargs)


def one(server, timeout=30, **kwargs):
    return manage_one(MailcowClient(server.url, "K", timeout=timeout), params(**kwargs), check_mode=False, diff=False)


def many(server, names, **kwargs):
    entries = [params(local_part=n, password="Geheim-123", quota=512) for n in names]
    return manage_many(MailcowClient(server.url, "K"), params(domain="example.org", mailboxes=entries, **kwargs), check_mode=False, diff=False)


def listing(server, rows, domain="example.org"):
    """The bulk form's read of a domain: the reduced listing; an empty one is confirmed with the full one."""
    server.expect("GET", "/api/v1/get/mailbox/reduced/" + domain, reply=rows or {})
    if not rows:
        server.expect("GET", "/api/v1/get/mailbox/all/" + domain, reply={})


def mailbox(name, **fields):
    return dict(RAW, username="%s@example.org" % name, local_part=name, **fields)


def add_body(name):
    return dict(ADD_BODY, local_part=name)


def test_empty_body_then_reread_matches_is_success(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply="")  # the loser of a racing add
    mailcow.expect("GET", GET, reply=RAW)
    result = one(mailcow, **OPTIONS)
    assert (result["changed"], result["action"], result["outcome"]) == (True, "created", "created_concurrently")
    assert len([s for s in mailcow.seen if s[0] == "POST"]) == 1  # never added twice


def test_empty_body_then_absent_is_reported_not_created(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply="")
    mailcow.expect("GET", GET, reply={})
    with pytest.raises(MailcowError) as info:
        one(mailcow, **OPTIONS)
    assert str(info.value) == ("alice@example.org not created: Mailcow API answered POST /add/mailbox with an empty body (PHP failed part-way: "
                               "re-read the object to know whether the write was carried out); re-reading shows no such object")
    assert "may have been applied" not in str(info.value)


def test_timeout_after_sending_then_reread_finds_it(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply=ADDED, delay=1.5)  # the server acted, its answer came too late
    mailcow.expect("GET", GET, reply=RAW)
    assert one(mailcow, timeout=1, **OPTIONS)["outcome"] == "confirmed"
    # the mailbox, the domain's limits, the password policy; the write was not sent again
    assert [s[0] for s in mailcow.seen] == ["GET", "GET", "GET", "POST", "GET"]


def test_connection_lost_and_reread_failing_may_have_been_applied(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply=DROP)
    mailcow.expect("GET", GET, reply={"type": "error", "msg": "internal"}, status=500)
    with pytest.raises(MailcowUnknownOutcomeError, match=r"^connection to Mailcow API at .* lost after sending POST /add/mailbox: .*; its outcome "
                                                         r"is unknown \(re-reading failed: .*HTTP 500 internal\): the write may have been applied"):
        one(mailcow, **OPTIONS)


def test_object_exists_on_a_planned_add_that_matches_is_ok(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    listing(mailcow, [mailbox("bob")])
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply=EXISTS)  # another run added it meanwhile
    mailcow.expect("POST", "/api/v1/add/mailbox", add_body("carol"), reply="")
    listing(mailcow, [mailbox("bob"), RAW, mailbox("carol")])  # one listing decides both
    result = many(mailcow, ["alice", "bob", "carol"])
    assert [(m["address"], m["action"], m.get("outcome")) for m in result["mailboxes"]] == [
        ("alice@example.org", "created", "created_concurrently"), ("carol@example.org", "created", "created_concurrently")]
    assert result["summary"]["created"] == 2


def test_object_exists_that_does_not_match_is_edited_once(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    listing(mailcow, {})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply=EXISTS)
    listing(mailcow, [dict(RAW, quota=1073741824)])  # added elsewhere with 1 GiB
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["alice@example.org"], "attr": {"quota": 512}}, reply=MODIFIED)
    result = many(mailcow, ["alice"])
    assert result["mailboxes"] == [{"address": "alice@example.org", "action": "created", "changed": True, "outcome": "retried"}]


def test_missing_domain_is_refused_before_the_add(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@missing.example", reply={})
    mailcow.expect("GET", "/api/v1/get/domain/missing.example", reply={})
    with pytest.raises(MailcowNotFoundError, match=r"^domain missing.example does not exist on this Mailcow \(create it with mailcow_domain "
                                                   r"or the role's mailcow_domain_settings\); nothing was written$"):
        one(mailcow, address="alice@missing.example", password="Geheim-123", quota=512)
    assert [s[0] for s in mailcow.seen] == ["GET", "GET"]


def test_missing_domain_in_bulk_is_one_message(mailcow) -> None:
    listing(mailcow, [], domain="missing.example")
    mailcow.expect("GET", "/api/v1/get/domain/missing.example", reply={})
    entries = [params(local_part=n, password="Geheim-123", quota=512) for n in ("a", "b", "c")]
    with pytest.raises(MailcowNotFoundError, match=r"^domain missing.example does not exist on this Mailcow \(.*\): 3 mailboxes not created; "
                                                   r"nothing was written$") as info:
        manage_many(MailcowClient(mailcow.url, "K"), params(domain="missing.example", mailboxes=entries), check_mode=False, diff=False)
    assert len(info.value.to_result()["failed_entries"]) == 3 and not info.value.to_result()["changed"]
    assert "POST" not in [s[0] for s in mailcow.seen]


def test_domain_deleted_between_the_read_and_the_add_is_named_after_one_extra_read(mailcow) -> None:
    policy_read(mailcow)
    body = dict(ADD_BODY, domain="gone.example")
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@gone.example", reply={})
    domain_read(mailcow, "gone.example")
    mailcow.expect("POST", "/api/v1/add/mailbox", body, reply=DENIED)
    mailcow.expect("GET", "/api/v1/get/domain/gone.example", reply={})
    with pytest.raises(MailcowNotFoundError, match=r"^domain gone.example does not exist on this Mailcow \(create it with mailcow_domain "
                                                   r"or the role's mailcow_domain_settings\)$"):
        one(mailcow, address="alice@gone.example", password="Geheim-123", quota=512)


def test_access_denied_in_an_existing_domain_keeps_mailcows_answer(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply=DENIED)
    mailcow.expect("GET", "/api/v1/get/domain/example.org", reply=transcript("get_domain_single")["body"])
    with pytest.raises(MailcowValidationError, match="Mailcow refused POST /add/mailbox: access denied"):
        one(mailcow, **OPTIONS)


def test_happy_path_never_reads_again(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    listing(mailcow, {})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply=ADDED)
    assert "outcome" not in many(mailcow, ["alice"])["mailboxes"][0]
    # the two reads of an empty domain and its limits, the password policy, no more
    assert [s[0] for s in mailcow.seen] == ["GET", "GET", "GET", "GET", "POST"]


def test_alias_racing_add_takes_its_id_from_the_reread(mailcow) -> None:
    domain_read(mailcow)
    body = {"address": "info@example.org", "goto": "alice@example.org", "active": 1, "sogo_visible": 0, "sender_allowed": 0}
    mailcow.expect("GET", "/api/v1/get/alias/info@example.org", reply={})
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=[RAW])  # the goto is a mailbox: no warning
    mailcow.expect("POST", "/api/v1/add/alias", body, reply="")
    mailcow.expect("GET", "/api/v1/get/alias/info@example.org", reply=ALIAS)
    result = alias_one(MailcowClient(mailcow.url, "K"), params(address="info@example.org", goto=["alice@example.org"], active=True,
                                                               sogo_visible=False, sender_allowed=False), check_mode=False, diff=False)
    assert (result["outcome"], result["alias"]["id"]) == ("created_concurrently", 189)


def test_alias_missing_domain_in_bulk(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/alias/all/missing.example", reply={})
    mailcow.expect("GET", "/api/v1/get/domain/missing.example", reply={})
    entries = [params(local_part="x", goto=["alice@example.org"], active=True, sogo_visible=False, sender_allowed=False)]
    with pytest.raises(MailcowNotFoundError, match=r"^domain missing.example does not exist on this Mailcow \(create it with mailcow_domain"):
        alias_many(MailcowClient(mailcow.url, "K"), params(domain="missing.example", aliases=entries), check_mode=False, diff=False)
    assert "POST" not in [s[0] for s in mailcow.seen]


def test_alias_domain_deleted_before_the_add_is_named_without_a_read(mailcow) -> None:
    # add/alias says domain_not_found itself: no extra read.
    mailcow.expect("GET", "/api/v1/get/alias/all/gone.example", reply={})
    domain_read(mailcow, "gone.example")
    mailcow.expect("POST", "/api/v1/add/alias", {"address": "x@gone.example", "goto": "alice@example.org", "active": 1,
                                                 "sogo_visible": 0, "sender_allowed": 0}, reply=ALIAS_DENIED)
    entries = [params(local_part="x", goto=["alice@example.org"], active=True, sogo_visible=False, sender_allowed=False)]
    with pytest.raises(MailcowNotFoundError, match=r"^domain gone.example does not exist on this Mailcow \(create it with mailcow_domain"):
        alias_many(MailcowClient(mailcow.url, "K"), params(domain="gone.example", aliases=entries), check_mode=False, diff=False)


def test_dead_server_mid_run_stops_and_reports(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    names = ["m%02d" % n for n in range(8)]
    listing(mailcow, {})
    mailcow.expect("POST", "/api/v1/add/mailbox", add_body("m00"), reply=ADDED)
    for name in names[1:4]:
        mailcow.expect("POST", "/api/v1/add/mailbox", add_body(name), reply=DROP)
    with pytest.raises(MailcowBatchError) as info:
        many(mailcow, names, concurrency=1)
    message = str(info.value)
    assert message.startswith("3 failed (3 outcome unknown, e.g. connection to Mailcow API at ")
    assert "the server stopped answering" in message and "may have been applied" in message
    assert ("; 4 not attempted after 3 consecutive connection failures: m04@example.org, m05@example.org, m06@example.org, m07@example.org; "
            "1 done: m00@example.org.") in message
    details = info.value.to_result()
    assert details["not_attempted"] == ["%s@example.org" % n for n in names[4:]] and details["done"] == ["m00@example.org"]
    assert len([s for s in mailcow.seen if s[0] == "POST"]) == 4
    assert isinstance(info.value, MailcowError) and not isinstance(info.value, MailcowExistsError)


def test_timeout_after_sending_then_absent_is_not_taken_as_not_created(mailcow) -> None:
    policy_read(mailcow)
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/mailbox", ADD_BODY, reply=ADDED, delay=1.5)
    mailcow.expect("GET", GET, reply={})  # read while the server is still on the add
    with pytest.raises(MailcowUnknownOutcomeError, match=r"no answer from Mailcow API at .* within 1 seconds after sending POST /add/mailbox; its outcome is "
                                                         r"unknown \(re-reading shows it not done yet; .*\): the write may have been applied"):
        one(mailcow, timeout=1, **OPTIONS)
