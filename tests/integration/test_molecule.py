# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles' molecule scenarios (mailboxes, server): converge, idempotence, verify, against the sandbox."""

from __future__ import annotations

import pytest

from conftest import REPO, Runner


@pytest.mark.parametrize("role", ["mailboxes", "server"])
def test_role_molecule_scenario(runner: Runner, role: str) -> None:
    proc = runner.run(["molecule", "test"], cwd=REPO / "roles" / role, extra_env={"NO_COLOR": "1", "PY_COLORS": "0"}, timeout=900)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-20000:]
    for step in ("converge", "idempotence", "verify"):
        assert "%s: Executed: Successful" % step in output, output[-5000:]
