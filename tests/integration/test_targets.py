# SPDX-License-Identifier: GPL-3.0-or-later
"""The targets of tests/integration/targets keep ansible-test's layout and the sandbox's variables.

`make integration` runs them with `ansible-test integration` (make ansible-test-integration); this
checks what that run cannot: that a new or renamed target is in a layout ansible-test runs, and that
every sandbox_* variable a target reads is one the sandbox writes into integration_config.yml
(ansible-test would otherwise fail on an undefined variable only when that task is reached).
"""

from __future__ import annotations

import os
import re
import typing as t
from pathlib import Path

import pytest
import yaml

from conftest import TARGETS

NAMES = sorted(p.name for p in TARGETS.iterdir() if p.is_dir())


def aliases(target: Path) -> list[str]:
    lines = (target / "aliases").read_text().splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


@pytest.mark.parametrize("name", NAMES)
def test_target_layout(name: str) -> None:
    target = TARGETS / name
    assert (target / "aliases").is_file(), f"{name}: no aliases file"
    assert "context/controller" in aliases(target), f"{name}: the targets run where the sandbox is: context/controller"
    runme = target / "runme.sh"
    if runme.exists():
        assert os.access(runme, os.X_OK), f"{name}: runme.sh is not executable"
    else:
        assert (target / "tasks" / "main.yml").is_file(), f"{name}: neither tasks/main.yml nor runme.sh"
        assert not (target / "playbook.yml").exists(), f"{name}: playbook.yml is not run by a role target"


def test_targets_read_only_variables_the_sandbox_writes(facts: dict[str, t.Any]) -> None:
    config = yaml.safe_load((Path(facts["dir"]) / "integration_config.yml").read_text())
    assert isinstance(config, dict) and config, config
    used = {
        match
        for path in TARGETS.rglob("*")
        if path.is_file() and path.suffix in (".yml", ".sh", ".j2")
        for match in re.findall(r"\bsandbox_[a-z_]+\b", path.read_text())
    }
    assert used, "no target reads the sandbox's variables"
    assert sorted(used - set(config)) == []
    assert all(not name.startswith("mailcow_") for name in config), "the mailboxes role rejects unknown mailcow_* variables"
