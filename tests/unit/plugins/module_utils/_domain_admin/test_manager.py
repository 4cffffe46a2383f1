# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_domain_admin's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-lifecycle.jsonl.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowExistsError,
    MailcowForbiddenError,
    MailcowNotFoundError,
    MailcowOptionError,
    MailcowValidationError,
)
from ...scripted_mailcow import ANY, transcript, policy_read


def recorded(case: str) -> object:
    return transcript(case, "transcripts-lifecycle.jsonl")["body"]


RAW = recorded("get_domain_admin_single_ro_key")  # lcadmin: lc.example + lc2.example, active
ADDED = recorded("add_domain_admin_success")
MODIFIED = recorded("edit_domain_admin_domains_and_active")
PASSWORD_SET = recorded("edit_domain_admin_password")
ACL_SAVED = recorded("edit_da_acl")
REMOVED = recorded("delete_domain_admin_success")
DOMAINS = [{"domain_name": "lc.example"}, {"domain_name": "lc2.example"}]
GET = "/api/v1/get/domain-admin/lcadmin"
PASSWORD = "Fake-Passw0rd-1"
ADD_BODY = {"username": "lcadmin", "domains": ["lc.example", "lc2.example"], "password": PASSWORD, "password2": PASSWORD, "active": 1}


def run(server, check_mode=False, **params):
    params = dict({"username": "lcadmin", "state": "present", "update_password": "on_create", "update_acl": "on_create"}, **params)
    return manage(MailcowClient(server.url, "K"), params, check_mode=check_mode, diff=True)


def expect_create_reads(mailcow) -> None:
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DOMAINS)


def test_create_then_unchanged_and_the_password_never_shows(mailcow) -> None:
    policy_read(mailcow)
    expect_create_reads(mailcow)
    mailcow.expect("POST", "/api/v1/add/domain-admin", ADD_BODY, reply=ADDED)
    result = run(mailcow, domains=["lc2.example", "LC.example"], password=PASSWORD)
    assert result["changed"] and result["action"] == "created" and not result["acl_written"]
    assert result["diff"]["after"] == {"username": "lcadmin", "domains": ["lc.example", "lc2.example"], "active": True, "password": "(set)"}
    assert PASSWORD not in json.dumps(result)
    mailcow.expect("GET", GET, reply=RAW)
    again = run(mailcow, domains=["lc.example", "lc2.example"], password=PASSWORD, active=True)
    assert not again["changed"] and again["domain_admin"]["domains"] == ["lc.example", "lc2.example"]


def test_acl_is_written_whole_after_the_add(mailcow) -> None:
    policy_read(mailcow)
    expect_create_reads(mailcow)
    mailcow.expect("POST", "/api/v1/add/domain-admin", ADD_BODY, reply=ADDED)
    mailcow.expect("POST", "/api/v1/edit/da-acl", {"items": ["lcadmin"], "attr": {"da_acl": ["syncjobs", "quarantine", "login_as"]}},
                   reply=ACL_SAVED)
    result = run(mailcow, domains=["lc.example", "lc2.example"], password=PASSWORD, acl=["login_as", "quarantine", "syncjobs"])
    assert result["acl_written"] and result["diff"]["after"]["acl"] == ["syncjobs", "quarantine", "login_as"]


def test_acl_is_not_compared_and_written_on_existing_only_with_update_acl_always(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    assert not run(mailcow, acl=["syncjobs"])["changed"]
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/da-acl", {"items": ["lcadmin"], "attr": {"da_acl": []}}, reply=ACL_SAVED)
    result = run(mailcow, acl=[], update_acl="always")
    assert result["changed"] and result["acl_written"] and result["diff"]["after"]["acl"] == []


def test_domains_edit_replaces_the_set_after_one_listing(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DOMAINS)
    mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["lcadmin"], "attr": {"domains": ["lc.example"], "active": 0}}, reply=MODIFIED)
    result = run(mailcow, domains=["lc.example"], active=False)
    assert result["action"] == "updated" and result["diff"]["before"]["domains"] == ["lc.example", "lc2.example"]


def test_edit_keeps_force_flags_mailcow_would_reset(mailcow) -> None:
    forced = dict(RAW, attributes={"force_tfa": "1", "force_pw_update": "0"})
    mailcow.expect("GET", GET, reply=forced)
    mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["lcadmin"], "attr": {"active": 0, "force_tfa": 1}}, reply=MODIFIED)
    assert run(mailcow, active=False)["changed"]


def test_password_always_goes_alone_first_and_a_refusal_stops_the_rest(mailcow) -> None:
    policy_read(mailcow, length="3")  # the policy read allows "abc"; Mailcow's own check refuses it (a policy changed in between)
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DOMAINS)
    weak = recorded("add_domain_admin_weak_password")
    mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["lcadmin"], "attr": {"password": "abc", "password2": "abc"}}, reply=weak)
    with pytest.raises(MailcowValidationError, match="password policy") as failed:
        run(mailcow, password="abc", update_password="always", domains=["lc.example"])
    assert "abc" not in str(failed.value)


def test_password_always_then_the_other_changes(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["lcadmin"], "attr": {"password": "Fake-Passw0rd-2", "password2": "Fake-Passw0rd-2"}},
                   reply=PASSWORD_SET)
    mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["lcadmin"], "attr": {"active": 0}}, reply=MODIFIED)
    result = run(mailcow, password="Fake-Passw0rd-2", update_password="always", active=False)
    assert result["diff"]["after"]["password"] == "(set)"


def test_missing_domain_is_refused_before_any_write_so_no_ghost_is_left(mailcow) -> None:
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DOMAINS)
    with pytest.raises(MailcowNotFoundError, match=r"domains: missing.example does not exist on this Mailcow, so domain administrator lcadmin "
                                                   r"was not written: create it first with mailcow_domain"):
        run(mailcow, domains=["lc.example", "missing.example"], password=PASSWORD)
    assert [step[0] for step in mailcow.seen] == ["GET", "GET"]


def test_check_mode_makes_the_same_checks(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("GET", "/api/v1/get/domain/all", reply={})
    with pytest.raises(MailcowNotFoundError, match="lc.example does not exist"):
        run(mailcow, check_mode=True, domains=["lc.example"], password=PASSWORD)
    expect_create_reads(mailcow)
    assert run(mailcow, check_mode=True, domains=["lc.example"], password=PASSWORD)["changed"]


def test_empty_body_add_is_decided_by_one_read_and_the_acl_still_written(mailcow) -> None:
    """The loser of a race, or an add over a half-created administrator: empty body, then it exists."""
    policy_read(mailcow)
    expect_create_reads(mailcow)
    mailcow.expect("POST", "/api/v1/add/domain-admin", ADD_BODY, reply="")
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/da-acl", {"items": ["lcadmin"], "attr": {"da_acl": ["quarantine"]}}, reply=ACL_SAVED)
    result = run(mailcow, domains=["lc.example", "lc2.example"], password=PASSWORD, acl=["quarantine"])
    assert result["outcome"] == "created_concurrently"


def test_a_name_taken_by_an_unlisted_admin_says_so(mailcow) -> None:
    """object_exists although GET showed nothing: the superadmin, or an admin whose domains were all deleted."""
    policy_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/domain-admin/admin", reply={})
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DOMAINS)
    body = dict(ADD_BODY, username="admin", domains=["lc.example"])
    exists = [{"type": "danger", "log": ["domain_admin", "add", {}], "msg": ["object_exists", "admin"]}]
    mailcow.expect("POST", "/api/v1/add/domain-admin", body, reply=exists)
    mailcow.expect("GET", "/api/v1/get/domain-admin/admin", reply={})
    with pytest.raises(MailcowExistsError, match="admin already exists.*superadmin, or a domain administrator whose domains were all deleted"):
        run(mailcow, username="admin", domains=["lc.example"], password=PASSWORD)


def test_delete_then_absent(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/delete/domain-admin", ["lcadmin"], reply=REMOVED)
    assert run(mailcow, state="absent")["action"] == "deleted"
    mailcow.expect("GET", GET, reply={})
    assert not run(mailcow, state="absent")["changed"]


def test_read_only_key(mailcow) -> None:
    policy_read(mailcow)
    expect_create_reads(mailcow)
    ro = transcript("add_domain_admin_ro_key", "transcripts-lifecycle.jsonl")
    mailcow.expect("POST", "/api/v1/add/domain-admin", ANY, reply=ro["body"], status=ro["status"])
    with pytest.raises(MailcowForbiddenError, match="read-only"):
        run(mailcow, domains=["lc.example", "lc2.example"], password=PASSWORD)


@pytest.mark.parametrize("params,message", [
    ({"username": "bad user!"}, r"username 'bad user!' is not valid: ASCII letters, digits, _ \. - only"),
    ({"username": "alice@lc.example"}, "no @: a domain administrator is not a mailbox"),
    ({"username": ""}, "username '' is not valid"),
    ({"domains": []}, "domains must list at least one domain"),
    ({"domains": ["lc.example,lc2.example"]}, "domains 'lc.example,lc2.example' is not a valid domain name"),
    ({"password": "   "}, "password must not be empty or only white space"),
    ({"password": "a\nb"}, "password must not contain control characters"),
    ({"acl": ["syncjobs", "root"]}, "acl: unknown permission.s. root; known: syncjobs"),
    ({"rename_from": "old admin"}, r"rename_from 'old admin' is not valid"),
    ({"rename_from": "LCadmin"}, "rename_from must differ from username lcadmin"),
    ({"rename_from": "oldadmin", "state": "absent"}, "rename_from only makes sense with state=present: to remove oldadmin, give username: oldadmin"),
])
def test_bad_input_fails_before_any_request(mailcow, params, message) -> None:
    with pytest.raises(MailcowOptionError, match=message):
        run(mailcow, **dict({"domains": ["lc.example"], "password": PASSWORD}, **params))
    assert not mailcow.seen


@pytest.mark.parametrize("params,message", [
    ({"password": PASSWORD}, "domains is required to create domain administrator lcadmin"),
    ({"domains": ["lc.example"]}, "password is required to create domain administrator lcadmin"),
])
def test_create_needs_domains_and_password(mailcow, params, message) -> None:
    mailcow.expect("GET", GET, reply={})
    with pytest.raises(MailcowOptionError, match=message):
        run(mailcow, **params)


# -- rename_from ---------------------------------------------------------------------------------
GET_OLD = "/api/v1/get/domain-admin/oldadmin"
OLD = dict(RAW, username="oldadmin", attributes={"force_tfa": "0", "force_pw_update": "1"})


def test_rename_is_one_edit_of_the_old_name_then_unchanged(mailcow) -> None:
    for check_mode in (True, False):
        mailcow.expect("GET", GET, reply={}).expect("GET", GET_OLD, reply=OLD)
        if not check_mode:
            # The force flag Mailcow would reset goes along; nothing else differs.
            mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["oldadmin"], "attr": {"force_pw_update": 1, "username_new": "lcadmin"}},
                           reply=MODIFIED)
        result = run(mailcow, check_mode=check_mode, rename_from="OldAdmin")
        assert result["changed"] and result["action"] == "renamed" and result["renamed_from"] == "oldadmin"
        assert result["diff"]["before"]["username"] == "oldadmin" and result["diff"]["after"]["username"] == "lcadmin"
        assert result["domain_admin"]["domains"] == ["lc.example", "lc2.example"]
    mailcow.expect("GET", GET, reply=RAW).expect("GET", GET_OLD, reply={})
    again = run(mailcow, rename_from="oldadmin")
    assert not again["changed"] and again["action"] == "unchanged" and "renamed_from" not in again


def test_rename_with_changes_checks_the_domains_and_sends_the_password_first_under_the_old_name(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", GET, reply={}).expect("GET", GET_OLD, reply=OLD)
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DOMAINS)
    password_attr = {"password": PASSWORD, "password2": PASSWORD, "force_pw_update": 1}
    mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["oldadmin"], "attr": password_attr}, reply=PASSWORD_SET)
    rename_attr = {"domains": ["lc.example"], "force_pw_update": 1, "username_new": "lcadmin"}
    mailcow.expect("POST", "/api/v1/edit/domain-admin", {"items": ["oldadmin"], "attr": rename_attr}, reply=MODIFIED)
    mailcow.expect("POST", "/api/v1/edit/da-acl", {"items": ["lcadmin"], "attr": {"da_acl": ["quarantine"]}}, reply=ACL_SAVED)
    result = run(mailcow, rename_from="oldadmin", domains=["lc.example"], password=PASSWORD, update_password="always", acl=["quarantine"],
                 update_acl="always")
    assert result["action"] == "renamed" and result["domain_admin"]["username"] == "lcadmin" and PASSWORD not in json.dumps(result)


def test_rename_when_both_names_exist_fails_before_any_write(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW).expect("GET", GET_OLD, reply=OLD)
    with pytest.raises(MailcowExistsError, match="domain administrators oldadmin and lcadmin both exist, so oldadmin cannot be renamed to lcadmin"):
        run(mailcow, rename_from="oldadmin")
    assert [method for method, *_rest in mailcow.seen] == ["GET", "GET"]


def test_rename_from_nobody_creates_the_new_name(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", GET, reply={}).expect("GET", GET_OLD, reply={})
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=DOMAINS)
    mailcow.expect("POST", "/api/v1/add/domain-admin", ADD_BODY, reply=ADDED)
    result = run(mailcow, rename_from="oldadmin", domains=["lc.example", "lc2.example"], password=PASSWORD)
    assert result["action"] == "created" and "renamed_from" not in result
