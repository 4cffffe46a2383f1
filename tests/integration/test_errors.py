# SPDX-License-Identifier: GPL-3.0-or-later
"""Every error class through a real `ansible -m` run against the sandbox, and no secret in -vvvv."""

from __future__ import annotations

import json
import re
import ssl
import time
import urllib.request
import uuid

import pytest

from conftest import Runner


def control(facts: dict, path: str, body: dict) -> None:
    """The sandbox's own control API (not Mailcow's): allow lists, faults."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(
        facts["api_url"] + "/_sandbox/" + path, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
        answer.read()


def failed_msg(proc) -> str:
    """The msg of the failed task from the default callback's `| FAILED! => {json}` output."""
    match = re.search(r"(?:FAILED!|UNREACHABLE!) => (\{.*\})", proc.stdout, re.S)
    assert match, proc.stdout + proc.stderr
    return json.loads(match.group(1))["msg"]


def test_wrong_key(runner: Runner, facts: dict) -> None:
    proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org", extra_env={"MAILCOW_API_KEY": "BAD-KEY-0000"})
    assert proc.returncode != 0
    msg = failed_msg(proc)
    assert "rejected the API key (HTTP 401 authentication failed)" in msg
    assert "not retried" in msg
    assert "BAD-KEY-0000" not in proc.stdout + proc.stderr


def test_read_only_key_cannot_write(runner: Runner, facts: dict) -> None:
    proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox", "address=ro@nowhere.example password=Ro-Pass-12345 state=absent",
                        extra_env={"MAILCOW_API_KEY": facts["ro_key"]})
    # A read alone succeeds with the read-only key: deleting a missing mailbox reads, finds nothing, writes nothing.
    assert proc.returncode == 0, proc.stdout
    domain = "ro%s.example" % uuid.uuid4().hex[:8]
    assert runner.adhoc("glassdome.mailcow.mailcow_domain", "domain=%s" % domain).returncode == 0  # with the read-write key
    try:
        proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox", "address=ro@%s password=Ro-Pass-12345" % domain,
                            extra_env={"MAILCOW_API_KEY": facts["ro_key"]})
    finally:
        runner.adhoc("glassdome.mailcow.mailcow_domain", "domain=%s state=absent" % domain)
    assert proc.returncode != 0
    msg = failed_msg(proc)
    # The mailbox and domain reads work with the ro key; the add is refused with 403.
    assert "the API key is read-only (HTTP 403" in msg
    assert facts["ro_key"] not in proc.stdout + proc.stderr


def test_info_works_with_read_only_key(runner: Runner, facts: dict) -> None:
    proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org", extra_env={"MAILCOW_API_KEY": facts["ro_key"]})
    assert proc.returncode == 0, proc.stdout


def test_ip_not_allowed(runner: Runner, facts: dict) -> None:
    control(facts, "allow_from", {"ro": ["192.0.2.1"]})
    try:
        proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org", extra_env={"MAILCOW_API_KEY": facts["ro_key"]})
    finally:
        control(facts, "allow_from", {"ro": ["127.0.0.0/8", "::1"]})
    assert proc.returncode != 0
    msg = failed_msg(proc)
    assert "saw this request come from 127.0.0.1" in msg
    assert "allowed list" in msg


def test_unreachable_url(runner: Runner) -> None:
    proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org timeout=5", extra_env={"MAILCOW_API_URL": "https://127.0.0.1:9"})
    assert proc.returncode != 0
    msg = failed_msg(proc)
    expected = (r"could not connect to Mailcow API at https://127\.0\.0\.1:9/api/v1: Connection refused \(GET /get/mailbox/\S+ was not sent\)\. "
                r"Check api_url \(MAILCOW_API_URL\)")
    assert re.fullmatch(expected, msg), msg


def test_unverifiable_certificate(runner: Runner) -> None:
    proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org", extra_env={"MAILCOW_CA_PATH": ""})
    assert proc.returncode != 0
    msg = failed_msg(proc)
    assert "TLS verification of" in msg
    assert "ca_path" in msg and "validate_certs" in msg


def test_validate_certs_false_works_without_ca(runner: Runner) -> None:
    proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org validate_certs=false", extra_env={"MAILCOW_CA_PATH": ""})
    assert proc.returncode == 0, proc.stdout


def test_server_error_page(runner: Runner, facts: dict) -> None:
    control(facts, "faults", {"kind": "html", "count": 10, "path": "/api/v1/get/"})
    try:
        proc = runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org")
    finally:
        control(facts, "faults/clear", {})
    assert proc.returncode != 0
    assert "HTTP 502" in failed_msg(proc)


def stats(facts: dict) -> dict:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    with urllib.request.urlopen(facts["api_url"] + "/_sandbox/stats", context=context, timeout=10) as answer:
        return json.loads(answer.read())


def streams_end(facts: dict, expected: dict) -> bool:
    """Whether the sandbox's trickled and huge answers ended as ``expected`` (it notices a client that left at its next byte)."""
    for _attempt in range(50):
        if stats(facts)["streams"] == expected:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module_process"])
def test_trickled_answer_fails_at_the_timeout(runner: Runner, facts: dict, in_process: bool) -> None:
    """Headers, then one byte every 4 s: the task fails at timeout=2 (retries=0), in the worker and in a module process alike.

    Even an empty listing ({}: 2 bytes) cannot come within 2 s."""
    control(facts, "stats/reset", {})
    control(facts, "faults", {"kind": "trickle", "delay": 4, "count": 0, "path": "/api/v1/get/"})
    try:
        proc = runner.adhoc("glassdome.mailcow.mailcow_domain_info", "timeout=2 retries=0", "-e", "glassdome_mailcow_in_process=%s" % in_process)
    finally:
        control(facts, "faults/clear", {})
    assert proc.returncode != 0
    assert re.fullmatch(r"the answer of Mailcow API at \S+ to GET /get/domain/all was not complete within 2 seconds \(\d+ bytes came in that time\)\. "
                        r"Check api_url \(MAILCOW_API_URL\), or raise timeout for a slow server", failed_msg(proc)), failed_msg(proc)
    assert streams_end(facts, {"client gone": 1}), stats(facts)["streams"]  # the client left while the server was still sending


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module_process"])
def test_huge_answer_is_refused_unread(runner: Runner, facts: dict, in_process: bool) -> None:
    control(facts, "stats/reset", {})
    control(facts, "faults", {"kind": "huge", "size": 150 * 1024 * 1024, "announce": False, "path": "/api/v1/get/"})
    try:
        proc = runner.adhoc("glassdome.mailcow.mailcow_domain_info", "retries=0", "-e", "glassdome_mailcow_in_process=%s" % in_process)
    finally:
        control(facts, "faults/clear", {})
    assert proc.returncode != 0
    assert failed_msg(proc).startswith("Mailcow API answered GET /get/domain/all with an answer larger than 64 MiB: refused without reading it "
                                       "whole, as max_answer_mib allows 64 MiB."), failed_msg(proc)
    assert streams_end(facts, {"client gone": 1}), stats(facts)["streams"]


@pytest.mark.parametrize("verbosity", ["-vvvv"])
def test_no_secret_in_verbose_output(runner: Runner, facts: dict, verbosity: str) -> None:
    domain = "leak%s.example" % uuid.uuid4().hex[:8]
    password = "Very-Secret-%s" % uuid.uuid4().hex[:10]
    control_add_domain(facts, domain)
    args = "address=leak@%s password=%s quota=10" % (domain, password)
    outputs = [runner.adhoc("glassdome.mailcow.mailcow_mailbox", args + " update_password=always", verbosity, "--diff") for _i in range(2)]
    outputs.append(runner.adhoc("glassdome.mailcow.mailcow_mailbox", "address=leak@%s password=%s quota=999999" % (domain, password), verbosity))
    outputs.append(runner.adhoc("glassdome.mailcow.mailcow_mailbox", "address=leak@%s state=absent" % domain, verbosity))
    outputs.append(runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=%s" % domain, verbosity, extra_env={"MAILCOW_API_KEY": "Wrong-Key-123"}))
    text = "".join(p.stdout + p.stderr for p in outputs)
    assert outputs[0].returncode == 0 and outputs[1].returncode == 0, outputs[0].stdout
    assert outputs[2].returncode != 0
    assert password not in text
    assert facts["rw_key"] not in text
    assert "Wrong-Key-123" not in text


def control_add_domain(facts: dict, domain: str) -> None:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    body = json.dumps({"domain": domain, "mailboxes": 10, "defquota": 10, "maxquota": 100, "quota": 1000, "active": 1}).encode()
    request = urllib.request.Request(facts["api_url"] + "/api/v1/add/domain", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-API-Key": facts["rw_key"]})
    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
        assert b"domain_added" in answer.read()
