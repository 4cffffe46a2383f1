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


@pytest.mark.parametrize("role, variables", [("mailboxes", ("mailcow_mailboxes", "mailcow_mailboxes_purge")),
                                             ("server", ("mailcow_relayhosts", "mailcow_tls_policy_maps_purge", "mailcow_server_purge_max_share"))])
def test_role_doc_renders(runner: Runner, role: str, variables: tuple[str, ...]) -> None:
    proc = runner.run(["ansible-doc", "-t", "role", "glassdome.mailcow.%s" % role], check=True)
    assert all(variable in proc.stdout for variable in variables), proc.stdout
    assert "[WARNING]" not in proc.stderr, proc.stderr
