# SPDX-License-Identifier: GPL-3.0-or-later
"""The measurement of the bench phase `mail_wait` (mail_wait.py runs it): how soon mailcow_message_info's wait
sees a delivered message, IDLE against polling.

usage: python mail_wait_probe.py SANDBOX_JSON OUT_JSON [N]

For each way of waiting (``wait_method=idle``; ``wait_method=poll`` at the default ``wait_interval=1``
and at ``wait_interval=0.1``) and each of N messages (default 20):
a waiter thread runs the collection's message_info (login, EXAMINE, search, wait) for a fresh
Message-ID; after a random 0.6-1.6 s (the waiter is idle or between polls by then, at a random
point of its poll cycle) the collection's send_mail submits that message over SMTP to the sandbox's
Postfix, which delivers it to Dovecot. Latency = from the start of the send to the waiter returning
the message: SMTP submission + Postfix -> LMTP -> Dovecot delivery + the wait noticing it + the
search and the fetch. Only the wait differs between the methods.

The collection is imported from PYTHONPATH (run.py points it at its pinned copy). The sandbox
must run with mail (Postfix, Dovecot). Prints one progress line per method and writes OUT_JSON:
{"n": N, "methods": {"idle": {"latencies_ms": [...], "median_ms": .., "p95_ms": .., "failed": ..}, ...}}.
"""

from __future__ import annotations

import json
import random
import ssl
import statistics
import sys
import threading
import time
import typing as t
import urllib.request
import uuid
from pathlib import Path

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import message_info, send_mail

# label: (wait_method, wait_interval)
METHODS = {"idle": ("idle", 1.0), "poll": ("poll", 1.0), "poll-0.1": ("poll", 0.1)}
PASSWORD = "Bench-Mail-Pass-1"
WAIT_TIMEOUT = 30
SEED = 2177  # the RFC: the same send delays on every run


class Api:
    """The two writes the phase needs (domain, mailbox), with the sandbox's read-write key."""

    def __init__(self, facts: dict[str, t.Any]) -> None:
        self.url = facts["api_url"].rstrip("/") + "/api/v1/"
        self.key = facts["rw_key"]
        self.context = ssl.create_default_context(cafile=facts["ca_path"])

    def write(self, path: str, body: dict[str, t.Any]) -> None:
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"X-API-Key": self.key, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30, context=self.context) as reply:
            answers = json.loads(reply.read() or b"null")
        answers = answers if isinstance(answers, list) else [answers]
        failed = [a for a in answers if not isinstance(a, dict) or a.get("type") not in ("success", "warning")]
        if failed:
            raise RuntimeError("%s: %s" % (path, failed))


def connection(facts: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"smtp_host": facts["smtp_host"], "smtp_port": facts["smtp_port"], "smtp_security": "starttls",
            "imap_host": facts["imap_host"], "imap_port": facts["imap_port"], "imap_security": "tls",
            "validate_certs": True, "ca_path": facts["ca_path"], "timeout": 30, "password": PASSWORD}


def reader_params(base: dict[str, t.Any], user: str, **options: t.Any) -> dict[str, t.Any]:
    params = dict(base, username=user, folder="INBOX", unseen=False, since=None, before=None, to=None, subject=None, message_id=None,
                  header=None, limit=1, include_body=False, max_body_size=65536, wait_timeout=0, wait_count=1, wait_method="auto",
                  wait_interval=1.0, mark_seen=False)
    params["from"] = None
    params.update(options)
    return params


def sender_params(base: dict[str, t.Any], sender: str, receiver: str, message_id: str) -> dict[str, t.Any]:
    params = dict(base, to=[receiver], cc=None, bcc=None, reply_to=None, subject="mail_wait bench", body="bench\n", html_body=None,
                  attachments=None, headers=None, charset="utf-8", message_id=message_id, save_to_sent=False, username=None)
    params["from"] = sender
    return params


def setup(facts: dict[str, t.Any], base: dict[str, t.Any]) -> tuple[str, str]:
    """A fresh domain with a sender and a receiver; returns once the receiver can log in over IMAP."""
    domain = "mailwait%s.bench.example" % uuid.uuid4().hex[:6]
    api = Api(facts)
    api.write("add/domain", {"domain": domain, "mailboxes": 10, "active": 1})
    for local in ("sender", "receiver"):
        api.write("add/mailbox", {"local_part": local, "domain": domain, "password": PASSWORD, "password2": PASSWORD, "active": 1})
    receiver = "receiver@" + domain
    deadline = time.monotonic() + 60
    while True:  # the sandbox publishes new mailboxes to Dovecot within a moment
        try:
            message_info(reader_params(base, receiver), check_mode=True)
            return "sender@" + domain, receiver
        except MailcowError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def one(base: dict[str, t.Any], sender: str, receiver: str, label: str, delay: float) -> float:
    """Latency in ms of one message: waiter started, pause, send, waiter returns."""
    message_id = "<mailwait-%s@%s>" % (uuid.uuid4().hex, sender.split("@")[1])
    method, interval = METHODS[label]
    outcome: dict[str, t.Any] = {}

    def wait() -> None:
        try:
            result = message_info(reader_params(base, receiver, message_id=message_id, wait_timeout=WAIT_TIMEOUT, wait_method=method,
                                                wait_interval=interval), check_mode=True)
            outcome["seen"] = time.perf_counter()
            outcome["ok"] = result["matched"] == 1 and result["messages"][0]["message_id"] == message_id
        except MailcowError as exc:
            outcome["error"] = str(exc)

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    time.sleep(delay)
    started = time.perf_counter()
    send_mail(sender_params(base, sender, receiver, message_id), check_mode=False)
    waiter.join(WAIT_TIMEOUT + 10)
    if not outcome.get("ok"):
        raise RuntimeError("the %s wait did not return %s: %s" % (label, message_id, outcome.get("error", "wrong or no message")))
    return (float(outcome["seen"]) - started) * 1000.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def summary(latencies: list[float], failed: int) -> dict[str, t.Any]:
    return {"latencies_ms": [round(v, 1) for v in latencies], "failed": failed,
            "median_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None}


def run(facts: dict[str, t.Any], n: int) -> dict[str, t.Any]:
    base = connection(facts)
    sender, receiver = setup(facts, base)
    delays = random.Random(SEED)
    results: dict[str, t.Any] = {"n": n, "methods": {}}
    for label in METHODS:
        latencies, failed = [], 0
        for _index in range(n):
            try:
                latencies.append(one(base, sender, receiver, label, delays.uniform(0.6, 1.6)))
            except (RuntimeError, MailcowError) as exc:
                failed += 1
                print("mail_wait %s: %s" % (label, exc), file=sys.stderr, flush=True)
        results["methods"][label] = summary(latencies, failed)
        print("mail_wait %-8s n=%d median %s ms, p95 %s ms, failed %d" % (
            label, n, results["methods"][label]["median_ms"], results["methods"][label]["p95_ms"], failed), flush=True)
    return results


def main(args: list[str]) -> int:
    if len(args) not in (2, 3):
        print("usage: mail_wait_probe.py SANDBOX_JSON OUT_JSON [N]", file=sys.stderr)
        return 2
    facts = json.loads(Path(args[0]).read_text())
    results = run(facts, int(args[2]) if len(args) == 3 else 20)
    Path(args[1]).write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(m["failed"] == 0 for m in results["methods"].values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
