# SPDX-License-Identifier: GPL-3.0-or-later
"""The test emulator's ports: chosen below the ephemeral range, and a start that loses a port retries."""
from __future__ import annotations

import socket
from pathlib import Path

import conftest
import pytest


def test_free_ports_are_distinct_and_below_the_ephemeral_range() -> None:
    ports = [conftest.free_port() for _attempt in range(50)]
    assert len(set(ports)) == 50
    assert all(port < conftest._ephemeral_floor() for port in ports)


def test_a_port_taken_between_choice_and_bind_means_new_ports(tmp_path: Path, tls_dir: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        real = conftest.free_port
        handed: list[int] = []

        def first_busy() -> int:
            port = busy if not handed else real()
            handed.append(port)
            return port

        monkeypatch.setattr(conftest, "free_port", first_busy)
        emulator = conftest.start_emulator(tmp_path, tls_dir)
        try:
            assert handed[0] == busy
            assert busy not in (emulator.https_port, emulator.http_port, *emulator.table_ports.values())
            assert "requests" in emulator.control("GET", "stats")
        finally:
            emulator.stop()


def test_a_busy_port_given_explicitly_is_an_error(tmp_path: Path, tls_dir: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(conftest.PortInUse, match="Address already in use"):
            conftest.start_emulator(tmp_path, tls_dir, https_port=taken.getsockname()[1])
