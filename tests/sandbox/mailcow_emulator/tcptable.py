# SPDX-License-Identifier: GPL-3.0-or-later
"""Postfix tcp_table(5) lookup servers for virtual_mailbox_domains/_maps and virtual_alias_maps.

Protocol: the client sends `get SP key NL` (key %XX-encoded), the server answers `200 SP value NL`
(value encoded likewise), `500 SP text NL` (not found) or `400 SP text NL` (error); a connection
carries any number of requests. The answers mirror Mailcow's MySQL maps (postfix.sh):
- domains:   an active domain that is not a backup MX (those are relay domains, not local);
- mailboxes: a mailbox with active 1 or 2 in an active domain -> "<domain>/<local>/";
- aliases:   goto of any alias row with active 1 or 2. Every mailbox has a self-alias row
             (address = goto), so a mailbox address resolves to itself, as on Mailcow; real
             aliases (active 0/1) resolve to their comma-separated goto list. `@domain`
             catch-all keys are looked up the same way.
"""
from __future__ import annotations

import socketserver
import threading
from typing import Callable
from urllib.parse import unquote

from .model import Store

MAX_REPLY = 4096


def encode(value: str) -> str:
    """%XX for '%', whitespace and non-printable characters, as tcp_table(5) requires."""
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        out.append(f"%{byte:02X}" if byte <= 0x20 or byte >= 0x7F or char == "%" else char)
    return "".join(out)


def lookup_domain(store: Store, key: str) -> str | None:
    with store.lock:
        domain = store.domain(key)
        return domain.name if domain and domain.active == 1 and domain.backupmx == 0 else None


def lookup_mailbox(store: Store, key: str) -> str | None:
    with store.lock:
        mailbox = store.mailbox(key)
        if mailbox is None or mailbox.active not in (1, 2):
            return None
        domain = store.domain(mailbox.domain)
        if domain is None or domain.active != 1:
            return None
        return f"{mailbox.domain}/{mailbox.local_part}/"


def lookup_alias(store: Store, key: str) -> str | None:
    with store.lock:
        for alias in store.aliases_with_address(key):
            if alias.active in (1, 2) and alias.goto:
                return alias.goto
    return None


LOOKUPS: dict[str, Callable[[Store, str], str | None]] = {
    "domains": lookup_domain, "mailboxes": lookup_mailbox, "aliases": lookup_alias,
}


def answer(lookup: Callable[[Store, str], str | None], store: Store, line: str) -> str:
    command, _sep, key = line.strip("\r\n").partition(" ")
    if command != "get" or not key:
        return "400 unsupported request"
    value = lookup(store, unquote(key).strip())
    if value is None:
        return "500 not found"
    reply = "200 " + encode(value)
    return reply if len(reply) < MAX_REPLY else "400 reply too long"


class _Handler(socketserver.StreamRequestHandler):
    timeout = 100  # "Send and receive operations must complete in 100 seconds."

    def handle(self) -> None:
        server: TableServer = self.server  # type: ignore[assignment]
        while True:
            try:
                line = self.rfile.readline(MAX_REPLY)
            except OSError:
                return
            if not line:
                return
            reply = answer(server.lookup, server.store, line.decode("utf-8", errors="replace"))
            self.wfile.write((reply + "\n").encode("ascii"))


class TableServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, store: Store, kind: str) -> None:
        self.store, self.lookup, self.kind = store, LOOKUPS[kind], kind
        super().__init__((host, port), _Handler)

    def start(self, name: str | None = None) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, args=(0.1,), name=name or f"tcp-table-{self.kind}", daemon=True)
        thread.start()
        return thread
