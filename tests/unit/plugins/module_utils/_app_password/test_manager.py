# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_app_password's decisions as exact HTTP conversations, answered with the life-cycle recording of a real Mailcow."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.model import escape, name_of, unescape
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.manager import find, manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowNotFoundError
from ...scripted_mailcow import LIFECYCLE, transcript, policy_read

MAILBOX = "alice@lc.example"
LIST = "/api/v1/get/app-passwd/all/" + MAILBOX
GET_MAILBOX = "/api/v1/get/mailbox/" + MAILBOX
EMPTY = transcript("get_app_passwd_all_mailbox_empty", LIFECYCLE)["body"]  # {}
ADDED = transcript("add_app_passwd_success", LIFECYCLE)["body"]  # bare app_passwd_added, no id
# 33 and 34 both named Thunderbird (Mailcow took the duplicate), 35 "CalDAV <sync>" read as "CalDAV &amp;lt;sync&amp;gt;".
LISTED = transcript("get_app_passwd_all_mailbox_ro_key", LIFECYCLE)["body"]
MODIFIED = transcript("edit_app_passwd_with_username", LIFECYCLE)["body"]
LOST = transcript("edit_app_passwd_without_username", LIFECYCLE)["body"]  # empty body
REMOVED = transcript("delete_app_passwd_success", LIFECYCLE)["body"]
PW = "Fake-AppPass-123"


def one(*ids):
    return [row for row in copy.deepcopy(LISTED) if row["id"] in ids]


def run(server, check_mode=False, **params):
    base = {"mailbox": MAILBOX, "state": "present", "update_password": "on_create"}
    return manage_one(MailcowClient(server.url, "K"), dict(base, **params), check_mode=check_mode, diff=True)


def test_names_are_unescaped_exactly_twice() -> None:
    assert name_of(LISTED[2]) == "CalDAV <sync>"
    for name in ("a&b", "&amp;", "x <y> \"z\" 'w'", "&lt;", "&#039;&copy;"):
        assert unescape(unescape(escape(escape(name)))) == name
    assert unescape("&amp;lt;") == "&lt;"


def test_create_sends_active_and_reads_the_id_from_the_listing(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", LIST, reply=EMPTY)
    mailcow.expect("GET", GET_MAILBOX, reply={"username": MAILBOX, "domain": "lc.example"})
    body = {"username": MAILBOX, "app_name": "Thunderbird", "app_passwd": PW, "app_passwd2": PW, "protocols": ["imap_access", "smtp_access"], "active": 1}
    mailcow.expect("POST", "/api/v1/add/app-passwd", body, reply=ADDED)
    mailcow.expect("GET", LIST, reply=one(33))
    result = run(mailcow, name="Thunderbird", password=PW, protocols=["smtp_access", "imap_access"])
    assert result["changed"] and result["app_password"]["id"] == 33 and result["action"] == "created"


def test_a_twice_escaped_name_matches_as_written_and_nothing_is_written(mailcow) -> None:
    mailcow.expect("GET", LIST, reply=LISTED)
    result = run(mailcow, name="CalDAV <sync>", protocols=["dav_access"], active=False, password=PW)
    assert not result["changed"] and result["app_password"]["id"] == 35


def test_edit_sends_username_name_protocols_and_active(mailcow) -> None:
    mailcow.expect("GET", LIST, reply=one(33))
    attr = {"username": MAILBOX, "app_name": "Thunderbird", "protocols": ["imap_access", "smtp_access", "sieve_access"], "active": 1}
    mailcow.expect("POST", "/api/v1/edit/app-passwd", {"items": [33], "attr": attr}, reply=MODIFIED)
    result = run(mailcow, name="Thunderbird", protocols=["imap_access", "smtp_access", "sieve_access"])
    assert result["changed"] and result["diff"]["after"]["protocols"] == ["imap_access", "smtp_access", "sieve_access"]


def test_an_edit_answered_with_an_empty_body_is_decided_by_one_reread(mailcow) -> None:
    mailcow.expect("GET", LIST, reply=one(33))
    mailcow.expect("POST", "/api/v1/edit/app-passwd", {"items": [33], "attr": {
        "username": MAILBOX, "app_name": "Thunderbird", "protocols": ["imap_access", "smtp_access"], "active": 0}}, reply=LOST)
    now = one(33)
    now[0]["active"] = 0
    mailcow.expect("GET", LIST, reply=now)
    result = run(mailcow, name="Thunderbird", active=False)
    assert result["changed"] and result["outcome"] == "confirmed"


def test_duplicates_are_refused_by_name_and_ids_and_absent_deletes_them_all(mailcow) -> None:
    mailcow.expect("GET", LIST, reply=LISTED)
    with pytest.raises(MailcowError, match=r"2 app passwords named 'Thunderbird' \(Mailcow ids 33, 34\)"):
        run(mailcow, name="Thunderbird", protocols=["imap_access"])
    mailcow.expect("GET", LIST, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/app-passwd", [33, 34], reply=REMOVED + [dict(REMOVED[0], msg=["app_passwd_removed", "34"])])
    assert run(mailcow, name="Thunderbird", state="absent")["changed"]


def test_missing_mailbox(mailcow) -> None:
    for _round in range(2):
        mailcow.expect("GET", "/api/v1/get/app-passwd/all/nobody@lc.example", reply=transcript("get_app_passwd_all_missing_mailbox", LIFECYCLE)["body"])
        mailcow.expect("GET", "/api/v1/get/mailbox/nobody@lc.example", reply={})
    with pytest.raises(MailcowNotFoundError, match="mailbox nobody@lc.example does not exist"):
        run(mailcow, mailbox="nobody@lc.example", name="Phone", password=PW, protocols=[])
    assert not run(mailcow, mailbox="nobody@lc.example", name="Phone", state="absent")["changed"]


def test_bulk_check_mode_plans_every_entry_from_one_read(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", LIST, reply=one(35))
    entries = [{"name": "CalDAV <sync>", "protocols": ["dav_access"], "state": "present"},
               {"name": "Phone", "password": PW, "protocols": ["imap_access"], "state": "present"}]
    params = {"mailbox": MAILBOX, "app_passwords": entries, "purge": False, "purge_max_share": 50}
    result = manage_many(MailcowClient(mailcow.url, "K"), params, check_mode=True, diff=True)
    assert result["msg"] == "would create 1 (Phone), 1 unchanged" and result["app_passwords"] == [{"name": "Phone", "action": "created", "changed": True}]
    assert result["diff"][0]["after"]["password"] == "(set)"


def test_info_filters_by_name(mailcow) -> None:
    mailcow.expect("GET", LIST, reply=LISTED)
    found = find(MailcowClient(mailcow.url, "K"), {"mailbox": MAILBOX, "name": "Thunderbird"})
    assert [a["id"] for a in found] == [33, 34] and all("password" not in a for a in found)
