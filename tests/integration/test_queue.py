# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_queue and mailcow_queue_info through ansible-playbook, on the sandbox Postfix's real mail queue.

Mail is queued the way a user queues it: submitted over SMTP (587, STARTTLS, login) to addresses at the
sandbox's unreachable domain, whose next hop is a loopback port where nothing listens, so Postfix
defers it ("Connection refused") as a real Mailcow defers mail to a remote server that is down. The
emulator's get/mailq, edit/mailq and delete/mailq run postqueue and postsuper on that Postfix; every
effect is checked out of band with ``postqueue -j`` itself. At the end a test listens on that port and
the flushed mail is delivered there.
"""

from __future__ import annotations

import json
import re
import smtplib
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import Runner

TAG = uuid.uuid4().hex[:8]
DOMAIN = "queue-%s.example" % TAG
SENDER = "sender@" + DOMAIN
PASSWORD = "Queue-Pass-%s" % TAG


def _api(facts: dict[str, Any], path: str, body: Any = None, key: str | None = None) -> Any:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(facts["api_url"] + "/api/v1/" + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-API-Key": key or facts["rw_key"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def postqueue(facts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The real queue, read with Postfix's own tool (not through the API): this test's messages by queue id."""
    out = subprocess.run(["postqueue", "-c", str(Path(facts["dir"]) / "postfix"), "-j"], capture_output=True, text=True, check=True).stdout
    entries = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {entry["queue_id"]: entry for entry in entries if entry["sender"] == SENDER}


def _wait(what: str, probe: Any, timeout: float = 60.0) -> Any:
    """Poll ``probe`` until it returns something true (a bound on a wait, not a speed assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting for %s" % what)
        time.sleep(0.2)


@pytest.fixture(scope="module")
def queued(facts: dict[str, Any]) -> Iterator[list[str]]:
    if not facts.get("mail") or not facts.get("unreachable_domain"):
        pytest.skip("the sandbox runs no mail stack with an unreachable domain (restart it: make sandbox-stop sandbox-start)")
    _api(facts, "add/domain", {"domain": DOMAIN, "active": 1, "key_size": 0})
    _api(facts, "add/mailbox", {"local_part": "sender", "domain": DOMAIN, "password": PASSWORD, "password2": PASSWORD, "active": 1})
    context = ssl.create_default_context(cafile=facts["ca_path"])
    with smtplib.SMTP(facts["smtp_host"], facts["smtp_port"], timeout=30) as smtp:
        smtp.starttls(context=context)
        smtp.login(SENDER, PASSWORD)
        for name in ("one", "two"):
            smtp.sendmail(SENDER, ["%s@%s" % (name, facts["unreachable_domain"])], "Subject: queue %s %s\r\n\r\nhello\r\n" % (TAG, name))
    ids = _wait("two deferred messages", lambda: sorted(q for q, e in postqueue(facts).items() if e["queue_name"] == "deferred")
                if len([e for e in postqueue(facts).values() if e["queue_name"] == "deferred"]) == 2 else None)
    yield ids
    for qid in postqueue(facts):
        subprocess.run(["postsuper", "-c", str(Path(facts["dir"]) / "postfix"), "-d", qid], capture_output=True, check=False)
    _api(facts, "delete/mailbox", [SENDER])
    _api(facts, "delete/domain", [DOMAIN])


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  # The connection comes from the sandbox's MAILCOW_* environment.
  vars:
    sender: {sender}
    hold: &hold
      action: hold
      sender: "{{{{ sender }}}}"
  tasks:
    - name: list this test's messages with the read-only key
      glassdome.mailcow.mailcow_queue_info:
        sender: "{{{{ sender }}}}"
        api_key: "{{{{ lookup('env', 'MAILCOW_API_KEY_RO') }}}}"
      register: listed
    - ansible.builtin.assert:
        that:
          - listed.queue | map(attribute='queue_id') | sort == {ids}
          - listed.queue | map(attribute='status') | unique == ['deferred']
          - listed.queue[0].recipients[0].delay_reason is search('Connection refused')
          - listed.queue[0].arrival_time is match('^[0-9-]+T[0-9:]+Z$')
          - listed.total >= 2

    - name: hold, check mode
      glassdome.mailcow.mailcow_queue: *hold
      check_mode: true
      diff: true
      register: hold_check
    - name: hold
      glassdome.mailcow.mailcow_queue: *hold
      diff: true
      register: hold_real
    - name: hold again
      glassdome.mailcow.mailcow_queue: *hold
      register: hold_again
    - name: hold again, check mode
      glassdome.mailcow.mailcow_queue: *hold
      check_mode: true
      register: hold_again_check
    - name: read the held messages back
      glassdome.mailcow.mailcow_queue_info:
        sender: "{{{{ sender }}}}"
        status: [hold]
      register: held
    - ansible.builtin.assert:
        that:
          - hold_check is changed and hold_check.queue_ids | sort == {ids}
          - hold_check.diff.before.queue[{first!r}].status == 'deferred' and hold_check.diff.after.queue[{first!r}].status == 'hold'
          - hold_real is changed and hold_real.queue_ids == hold_check.queue_ids
          - hold_again is not changed and hold_again_check is not changed
          - held.queue | length == 2

    - name: a queue id that is not in the queue
      glassdome.mailcow.mailcow_queue:
        action: release
        queue_ids: [FFFFFFFFFF]
      register: unknown_id
      ignore_errors: true
    - name: delete without a selection
      glassdome.mailcow.mailcow_queue:
        action: delete
      register: guard
      ignore_errors: true
    - name: the read-only key cannot act
      glassdome.mailcow.mailcow_queue:
        action: release
        sender: "{{{{ sender }}}}"
        api_key: "{{{{ lookup('env', 'MAILCOW_API_KEY_RO') }}}}"
      register: read_only
      ignore_errors: true
    - name: a queue id Mailcow would ignore
      glassdome.mailcow.mailcow_queue:
        action: delete
        queue_ids: [not-a-queue-id]
      register: bad_input
      ignore_errors: true
    - name: the API is down
      glassdome.mailcow.mailcow_queue_info:
        api_url: https://127.0.0.1:1
      register: api_down
      ignore_errors: true
    - ansible.builtin.assert:
        that:
          - unknown_id is failed and unknown_id.msg is search('queue_ids. FFFFFFFFFF is not in the mail queue')
          - guard is failed and guard.msg is search('allow_delete_all=true')
          - read_only is failed and read_only.msg is search('read-only')
          - bad_input is failed and bad_input.msg is search("queue_ids. 'not-a-queue-id' is not a Postfix queue id")
          - api_down is failed and api_down.msg is search('could not connect') and api_down.msg is search('MAILCOW_API_URL')

    - name: release one
      glassdome.mailcow.mailcow_queue:
        action: release
        queue_ids: [{first}]
      register: released
    - name: delete the other, check mode
      glassdome.mailcow.mailcow_queue: &delete
        action: delete
        queue_ids: [{second}]
      check_mode: true
      diff: true
      register: delete_check
    - name: delete the other
      glassdome.mailcow.mailcow_queue: *delete
      register: delete_real
    - name: delete it again
      glassdome.mailcow.mailcow_queue: *delete
      register: delete_again
    - ansible.builtin.assert:
        that:
          - released is changed and released.queue_ids == [{first!r}]
          - delete_check is changed and delete_check.diff.after.queue == {{}} and {second!r} in delete_check.diff.before.queue
          - delete_real is changed and delete_again is not changed and delete_again.missing == [{second!r}]
"""

FLUSH = """
- hosts: localhost
  gather_facts: false
  tasks:
    # Held until now, so that Postfix's own retries (every 5 to 30 s in the sandbox) cannot deliver it first.
    - name: release it
      glassdome.mailcow.mailcow_queue:
        action: release
        sender: {sender}
    - name: flush this test's mail now that its next hop listens
      glassdome.mailcow.mailcow_queue:
        action: flush
        sender: {sender}
      register: flushed
    # Released mail is back in Postfix's deferred queue, which Postfix itself scans every 5 s in the sandbox: now
    # that the next hop listens, that scan may deliver it between the two tasks. Then the flush finds nothing to do.
    - ansible.builtin.assert:
        that: >-
          (flushed is changed and flushed.queue_ids == [{first!r}])
          or (flushed is not changed and flushed.queue_ids == [])
"""


def test_hold_release_delete_on_the_real_queue(runner: Runner, facts: dict[str, Any], queued: list[str], tmp_path: Path) -> None:
    first, second = queued
    playbook = tmp_path / "queue.yml"
    playbook.write_text(PLAYBOOK.format(sender=SENDER, ids=json.dumps(queued), first=first, second=second))
    runner.playbook(playbook, check=True)
    found = postqueue(facts)
    assert list(found) == [first] and found[first]["queue_name"] in ("deferred", "active"), found


class SmtpSink:
    """A minimal SMTP server on the unreachable domain's next hop: the remote server, back up."""

    def __init__(self, port: int) -> None:
        self.received: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", port))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _peer = self.server.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as lines:
                conn.sendall(b"220 sink ESMTP\r\n")
                for line in lines:
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        conn.sendall(b"354 go on\r\n")
                        body = b"".join(iter(lines.readline, b".\r\n"))
                        self.received.append(body)
                        conn.sendall(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.server.close()


def test_flush_delivers_once_the_next_hop_listens(runner: Runner, facts: dict[str, Any], queued: list[str], tmp_path: Path) -> None:
    first = queued[0]
    if first not in postqueue(facts):
        pytest.skip("the message left by the test before is gone")
    subprocess.run(["postsuper", "-c", str(Path(facts["dir"]) / "postfix"), "-h", first], capture_output=True, check=True)
    sink = SmtpSink(int(facts["relay_down_port"]))
    try:
        playbook = tmp_path / "flush.yml"
        playbook.write_text(FLUSH.format(sender=SENDER, first=first))
        runner.playbook(playbook, check=True)
        _wait("the flushed message to leave the queue", lambda: not postqueue(facts))
        assert any(re.search(rb"Subject: queue %s one" % TAG.encode(), body) for body in sink.received), sink.received
    finally:
        sink.close()
