# SPDX-License-Identifier: GPL-3.0-or-later
"""The shape of plugins/module_utils (docs/architecture.md): machinery at the top, one package per object type."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[4] / "plugins"
MODULE_UTILS = PLUGINS / "module_utils"
PREFIX = "ansible_collections.glassdome.mailcow.plugins.module_utils."
MACHINERY_PACKAGES = {"_api", "_mail"}
PARTS = {"__init__.py", "model.py", "api.py", "manager.py", "argspec.py"}
MAX_TOP_LEVEL_FILES = 12


def object_packages() -> list[str]:
    return sorted(p.name for p in MODULE_UTILS.iterdir() if p.is_dir() and p.name.startswith("_") and p.name not in MACHINERY_PACKAGES
                  and p.name != "__pycache__")


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module under module_utils, imported names) of every collection import in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
            found.append((node.module[len(PREFIX):], [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom) and node.module == PREFIX.rstrip("."):
            found += [(alias.name, []) for alias in node.names]
    return found


def test_there_are_object_packages_and_few_top_level_files() -> None:
    assert len(object_packages()) >= 9
    top = sorted(p.name for p in MODULE_UTILS.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_FILES, top


@pytest.mark.parametrize("package", object_packages())
def test_every_object_package_has_the_same_parts(package: str) -> None:
    files = {p.name for p in (MODULE_UTILS / package).glob("*.py")}
    assert files == PARTS, "%s: missing %s, unexpected %s" % (package, sorted(PARTS - files), sorted(files - PARTS))


def _object_of(module: str) -> str:
    head = module.split(".", 1)[0]
    return head if head in object_packages() else ""


@pytest.mark.parametrize("module", sorted(p.name for p in (PLUGINS / "modules").glob("mailcow_*.py")))
def test_a_module_imports_only_its_own_object_and_the_machinery(module: str) -> None:
    used = {_object_of(name) for name, _names in imports(PLUGINS / "modules" / module)} - {""}
    assert len(used) <= 1, "%s imports several object packages: %s" % (module, sorted(used))
    if used:
        own = next(iter(used)).lstrip("_")
        assert module[len("mailcow_"):-len(".py")].replace("_info", "") == own, "%s imports another object's package %s" % (module, used)


@pytest.mark.parametrize("package", object_packages())
def test_an_object_package_never_imports_another_objects_private_names(package: str) -> None:
    for path in sorted((MODULE_UTILS / package).glob("*.py")):
        for name, names in imports(path):
            other = _object_of(name)
            if other and other != package:
                private = [n for n in names if n.startswith("_")]
                assert not private, "%s imports %s from %s" % (path.relative_to(PLUGINS), private, name)


def test_the_layout_checks_can_fail(tmp_path: Path) -> None:
    """The import reader sees a cross-object private import (the checks above are not vacuous)."""
    probe = tmp_path / "probe.py"
    probe.write_text("from %s_mailbox.api import _reduced_listing\n" % PREFIX)
    assert imports(probe) == [("_mailbox.api", ["_reduced_listing"])]
    assert _object_of("_mailbox.api") == "_mailbox"
