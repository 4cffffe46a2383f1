# SPDX-License-Identifier: GPL-3.0-or-later
"""The mail modules from the command line, as a newcomer meets them: `ansible localhost -m ... -a ...`.

A domain and two mailboxes are made with the API modules, a message is sent with
mailcow_send_mail, and mailcow_message_info prints it. With -vvvv, neither module lets a password
through, not even when the login fails.
"""

from __future__ import annotations

import json
import random
import re
import typing as t

import pytest

from conftest import Runner

RESULT = re.compile(r"^localhost \| (SUCCESS|CHANGED|FAILED!) => ", re.MULTILINE)


def adhoc_result(runner: Runner, module: str, args: dict[str, t.Any], *flags: str) -> tuple[str, dict[str, t.Any], str]:
    """Run one ad-hoc module call; return its status word, its printed JSON and the whole output."""
    proc = runner.adhoc(module, json.dumps(args), *flags)
    output = proc.stdout + proc.stderr
    match = RESULT.search(proc.stdout)
    assert match, "no result line in the output of %s:\n%s" % (module, output[-5000:])
    result, _end = json.JSONDecoder().raw_decode(proc.stdout[match.end():])
    return match.group(1), result, output


@pytest.fixture(scope="module")
def mailboxes(runner: Runner) -> t.Iterator[dict[str, str]]:
    """A new domain with a sender and a reader; removed afterwards, mail and all."""
    prefix = "adhoc%06d" % random.randrange(1000000)
    # Unique, so a stray copy in the output cannot come from anywhere but this test.
    boxes = {"domain": prefix + ".example", "sender": "newcomer@%s.example" % prefix, "reader": "reader@%s.example" % prefix,
             "password": "Adhoc-S3cret-%s" % prefix}
    status, result, output = adhoc_result(runner, "glassdome.mailcow.mailcow_domain", {"domain": boxes["domain"]})
    assert status == "CHANGED", output
    for address in (boxes["sender"], boxes["reader"]):
        status, result, output = adhoc_result(runner, "glassdome.mailcow.mailcow_mailbox", {"address": address, "password": boxes["password"]})
        assert status == "CHANGED", output
    yield boxes
    adhoc_result(runner, "glassdome.mailcow.mailcow_domain", {"domain": boxes["domain"], "state": "absent", "force": True})


def test_message_info_prints_the_mail_a_newcomer_sent(runner: Runner, mailboxes: dict[str, str]) -> None:
    subject = "Hello from the command line ✓"
    status, sent, output = adhoc_result(runner, "glassdome.mailcow.mailcow_send_mail", {
        "from": "Newcomer <%s>" % mailboxes["sender"], "password": mailboxes["password"], "to": [mailboxes["reader"]],
        "subject": subject, "body": "It works.\n"})
    assert status == "CHANGED" and sent["accepted"] == [mailboxes["reader"]], output

    status, info, output = adhoc_result(runner, "glassdome.mailcow.mailcow_message_info", {
        "username": mailboxes["reader"], "password": mailboxes["password"], "subject": "command line", "wait_timeout": 60})
    assert status == "SUCCESS", output
    assert info["matched"] == 1
    message = info["messages"][0]
    assert (message["subject"], message["from"], message["body"], message["message_id"]) == (
        subject, "Newcomer <%s>" % mailboxes["sender"], "It works.\n", sent["message_id"])
    # What a person reads on the terminal: the subject as it was written.
    assert '"subject": "Hello from the command line \\u2713"' in output or '"subject": "%s"' % subject in output


def test_key_value_arguments_work_too(runner: Runner, mailboxes: dict[str, str]) -> None:
    proc = runner.adhoc("glassdome.mailcow.mailcow_message_info",
                        "username=%s password=%s folder=Sent limit=5" % (mailboxes["reader"], mailboxes["password"]))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"folder": "Sent"' in proc.stdout and '"messages": []' in proc.stdout


@pytest.mark.parametrize("wrong", [False, True], ids=["success", "failed-login"])
def test_no_password_in_vvvv_output(runner: Runner, mailboxes: dict[str, str], wrong: bool) -> None:
    password = mailboxes["password"] + ("-wrong" if wrong else "")
    send = {"from": mailboxes["sender"], "password": password, "to": [mailboxes["reader"]], "subject": "secret check",
            "save_to_sent": True, "message_id": "<vvvv-%s@%s>" % (wrong, mailboxes["domain"])}
    read = {"username": mailboxes["reader"], "password": password, "subject": "secret check", "wait_timeout": 0 if wrong else 30}
    for module, args in (("glassdome.mailcow.mailcow_send_mail", send), ("glassdome.mailcow.mailcow_message_info", read)):
        status, result, output = adhoc_result(runner, module, args, "-vvvv")
        assert status == "FAILED!" if wrong else status in ("SUCCESS", "CHANGED"), output
        if wrong:
            assert result["error_type"] == "MailcowAuthError" and "login to the" in result["msg"], output
        assert mailboxes["password"] not in output, "%s printed the password with -vvvv" % module
        assert "password" in output  # the option name is there, its value masked


def test_check_mode_send_then_wait_says_why_nothing_came(runner: Runner, mailboxes: dict[str, str]) -> None:
    """--check on a send followed by a wait: the send says it sent nothing, the wait does not wait (it could only time out)."""
    subject = "Check mode %06d" % random.randrange(1000000)
    status, sent, output = adhoc_result(runner, "glassdome.mailcow.mailcow_send_mail", {
        "from": mailboxes["sender"], "password": mailboxes["password"], "to": [mailboxes["reader"]],
        "subject": subject, "body": "Not sent.\n"}, "--check")
    assert status == "CHANGED" and not sent["sent"] and sent["accepted"] == [], output
    assert sent["msg"] == ("check mode: nothing was sent (it would go to %s); a task that waits for this mail will not find it"
                           % mailboxes["reader"]), output

    status, info, output = adhoc_result(runner, "glassdome.mailcow.mailcow_message_info", {
        "username": mailboxes["reader"], "password": mailboxes["password"], "subject": subject, "wait_timeout": 600}, "--check")
    assert status == "SUCCESS" and info["matched"] == 0 and info["messages"] == [], output
    assert info["msg"].startswith("check mode: did not wait; 0 of the 1 message(s) wanted are in folder INBOX of %s now, matching subject %r."
                                  % (mailboxes["reader"], subject)), info["msg"]
    assert "without --check the task waits up to 600 seconds" in info["msg"]
