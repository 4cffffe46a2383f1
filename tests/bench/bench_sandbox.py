# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's own sandbox: started in its own directory on its own ports, API only (with mail for mail_wait).

It never touches the default sandbox (.sandbox) that demos and integration tests use, because
the benchmark resets the emulator (drops every domain) between scenarios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
# BENCH_SANDBOX_SCRIPT: another sandbox script with the same contract (to test the harness itself).
SANDBOX_SCRIPT = Path(os.environ.get("BENCH_SANDBOX_SCRIPT") or REPO / "tests" / "sandbox" / "sandbox.py")

# Defaults away from the default sandbox's ports (18443, 18080, 10000+).
DEFAULT_PORTS = {"MAILCOW_SANDBOX_API_PORT": "18543", "MAILCOW_SANDBOX_API_HTTP_PORT": "18180", "MAILCOW_SANDBOX_PORT_BASE": "12000"}
BENCH_PORT_VARS = {
    "MAILCOW_SANDBOX_API_PORT": "BENCH_API_PORT",
    "MAILCOW_SANDBOX_API_HTTP_PORT": "BENCH_API_HTTP_PORT",
    "MAILCOW_SANDBOX_PORT_BASE": "BENCH_PORT_BASE",
}

# Big enough for N = 1000 mailboxes of up to 2 GiB each; the role's domain task gets the same values.
DOMAIN_API_BODY: dict[str, t.Any] = {
    "description": "glassdome.mailcow benchmark",
    "mailboxes": 2000,
    "aliases": 400,
    "defquota": 1024,
    "maxquota": 10240,
    "quota": 4194304,
    "active": 1,
}
DOMAIN_ROLE_SETTINGS: dict[str, t.Any] = {
    "description": DOMAIN_API_BODY["description"],
    "max_mailboxes": DOMAIN_API_BODY["mailboxes"],
    "max_aliases": DOMAIN_API_BODY["aliases"],
    "default_quota": DOMAIN_API_BODY["defquota"],
    "max_quota": DOMAIN_API_BODY["maxquota"],
    "total_quota": DOMAIN_API_BODY["quota"],
    "active": True,
}


class SandboxError(RuntimeError):
    """The benchmark's sandbox did not start or did not answer as expected."""


def sandbox_dir() -> Path:
    return Path(os.environ.get("BENCH_SANDBOX_DIR") or REPO / ".build" / "bench-sandbox")


def sandbox_env(directory: Path) -> dict[str, str]:
    """Environment for tests/sandbox/sandbox.py: our directory, our ports."""
    env = dict(os.environ, MAILCOW_SANDBOX_DIR=str(directory))
    for var, default in DEFAULT_PORTS.items():
        env[var] = os.environ.get(BENCH_PORT_VARS[var]) or default
    return env


class Sandbox:
    """Start/stop the sandbox and drive its control API (/_sandbox/...)."""

    def __init__(self, directory: Path, log: Path) -> None:
        self.directory = directory
        self.log = log
        self.facts: dict[str, t.Any] = {}
        self._session = requests.Session()
        self._session.trust_env = False

    # -- life cycle -------------------------------------------------------------------------

    def start(self, *, latency: str = "realistic", workers: int = 2, mail: bool = False) -> None:
        """Start the sandbox: the API alone, or with Postfix and Dovecot (``mail``, for the mail_wait phase)."""
        if not SANDBOX_SCRIPT.exists():
            raise SandboxError("%s is missing: the benchmark needs the sandbox" % SANDBOX_SCRIPT)
        self.directory.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, str(SANDBOX_SCRIPT), "start"] + ([] if mail else ["--no-mail"]) + ["--latency", latency, "--workers", str(workers)]
        self._script(argv, "start")
        self.facts = json.loads((self.directory / "sandbox.json").read_text())
        self._session.verify = self.facts.get("ca_path") or True
        self.set_latency(latency)
        self.set_workers(workers)

    def stop(self) -> None:
        if SANDBOX_SCRIPT.exists():
            self._script([sys.executable, str(SANDBOX_SCRIPT), "stop"], "stop", check=False)
        self._session.close()

    def _script(self, argv: list[str], what: str, *, check: bool = True) -> None:
        with self.log.open("a") as out:
            out.write("\n$ %s\n" % " ".join(argv[1:]))
            out.flush()
            proc = subprocess.run(argv, env=sandbox_env(self.directory), cwd=str(REPO), stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=300, check=False)
        if check and proc.returncode != 0:
            raise SandboxError("sandbox %s failed (rc=%d), see %s" % (what, proc.returncode, self.log))

    # -- what the phases need ---------------------------------------------------------------

    def client_env(self) -> dict[str, str]:
        """What a user of the sandbox has after sourcing its env.sh (the API part)."""
        return {
            "MAILCOW_API_URL": self.facts["api_url"],
            "MAILCOW_API_KEY": self.facts["rw_key"],
            "MAILCOW_CA_PATH": self.facts.get("ca_path") or "",
        }

    def _control_url(self, path: str) -> str:
        return self.facts["control_url"].rstrip("/") + "/" + path

    def _answer(self, path: str, response: t.Any) -> t.Any:
        if response.status_code != 200:
            raise SandboxError("control API %s answered %d: %s" % (path, response.status_code, response.text[:200]))
        return response.json() if response.text.strip() else None

    def control_get(self, path: str) -> t.Any:
        return self._answer(path, self._session.get(self._control_url(path), timeout=60))

    def control_post(self, path: str, body: dict[str, t.Any] | None = None) -> t.Any:
        return self._answer(path, self._session.post(self._control_url(path), json=body or {}, timeout=60))

    def stats(self) -> dict[str, t.Any]:
        return dict(self.control_get("stats") or {})

    def reset_stats(self) -> None:
        self.control_post("stats/reset")

    def set_latency(self, model: str) -> None:
        self.control_post("latency", {"model": model})

    def set_workers(self, workers: int) -> None:
        self.control_post("workers", {"workers": workers})

    def fresh_domain(self, domain: str, **limits: t.Any) -> None:
        """Drop everything, then create the benchmark's domain directly over the API (``limits``: other add/domain values)."""
        self.control_post("reset")
        answer = self._api_post("add/domain", dict(DOMAIN_API_BODY, domain=domain, **limits))
        if not isinstance(answer, list) or any(entry.get("type") in ("danger", "error") for entry in answer):
            raise SandboxError("could not create domain %s: %s" % (domain, str(answer)[:300]))

    def _api_post(self, path: str, body: dict[str, t.Any]) -> t.Any:
        url = self.facts["api_url"].rstrip("/") + "/api/v1/" + path
        response = self._session.post(url, json=body, headers={"X-API-Key": self.facts["rw_key"]}, timeout=60)
        try:
            return response.json()
        except ValueError:
            raise SandboxError("POST %s answered %d with no JSON: %s" % (path, response.status_code, response.text[:200])) from None

    def api_get(self, path: str) -> t.Any:
        """GET /api/v1/<path> with the rw key: reading the server's state back, as a check."""
        url = self.facts["api_url"].rstrip("/") + "/api/v1/" + path
        response = self._session.get(url, headers={"X-API-Key": self.facts["rw_key"]}, timeout=300)
        if response.status_code != 200:
            raise SandboxError("GET %s answered %d: %s" % (path, response.status_code, response.text[:200]))
        return response.json() if response.text.strip() else None

    def wait_quiet(self, seconds: float = 0.2) -> None:
        """Let the emulator's workers drain between phases."""
        time.sleep(seconds)
