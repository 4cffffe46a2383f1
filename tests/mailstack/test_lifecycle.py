# SPDX-License-Identifier: GPL-3.0-or-later
"""sandbox.py start / status / stop as the README promises, on a sandbox of its own."""
from __future__ import annotations

import json
import re
import shlex
import socket

from mailtest import Sandbox

KEY = re.compile(r"^[0-9A-F]{6}(-[0-9A-F]{6}){4}$")
ENV_NAMES = ("MAILCOW_API_URL", "MAILCOW_SANDBOX_HTTP_URL", "MAILCOW_API_KEY",
             "MAILCOW_API_KEY_RO", "MAILCOW_CA_PATH", "MAILCOW_SANDBOX_CONTROL",
             "MAILCOW_SMTP_HOST", "MAILCOW_IMAP_HOST", "MAILCOW_SMTP_PORT", "MAILCOW_SMTPS_PORT",
             "MAILCOW_SMTP_MX_PORT", "MAILCOW_IMAP_PORT", "MAILCOW_IMAP_STARTTLS_PORT")


def _env_sh(sandbox: Sandbox) -> dict[str, str]:
    values = {}
    for line in (sandbox.dir / "env.sh").read_text().splitlines():
        if line.startswith("export "):
            name, _sep, value = line[len("export "):].partition("=")
            values[name] = shlex.split(value)[0]
    return values


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_facts_and_env(sandbox: Sandbox) -> None:
    facts = sandbox.facts
    assert KEY.match(facts["rw_key"]) and KEY.match(facts["ro_key"])
    assert facts["rw_key"] != facts["ro_key"]
    assert facts["ca_path"] == str(sandbox.dir / "tls" / "ca.pem")
    assert facts["control_url"] == facts["api_url"] + "/_sandbox"
    env = _env_sh(sandbox)
    assert set(ENV_NAMES) <= set(env)
    assert env["MAILCOW_API_KEY"] == facts["rw_key"]
    assert env["MAILCOW_SMTP_PORT"] == str(facts["smtp_port"])
    base = int(sandbox.env["MAILCOW_SANDBOX_PORT_BASE"])
    assert (facts["smtp_port"], facts["imap_port"], facts["smtp_mx_port"]) == (
        base + 587, base + 993, base + 25)


def test_start_again_keeps_the_running_sandbox(sandbox: Sandbox) -> None:
    before = json.loads((sandbox.dir / "sandbox.json").read_text())
    pids = (sandbox.dir / "run" / "emulator.pid").read_text()
    out = sandbox.cli("start").stdout
    assert before["rw_key"] in out and str(before["smtp_port"]) in out
    assert (sandbox.dir / "run" / "emulator.pid").read_text() == pids
    assert sandbox.cli("status").returncode == 0


def test_stop_leaves_no_process_and_keeps_the_keys(sandbox: Sandbox) -> None:
    facts = sandbox.facts
    sandbox.cli("stop")
    assert sandbox.leftovers() == []
    for key in ("smtp_port", "smtps_port", "smtp_mx_port", "imap_port", "imap_starttls_port",
                "lmtp_port", "auth_port"):
        assert not _listening(facts[key]), key
    assert sandbox.cli("status", check=False).returncode == 3
    # Keys survive a restart, so an exported env.sh stays valid.
    sandbox.cli("start", "--no-mail")
    assert sandbox.facts["rw_key"] == facts["rw_key"]
    assert sandbox.facts["mail"] is False and not _listening(facts["smtp_port"])
    # Asking for mail on an API-only sandbox brings the mail stack up.
    sandbox.cli("start")
    assert sandbox.facts["mail"] is True and _listening(facts["smtp_port"])
    sandbox.cli("stop")
    assert sandbox.leftovers() == []
