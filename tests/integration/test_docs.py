# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-doc renders every module of the installed artifact, with its examples and return values."""

from __future__ import annotations

import pytest

from conftest import REPO, Runner

MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("mailcow_*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders(runner: Runner, module: str) -> None:
    proc = runner.run(["ansible-doc", "glassdome.mailcow.%s" % module], check=True)
    assert "EXAMPLES:" in proc.stdout
    assert "RETURN VALUES:" in proc.stdout
    assert "glassdome.mailcow.%s:" % module in proc.stdout, "examples use the FQCN"
    assert "[WARNING]" not in proc.stderr, proc.stderr


def test_role_doc_renders(runner: Runner) -> None:
    proc = runner.run(["ansible-doc", "-t", "role", "glassdome.mailcow.mailboxes"], check=True)
    assert "mailcow_mailboxes" in proc.stdout and "mailcow_mailboxes_purge" in proc.stdout
