# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_quarantine's failure classes through real `ansible -m` runs against the sandbox, each with its message,
and a run that changes then does not, through ansible-playbook with --check --diff.

The sandbox's quarantine is filled through its control API (on a real Mailcow, Rspamd fills it); every
test uses its own random domain and deletes its items whatever happens.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import Runner
from test_errors import failed_msg

MODULE = "glassdome.mailcow.mailcow_quarantine"


def sandbox(facts: dict, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
    """A request to the sandbox: its control API under /_sandbox/, or Mailcow's API with ``key``."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    headers = {"Content-Type": "application/json"}
    if key:
        headers["X-API-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(facts["api_url"] + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture()
def domain(facts: dict) -> Iterator[str]:
    """Three items held for a domain of this test's own (alice twice, bob once); deleted afterwards."""
    name = "q%s.example" % uuid.uuid4().hex[:8]
    now = int(time.time())
    sandbox(facts, "POST", "/_sandbox/quarantine", {"items": [
        {"qid": name + "-1", "rcpt": "alice@" + name, "sender": "news@spam.example", "subject": "Cheap pills", "score": 18.5, "created": now - 86400},
        {"qid": name + "-2", "rcpt": "alice@" + name, "sender": "boss@partner.example", "subject": "Invoice", "score": 6.1, "created": now - 60},
        {"qid": name + "-3", "rcpt": "bob@" + name, "sender": "news@spam.example", "subject": "Cheap pills", "score": 19, "created": now - 60},
    ]})
    yield name
    ids = [str(row["id"]) for row in held(facts, name, full=True)]
    if ids:
        sandbox(facts, "POST", "/api/v1/delete/qitem", ids, key=facts["rw_key"])


def held(facts: dict, name: str, full: bool = False) -> list:
    rows = [row for row in sandbox(facts, "GET", "/api/v1/get/quarantine/all", key=facts["ro_key"]) if row["rcpt"].endswith("@" + name)]
    return rows if full else [row["qid"] for row in rows]


def identities(runner: Runner, facts: dict, args: str) -> list[str]:
    proc = runner.adhoc("glassdome.mailcow.mailcow_quarantine_info", args, extra_env={"MAILCOW_API_KEY": facts["ro_key"]})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout.split(" => ", 1)[1])
    return [item["identity"] for item in result["quarantined"]]


def test_check_diff_then_changed_then_unchanged_through_a_playbook(runner: Runner, facts: dict, domain: str, tmp_path: Path) -> None:
    playbook = tmp_path / "quarantine.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Delete bob's spam
      glassdome.mailcow.mailcow_quarantine:
        action: delete
        mailbox: bob@%s
        min_score: 10
""" % domain)
    checked = runner.playbook(playbook, "--check", "--diff", check=True)
    assert "changed=1" in checked.stdout and held(facts, domain) == [domain + "-1", domain + "-2", domain + "-3"]
    assert "+++ after: quarantine after the items are deleted" in checked.stdout
    assert "from news@spam.example to bob@%s, score 19: Cheap pills" % domain in checked.stdout
    assert "changed=1" in runner.playbook(playbook, check=True).stdout and held(facts, domain) == [domain + "-1", domain + "-2"]
    again = runner.playbook(playbook, "--diff", check=True)
    assert "changed=0" in again.stdout and "Cheap pills" not in again.stdout


def test_identity_not_in_the_quarantine(runner: Runner, facts: dict, domain: str) -> None:
    wanted = identities(runner, facts, "mailbox=bob@%s" % domain)
    assert runner.adhoc(MODULE, "action=delete identities=%s" % wanted[0]).returncode == 0
    proc = runner.adhoc(MODULE, "action=delete identities=%s fail_on_missing=true" % wanted[0])
    assert proc.returncode != 0
    assert failed_msg(proc) == ("1 of the identities are not in the quarantine (%s): already acted on, or not an item of this Mailcow; "
                                "set fail_on_missing=false to take them as done" % wanted[0])
    unchanged = runner.adhoc(MODULE, "action=delete identities=%s" % wanted[0])
    assert unchanged.returncode == 0 and "SUCCESS" in unchanged.stdout and '"changed": false' in unchanged.stdout


def test_read_only_key_on_the_action_module(runner: Runner, facts: dict, domain: str) -> None:
    wanted = identities(runner, facts, "mailbox=alice@%s" % domain)
    proc = runner.adhoc(MODULE, "action=release identities=%s" % ",".join(wanted), extra_env={"MAILCOW_API_KEY": facts["ro_key"]})
    assert proc.returncode != 0
    assert "the API key is read-only (HTTP 403" in failed_msg(proc) and facts["ro_key"] not in proc.stdout + proc.stderr
    assert held(facts, domain) == [domain + "-1", domain + "-2", domain + "-3"]


def test_guard_exceeded(runner: Runner, facts: dict, domain: str) -> None:
    proc = runner.adhoc(MODULE, "action=learn_spam domain=%s sender=spam.example max_share=1" % domain)
    assert proc.returncode != 0
    msg = failed_msg(proc)
    assert msg.startswith("the filters select 2 of the ") and "more than max_share=1% in one run; they would be learnt as spam and deleted" in msg
    assert "from news@spam.example to alice@%s, score 18.5: Cheap pills" % domain in msg and msg.endswith("raise max_share (up to 100) to allow it")
    assert held(facts, domain) == [domain + "-1", domain + "-2", domain + "-3"]


@pytest.mark.parametrize("args, expected", [
    ("action=delete older_than=yesterday", "older_than must be an ISO 8601 time such as 2026-12-07T08:00:00Z (UTC when it has no offset) or an age "
                                           "such as 30m, 2h or 1d (s, m, h, d, w), got 'yesterday'"),
    ("action=delete domain=example.org min_score=20 max_score=10", "min_score (20) must not be above max_score (10)"),
    ("action=release identities=12", "identities[0] must be an item's identity as mailcow_quarantine_info returns it (16 hex digits, "
                                     "such as 3f2a9c1d8e7b6a50), got '12'"),
    ("action=delete", "name the items to delete with identities (from mailcow_quarantine_info) or select them with at least one of mailbox"),
])
def test_bad_filter_value_refused_before_any_request(runner: Runner, facts: dict, args: str, expected: str) -> None:
    before = sandbox(facts, "GET", "/_sandbox/stats")["requests"]
    proc = runner.adhoc(MODULE, args)
    assert proc.returncode != 0 and expected in failed_msg(proc)
    assert sandbox(facts, "GET", "/_sandbox/stats")["requests"] == before


def test_api_down(runner: Runner) -> None:
    proc = runner.adhoc(MODULE, "action=delete older_than=30d timeout=5", extra_env={"MAILCOW_API_URL": "https://127.0.0.1:9"})
    assert proc.returncode != 0
    assert failed_msg(proc) == ("could not connect to Mailcow API at https://127.0.0.1:9/api/v1: Connection refused (GET /get/quarantine/all was "
                                "not sent). Check api_url (MAILCOW_API_URL)")


def test_postfix_down_fails_naming_the_items_kept(runner: Runner, facts: dict, domain: str) -> None:
    wanted = identities(runner, facts, "mailbox=alice@%s" % domain)
    sandbox(facts, "POST", "/_sandbox/quarantine/services", {"postfix": False})
    try:
        proc = runner.adhoc(MODULE, "action=release identities=%s" % ",".join(wanted))
    finally:
        sandbox(facts, "POST", "/_sandbox/quarantine/services", {"postfix": True})
    assert proc.returncode != 0
    msg = failed_msg(proc)
    assert msg.startswith("Mailcow did not act on 2 of the 2 items (0 released): ") and msg.endswith("Mailcow said: Cannot connect to Postfix")
    assert held(facts, domain) == [domain + "-1", domain + "-2", domain + "-3"]


def test_released_mail_is_delivered_and_a_refused_recipient_keeps_the_item(runner: Runner, facts: dict) -> None:
    """With the mail stack, release hands the held message to Postfix, as Mailcow does: it arrives over IMAP. A recipient
    Postfix refuses (no such mailbox) keeps the item, and the task says Postfix's answer."""
    if not facts.get("mail"):
        pytest.skip("the sandbox runs without its mail stack (--no-mail)")
    name = "qr%s.example" % uuid.uuid4().hex[:8]
    reader, password, subject = "reader@" + name, "Quarantine-S3cret-" + name, "Held invoice %s" % name
    assert runner.adhoc("glassdome.mailcow.mailcow_domain", "domain=%s" % name).returncode == 0
    try:
        assert runner.adhoc("glassdome.mailcow.mailcow_mailbox", "address=%s password=%s" % (reader, password)).returncode == 0
        message = "From: boss@partner.example\r\nTo: %s\r\nSubject: %s\r\nX-Spam-Flag: YES\r\n\r\nPlease pay.\r\n" % (reader, subject)
        sandbox(facts, "POST", "/_sandbox/quarantine", {"items": [
            {"qid": name + "-1", "rcpt": reader, "sender": "boss@partner.example", "subject": subject, "score": 8, "msg": message},
            {"qid": name + "-2", "rcpt": "nobody@" + name, "sender": "boss@partner.example", "subject": subject, "score": 8, "msg": message}]})
        released = runner.adhoc(MODULE, "action=release mailbox=%s" % reader)
        assert released.returncode == 0 and "CHANGED" in released.stdout, released.stdout
        proc = runner.adhoc("glassdome.mailcow.mailcow_message_info", json.dumps(
            {"username": reader, "password": password, "subject": subject, "wait_timeout": 60}))
        assert proc.returncode == 0 and '"matched": 1' in proc.stdout, proc.stdout
        refused = runner.adhoc(MODULE, "action=release mailbox=nobody@%s max_share=100" % name)
        assert refused.returncode != 0
        msg = failed_msg(refused)
        assert msg.startswith("Mailcow did not act on 1 of the 1 items (0 released)") and "Mailcow said: Postfix returned SMTP code 5" in msg, msg
        assert held(facts, name) == [name + "-2"]
    finally:
        ids = [str(row["id"]) for row in held(facts, name, full=True)]
        if ids:
            sandbox(facts, "POST", "/api/v1/delete/qitem", ids, key=facts["rw_key"])
        runner.adhoc("glassdome.mailcow.mailcow_domain", "domain=%s state=absent force=true" % name)


def test_two_runs_at_once_both_succeed_and_the_item_is_learnt_once(runner: Runner, facts: dict, domain: str) -> None:
    """Both read the item; the one whose write comes second finds it gone (access_denied for learnspam): not a failure."""
    wanted = identities(runner, facts, "mailbox=bob@%s" % domain)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _n: runner.adhoc(MODULE, "action=learn_spam identities=%s" % wanted[0]), range(2)))
    assert [proc.returncode for proc in runs] == [0, 0], [proc.stdout for proc in runs]
    assert any("CHANGED" in proc.stdout for proc in runs)
    assert held(facts, domain) == [domain + "-1", domain + "-2"]
