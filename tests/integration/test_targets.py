# SPDX-License-Identifier: GPL-3.0-or-later
"""Every tests/integration/targets/<name>/playbook.yml runs with ansible-playbook and must pass.

A target asserts its own outcomes (changed then ok, check mode, diff, failure messages, side
effects read back out of band); this driver only requires the run to succeed.
"""

from __future__ import annotations

import pytest

from conftest import TARGETS, Runner

PLAYBOOKS = sorted(TARGETS.glob("*/playbook.yml"))


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=[p.parent.name for p in PLAYBOOKS])
def test_target(runner: Runner, playbook) -> None:
    runner.playbook(playbook, "--diff", check=True)
