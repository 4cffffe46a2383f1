# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeps the sandbox mail stack in step: Dovecot's passwd-file and the maildir garbage collector;
reads each maildir's message count and size, as Dovecot's quota reports them to a real Mailcow.

users file (tests/sandbox/README.md, "Emulator -> mail stack"), one line per mailbox that may
receive mail:  user:{SSHA512}hash:uid:gid::<vmail>/<domain>/<local>::[extra fields]
Dovecot splits the 8th field on spaces with no escaping, so a value cannot hold a space: a
login-disabled mailbox (active 2) gets `nologin=y` alone. Without a `reason=` Dovecot answers
the plain "Authentication failed." that a real Mailcow gives such a user.

Each active app password of the mailbox adds `app<id>=<services>|<hash>` (services: the Dovecot
service names it may log in to, comma-separated: imap, pop3, smtp, sieve), which the sandbox's
auth.lua accepts as a password for those services only, as Mailcow's Dovecot does.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from .model import Store


# Mailcow's access flags that Dovecot checks, by the service name Dovecot gives a login (Postfix's
# SASL logins come as "smtp"); DAV and EAS logins go to SOGo, not Dovecot.
_SERVICES = {"imap_access": "imap", "pop3_access": "pop3", "smtp_access": "smtp", "sieve_access": "sieve"}


def _app_passwords(store: Store) -> dict[str, list[str]]:
    """The extra fields of each mailbox's active app passwords, by lower-cased mailbox."""
    fields: dict[str, list[str]] = {}
    for row in sorted(store.app_passwds.values(), key=lambda row: row.id):
        services = [service for flag, service in _SERVICES.items() if row.access.get(flag)]
        if row.active == 1 and services and row.verifier:
            fields.setdefault(row.mailbox.lower(), []).append("app%d=%s|%s" % (row.id, ",".join(services), row.verifier))
    return fields


class MailSync:
    def __init__(self, mail_dir: str | None, vmail_dir: str | None, uid: int, gid: int) -> None:
        self.mail_dir = Path(mail_dir) if mail_dir else None
        self.vmail_dir = Path(vmail_dir) if vmail_dir else (self.mail_dir / "vmail" if self.mail_dir else None)
        self.uid, self.gid = uid, gid
        self._lock = threading.Lock()

    @property
    def users_file(self) -> Path | None:
        return self.mail_dir / "users" if self.mail_dir else None

    def lines(self, store: Store) -> list[str]:
        out = []
        vmail = str(self.vmail_dir) if self.vmail_dir else None  # plain strings: pathlib is slow here
        with store.lock:
            apps = _app_passwords(store)
            for mailbox in store.all_mailboxes():
                domain = store.domain(mailbox.domain)
                if domain is None or domain.active != 1 or mailbox.active not in (1, 2):
                    continue  # inactive mailbox or domain: the user does not exist for Dovecot
                home = f"{vmail}/{mailbox.domain}/{mailbox.local_part}" if vmail else ""
                extra = "nologin=y" if mailbox.active == 2 else " ".join(apps.get(mailbox.username.lower(), ()))
                out.append(f"{mailbox.username}:{mailbox.password}:{self.uid}:{self.gid}::{home}::{extra}")
        return out

    def write(self, store: Store) -> None:
        """Rewrite the users file atomically (temp file + rename): readers never see half a file."""
        target = self.users_file
        if target is None:
            return
        # Snapshot and write under one lock: two writers finishing out of order must not
        # leave the older snapshot on disk.
        with self._lock:
            text = "".join(line + "\n" for line in self.lines(store))
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".users.", dir=str(target.parent))
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.chmod(temp, 0o640)
                os.replace(temp, target)
            except BaseException:
                if os.path.exists(temp):
                    os.unlink(temp)
                raise

    def collect_maildir(self, domain: str, local_part: str) -> None:
        """Move a deleted mailbox's maildir aside so a re-created mailbox starts empty.

        Mailcow's dovecot "maildir cleanup" does the same; like there, a maildir that was never
        created (no mail, no login yet) is not an error.
        """
        if self.vmail_dir is None or self.mail_dir is None:
            return
        source = self.vmail_dir / domain / local_part
        if not source.exists():
            return
        garbage = self.mail_dir / "garbage"
        garbage.mkdir(parents=True, exist_ok=True)
        target = garbage / f"{int(time.time())}_{domain}_{local_part}"
        try:
            shutil.move(str(source), str(target))
        except OSError:
            pass  # best effort, as the real collector

    def usage(self, domain: str, local_part: str) -> tuple[int, int] | None:
        """(messages, bytes) stored in a mailbox's maildir, every folder counted; None without a mail stack.

        A real Mailcow shows Dovecot's quota figures (its quota2 table): every message of every
        folder, Sent and Trash included, at its physical size. Dovecot names each message file
        `<unique>,S=<size>,W=<size with CRLF>[:2,<flags>]`; S is that size. A maildir not created
        yet (no mail, no login) holds nothing.
        """
        if self.vmail_dir is None:
            return None
        root = os.path.join(str(self.vmail_dir), domain, local_part)
        messages = size = 0
        try:
            folders = [root] + [entry.path for entry in os.scandir(root) if entry.name.startswith(".") and entry.is_dir()]
        except OSError:
            return 0, 0
        for folder in folders:
            for sub in ("cur", "new"):
                try:
                    entries = list(os.scandir(os.path.join(folder, sub)))
                except OSError:
                    continue
                for entry in entries:
                    stored = _stored_size(entry)
                    if stored is not None:
                        messages += 1
                        size += stored
        return messages, size


def _stored_size(entry: os.DirEntry[str]) -> int | None:
    """A message file's size: its S= field, else its length on disk; None when it is gone or not a file."""
    for field in entry.name.split(":", 1)[0].split(",")[1:]:
        if field.startswith("S=") and field[2:].isdigit():
            return int(field[2:])
    try:
        return entry.stat().st_size if entry.is_file() else None
    except OSError:
        return None
