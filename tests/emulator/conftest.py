# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures: the emulator as a real subprocess on free loopback ports, and a small client."""
from __future__ import annotations

import contextlib
import http.client
import importlib
import io
import json
import os
import random
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

SANDBOX = Path(__file__).resolve().parents[1] / "sandbox"
sys.path.insert(0, str(SANDBOX))

import tlsgen  # noqa: E402

RW_KEY = "A1B2C3-D4E5F6-0A1B2C-3D4E5F-6A7B8C"
RO_KEY = "F6E5D4-C3B2A1-0F1E2D-3C4B5A-697887"
BAD_KEY = "DEAD00-BEEF00-DEAD00-BEEF00-DEAD00"


# Ports handed out by bind(("127.0.0.1", 0)) come from the kernel's ephemeral range, the same range
# every outgoing connection of the test run takes its local port from: between choosing such a port
# and the emulator binding it, a client socket may take it (seen in CI as EADDRINUSE). Listening
# ports are therefore chosen below the ephemeral range, and a start that still loses a port retries.
_LISTEN_PORTS = range(20000, 32000)
_taken: set[int] = set()


def _ephemeral_floor() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A loopback port nothing listens on, outside the ephemeral range, not handed out before in this run."""
    ceiling = min(_LISTEN_PORTS.stop, _ephemeral_floor())
    for _attempt in range(200 if ceiling > _LISTEN_PORTS.start else 0):
        port = random.randrange(_LISTEN_PORTS.start, ceiling)
        if port in _taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port
    with socket.socket() as sock:  # a machine whose low ports are all busy: the kernel's choice
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: http.client.HTTPMessage

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Emulator:
    """A running emulator and what a test needs to talk to it."""

    process: subprocess.Popen[str]
    dir: Path
    https_port: int
    http_port: int
    table_ports: dict[str, int]
    ca: str
    config: dict[str, Any]
    _context: ssl.SSLContext | None = field(default=None, repr=False)

    @property
    def ssl_context(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = ssl.create_default_context(cafile=self.ca)
        return self._context

    def connection(self, https: bool = True, timeout: float = 10) -> http.client.HTTPConnection:
        if https:
            return http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=timeout, context=self.ssl_context)
        return http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                key: str | None = RW_KEY, https: bool = True,
                conn: http.client.HTTPConnection | None = None) -> Reply:
        """One request; dict/list bodies are sent as JSON with the JSON content type."""
        headers = dict(headers or {})
        if key is not None:
            headers.setdefault("X-API-Key", key)
        payload: bytes | None = None
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            payload = body.encode()
        elif isinstance(body, bytes):
            payload = body
        own = conn is None
        conn = conn or self.connection(https)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, response.getheader("Content-Type") or "", data, response.msg)
        finally:
            if own:
                conn.close()

    def control(self, method: str, route: str, body: Any = None) -> Any:
        reply = self.request(method, "/_sandbox/" + route, body, key=None)
        assert reply.status == 200, reply.text
        return reply.json()

    def table(self, kind: str, *lines: str) -> list[str]:
        """Send tcp_table requests on one connection, return the reply lines."""
        with socket.create_connection(("127.0.0.1", self.table_ports[kind]), timeout=5) as sock:
            sock.sendall("".join(line + "\n" for line in lines).encode())
            reader = sock.makefile("r", encoding="utf-8")
            return [reader.readline().rstrip("\n") for _line in lines]

    @property
    def users_file(self) -> Path:
        return self.dir / "mail" / "users"

    @property
    def log_file(self) -> Path:
        return self.dir / "emulator.log"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return tlsgen.ensure_tls(tmp_path_factory.mktemp("tls"))


def start_emulator(base: Path, tls: dict[str, str], **overrides: Any) -> Emulator:
    """Start the emulator on free ports; a port taken by someone else meanwhile means new ports."""
    for attempt in range(5):
        try:
            return _start_emulator(base, tls, **overrides)
        except PortInUse:
            if attempt == 4 or any(key in overrides for key in ("https_port", "http_port", "table_ports")):
                raise
    raise AssertionError("unreachable")


class PortInUse(RuntimeError):
    """The emulator could not listen on one of its ports."""


def _start_emulator(base: Path, tls: dict[str, str], **overrides: Any) -> Emulator:
    base.mkdir(parents=True, exist_ok=True)
    tables = {"domains": free_port(), "mailboxes": free_port(), "aliases": free_port()}
    config: dict[str, Any] = {
        "host": "127.0.0.1", "https_port": free_port(), "http_port": free_port(),
        "cert": tls["cert"], "key": tls["key"], "rw_key": RW_KEY, "ro_key": RO_KEY,
        "allow_from": {"rw": ["127.0.0.1", "::1"], "ro": ["127.0.0.0/8"]},
        "mail_dir": str(base / "mail"), "vmail_dir": str(base / "mail" / "vmail"),
        "mail_uid": os.getuid(), "mail_gid": os.getgid(), "table_ports": tables,
        "latency": "zero", "workers": 2, "log_file": str(base / "emulator.log"),
    }
    config.update(overrides)
    path = base / "emulator.json"
    path.write_text(json.dumps(config))
    process = subprocess.Popen(
        [sys.executable, str(SANDBOX / "emulator.py"), "serve", "--config", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    _wait_ready(process)
    return Emulator(process, base, config["https_port"], config["http_port"], config["table_ports"],
                    tls["ca"], config)


def _wait_ready(process: subprocess.Popen[str], timeout: float = 15) -> None:
    assert process.stdout is not None
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not line or line[0].strip() != "ready":
        process.kill()
        err = process.communicate(timeout=5)[1]
        kind = PortInUse if "Address already in use" in err else RuntimeError
        raise kind(f"emulator did not start: {line!r} {err}")


@pytest.fixture
def make_emulator(tmp_path: Path, tls_dir: dict[str, str]) -> Iterator[Any]:
    """Factory: start an emulator with config overrides; all are stopped after the test."""
    started: list[Emulator] = []

    def make(**overrides: Any) -> Emulator:
        emulator = start_emulator(tmp_path / f"emu{len(started)}", tls_dir, **overrides)
        started.append(emulator)
        return emulator

    yield make
    for emulator in started:
        emulator.stop()


@pytest.fixture(scope="module")
def shared_emulator(tmp_path_factory: pytest.TempPathFactory, tls_dir: dict[str, str]) -> Iterator[Emulator]:
    emulator = start_emulator(tmp_path_factory.mktemp("shared"), tls_dir)
    yield emulator
    emulator.stop()


@pytest.fixture
def emulator(shared_emulator: Emulator) -> Emulator:
    """The module's emulator, back to its starting state (no objects, defaults everywhere)."""
    control = shared_emulator.control
    control("POST", "reset")
    control("POST", "faults/clear")
    control("POST", "latency", {"model": "zero"})
    control("POST", "workers", {"workers": 2})
    control("POST", "f2b/clear")
    control("POST", "f2b", {"max": 10, "window": 600, "ban": 1800})
    control("POST", "allow_from", dict(shared_emulator.config["allow_from"]))
    control("POST", "stats/reset")
    return shared_emulator


def wait_for(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def client_of(emulator: Emulator) -> Any:
    """The collection's own API client, connected to the emulator with the read-write key.

    Imported here, not at the top: this file is loaded before the collection loader is set up."""
    from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient  # pylint: disable=import-outside-toplevel

    return MailcowClient("https://127.0.0.1:%d" % emulator.https_port, RW_KEY, ca_path=emulator.ca)


def run_at_once(emulator: Emulator, task: Any, fault: dict[str, Any], runs: int = 2) -> list[Any]:
    """``runs`` runs of ``task(client)`` (the collection's code, each with its own client) released together, with
    ``fault`` injected meanwhile so that their writes overlap; every run must return a result (not raise)."""
    emulator.control("POST", "faults", fault)
    results: list[Any] = [None] * runs
    barrier = threading.Barrier(runs)

    def run(index: int) -> None:
        client = client_of(emulator)
        barrier.wait()
        try:
            results[index] = task(client)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            results[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    emulator.control("POST", "faults/clear")
    assert all(isinstance(result, dict) for result in results), results
    return results


def run_module(emulator: Emulator, name: str, args: dict[str, Any], *, check_mode: bool = False) -> tuple[int, dict[str, Any]]:
    """Module ``name``'s main() in-process, as Ansible runs it (arguments in, JSON out), connected to the emulator
    with the read-write key over HTTPS: ``(exit status, result)``. ``args`` set to None are left out."""
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel

    args = dict({"api_url": "https://127.0.0.1:%d" % emulator.https_port, "api_key": RW_KEY, "ca_path": emulator.ca}, **args)
    args = {key: value for key, value in args.items() if value is not None}
    if check_mode:
        args["_ansible_check_mode"] = True
    code = importlib.import_module("ansible_collections.glassdome.mailcow.plugins.modules." + name)
    out = io.StringIO()
    status = 0
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            code.main()
        except SystemExit as exc:
            status = int(exc.code or 0)
    return status, json.loads(out.getvalue())
