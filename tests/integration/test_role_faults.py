# SPDX-License-Identifier: GPL-3.0-or-later
"""The mailboxes role through the same faults as the API modules (tests/emulator/test_fault_matrix.py),
by real ansible-playbook runs against the sandbox's emulator and its fault injection.

Each case provisions a fresh domain (its limits, 6 mailboxes, 2 aliases; one add at a time, zero
latency) with one fault injected, then asserts the exit status, the task that failed and its
message (short, naming the cause, no secret anywhere in the output), the number of API requests the
emulator saw, and the server's state read out of band: nothing half-done, nothing duplicated. A
re-run without the fault (one ansible-playbook run of two plays) must then converge: its first play
changes exactly the tasks that had work left, its second changes nothing. Reads are retried once.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import subprocess
import time
import typing as t
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import Runner
from test_errors import control

PASSWORD = "Pw-Role-Fault-%s" % uuid.uuid4().hex[:8]
MAILBOXES = ["m%d" % n for n in range(6)]
ALIASES = ["a0", "a1"]
DOMAIN_TASK = "Ensure the domain and its limits"
MAILBOX_TASK = "Ensure the domain's mailboxes"
ALIAS_TASK = "Ensure the domain's aliases"
# Requests of a run that creates everything: the domain (read, add), the mailboxes (the reduced
# listing, empty, confirmed by the full one, the domain's limits, the password policy, 6 adds), the
# aliases (listing, the domain's limits, 2 adds). MAILBOX_READS: the reads before the limits are checked.
DOMAIN_REQUESTS, MAILBOX_REQUESTS, ALIAS_REQUESTS = 2, 4 + len(MAILBOXES), 2 + len(ALIASES)
MAILBOX_READS = 3
# The reads before the first add: those, and the password policy (read when passwords are about to be written).
READS_BEFORE_ADDS = MAILBOX_READS + 1
ALL_REQUESTS = DOMAIN_REQUESTS + MAILBOX_REQUESTS + ALIAS_REQUESTS
CONNECTION_LOST = r"connection to Mailcow API at https://127\.0\.0\.1:\d+/api/v1 lost after sending"


@dataclass
class Case:
    """One fault, what the role's run must show, and what a re-run must change."""

    faults: list[dict[str, t.Any]] = field(default_factory=list)
    failed_task: str | None = None  # None: the run succeeds
    msg: str = ""  # a regex the failed task's msg must match (re.search)
    requests: int = ALL_REQUESTS
    mailboxes: list[str] = field(default_factory=lambda: list(MAILBOXES))  # what the server holds after the run
    aliases: list[str] = field(default_factory=lambda: list(ALIASES))
    domain: bool = True
    rerun_changes: list[str] = field(default_factory=list)  # the tasks the first re-run changes (after a failed run)
    role_vars: dict[str, t.Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    timeout: int = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CASES = {
    "connection_refused": Case(
        role_vars={"mailcow_api_url": "https://127.0.0.1:{free_port}"}, failed_task=DOMAIN_TASK,
        msg=r"^could not connect to Mailcow API at https://127\.0\.0\.1:\d+/api/v1: Connection refused \(GET /get/domain/\S+ was not sent\)\. "
            r"Check api_url \(MAILCOW_API_URL\)$",
        requests=0, domain=False, mailboxes=[], aliases=[], rerun_changes=[DOMAIN_TASK, MAILBOX_TASK, ALIAS_TASK]),
    "tls_failure_no_ca": Case(
        env={"MAILCOW_CA_PATH": ""}, failed_task=DOMAIN_TASK,
        msg=r"^TLS verification of https://127\.0\.0\.1:\d+/api/v1 failed: .*Point ca_path",
        requests=0, domain=False, mailboxes=[], aliases=[], rerun_changes=[DOMAIN_TASK, MAILBOX_TASK, ALIAS_TASK]),
    "server_down_after_2_of_6_adds": Case(
        faults=[{"kind": "drop", "count": 0, "after": DOMAIN_REQUESTS + READS_BEFORE_ADDS + 2, "path": "/api/"}], failed_task=MAILBOX_TASK,
        msg=r"^3 failed \(3 outcome unknown, e\.g\. %s POST /add/mailbox: .*the server stopped answering.*may have been applied.*"
            r"; 1 not attempted after 3 consecutive connection failures: m5@" % CONNECTION_LOST,
        requests=DOMAIN_REQUESTS + READS_BEFORE_ADDS + 2 + 3, mailboxes=MAILBOXES[:2], aliases=[], rerun_changes=[MAILBOX_TASK, ALIAS_TASK]),
    "proxy_502_after_2_of_6_adds": Case(
        faults=[{"kind": "html", "status": 502, "count": 0, "after": DOMAIN_REQUESTS + READS_BEFORE_ADDS + 2, "path": "/api/"}], failed_task=MAILBOX_TASK,
        msg=r"^3 failed \(3 HTTP 502, e\.g\. Mailcow API answered POST /add/mailbox with HTTP 502 \(text/html\): 502 Bad Gateway.*\): m2@.*"
            r"; 1 not attempted after 3 consecutive HTTP 502/503/504 answers of a proxy \(Mailcow itself not answering\): m5@",
        requests=DOMAIN_REQUESTS + READS_BEFORE_ADDS + 2 + 3, mailboxes=MAILBOXES[:2], aliases=[], rerun_changes=[MAILBOX_TASK, ALIAS_TASK]),
    "502_page_once_is_retried": Case(
        faults=[{"kind": "html", "status": 502, "path": "/api/v1/get/mailbox/"}], requests=ALL_REQUESTS + 1),
    "502_page_always": Case(
        faults=[{"kind": "html", "status": 502, "count": 0, "path": "/api/v1/get/mailbox/"}], failed_task=MAILBOX_TASK,
        msg=r"^Mailcow API answered GET /get/mailbox/\S+ with HTTP 502 \(text/html\): 502 Bad Gateway",
        requests=DOMAIN_REQUESTS + 2, mailboxes=[], aliases=[], rerun_changes=[MAILBOX_TASK, ALIAS_TASK]),
    "503_with_retry_after": Case(
        faults=[{"kind": "status", "status": 503, "retry_after": 1, "path": "/api/v1/get/alias/"}], requests=ALL_REQUESTS + 1),
    "reset_before_the_server_acted": Case(
        faults=[{"kind": "drop", "path": "/api/v1/add/mailbox"}], failed_task=MAILBOX_TASK,
        msg=r"^1 failed \(error: m0@\S+ not created: %s POST /add/mailbox: .*; re-reading shows no such object\): m0@\S+; 5 done: m1@" % CONNECTION_LOST,
        requests=DOMAIN_REQUESTS + MAILBOX_REQUESTS + 1, mailboxes=MAILBOXES[1:], aliases=[], rerun_changes=[MAILBOX_TASK, ALIAS_TASK]),
    "reset_after_the_server_acted": Case(
        faults=[{"kind": "drop", "process": True, "path": "/api/v1/add/alias"}], requests=ALL_REQUESTS + 1),
    "slow_answer_beyond_timeout": Case(
        # The last add answers after 3 s, the task gives up after 1 s and re-reads at once: not there yet.
        faults=[{"kind": "slow", "delay": 3, "after": len(MAILBOXES) - 1, "path": "/api/v1/add/mailbox"}], timeout=1, failed_task=MAILBOX_TASK,
        msg=r"^1 failed \(outcome unknown: no answer from Mailcow API at \S+ within 1 seconds after sending POST /add/mailbox; its outcome is unknown "
            r"\(re-reading shows it not done yet; the server may still be carrying it out\): the write may have been applied.*\): m5@\S+; 5 done: m0@",
        requests=DOMAIN_REQUESTS + MAILBOX_REQUESTS + 1, aliases=[], rerun_changes=[ALIAS_TASK]),
    "empty_body_on_a_write": Case(
        faults=[{"kind": "empty", "path": "/api/v1/add/alias"}], failed_task=ALIAS_TASK,
        msg=r"^1 failed \(error: a0@\S+ not created: Mailcow API answered POST /add/alias with an empty body .*; re-reading shows no such object\): "
            r"a0@\S+; 1 done: a1@",
        requests=ALL_REQUESTS + 1, aliases=ALIASES[1:], rerun_changes=[ALIAS_TASK]),
    # What Mailcow refuses of the mailboxes: before any write when the domain's limits or the password policy tell (in check mode too).
    "more_mailboxes_than_the_domain_allows": Case(
        role_vars={"mailcow_domain_settings": {"max_mailboxes": 4, "max_aliases": 20}}, failed_task=MAILBOX_TASK,
        msg=r"^Mailcow would refuse 2 entries in domain \S+, so nothing was written: m4@\S+: the domain allows 4 mailboxes and holds 0: "
            r"4 more can be added, 6 are to be added; m5@",
        requests=DOMAIN_REQUESTS + MAILBOX_READS, mailboxes=[], aliases=[], rerun_changes=[DOMAIN_TASK, MAILBOX_TASK, ALIAS_TASK]),
    "one_weak_password_refused_before_any_write": Case(
        role_vars={"mailcow_mailboxes": [{"local_part": local, "password": "Zq9" if local == "m3" else PASSWORD} for local in MAILBOXES]},
        failed_task=MAILBOX_TASK,
        msg=r"^Mailcow's password policy would refuse the password of mailbox m3@\S+ \(length: at least 6 characters",
        requests=DOMAIN_REQUESTS + MAILBOX_READS + 1, mailboxes=[], aliases=[], rerun_changes=[MAILBOX_TASK, ALIAS_TASK]),
}


# -- the playbook and its output --------------------------------------------------------------------
def _play(name: str, domain: str, case: Case | None) -> dict[str, t.Any]:
    role_vars: dict[str, t.Any] = {
        "mailcow_domain": domain,
        "mailcow_domain_settings": {"max_mailboxes": 20, "max_aliases": 20},
        "mailcow_mailboxes": [{"local_part": local, "password": PASSWORD} for local in MAILBOXES],
        "mailcow_aliases": [{"local_part": local, "goto": ["x@elsewhere.example"]} for local in ALIASES],
        "mailcow_mailboxes_concurrency": 1,
    }
    for key, value in (case.role_vars if case else {}).items():
        role_vars[key] = value.format(free_port=_free_port()) if isinstance(value, str) else value
    defaults = {"retries": 1, "timeout": case.timeout if case else 5}
    return {"name": name, "hosts": "localhost", "gather_facts": False, "vars": role_vars,
            "module_defaults": {"group/glassdome.mailcow.mailcow": defaults}, "roles": ["glassdome.mailcow.mailboxes"]}


def _run(runner: Runner, path: Path, plays: list[dict[str, t.Any]], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    path.write_text(json.dumps(plays, indent=1))  # JSON is YAML
    proc = runner.playbook(path, extra_env=env, timeout=120)
    text = proc.stdout + proc.stderr
    for secret in (runner.env["MAILCOW_API_KEY"], PASSWORD):
        assert secret not in text, text
    return proc


@dataclass
class Task:
    name: str
    status: str  # ok, changed, skipping, fatal
    msg: str = ""


def _plays(stdout: str) -> dict[str, list[Task]]:
    """{play name: its tasks of the role, with their status} from the default callback's output."""
    plays: dict[str, list[Task]] = {}
    tasks: list[Task] = []
    for line_no, line in enumerate(lines := stdout.splitlines()):
        if (match := re.match(r"PLAY \[(.*)\] \*+$", line)):
            tasks = plays.setdefault(match.group(1), [])
        elif (match := re.match(r"TASK \[glassdome\.mailcow\.mailboxes : (.*)\] \*+$", line)):
            tasks.append(Task(match.group(1), ""))
        elif tasks and not tasks[-1].status and (match := re.match(r"(ok|changed|skipping|fatal): \[localhost\]", line)):
            tasks[-1].status = match.group(1)
            if tasks[-1].status == "fatal":
                text = "\n".join(lines[line_no:])
                tasks[-1].msg = json.JSONDecoder().raw_decode(text[text.index("{"):])[0]["msg"]
    return plays


def _changed(tasks: list[Task]) -> list[str]:
    return [task.name for task in tasks if task.status == "changed"]


# -- the server, out of band --------------------------------------------------------------------------
def _api(runner: Runner, facts: dict, method: str, path: str, body: t.Any = None) -> t.Any:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(facts["api_url"] + "/api/v1/" + path, data=data, method=method,
                                     headers={"X-API-Key": runner.env["MAILCOW_API_KEY"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def _rows(runner: Runner, facts: dict, path: str) -> list[dict[str, t.Any]]:
    data = _api(runner, facts, "GET", "get/" + path)
    return data if isinstance(data, list) else [data] if data else []


def _state(runner: Runner, facts: dict, domain: str) -> tuple[bool, list[str], list[str]]:
    """(the domain exists, its mailboxes' local parts, its aliases' local parts), sorted: a duplicate shows twice."""
    exists = any(row.get("domain_name") == domain for row in _rows(runner, facts, "domain/" + domain))
    mailboxes = sorted(row["local_part"] for row in _rows(runner, facts, "mailbox/all/" + domain) if row.get("domain") == domain)
    # Each mailbox has a hidden alias to itself (address = goto): not one of the role's aliases.
    aliases = sorted(row["address"].split("@")[0] for row in _rows(runner, facts, "alias/all/" + domain)
                     if row.get("domain") == domain and row["address"] != row["goto"])
    return exists, mailboxes, aliases


def _requests(facts: dict) -> int:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    with urllib.request.urlopen(facts["control_url"] + "/stats", context=context, timeout=10) as answer:
        return int(json.loads(answer.read())["requests"])


def _requests_settled(facts: dict, expected: int) -> int:
    """The request count once a late answer (an injected delay) has been given: the emulator counts it then."""
    deadline = time.monotonic() + 10
    while (seen := _requests(facts)) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return seen


@pytest.fixture
def domain(runner: Runner, facts: dict) -> t.Iterator[str]:
    name = "rf%s.example" % uuid.uuid4().hex[:8]
    control(facts, "faults/clear", {})
    control(facts, "stats/reset", {})
    yield name
    control(facts, "faults/clear", {})
    mailboxes = [row["username"] for row in _rows(runner, facts, "mailbox/all/" + name) if row.get("domain") == name]
    if mailboxes:
        _api(runner, facts, "POST", "delete/mailbox", mailboxes)
    _api(runner, facts, "POST", "delete/domain", [name])


# -- the matrix -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CASES))
def test_role_under_fault(runner: Runner, facts: dict, domain: str, tmp_path: Path, name: str) -> None:
    case = CASES[name]
    if case.faults:
        control(facts, "faults", case.faults)  # type: ignore[arg-type]  # a list of faults
    if case.failed_task is None:
        _recovered(runner, facts, domain, tmp_path, case)
        return
    proc = _run(runner, tmp_path / "fault.yml", [_play("Fault run", domain, case)], case.env)
    assert proc.returncode == 2, proc.stdout[-4000:]
    tasks = _plays(proc.stdout)["Fault run"]
    failed = [task for task in tasks if task.status == "fatal"]
    assert [task.name for task in failed] == [case.failed_task], proc.stdout[-4000:]
    assert re.search(case.msg, failed[0].msg), failed[0].msg
    assert len(failed[0].msg) < 800, failed[0].msg  # summarised, never every entry
    assert tasks[-1].name == case.failed_task  # the role stopped there
    assert _requests_settled(facts, case.requests) == case.requests
    control(facts, "faults/clear", {})
    assert _state(runner, facts, domain) == (case.domain, sorted(case.mailboxes), sorted(case.aliases))

    proc = _run(runner, tmp_path / "rerun.yml", [_play("Re-run 1", domain, None), _play("Re-run 2", domain, None)])
    assert proc.returncode == 0, proc.stdout[-4000:]
    plays = _plays(proc.stdout)
    assert [_changed(plays["Re-run 1"]), _changed(plays["Re-run 2"])] == [case.rerun_changes, []]
    assert _state(runner, facts, domain) == (True, MAILBOXES, ALIASES)


def _recovered(runner: Runner, facts: dict, domain: str, tmp_path: Path, case: Case) -> None:
    """A fault the run recovers from (consumed by it): the re-run, in the same playbook, writes nothing.

    So the state after both plays is the state the faulty run left, and the requests are the faulty
    run's plus the re-run's three reads (the domain, the mailboxes, the aliases).
    """
    proc = _run(runner, tmp_path / "fault.yml", [_play("Fault run", domain, case), _play("Re-run 1", domain, None)], case.env)
    assert proc.returncode == 0, proc.stdout[-4000:]
    plays = _plays(proc.stdout)
    assert [_changed(plays["Fault run"]), _changed(plays["Re-run 1"])] == [[DOMAIN_TASK, MAILBOX_TASK, ALIAS_TASK], []]
    assert _requests(facts) == case.requests + 3
    assert _state(runner, facts, domain) == (True, MAILBOXES, ALIASES)
