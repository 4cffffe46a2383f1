# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the mail-stack tests: a sandbox driven through its CLI, the API calls that make
mailboxes, and SMTP/IMAP clients (standard library only)."""
from __future__ import annotations

import imaplib
import json
import os
import smtplib
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SANDBOX = REPO / "tests" / "sandbox" / "sandbox.py"
sys.path.insert(0, str(SANDBOX.parent))

import mailstack  # noqa: E402

PASSWORD = "Sandbox-Pass-1"


def _ports_free(base: int) -> bool:
    ports = list(mailstack.MailPorts.from_base(base).__dict__.values()) + [base + 8443, base + 8080]
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind((mailstack.HOST, port))
            except OSError:
                return False
    return True


# Below the kernel's ephemeral range (32768 and up), from which every outgoing connection of the test
# run takes its local port: a port chosen there could be taken by a client socket before the
# sandbox binds it. The default sandbox uses base 10000 and `make bench` 12000; base + 8443 is the
# highest port a base uses.
PORT_BASES = range(13000, 24001, 1000)


def free_port_base(skip: tuple[int, ...] = ()) -> int:
    """A port base (step 1000) whose every port is free, not one of ``skip``."""
    for base in PORT_BASES:
        if base not in skip and _ports_free(base):
            return base
    raise RuntimeError("no free port range for a test sandbox")


class Sandbox:
    """One sandbox directory and the CLI that runs it."""

    def __init__(self, root: Path, base: int) -> None:
        self.dir = root
        self.env = dict(os.environ, MAILCOW_SANDBOX_DIR=str(root),
                        MAILCOW_SANDBOX_PORT_BASE=str(base),
                        MAILCOW_SANDBOX_API_PORT=str(base + 8443),
                        MAILCOW_SANDBOX_API_HTTP_PORT=str(base + 8080))

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, str(SANDBOX), *args], env=self.env, text=True,
                              capture_output=True, stdin=subprocess.DEVNULL, timeout=120, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"sandbox.py {' '.join(args)} exited {proc.returncode}:\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    @property
    def facts(self) -> dict[str, Any]:
        return json.loads((self.dir / "sandbox.json").read_text())

    def leftovers(self) -> list[str]:
        """Processes of this sandbox still alive: `pgrep -f DIR` plus the exact marks."""
        found = subprocess.run(["pgrep", "-a", "-f", str(self.dir)], capture_output=True,
                               text=True, check=False).stdout.splitlines()
        uid, gid = mailstack.mail_user()
        stack = mailstack.MailStack(self.dir, mailstack.MailPorts.from_base(0), Path(), Path(),
                                    uid, gid)
        found += [f"{pid} (mail stack)" for pid in mailstack.process_marks(stack).find()]
        return found


# ---------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------

class Api:
    """The few Mailcow API calls the tests need (urllib, read-write key)."""

    def __init__(self, facts: dict[str, Any]) -> None:
        self.url = facts["api_url"] + "/api/v1/"
        self.key = facts["rw_key"]
        self.context = ssl.create_default_context(cafile=facts["ca_path"])

    def call(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data,
                                         method="GET" if body is None else "POST",
                                         headers={"X-API-Key": self.key,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10, context=self.context) as reply:
            return json.loads(reply.read() or b"null")

    def write(self, path: str, body: Any) -> None:
        replies = self.call(path, body)
        replies = replies if isinstance(replies, list) else [replies]
        failed = [r for r in replies if r.get("type") not in ("success", "warning")]
        assert not failed, f"{path}: {failed}"

    def add_domain(self, domain: str) -> None:
        # The default template allows 10 mailboxes; a test module makes more.
        self.write("add/domain", {"domain": domain, "mailboxes": 500})

    def add_mailbox(self, address: str, password: str = PASSWORD, active: int = 1) -> str:
        local, domain = address.split("@")
        self.write("add/mailbox", {"local_part": local, "domain": domain, "password": password,
                                   "password2": password, "active": active})
        return address

    def edit_mailbox(self, address: str, **attr: Any) -> None:
        self.write("edit/mailbox", {"items": [address], "attr": attr})

    def delete_mailbox(self, address: str) -> None:
        self.write("delete/mailbox", [address])


def imaps_login(facts: dict[str, Any], tls: ssl.SSLContext, user: str,
                password: str = PASSWORD) -> imaplib.IMAP4_SSL:
    client = imaplib.IMAP4_SSL(facts["imap_host"], facts["imap_port"], ssl_context=tls,
                               timeout=10)
    client.login(user, password)
    return client


def submit(facts: dict[str, Any], tls: ssl.SSLContext, user: str, sender: str,
           recipients: list[str], message: str, password: str = PASSWORD) -> None:
    """Send through the 587-style submission port, as a Mailcow user's client does."""
    with smtplib.SMTP(facts["smtp_host"], facts["smtp_port"], timeout=10) as smtp:
        smtp.starttls(context=tls)
        smtp.login(user, password)
        smtp.sendmail(sender, recipients, message)


def message(sender: str, recipient: str, subject: str, body: str = "hello\r\n") -> str:
    return (f"From: {sender}\r\nTo: {recipient}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@sandbox.test>\r\n\r\n{body}")


def wait_for_subject(facts: dict[str, Any], tls: ssl.SSLContext, user: str, subject: str,
                     timeout: float = 15.0) -> bytes:
    """Poll the INBOX until a message with ``subject`` is there; return its raw bytes."""
    deadline = time.monotonic() + timeout
    client = imaps_login(facts, tls, user)
    try:
        while True:
            client.select("INBOX")
            found = client.search(None, "SUBJECT", f'"{subject}"')[1]
            if found[0]:
                data = client.fetch(found[0].split()[-1], "(RFC822)")[1]
                return data[0][1]  # type: ignore[index,return-value]
            if time.monotonic() > deadline:
                raise AssertionError(f"no message {subject!r} in {user}'s INBOX after {timeout} s")
            time.sleep(0.1)
    finally:
        client.logout()


def maildir_messages(facts: dict[str, Any], address: str) -> list[Path]:
    local, domain = address.split("@")
    root = Path(facts["vmail_dir"]) / domain / local
    return sorted(p for sub in ("new", "cur") for p in (root / sub).glob("*"))
