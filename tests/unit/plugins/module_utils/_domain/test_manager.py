# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_domain's decisions as exact HTTP conversations: what is read, what is written."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError
from ...scripted_mailcow import transcript

RAW = transcript("get_domain_single")["body"]  # example.org: quotas 1024/2048/4096 MiB, rl 10/s, no tags
ADDED = transcript("add_domain_success")["body"]  # [rl_saved, dkim_added, domain_added]
RL_SAVED = [ADDED[0]]
REMOVED = transcript("delete_domain_empty")["body"]
MAILBOXES_REMOVED = transcript("delete_mailbox_two_at_once")["body"]
MAILBOX = transcript("get_mailbox_single")["body"]
# No edit/domain was recorded; this is the shape of every recorded edit answer, with domain_modified.
MODIFIED = [{"type": "success", "log": ["mailbox", "edit", "domain", {"domain": ["example.org"]}, None], "msg": ["domain_modified", "example.org"]}]
GET = "/api/v1/get/domain/example.org"

CREATE_BODY = {"domain": "example.org", "description": "realcow test domain", "mailboxes": 10, "defquota": 1024, "maxquota": 2048,
               "quota": 4096, "active": 1, "rl_value": 10, "rl_frame": "s"}
CREATE_OPTIONS = {"description": "realcow test domain", "max_mailboxes": 10, "default_quota": 1024, "max_quota": 2048, "total_quota": 4096,
                  "active": True, "rate_limit": {"value": 10, "frame": "s"}}


def run(server, check_mode=False, **params):
    params = dict({"domain": "example.org", "state": "present", "purge_tags": True, "force": False}, **params)
    return manage(MailcowClient(server.url, "K"), params, check_mode=check_mode, diff=True)


def test_create_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/domain", CREATE_BODY, reply=ADDED)
    result = run(mailcow, **CREATE_OPTIONS)
    assert result["changed"] and result["action"] == "created"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["total_quota"] == 4096
    assert result["domain"]["rate_limit"] == {"value": 10, "frame": "s"}
    mailcow.expect("GET", GET, reply=RAW)
    again = run(mailcow, **CREATE_OPTIONS)
    assert not again["changed"] and again["action"] == "unchanged"
    # What the real run predicted is what Mailcow then answered.
    assert {k: v for k, v in result["domain"].items() if k not in ("created", "modified")} == \
        {k: v for k, v in again["domain"].items() if k not in ("created", "modified")}


def test_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    result = run(mailcow, check_mode=True, total_quota=8192, rate_limit={"value": 0}, tags=["new"])
    assert result["changed"] and result["domain"]["total_quota"] == 8192 and result["domain"]["rate_limit"] is None
    assert result["diff"]["before"]["total_quota"] == 4096 and result["diff"]["after"]["tags"] == ["new"]
    assert [s[0] for s in mailcow.seen] == ["GET"]


def test_check_mode_create_only_reads(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/xn--bcher-kva.example", reply={})
    result = run(mailcow, check_mode=True, domain="Bücher.Example")
    assert result["changed"] and result["domain"]["domain"] == "xn--bcher-kva.example"
    assert [s[0] for s in mailcow.seen] == ["GET"]


def test_edit_rate_limit_and_tags_each_through_their_endpoint(mailcow) -> None:
    mailcow.expect("GET", GET, reply=dict(RAW, tags=["keep", "old"]))
    mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["example.org"], "attr": {"quota": 8192, "tags": ["new"]}}, reply=MODIFIED)
    mailcow.expect("POST", "/api/v1/edit/rl-domain", {"items": ["example.org"], "attr": {"rl_value": 5, "rl_frame": "m"}}, reply=RL_SAVED)
    mailcow.expect("POST", "/api/v1/delete/domain/tag/example.org", ["old"], reply=MODIFIED)
    result = run(mailcow, total_quota=8192, rate_limit={"value": 5, "frame": "m"}, tags=["keep", "new"])
    assert result["changed"] and result["domain"]["tags"] == ["keep", "new"]


def test_rate_limit_removed_with_zero(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/rl-domain", {"items": ["example.org"], "attr": {"rl_value": 0, "rl_frame": "s"}}, reply=RL_SAVED)
    assert run(mailcow, rate_limit={"value": 0, "frame": "s"})["changed"]
    mailcow.expect("GET", GET, reply=dict(RAW, rl=False))
    assert not run(mailcow, rate_limit={"value": 0, "frame": "s"})["changed"]


def test_tag_already_present_is_never_resent(mailcow) -> None:
    # Mailcow's edit/domain crashes with an empty body when sent a tag the domain has (docs/mailcow-api.md#domains).
    mailcow.expect("GET", GET, reply=dict(RAW, tags=["a"]))
    mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["example.org"], "attr": {"tags": ["b"]}}, reply=MODIFIED)
    assert run(mailcow, tags=["a", "b"], purge_tags=False)["changed"]
    mailcow.expect("GET", GET, reply=dict(RAW, tags=["a", "b"]))
    assert not run(mailcow, tags=["b", "a"], purge_tags=False)["changed"]


def test_crashed_edit_is_decided_by_one_reread_and_one_retry(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["example.org"], "attr": {"tags": ["x"]}}, reply="")
    mailcow.expect("GET", GET, reply=RAW)  # not applied: the edit is sent once more
    mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["example.org"], "attr": {"tags": ["x"]}}, reply=MODIFIED)
    result = run(mailcow, tags=["x"])
    assert (result["changed"], result["outcome"]) == (True, "retried")


def test_crashed_edit_that_was_applied_is_confirmed(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["example.org"], "attr": {"tags": ["x"]}}, reply="")
    mailcow.expect("GET", GET, reply=dict(RAW, tags=["x"]))
    assert run(mailcow, tags=["x"])["outcome"] == "confirmed"


def test_crashed_edit_twice_may_have_been_applied(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    for _attempt in range(2):
        mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["example.org"], "attr": {"tags": ["x"]}}, reply="")
    mailcow.expect("GET", GET, reply=RAW)
    with pytest.raises(MailcowError, match="empty body.*its outcome is unknown after a retry: the write may have been applied"):
        run(mailcow, tags=["x"])


def test_server_refusal_is_raised(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    refusal = [{"type": "danger", "log": [], "msg": ["max_quota_in_use", 2048]}]
    mailcow.expect("POST", "/api/v1/edit/domain", {"items": ["example.org"], "attr": {"maxquota": 1024}}, reply=refusal)
    with pytest.raises(MailcowError, match="the maximum mailbox quota must be at least 2048 MiB"):
        run(mailcow, max_quota=1024, default_quota=1024)


def test_absent_twice(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/delete/domain", ["example.org"], reply=REMOVED)
    result = run(mailcow, state="absent")
    assert result["changed"] and result["action"] == "deleted" and result["mailboxes_deleted"] == []
    # Mailcow reports success for a missing domain too: we read first and report no change.
    mailcow.expect("GET", GET, reply={})
    again = run(mailcow, state="absent")
    assert not again["changed"] and again["diff"] == {"before": {}, "after": {}}


def test_absent_with_mailboxes_fails_naming_the_count(mailcow) -> None:
    mailcow.expect("GET", GET, reply=dict(RAW, mboxes_in_domain=2))
    with pytest.raises(MailcowOptionError, match="domain example.org still holds 2 mailbox\\(es\\)"):
        run(mailcow, state="absent")
    assert [s[0] for s in mailcow.seen] == ["GET"]


def forced_listing():
    other = dict(MAILBOX, username="x@other.org", domain="other.org")
    return [dict(MAILBOX, username="q1@example.org", local_part="q1"), MAILBOX, other]


def test_absent_force_deletes_mailboxes_in_one_request_then_the_domain(mailcow) -> None:
    mailcow.expect("GET", GET, reply=dict(RAW, mboxes_in_domain=2))
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=forced_listing())
    mailcow.expect("GET", "/api/v1/get/resource/all", reply={})
    mailcow.expect("POST", "/api/v1/delete/mailbox", ["alice@example.org", "q1@example.org"], reply=MAILBOXES_REMOVED)
    mailcow.expect("POST", "/api/v1/delete/domain", ["example.org"], reply=REMOVED)
    result = run(mailcow, state="absent", force=True)
    assert result["changed"] and result["mailboxes_deleted"] == ["alice@example.org", "q1@example.org"]
    assert [s[1] for s in mailcow.seen][-2:] == ["/api/v1/delete/mailbox", "/api/v1/delete/domain"]


def test_absent_force_check_mode_predicts_and_only_reads(mailcow) -> None:
    mailcow.expect("GET", GET, reply=dict(RAW, mboxes_in_domain=2))
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=forced_listing())
    mailcow.expect("GET", "/api/v1/get/resource/all", reply={})
    result = run(mailcow, check_mode=True, state="absent", force=True)
    assert result["changed"] and result["mailboxes_deleted"] == ["alice@example.org", "q1@example.org"] and result["resources_deleted"] == []
    assert result["diff"]["before"]["mailboxes"] == ["alice@example.org", "q1@example.org"] and result["diff"]["after"] == {}
    assert [s[0] for s in mailcow.seen] == ["GET", "GET", "GET"]


def test_alias_domain_is_refused(mailcow) -> None:
    # get/domain/<alias domain> answers with the target domain's object (docs/mailcow-api.md#domains).
    mailcow.expect("GET", "/api/v1/get/domain/alias.example", reply=RAW)
    with pytest.raises(MailcowOptionError, match="alias.example is an alias domain of example.org"):
        run(mailcow, domain="alias.example", state="absent")


def test_bad_option_fails_before_any_request(mailcow) -> None:
    with pytest.raises(MailcowOptionError, match="default_quota must be a whole number of MiB from 1 to 8796093022207"):
        run(mailcow, default_quota=0)
    with pytest.raises(MailcowOptionError, match="domain 'not a domain' is not a valid domain name"):
        run(mailcow, domain="not a domain")
    assert mailcow.seen == []
