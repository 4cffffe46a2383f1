# SPDX-License-Identifier: GPL-3.0-or-later
"""The fault matrix's slow faults (test_fault_matrix.py has the rest): answers that come late, or a byte at a time.

Each case waits out a 1 s timeout or a delayed answer, so these are the matrix's slowest; in a file of their own they
run beside the others in the unit step's second worker.
"""
from __future__ import annotations

import time

import pytest

from conftest import Emulator, wait_for
from test_fault_matrix import MODULES, READERS, WRITERS, converge, expect_failure, outcomes, prepared_server, requests_seen, run_module, streams


@pytest.fixture
def server(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Emulator:
    return prepared_server(emulator, monkeypatch, request)


@pytest.mark.parametrize("name", WRITERS)
def test_slow_answer_beyond_timeout(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "slow", "delay": 1.3, "path": "/api/v1/add/"})
    shows = r"no key yet; Mailcow may still be generating it" if module.undecided else r"it not done yet; the server may still be carrying it out"
    expect_failure(server, module, r"no answer from Mailcow API at \S+ within 1 seconds after sending POST /add/%s; its outcome is unknown "
                   r"\(re-reading shows %s\): the write may have been applied" % (module.add_path, shows), timeout=1)
    time.sleep(0.5)  # the server finishes the late write: it was applied (and only then counts it)
    assert requests_seen(server) == module.reads + module.writes + 1
    converge(server, module, changed=False)


@pytest.mark.parametrize("name", READERS)
def test_info_reset_and_slow_reads_are_retried(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", [{"kind": "drop", "path": "/api/v1/get/"}])
    assert run_module(server, module)[0] == 0
    server.control("POST", "faults", [{"kind": "slow", "delay": 1.3, "path": "/api/v1/get/"}])
    assert run_module(server, module, timeout=1)[0] == 0
    assert requests_seen(server) == 2 * (module.reads + 1)


@pytest.mark.parametrize("name", READERS)
def test_info_trickled_answer_fails_at_the_timeout(server: Emulator, name: str) -> None:
    module = MODULES[name]
    # One byte every 2 s: even a 2-byte answer ({}) cannot come within the 1 s timeout.
    server.control("POST", "faults", {"kind": "trickle", "delay": 2, "count": 0, "path": "/api/v1/get/"})
    expect_failure(server, module, r"^the answer of Mailcow API at https://127\.0\.0\.1:\d+/api/v1 to GET /get/\S+ was not complete within 1 seconds "
                   r"\(\d+ bytes came in that time\)\. Check api_url \(MAILCOW_API_URL\), or raise timeout for a slow server$", timeout=1, retries=0)
    assert requests_seen(server) == 1
    assert wait_for(lambda: streams(server) == {"client gone": 1}, 10), streams(server)  # it left while the server was still sending


@pytest.mark.parametrize("name", ["mailbox", "domain", "syncjob", "app_password_bulk"])
def test_trickled_write_answer_is_decided_by_a_re_read(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "trickle", "delay": 2, "path": "/api/v1/add/"})
    status, result = run_module(server, module, timeout=1)
    assert (status, result["changed"]) == (0, True), result
    assert outcomes(module, result) == {module.objects[0]: "confirmed"}
    assert requests_seen(server) == module.reads + module.writes + 1 + module.after
    assert wait_for(lambda: streams(server) == {"client gone": 1}, 10), streams(server)
    converge(server, module, changed=False)
