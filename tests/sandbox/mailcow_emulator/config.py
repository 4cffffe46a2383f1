# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's configuration file (JSON), as tests/sandbox/sandbox.py writes it."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class Config:
    host: str = "127.0.0.1"
    https_port: int = 18443
    http_port: int = 0  # 0 / absent: no plain-HTTP listener
    cert: str | None = None
    key: str | None = None
    rw_key: str = ""
    ro_key: str = ""
    allow_from: dict[str, list[str]] = field(
        default_factory=lambda: {"rw": ["127.0.0.1", "::1"], "ro": ["127.0.0.1", "::1"]})
    mail_dir: str | None = None
    vmail_dir: str | None = None
    postfix_dir: str | None = None  # the mail stack's Postfix config dir: the mail queue is its queue while it runs
    mail_uid: int = 8
    mail_gid: int = 8
    table_ports: dict[str, int] = field(default_factory=dict)  # empty: no tcp_table servers
    latency: str = "zero"
    workers: int = 2
    log_file: str | None = None
    version: str = "2026-07a"
    hostname: str = "mail.sandbox.test"  # MAILCOW_HOSTNAME: add/domain refuses this name
    faults: list[dict[str, Any]] = field(default_factory=list)
    f2b_max: int = 10  # failed API logins ...
    f2b_window: float = 600  # ... within this many seconds ...
    postfix_port: int = 0  # loopback SMTP port released quarantine mail goes to (Mailcow's postfix:590); 0: not sent
    f2b_ban: float = 1800  # ... ban the client IP this long; f2b_max <= 0 disables

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Config":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            # Warn rather than refuse: a newer orchestrator must not stop an older emulator.
            print(f"emulator: ignoring unknown config keys: {', '.join(unknown)}", file=sys.stderr)
        config = cls(**{k: v for k, v in data.items() if k in known})
        config.validate()
        return config

    @classmethod
    def load(cls, path: str) -> "Config":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def validate(self) -> None:
        if not self.https_port and not self.http_port:
            raise ValueError("at least one of https_port and http_port is needed")
        if self.https_port and not (self.cert and self.key):
            raise ValueError("https_port needs cert and key")
        if not self.rw_key and not self.ro_key:
            raise ValueError("rw_key and/or ro_key is needed")
        for kind in self.table_ports:
            if kind not in ("domains", "mailboxes", "aliases"):
                raise ValueError(f"table_ports: unknown table {kind!r}")
