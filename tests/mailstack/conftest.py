# SPDX-License-Identifier: GPL-3.0-or-later
"""A private sandbox for the mail-stack tests, driven like a user drives it.

Each test module gets its own sandbox (`tests/sandbox/sandbox.py start`) in a fresh directory on
ports no other sandbox uses, so the suite can run beside a developer's `make demo`. Mailboxes
are made through the emulator's API, so the API -> users file -> Dovecot/Postfix path is what
the tests exercise.
"""
from __future__ import annotations

import os
import shutil
import ssl
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from mailtest import Api, Sandbox, free_port_base, mailstack


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    if os.geteuid() != 0:
        pytest.skip("the mail stack runs Debian's Postfix and Dovecot as root")
    if not mailstack.binaries_present() and shutil.which("apt-get") is None:
        pytest.skip("Postfix/Dovecot missing and no apt-get to install them")
    # A short path: Dovecot's unix sockets live under it.
    root = Path(tempfile.mkdtemp(prefix="mcsbx-", dir="/tmp"))
    try:
        box = _started(root)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield box
    finally:
        box.cli("stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def _started(root: Path) -> Sandbox:
    """A started sandbox; a port taken by another process between the check and the start means the next base."""
    tried: list[int] = []
    while True:
        tried.append(free_port_base(skip=tuple(tried)))
        box = Sandbox(root, tried[-1])
        started = box.cli("start", check=False)
        if started.returncode == 0:
            return box
        box.cli("stop", check=False)
        if "in use" not in started.stdout + started.stderr or len(tried) == 3:
            raise AssertionError(f"sandbox.py start exited {started.returncode}:\n{started.stdout}\n{started.stderr}")


@pytest.fixture(scope="module")
def facts(sandbox: Sandbox) -> dict[str, Any]:
    return sandbox.facts


@pytest.fixture(scope="module")
def api(facts: dict[str, Any]) -> Api:
    return Api(facts)


@pytest.fixture(scope="module")
def tls(facts: dict[str, Any]) -> ssl.SSLContext:
    """Verifies the server against the sandbox CA, host name included."""
    return ssl.create_default_context(cafile=facts["ca_path"])


@pytest.fixture(scope="module")
def domain(api: Api) -> str:
    name = f"t{uuid.uuid4().hex[:8]}.example.org"
    api.add_domain(name)
    return name


@pytest.fixture
def new_address(domain: str) -> Callable[..., str]:
    def make(prefix: str = "u") -> str:
        return f"{prefix}{uuid.uuid4().hex[:8]}@{domain}"
    return make
