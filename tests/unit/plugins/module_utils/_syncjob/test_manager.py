# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_syncjob's decisions as exact HTTP conversations, with the recorded answers of a real Mailcow
(tests/fixtures/mailcow-api/transcripts-lifecycle.jsonl)."""

from __future__ import annotations

import json
import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import check_custom_params, remote_tls_weakened
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.manager import info, manage_many, manage_one
from ...scripted_mailcow import TRANSCRIPTS

LIFECYCLE = TRANSCRIPTS.parent / "transcripts-lifecycle.jsonl"
CASES = {case["case"]: case for case in (json.loads(line) for line in LIFECYCLE.read_text(encoding="utf-8").splitlines() if line.strip())}
LISTING = CASES["get_syncjobs_all"]["response"]["body"]  # ids 23 (imap.remote.example, bob@remote.example), 24 (bad host), 25 (reset values)
JOB23 = LISTING[0]
ADDED = CASES["add_syncjob_success"]["response"]["body"]  # its log echoes password1 in clear
SENT = CASES["add_syncjob_success"]["request"]["body"]
MODIFIED = CASES["edit_syncjob_success"]["response"]["body"]
DELETED = CASES["delete_syncjob_success"]["response"]["body"]
DENIED = CASES["edit_syncjob_created_with_invalid_host"]["response"]["body"]
MINE = "/api/v1/get/syncjobs/bob@lc.example/no_log"
KEY = {"mailbox": "bob@lc.example", "remote_host": "imap.remote.example", "remote_user": "bob@remote.example"}
# The options that give exactly the recorded add_syncjob_success request.
RECORDED = dict(KEY, remote_password=SENT["password1"], subfolder="External", max_age=365, max_bytes_per_second=500000,
                timeout_remote=300, timeout_local=300, custom_params="--nofoldersizesatend --useuid")


def run(server: t.Any, check_mode: bool = False, **params: t.Any) -> dict[str, t.Any]:
    base = {"state": "present", "update_password": "on_create"}
    return manage_one(MailcowClient(server.url, "K"), dict(base, **params), check_mode=check_mode, diff=True)


def test_add_sends_every_field_and_finds_the_id_by_re_reading(mailcow: t.Any) -> None:
    mailcow.expect("GET", MINE, reply={})
    mailcow.expect("GET", "/api/v1/get/mailbox/bob@lc.example", reply={"username": "bob@lc.example"})
    mailcow.expect("POST", "/api/v1/add/syncjob", SENT, reply=ADDED)
    mailcow.expect("GET", MINE, reply=[JOB23])
    result = run(mailcow, **RECORDED)
    assert result["changed"] and result["action"] == "created" and result["syncjob"]["id"] == 23
    assert SENT["password1"] not in json.dumps(result)


def test_empty_body_on_add_is_decided_by_re_reading(mailcow: t.Any) -> None:
    """add_syncjob_minimal: an add Mailcow could not finish answers 200 with an empty body."""
    mailcow.expect("GET", MINE, reply=[LISTING[1]])
    mailcow.expect("POST", "/api/v1/add/syncjob", SENT, reply="")
    mailcow.expect("GET", MINE, reply=[LISTING[1], JOB23])  # decides: it is there, as planned
    mailcow.expect("GET", MINE, reply=[LISTING[1], JOB23])  # the comparison after writing
    result = run(mailcow, **RECORDED)
    assert result["changed"] and result["outcome"] == "created_concurrently" and result["syncjob"]["id"] == 23


def test_a_silently_reset_value_fails_after_re_reading(mailcow: t.Any) -> None:
    """add_syncjob_out_of_range_values: Mailcow stores its defaults instead and says success."""
    mailcow.expect("GET", MINE, reply=[JOB23])
    mailcow.expect("POST", "/api/v1/edit/syncjob", {"items": [23], "attr": {"maxage": 30000}}, reply=MODIFIED)
    mailcow.expect("GET", MINE, reply=[dict(JOB23, maxage=0)])
    with pytest.raises(MailcowError, match=r"did not store 1 sync job.*max_age: stored 0, wanted 30000"):
        run(mailcow, max_age=30000, **KEY)


def test_edit_sends_only_the_difference_by_id(mailcow: t.Any) -> None:
    mailcow.expect("GET", MINE, reply=[JOB23])
    mailcow.expect("POST", "/api/v1/edit/syncjob", {"items": [23], "attr": {"mins_interval": 45, "active": 0, "exclude": "(?i)trash"}},
                   reply=MODIFIED)
    mailcow.expect("GET", MINE, reply=[dict(JOB23, mins_interval=45, active=0, exclude="(?i)trash")])
    result = run(mailcow, interval=45, active=False, exclude="(?i)trash", subfolder="External", **KEY)
    assert result["changed"] and result["action"] == "updated"
    assert result["diff"]["before"]["interval"] == 20 and result["diff"]["after"]["interval"] == 45


def test_delete_sends_the_id_list(mailcow: t.Any) -> None:
    mailcow.expect("GET", MINE, reply=[JOB23])
    mailcow.expect("POST", "/api/v1/delete/syncjob", [23], reply=DELETED)
    mailcow.expect("GET", MINE, reply={})
    result = run(mailcow, state="absent", **KEY)
    assert result["changed"] and result["action"] == "deleted"


def test_a_job_with_an_invalid_host_is_refused_to_change_but_can_be_deleted(mailcow: t.Any) -> None:
    """add_syncjob_invalid_host / edit_syncjob_created_with_invalid_host: Mailcow refuses every edit of such a job."""
    bad = {"mailbox": "bob@lc.example", "remote_host": "not a host!", "remote_user": "bob3"}
    with pytest.raises(MailcowOptionError, match="remote_host 'not a host!' is not a valid host name.*state=absent can still delete one"):
        run(mailcow, active=False, **bad)
    assert not mailcow.seen  # refused while checking the options: nothing read
    mailcow.expect("GET", MINE, reply=LISTING[:2])
    mailcow.expect("POST", "/api/v1/delete/syncjob", [24], reply=DELETED)
    mailcow.expect("GET", MINE, reply=[JOB23])
    assert run(mailcow, state="absent", **bad)["action"] == "deleted"


def test_access_denied_on_edit_is_explained(mailcow: t.Any) -> None:
    mailcow.expect("GET", MINE, reply=[JOB23])
    mailcow.expect("POST", "/api/v1/edit/syncjob", {"items": [23], "attr": {"active": 0}}, reply=DENIED)
    with pytest.raises(MailcowError, match="remote host is not a valid host name"):
        run(mailcow, active=False, **KEY)


def test_read_only_key_gets_a_clear_error(mailcow: t.Any) -> None:
    ro = CASES["add_syncjob_ro_key"]["response"]
    mailcow.expect("GET", MINE, reply=[])
    mailcow.expect("GET", "/api/v1/get/mailbox/bob@lc.example", reply={"username": "bob@lc.example"})
    mailcow.expect("POST", "/api/v1/add/syncjob", SENT, reply=ro["body"], status=ro["status"])
    with pytest.raises(MailcowError, match="read-only") as raised:
        run(mailcow, **RECORDED)
    assert SENT["password1"] not in str(raised.value)


def test_check_mode_only_reads(mailcow: t.Any) -> None:
    mailcow.expect("GET", MINE, reply=[JOB23])
    result = run(mailcow, check_mode=True, interval=45, remote_password="x", update_password="always", **KEY)
    assert result["changed"] and result["syncjob"]["interval"] == 45 and result["diff"]["after"]["remote_password"] == "(set)"
    assert [s[0] for s in mailcow.seen] == ["GET"]


def test_bulk_reads_the_listing_once_and_filters_the_domain(mailcow: t.Any) -> None:
    other = dict(JOB23, id=99, user2="eve@elsewhere.example")
    mailcow.expect("GET", "/api/v1/get/syncjobs/all/no_log", reply=LISTING + [other])
    entries = [dict(KEY, subfolder="External", max_age=365)]
    params = {"domain": "lc.example", "syncjobs": entries, "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}
    result = manage_many(MailcowClient(mailcow.url, "K"), params, check_mode=True, diff=False)
    assert not result["changed"] and result["msg"] == "no change (1 unchanged)"


def test_info_keeps_the_last_lines_of_the_log(mailcow: t.Any) -> None:
    ran = dict(JOB23, last_run="2026-11-25 21:00:02", success=1, exit_status="EX_OK", log="one\ntwo\nthree\n")
    mailcow.expect("GET", "/api/v1/get/syncjobs/bob@lc.example", reply=[ran])
    result = info(MailcowClient(mailcow.url, "K"), {"mailbox": "Bob@LC.example", "log_lines": 2})
    job = result["syncjobs"][0]
    assert (job["status"], job["log_tail"], job["max_bytes_per_second"]) == ("succeeded", ["two", "three"], 500000)


@pytest.mark.parametrize("text, words", [
    ("--logdir=/var/my-logs", "--logs is not on Mailcow's list of allowed options (Mailcow splits custom_params at every '-'"),
    ("--regexmess=s/x/y/", "--regexmess is not on Mailcow's list"),
    ("--useuid --skipmess=x", "--skipmess is not on Mailcow's list"),
    ("--folder INBOX", "has a space where Mailcow expects an option name"),
    # PHP's strtolower lowers A-Z only: the Kelvin sign stays, so Mailcow answers "bad option \u212aeepalive1".
    ("--\u212aeepalive1", "--\u212aeepalive1 is not on Mailcow's list"),
    ("--sslargs1 SSL_verify_mode=0", "has a space where Mailcow expects an option name"),
    ("\u00a0--useuid", "is not on Mailcow's list"),
])
def test_custom_params_refused_as_mailcow_would(text: str, words: str) -> None:
    with pytest.raises(MailcowOptionError, match="^custom_params: ") as raised:
        check_custom_params(text, "custom_params")
    assert words in str(raised.value)


@pytest.mark.parametrize("text", ["", "--nofoldersizesatend --useuid", "--folder=INBOX --maxsize=1000 -dry", "  --USEUID  ", "--NoSSL1"])
def test_custom_params_mailcow_accepts(text: str) -> None:
    assert check_custom_params(text, "custom_params") == text.strip()


@pytest.mark.parametrize("text, weakened", [
    ("--nossl1", ["--nossl1"]),
    ("--useuid --NoTLS1", ["--NoTLS1"]),
    ("--sslargs1=SSL_verify_mode=0", ["--sslargs1=SSL_verify_mode=0"]),
    ("--sslargs1=SSL_verify_mode=0x01", ["--sslargs1=SSL_verify_mode=0x01"]),  # Perl reads "0x01" as 0
    ("--sslargs1=SSL_verify_mode=SSL_VERIFY_PEER", ["--sslargs1=SSL_verify_mode=SSL_VERIFY_PEER"]),
    ("--sslargs1=SSL_verify_mode=0 --sslargs1=SSL_verify_mode=1", []),
    ("--sslargs1=SSL_verify_mode=1", []),
    ("--sslargs1=SSL_verify_mode=1 --sslargs1=SSL_verifycn_scheme=none", ["--sslargs1=SSL_verifycn_scheme=none"]),
    ("--sslargs1=SSL_version=SSLv3", ["--sslargs1=SSL_version=SSLv3"]),
    ("--sslargs1=SSL_version=SSLv23:!SSLv3:!TLSv1", []),
    ("--sslargs1=SSL_cipher_list=eNULL", ["--sslargs1=SSL_cipher_list=eNULL"]),
    ("--sslargs1=SSL_cipher_list=DEFAULT:!aNULL", []),
    # The local side (host2, Mailcow's own Dovecot) is not the remote server.
    ("--nossl2 --notls2 --sslargs2=SSL_verify_mode=0", []),
    ("--nofoldersizesatend --useuid", []),
])
def test_options_that_weaken_tls_towards_the_remote_server(text: str, weakened: list[str]) -> None:
    check_custom_params(text, "custom_params")  # each is one Mailcow accepts
    assert remote_tls_weakened(text) == weakened


def test_the_module_warns_about_them_in_check_mode_and_in_bulk(mailcow: t.Any) -> None:
    mailcow.expect("GET", MINE, reply=[JOB23])
    result = run(mailcow, check_mode=True, **dict(KEY, custom_params="--useuid --nossl1"))
    [warning] = result["warnings"]
    assert warning.startswith("sync job bob@lc.example <- imap.remote.example:bob@remote.example: custom_params --nossl1 switch off")
    assert "SSL_verify_mode=1" in warning
    mailcow.expect("GET", MINE, reply=[JOB23])
    assert run(mailcow, check_mode=True, **dict(KEY, custom_params="--useuid"))["warnings"] == []


@pytest.mark.parametrize("params, words", [
    ({"mailbox": "no-at-sign"}, "mailbox: 'no-at-sign' is not a valid address"),
    ({"domain": "not a domain"}, "domain 'not a domain' is not a valid domain name"),
    ({"log_lines": -1}, "log_lines must be a whole number of log lines from 0 to 10000"),
])
def test_info_bad_input_names_the_option_before_any_request(mailcow: t.Any, params: dict[str, t.Any], words: str) -> None:
    with pytest.raises(MailcowOptionError) as raised:
        info(MailcowClient(mailcow.url, "K"), params)
    assert words in str(raised.value) and not mailcow.seen
