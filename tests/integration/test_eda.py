# SPDX-License-Identifier: GPL-3.0-or-later
"""The event sources under the real ansible-rulebook, with the example rulebooks of extensions/eda/rulebooks.

ansible-rulebook runs from its own venv, .build/venvs/ansible-rulebook (`make venv-ansible-rulebook`), with
Java 17 (JAVA_HOME, set by the Makefile), the installed artifact on ANSIBLE_COLLECTIONS_PATH, and the
sandbox's connection in the environment (MAILCOW_IMAP_*, MAILCOW_API_*, MAILCOW_CA_PATH), at -vv.

- new_mail_record.yml: a mail submitted through the sandbox's Postfix fires the rule (print_event) and its
  playbook records the mail; a mail already there when the source started never fires; after the sandbox's
  Dovecot restarts the source reconnects and fires for the next mail only, each mail exactly once; the
  mailbox password appears nowhere in ansible-rulebook's output. The times from the end of the SMTP
  submission to the message's file in the maildir, and from there to the rule's output line, are written
  to .build/reports/eda-mail-to-rule-seconds.txt (no assertion on them beyond the generous wait).
- ban_notify.yml: a ban made in the emulator on an allow-listed network notifies once; a ban elsewhere does
  not; a stopped container notifies; the API key appears nowhere in the output.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
import typing as t
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from conftest import REPO, sandbox_env
from test_awx_runner import installed_collection, secret_forms

sys.path.insert(0, str(REPO / "tests" / "mailstack"))
import mailtest  # noqa: E402

mailstack = mailtest.mailstack
RULEBOOK_VENV = REPO / ".build" / "venvs" / "ansible-rulebook"
REPORTS = REPO / ".build" / "reports"
WAIT = 60.0  # seconds any one expected line may take (generous: the machine is shared)


def java_home() -> str:
    found = os.environ.get("JAVA_HOME") or next(iter(sorted(glob.glob("/usr/lib/jvm/java-17-openjdk-*"))), "")
    if not found:
        pytest.fail("no Java 17: install Debian's openjdk-17-jre-headless (tests/sandbox/install-debs.sh) or set JAVA_HOME")
    return found


class Rulebook:
    """One ansible-rulebook process; its output lines are collected as they come, each with the moment it was read."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.lines: list[tuple[float, str]] = []
        self.changed = threading.Condition()
        self.proc = subprocess.Popen(argv, env=env, cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self.changed.notify_all()

    @property
    def output(self) -> str:
        with self.changed:
            return "\n".join(line for _when, line in self.lines)

    @property
    def tail(self) -> str:
        """The end of the output for a failure message, less urllib3's line per request."""
        with self.changed:
            return "\n".join(line for _when, line in self.lines if "urllib3.connectionpool" not in line)[-8000:]

    def wait_for(self, what: str, match: t.Callable[[str], bool], *, after: int = 0) -> tuple[int, float]:
        """The index and arrival time of the first line from ``after`` on that matches; fails after WAIT seconds."""
        deadline = time.monotonic() + WAIT
        with self.changed:
            while True:
                for index in range(after, len(self.lines)):
                    if match(self.lines[index][1]):
                        return index, self.lines[index][0]
                if self.proc.poll() is not None and not self.reader.is_alive():
                    pytest.fail("ansible-rulebook ended (exit status %s) before %s:\n%s" % (self.proc.returncode, what, self.tail))
                if time.monotonic() > deadline:
                    pytest.fail("no %s within %s s; ansible-rulebook's output:\n%s" % (what, WAIT, self.tail))
                self.changed.wait(0.2)

    def count(self, match: t.Callable[[str], bool]) -> int:
        with self.changed:
            return sum(1 for _when, line in self.lines if match(line))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.reader.join(5)


@pytest.fixture(scope="module")
def rulebook_env(facts: dict[str, t.Any]) -> dict[str, str]:
    if not (RULEBOOK_VENV / "bin" / "ansible-rulebook").exists():
        pytest.fail("%s has no ansible-rulebook: run `make venv-ansible-rulebook`" % RULEBOOK_VENV)
    env = sandbox_env(facts)
    env.update(PATH="%s:%s" % (RULEBOOK_VENV / "bin", env["PATH"]), JAVA_HOME=java_home(),
               ANSIBLE_COLLECTIONS_PATH=str(installed_collection().parents[2]), ANSIBLE_PYTHON_INTERPRETER=str(RULEBOOK_VENV / "bin" / "python"))
    return env


def start(env: dict[str, str], tmp: Path, rulebook: str, variables: dict[str, t.Any]) -> Rulebook:
    (tmp / "vars.yml").write_text(yaml.safe_dump(variables))
    (tmp / "inventory.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": str(RULEBOOK_VENV / "bin" / "python")}}}}))
    return Rulebook(["ansible-rulebook", "-r", "glassdome.mailcow." + rulebook, "-i", "inventory.yml", "--vars", "vars.yml", "-vv"], env, tmp)


def event_line(key: str, value: str) -> t.Callable[[str], bool]:
    """print_event's line (the whole event on one line) holding ``'key': 'value'``."""
    return lambda line: line.startswith("{") and "%r: %r" % (key, value) in line


def restart_dovecot(facts: dict[str, t.Any]) -> None:
    """Stop the sandbox's Dovecot (its IMAP clients get BYE) and start it again, as a restart of the container would."""
    uid, gid = mailstack.mail_user()
    stack = mailstack.MailStack(Path(facts["state_dir"]), mailstack.MailPorts.from_base(0), Path(), Path(), uid, gid)
    master = mailstack.dovecot_pid(stack)
    assert master and mailstack.pid_alive(master), "the sandbox's Dovecot is not running"
    mailstack.signal_all({master}, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while mailstack.port_in_use(int(facts["imap_port"])) and time.monotonic() < deadline:
        time.sleep(0.1)
    mailstack.start_dovecot(stack)
    assert mailstack.wait_for_port(int(facts["imap_port"]), 20), "Dovecot did not listen again"
    # Postfix's smtpd processes keep their connection to Dovecot's old auth socket, and the first SMTP login after the
    # restart would fail with "Connection lost to authentication server": a reload gives the tests after this one a
    # sandbox as it was.
    subprocess.run([mailstack.POSTFIX, "-c", str(stack.postfix_dir), "reload"], check=True, capture_output=True, timeout=30)


def test_example_rulebooks_are_valid_for_ansible_rulebook(rulebook_env: dict[str, str]) -> None:
    """Every example rulebook passes ansible-rulebook's own schema and condition parser (the job template one cannot run here)."""
    books = sorted((installed_collection() / "extensions" / "eda" / "rulebooks").glob("*.yml"))
    assert {b.name for b in books} >= {"new_mail_job_template.yml", "new_mail_record.yml", "ban_notify.yml"}
    check = ("import sys, yaml\nfrom ansible_rulebook.validators import Validate\nfrom ansible_rulebook.rules_parser import parse_rule_sets\n"
             "for path in sys.argv[1:]:\n    data = yaml.safe_load(open(path))\n    Validate.rulebook(data)\n    parse_rule_sets(data)\n"
             "    print('valid', path)\n")
    proc = subprocess.run([str(RULEBOOK_VENV / "bin" / "python"), "-c", check, *map(str, books)], env=rulebook_env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("valid ") == len(books)


def test_new_mail_fires_once_and_the_source_survives_a_dovecot_restart(
        facts: dict[str, t.Any], rulebook_env: dict[str, str], tmp_path: Path) -> None:
    api = mailtest.Api(facts)
    tls = ssl.create_default_context(cafile=facts["ca_path"])
    domain = "eda%s.example" % uuid.uuid4().hex[:8]
    # Quotes, a backslash and URL-reserved characters: their escaped forms differ from the plain one (ASCII: smtplib's login needs it).
    password = "Eda-" + secrets.token_urlsafe(12) + "\"\\%+&"
    shared, sender = "shared@" + domain, "sender@" + domain
    api.add_domain(domain)
    api.add_mailbox(shared, password)
    api.add_mailbox(sender, password)
    tag = uuid.uuid4().hex[:8]
    before, first, second = ("eda-%s-%s" % (name, tag) for name in ("before", "first", "second"))

    def send(subject: str) -> float:
        mailtest.submit(facts, tls, sender, sender, [shared], mailtest.message(sender, shared, subject), password=password)
        return time.monotonic()

    send(before)
    _wait_delivered(facts, shared, 1)
    log = tmp_path / "mail.log"
    variables = {"shared_mailbox": shared, "shared_mailbox_password": password, "eda_mail_log": str(log)}
    book = start(rulebook_env, tmp_path, "new_mail_record", variables)
    try:
        def watching(line: str) -> bool:
            return "glassdome.mailcow.mailbox - INFO - watching folder INBOX of %s" % shared in line

        connected, _when = book.wait_for("the mailbox source's login", watching)
        delivered = Delivery(facts, shared, already=1)
        sent = send(first)
        _index, fired = book.wait_for("the rule's print_event of %s" % first, event_line("subject", first))
        landed = delivered.wait()
        REPORTS.mkdir(parents=True, exist_ok=True)
        figures = "submitted -> delivered %.3f s, delivered -> rule fired %.3f s\n" % (landed - sent, fired - landed)
        (REPORTS / "eda-mail-to-rule-seconds.txt").write_text(figures)
        print("EDA: " + figures, end="")
        book.wait_for("the playbook's recap", lambda line: line.startswith("localhost") and "ok=1" in line and "failed=0" in line)
        restart_dovecot(facts)
        book.wait_for("the source's reconnection", watching, after=connected + 1)
        send(second)
        book.wait_for("the rule's print_event of %s" % second, event_line("subject", second))
        book.wait_for("the second playbook's recap",
                      lambda line: line.startswith("localhost") and "ok=1" in line and "failed=0" in line and book.count(
                          lambda other: other.startswith("localhost") and "ok=1" in other) >= 2)
    finally:
        book.stop()
    output = book.output
    assert book.count(event_line("subject", first)) == 1, book.tail
    assert book.count(event_line("subject", second)) == 1, book.tail
    assert book.count(event_line("subject", before)) == 0, "the mail that was there before the source started fired a rule"
    assert "trying again" in output, "the source did not report the lost connection"
    recorded = log.read_text()
    assert first in recorded and second in recorded and before not in recorded
    leaked = [form for form in secret_forms(password) if form in output]
    assert not leaked, "the mailbox password is in ansible-rulebook's output"


class Delivery:
    """Watches the mailbox's maildir (every 10 ms) for the moment Dovecot's LMTP stored the next message."""

    def __init__(self, facts: dict[str, t.Any], address: str, *, already: int) -> None:
        self.moment: float | None = None
        self.thread = threading.Thread(target=self._watch, args=(facts, address, already), daemon=True)
        self.thread.start()

    def _watch(self, facts: dict[str, t.Any], address: str, already: int) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if len(mailtest.maildir_messages(facts, address)) > already:
                self.moment = time.monotonic()
                return
            time.sleep(0.01)

    def wait(self) -> float:
        self.thread.join(WAIT + 1)
        assert self.moment is not None, "the mail was not delivered"
        return self.moment


class LocalSource:
    """An event source run by hand (``python mailbox.py ARGS.json``, its __main__): events as JSON lines on stdout, logs on stderr."""

    def __init__(self, env: dict[str, str], args_file: Path) -> None:
        script = installed_collection() / "extensions" / "eda" / "plugins" / "event_source" / "mailbox.py"
        self.book = Rulebook([str(RULEBOOK_VENV / "bin" / "python"), str(script), str(args_file)], env, args_file.parent)

    def events(self) -> list[dict[str, t.Any]]:
        return [json.loads(line) for line in self.book.output.splitlines() if line.startswith("{")]


def test_polling_source_with_a_state_file_reports_what_came_while_it_was_away(
        facts: dict[str, t.Any], rulebook_env: dict[str, str], tmp_path: Path) -> None:
    api = mailtest.Api(facts)
    tls = ssl.create_default_context(cafile=facts["ca_path"])
    domain = "eda%s.example" % uuid.uuid4().hex[:8]
    password = "Eda-" + secrets.token_urlsafe(12)
    inbox = "inbox@" + domain
    api.add_domain(domain)
    api.add_mailbox(inbox, password)
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"username": inbox, "password": password, "wait_method": "poll", "wait_interval": 0.2,
                                "state_file": str(tmp_path / "state.json")}))
    subjects = ["eda-away-%d-%s" % (n, uuid.uuid4().hex[:6]) for n in range(3)]

    def send(subject: str) -> None:
        mailtest.submit(facts, tls, inbox, inbox, [inbox], mailtest.message(inbox, inbox, subject), password=password)

    first = LocalSource(rulebook_env, args)
    try:
        first.book.wait_for("the source's login", lambda line: "watching folder INBOX of %s" % inbox in line and "polling every 0.2 s" in line)
        send(subjects[0])
        first.book.wait_for("the event of %s" % subjects[0], lambda line: line.startswith("{") and subjects[0] in line)
        # The mark is written right after the event is handed on (a kill between the two reports the mail again: at least once).
        uid = first.events()[0]["uid"]
        deadline = time.monotonic() + WAIT
        while json.loads((tmp_path / "state.json").read_text())["%s/INBOX" % inbox]["last_uid"] < uid:
            assert time.monotonic() < deadline, "the state file never recorded UID %d" % uid
            time.sleep(0.05)
    finally:
        first.book.stop()
    send(subjects[1])
    send(subjects[2])
    _wait_delivered(facts, inbox, 3)
    second = LocalSource(rulebook_env, args)
    try:
        second.book.wait_for("the event of %s" % subjects[2], lambda line: line.startswith("{") and subjects[2] in line)
    finally:
        second.book.stop()
    assert [event["message"]["subject"] for event in first.events()] == subjects[:1]
    assert [event["message"]["subject"] for event in second.events()] == subjects[1:], "the restarted source reported again, or lost mail"
    assert password not in first.book.output + second.book.output


def _wait_delivered(facts: dict[str, t.Any], address: str, count: int) -> None:
    deadline = time.monotonic() + WAIT
    while len(mailtest.maildir_messages(facts, address)) < count:
        assert time.monotonic() < deadline, "the mail to %s was not delivered" % address
        time.sleep(0.1)


def _control(facts: dict[str, t.Any], path: str, body: dict[str, t.Any] | None = None) -> t.Any:
    request = urllib.request.Request(facts["control_url"] + "/" + path, data=json.dumps(body or {}).encode(), method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request, timeout=10, context=ssl.create_default_context(cafile=facts["ca_path"])) as reply:
        return json.loads(reply.read() or b"null")


def _drop_quarantined(facts: dict[str, t.Any], subject: str) -> None:
    """Delete, through Mailcow's API, the quarantine items with ``subject`` (what this test held)."""
    ids = [str(row["id"]) for row in _control(facts, "quarantine")["items"] if row.get("subject") == subject]
    if ids:
        request = urllib.request.Request(facts["api_url"] + "/api/v1/delete/qitem", data=json.dumps(ids).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "X-API-Key": facts["rw_key"]})
        with urllib.request.urlopen(request, timeout=10, context=ssl.create_default_context(cafile=facts["ca_path"])):
            pass


def _fail2ban_reads(facts: dict[str, t.Any]) -> int:
    return int(_control(facts, "stats")["by_route"].get("GET /api/v1/get/fail2ban", 0))


def test_ban_on_an_allowlisted_network_notifies_once(facts: dict[str, t.Any], rulebook_env: dict[str, str], tmp_path: Path) -> None:
    ours, other = "198.51.100.%d" % secrets.choice(range(2, 250)), "203.0.113.%d" % secrets.choice(range(2, 250))
    subject = "held %s" % secrets.token_hex(4)
    book = start(rulebook_env, tmp_path, "ban_notify", {"our_networks": ["198.51.100.0/24"], "mailcow_events_interval": 0.5})
    try:
        # Bans there at the first poll are taken as known: ban only after it.
        book.wait_for("the events source's first poll", lambda line: "glassdome.mailcow.events - INFO - first poll done" in line)
        _control(facts, "f2b/ban", {"ip": other})
        _control(facts, "f2b/ban", {"ip": ours})
        _control(facts, "status", {"containers": {"clamd": "exited"}})
        _control(facts, "quarantine", {"items": [{"qid": "4B1A2C3D4E", "rcpt": "alice@rb.example", "sender": "spammer@bad.example", "subject": subject,
                                                  "score": 14.5, "action": "reject", "created": int(time.time()), "msg": "Subject: x\r\n\r\nx"}]})
        book.wait_for("the notice of the quarantined message", lambda line: line.startswith("NOTIFY quarantine held ") and subject in line)
        book.wait_for("the notice of the ban of %s" % ours, lambda line: "NOTIFY fail2ban banned %s/32" % ours in line)
        book.wait_for("the notice of clamd", lambda line: "NOTIFY container clamd-mailcow is exited" in line)
        book.wait_for("the event of the ban of %s" % other, lambda line: "'network': '%s/32'" % other in line)
        # Three more polls that still see both bans: nothing is reported again.
        reads = _fail2ban_reads(facts)
        deadline = time.monotonic() + WAIT
        while _fail2ban_reads(facts) < reads + 3:
            assert time.monotonic() < deadline, "the events source stopped polling"
            time.sleep(0.2)
    finally:
        book.stop()
        _control(facts, "f2b/clear", {})
        _control(facts, "status", {"containers": {"clamd": "running"}})
        _drop_quarantined(facts, subject)
    output = book.output
    assert book.count(lambda line: "NOTIFY fail2ban banned %s/32" % ours in line) == 1, book.tail
    assert not any("NOTIFY fail2ban banned %s" % other in line for line in output.splitlines()), "a ban outside our networks notified"
    assert book.count(lambda line: "NOTIFY container clamd-mailcow" in line) == 1, book.tail
    held = [line for line in output.splitlines() if line.startswith("NOTIFY quarantine held ")]  # the debug action's line, not the rule's text
    assert len(held) == 1 and "identities=" in held[0], book.tail  # the identity mailcow_quarantine takes
    for key in (facts["rw_key"], facts["ro_key"]):
        assert key not in output, "an API key is in ansible-rulebook's output"
