# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_forwarding_host's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-routing.jsonl.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.manager import manage_many, manage_one
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-routing.jsonl")["body"]


ALL = "/api/v1/get/fwdhost/all"
LISTED = recorded("get_fwdhost_all")  # 192.0.2.10 no, 198.51.100.0/24 no, 2001:db8::1 no, 999.999.1.1 yes
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def test_add_says_filter_spam_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_fwdhost_all_empty"))
    mailcow.expect("POST", "/api/v1/add/fwdhost", {"hostname": "192.0.2.10", "filter_spam": 1}, reply=recorded("add_fwdhost_duplicate"))
    mailcow.expect("GET", ALL, reply=LISTED[:1])
    result = run(mailcow, host="192.0.2.10")
    assert result["action"] == "created" and result["forwarding_host"]["id"] == "192.0.2.10"
    assert result["diff"] == {"before": {}, "after": {"host": "192.0.2.10", "keep_spam": False}}
    mailcow.expect("GET", ALL, reply=LISTED)
    assert not run(mailcow, host="2001:DB8:0::1", keep_spam=False)["changed"]


def test_keep_spam_edit_and_removal_go_by_host(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/fwdhost", {"items": ["192.0.2.10"], "attr": {"keep_spam": 1}}, reply=recorded("edit_fwdhost_keep_spam"))
    assert run(mailcow, host="192.0.2.10", keep_spam=True)["diff"]["after"] == {"host": "192.0.2.10", "keep_spam": True}
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/fwdhost", ["2001:db8::1"], reply=recorded("delete_fwdhost_success"))
    assert run(mailcow, host="2001:db8::1", state="absent")["action"] == "deleted"


def test_a_host_gone_meanwhile_is_mailcows_access_denied(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/fwdhost", {"items": ["192.0.2.10"], "attr": {"keep_spam": 1}}, reply=recorded("edit_fwdhost_missing"))
    with pytest.raises(MailcowValidationError, match="access denied, or the object does not exist"):
        run(mailcow, host="192.0.2.10", keep_spam=True)


def test_bulk_purges_what_is_not_listed_even_a_host_mailcow_took_as_written(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/fwdhost", ["999.999.1.1"], reply=recorded("delete_fwdhost_bare_string"))
    result = manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, forwarding_hosts=[
        {"host": "192.0.2.10"}, {"host": "198.51.100.0/24"}, {"host": "2001:db8::1"}]), check_mode=False, diff=True)
    assert result["forwarding_hosts"] == [{"host": "999.999.1.1", "action": "deleted", "changed": True}]


@pytest.mark.parametrize("host", ["999.999.1.1", "mail.example.org", "198.51.100.1/24", "", "192.0.2.10 192.0.2.11"])
def test_anything_but_an_address_or_network_is_refused_before_any_request(mailcow, host: str) -> None:
    with pytest.raises(MailcowOptionError, match="host"):
        run(mailcow, host=host)
