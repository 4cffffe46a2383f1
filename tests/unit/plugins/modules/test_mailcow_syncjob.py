# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_syncjob and mailcow_syncjob_info in-process against the emulator over HTTPS.

The emulator answers add/syncjob as the real Mailcow does (transcript add_syncjob_success): its
``log`` echoes the request with the remote password in clear. These runs go through the whole
module (argument spec, client, writes, re-read) and check that the password reaches no result,
message or diff, not even masked by Ansible (which would mean it leaked and was caught late).
"""

from __future__ import annotations

import json
import typing as t

import pytest

from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow, RunModule

DOMAIN = "sync.example"
MAILBOX = "bob@" + DOMAIN
REMOTE_PASSWORD = "Remote-Secret-Pw-2026!"
MASK = "********"
JOB = {"mailbox": MAILBOX, "remote_host": "imap.remote.example", "remote_user": "bob@remote.example"}


def api(emulated: Mailcow, method: str, path: str, body: t.Any = None) -> t.Any:
    return emulated.emulator.request(method, "/api/v1/" + path, body).json()


def setup_mailboxes(run_module: RunModule, emulated: Mailcow, *names: str) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]
    entries = [{"local_part": name, "password": "Mailbox-Pw-2026!"} for name in names or ("bob",)]
    assert run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries))["rc"] == 0


def jobs(emulated: Mailcow) -> list[dict[str, t.Any]]:
    listed = api(emulated, "GET", "get/syncjobs/all/no_log")
    return listed if isinstance(listed, list) else []


def assert_secret_free(*results: dict[str, t.Any]) -> None:
    for result in results:
        text = json.dumps(result)
        assert REMOTE_PASSWORD not in text and RW_KEY not in text
        # Ansible masks a leaked no_log value as ********: that must never have been needed.
        assert MASK not in text, text


def test_emulator_echoes_the_password_in_the_add_log(emulated: Mailcow, run_module: RunModule) -> None:
    """The premise of the secret tests below: the add answer carries the password in clear, as recorded."""
    setup_mailboxes(run_module, emulated)
    body = {"username": MAILBOX, "host1": "imap.remote.example", "port1": 993, "user1": "x", "password1": REMOTE_PASSWORD, "enc1": "SSL",
            "mins_interval": 20, "exclude": ""}
    answer = api(emulated, "POST", "add/syncjob", body)
    assert answer[0]["msg"] == ["mailbox_modified", MAILBOX] and answer[0]["log"][3]["password1"] == REMOTE_PASSWORD


def test_create_check_mode_diff_then_ok_and_no_password_anywhere(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(run_module, emulated)
    args = dict(emulated.conn(), remote_password=REMOTE_PASSWORD, subfolder="External", **JOB)
    planned = run_module("mailcow_syncjob", args, check_mode=True, diff=True)
    assert planned["rc"] == 0 and planned["changed"] and planned["syncjob"]["id"] is None and not jobs(emulated)
    assert planned["diff"]["after"]["remote_password"] == "(set)" and planned["diff"]["before"] == {}
    created = run_module("mailcow_syncjob", args, diff=True)
    assert created["rc"] == 0 and created["changed"] and created["action"] == "created", created
    listed = jobs(emulated)
    assert [(j["id"], j["user2"], j["subfolder2"], j["exclude"], j["port1"]) for j in listed] == [
        (created["syncjob"]["id"], MAILBOX, "External", "(?i)spam|(?i)junk", 993)]
    again = run_module("mailcow_syncjob", dict(args, remote_host="IMAP.Remote.Example", remote_user="BOB@remote.example"), diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["syncjob"]["id"] == created["syncjob"]["id"]
    assert_secret_free(planned, created, again)


def test_update_only_the_difference_and_password_always(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(run_module, emulated)
    assert run_module("mailcow_syncjob", dict(emulated.conn(), remote_password=REMOTE_PASSWORD, **JOB))["changed"]
    changed = run_module("mailcow_syncjob", dict(emulated.conn(), interval=45, active=False, max_age=365, **JOB), diff=True)
    assert changed["changed"] and changed["action"] == "updated"
    assert changed["diff"]["before"]["interval"] == 20 and changed["diff"]["after"]["interval"] == 45
    stored = jobs(emulated)[0]
    assert (stored["mins_interval"], stored["active"], stored["maxage"]) == (45, 0, 365)
    always = dict(emulated.conn(), remote_password=REMOTE_PASSWORD, update_password="always", **JOB)
    first, second = run_module("mailcow_syncjob", always, diff=True), run_module("mailcow_syncjob", always)
    assert first["changed"] and second["changed"] and first["diff"]["after"]["remote_password"] == "(set)"
    assert_secret_free(changed, first, second)


def test_absent_deletes_by_id_then_ok(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(run_module, emulated)
    run_module("mailcow_syncjob", dict(emulated.conn(), remote_password=REMOTE_PASSWORD, **JOB))
    gone = run_module("mailcow_syncjob", dict(emulated.conn(), state="absent", **JOB), diff=True)
    assert gone["changed"] and gone["action"] == "deleted" and gone["syncjob"] == {} and not jobs(emulated)
    assert not run_module("mailcow_syncjob", dict(emulated.conn(), state="absent", **JOB))["changed"]


def test_missing_mailbox_is_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(run_module, emulated)
    for check_mode in (True, False):
        result = run_module("mailcow_syncjob", dict(emulated.conn(), remote_password=REMOTE_PASSWORD, **dict(JOB, mailbox="nobody@" + DOMAIN)),
                            check_mode=check_mode)
        assert result["rc"] == 1 and "mailbox nobody@sync.example does not exist" in result["msg"] and "mailcow_mailbox" in result["msg"]
        assert_secret_free(result)
    assert not jobs(emulated)


def test_read_only_key_fails_clearly_and_writes_nothing(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(run_module, emulated)
    result = run_module("mailcow_syncjob", dict(emulated.conn(RO_KEY), remote_password=REMOTE_PASSWORD, **JOB))
    assert result["rc"] == 1 and "read-only" in result["msg"] and "/add/syncjob" in result["msg"]
    assert not jobs(emulated)
    assert_secret_free(result)


@pytest.mark.parametrize("bad, words", [
    ({"remote_host": "not a host!"}, "remote_host 'not a host!' is not a valid host name"),
    ({"max_age": 99999}, "max_age must be a whole number from 0 to 32000"),
    ({"timeout_local": 0}, "timeout_local must be a whole number from 1 to 32000"),
    ({"max_bytes_per_second": -5}, "max_bytes_per_second must be a whole number from 0 to 125000000"),
    ({"remote_port": 70000}, "remote_port must be a whole number from 1 to 65535"),
    ({"interval": 0}, "interval must be a whole number from 1 to 43800"),
    ({"custom_params": "--pipemess=/bin/cat"}, "--pipemess is not on Mailcow's list of allowed options"),
    ({"custom_params": "--delete2"}, "--delete2 is not on Mailcow's list"),
    ({"custom_params": "--folder INBOX"}, "give options as --name=value"),
    ({"custom_params": "--showpasswords"}, "--showpasswords is refused by this module"),
    ({"exclude": "a/b"}, "write '/' as '\\/'"),
    ({"subfolder": "x" * 256}, "subfolder must be at most 255 characters"),
    ({"remote_password": None}, "remote_password is required to create sync job"),
    ({"remote_user": ""}, "remote_user is required"),
    ({"mailbox": "no-at-sign"}, "mailbox: 'no-at-sign' is not a valid address"),
])
def test_bad_input_names_the_option_and_writes_nothing(run_module: RunModule, emulated: Mailcow, bad: dict[str, t.Any], words: str) -> None:
    setup_mailboxes(run_module, emulated)
    args = dict(emulated.conn(), remote_password=REMOTE_PASSWORD, **JOB)
    args.update(bad)
    result = run_module("mailcow_syncjob", args)
    assert result["rc"] == 1 and words in result["msg"], result["msg"]
    assert not jobs(emulated)
    assert_secret_free(result)


def test_bulk_form_creates_a_domain_then_ok_then_purges_with_guards(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(run_module, emulated, "a1", "a2", "a3")
    entries = [{"mailbox": name, "remote_host": "imap.old.example", "remote_user": name, "remote_password": REMOTE_PASSWORD + name}
               for name in ("a1", "a2", "a3")]
    args = dict(emulated.conn(), domain=DOMAIN, syncjobs=entries)
    planned = run_module("mailcow_syncjob", args, check_mode=True, diff=True)
    assert planned["changed"] and planned["summary"]["created"] == 3 and not jobs(emulated)
    created = run_module("mailcow_syncjob", args)
    assert created["rc"] == 0 and created["summary"]["created"] == 3 and len(jobs(emulated)) == 3, created
    assert created["syncjobs"][0] == {"job": "a1@sync.example <- imap.old.example:a1", "action": "created", "changed": True}
    again = run_module("mailcow_syncjob", args)
    assert not again["changed"] and again["msg"] == "no change (3 unchanged)"
    refused = run_module("mailcow_syncjob", dict(args, syncjobs=entries[:1], purge=True))
    assert refused["rc"] == 1 and "purge_max_share" in refused["msg"] and len(jobs(emulated)) == 3
    purged = run_module("mailcow_syncjob", dict(args, syncjobs=entries[:2], purge=True))
    assert purged["summary"] == {"created": 0, "updated": 0, "deleted": 1, "unchanged": 2}
    assert sorted(j["user1"] for j in jobs(emulated)) == ["a1", "a2"]
    assert_secret_free(planned, created, again, refused, purged)


def test_bulk_entry_errors_name_the_entry_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    emulated.emulator.control("POST", "stats/reset")
    entries = [{"mailbox": "a1", "remote_host": "imap.old.example", "remote_user": "a1", "remote_password": REMOTE_PASSWORD},
               {"mailbox": "a2@other.example", "remote_host": "imap.old.example", "remote_user": "a2", "remote_password": REMOTE_PASSWORD}]
    result = run_module("mailcow_syncjob", dict(emulated.conn(), domain=DOMAIN, syncjobs=entries))
    assert result["rc"] == 1 and result["msg"] == "syncjobs[1] (a2@other.example): mailbox a2@other.example is not in domain sync.example"
    twice = run_module("mailcow_syncjob", dict(emulated.conn(), domain=DOMAIN, syncjobs=[entries[0], dict(entries[0], remote_user="A1")]))
    assert twice["rc"] == 1 and "is listed twice (also syncjobs[0])" in twice["msg"]
    stats = emulated.emulator.control("GET", "stats")
    assert stats["requests"] == 0, stats
    assert_secret_free(result, twice)


def test_info_reports_status_and_log_tail_with_the_read_only_key(run_module: RunModule, emulated: Mailcow) -> None:
    setup_mailboxes(run_module, emulated)
    job_id = run_module("mailcow_syncjob", dict(emulated.conn(), remote_password=REMOTE_PASSWORD, **JOB))["syncjob"]["id"]
    fresh = run_module("mailcow_syncjob_info", dict(emulated.conn(RO_KEY), mailbox=MAILBOX))
    assert [(j["id"], j["status"], j["last_run"], j["log_tail"]) for j in fresh["syncjobs"]] == [(job_id, "never_run", None, [])]
    log = "\n".join("line %d" % number for number in range(1, 51))
    emulated.emulator.control("POST", "syncjob_run", {"id": job_id, "success": False, "exit_status": "EXIT_AUTHENTICATION_FAILURE_USER1", "log": log})
    ran = run_module("mailcow_syncjob_info", dict(emulated.conn(RO_KEY), domain=DOMAIN, log_lines=3))
    job = ran["syncjobs"][0]
    expected = ("failed", False, "EXIT_AUTHENTICATION_FAILURE_USER1", ["line 48", "line 49", "line 50"])
    assert (job["status"], job["success"], job["exit_status"], job["log_tail"]) == expected
    assert job["last_run"] and "password" not in json.dumps(job)
    quiet = run_module("mailcow_syncjob_info", dict(emulated.conn(RO_KEY), log_lines=0))
    assert "log_tail" not in quiet["syncjobs"][0] and quiet["syncjobs"][0]["status"] == "failed"
    none = run_module("mailcow_syncjob_info", dict(emulated.conn(RO_KEY), mailbox="nobody@" + DOMAIN))
    assert none["rc"] == 0 and none["syncjobs"] == []
