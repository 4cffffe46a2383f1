# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests: real ansible-playbook / ansible runs against the running sandbox.

The sandbox (tests/sandbox/sandbox.py start) must be running; its facts come from the environment
(`make integration` sources .sandbox/env.sh) or, failing that, from .sandbox/sandbox.json.
The collection under test is the installed artifact (ANSIBLE_COLLECTIONS_PATH).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TARGETS = Path(__file__).resolve().parent / "targets"


def sandbox_facts() -> dict[str, t.Any]:
    state = Path(os.environ.get("MAILCOW_SANDBOX_DIR", REPO / ".sandbox")) / "sandbox.json"
    if not state.exists():
        pytest.exit("the sandbox is not running: run `make sandbox-start` (or `make integration`)", returncode=2)
    return json.loads(state.read_text())


def sandbox_env(facts: dict[str, t.Any]) -> dict[str, str]:
    """The environment a user of the sandbox would have after `. .sandbox/env.sh`."""
    env_file = Path(facts.get("state_dir", REPO / ".sandbox")) / "env.sh"
    # Sourced by a shell, as a user does: some lines extend PATH and ANSIBLE_COLLECTIONS_PATH.
    sourced = subprocess.run(["bash", "-c", '. "$1" && env -0', "env.sh", str(env_file)], env=dict(os.environ),
                             capture_output=True, check=True, stdin=subprocess.DEVNULL)
    env = dict(item.split("=", 1) for item in sourced.stdout.decode().split("\0") if "=" in item)
    # The copy under test: the caller's ANSIBLE_COLLECTIONS_PATH wins over env.sh's (this checkout's .build/installed).
    env["ANSIBLE_COLLECTIONS_PATH"] = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or str(REPO / ".build" / "installed")
    # Modules run with the interpreter that has the project's requirements (requests).
    env.setdefault("ANSIBLE_PYTHON_INTERPRETER", sys.executable)
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["ANSIBLE_NOCOLOR"] = "1"
    env["ANSIBLE_STDOUT_CALLBACK"] = "default"
    env["ANSIBLE_LOCALHOST_WARNING"] = "0"
    env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "0"
    return env


class Runner:
    """Runs ansible-playbook / ansible with the sandbox environment and keeps the output."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env = env
        self.tmp = tmp

    def run(
        self, argv: list[str], *, extra_env: dict[str, str] | None = None, check: bool = False, timeout: int = 600, cwd: Path = REPO
    ) -> subprocess.CompletedProcess:
        env = dict(self.env, **(extra_env or {}))
        proc = subprocess.run(argv, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(
                "%s failed (rc=%s)\n--- stdout\n%s\n--- stderr\n%s" % (" ".join(argv), proc.returncode, proc.stdout[-20000:], proc.stderr[-5000:])
            )
        return proc

    def playbook(self, path: Path | str, *args: str, **kwargs: t.Any) -> subprocess.CompletedProcess:
        return self.run(["ansible-playbook", "-i", "localhost,", "-c", "local", str(path), *args], **kwargs)

    def adhoc(self, module: str, module_args: str, *args: str, **kwargs: t.Any) -> subprocess.CompletedProcess:
        return self.run(["ansible", "localhost", "-i", "localhost,", "-c", "local", "-m", module, "-a", module_args, *args], **kwargs)


@pytest.fixture(scope="session")
def facts() -> dict[str, t.Any]:
    return sandbox_facts()


@pytest.fixture(scope="session")
def runner(facts: dict[str, t.Any], tmp_path_factory: pytest.TempPathFactory) -> Runner:
    return Runner(sandbox_env(facts), tmp_path_factory.mktemp("ansible"))
