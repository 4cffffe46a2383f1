# SPDX-License-Identifier: GPL-3.0-or-later
"""When the API modules' action plugin runs a module in the task's worker, and when it starts a module process.

Real ansible-core objects (a Task, a PlayContext, the local or ssh connection plugin, a Templar):
only a task on the controller, with the controller's own Python, no become and no async, runs in
process; the reason for anything else is what -vvv prints. (tests/integration/test_in_process.py
runs both ways against the sandbox and compares the results.)
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import typing as t
from pathlib import Path

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import connection_loader
from ansible.template import Templar

from ansible_collections.glassdome.mailcow.plugins.action.mailcow_mailbox import ActionModule
from ansible_collections.glassdome.mailcow.plugins.plugin_utils import _in_process
from ansible_collections.glassdome.mailcow.plugins.plugin_utils._in_process import InProcessModuleAction, same_python


def action(*, connection: str = "local", become: bool = False, async_val: int = 0, delegate_to: str | None = None) -> ActionModule:
    task = Task()
    task.action = "glassdome.mailcow.mailcow_mailbox"
    task.async_val = async_val
    task.delegate_to = delegate_to
    play_context = PlayContext()
    play_context.become = become
    plugin = connection_loader.get(connection, play_context, os.devnull)
    return ActionModule(task, plugin, play_context, DataLoader(), Templar(loader=DataLoader()))


HERE = {"ansible_python_interpreter": sys.executable}


@pytest.mark.parametrize("kwargs, task_vars, reason", [
    ({}, HERE, ""),
    ({}, {"ansible_python_interpreter": "/usr/bin/python3-elsewhere"}, "the module's Python (/usr/bin/python3-elsewhere) is not the controller's"),
    ({}, {"ansible_python_interpreter": "auto"}, "the module's Python (not discovered yet) is not the controller's"),
    ({}, {"ansible_python_interpreter": "auto_silent", "ansible_facts": {"discovered_interpreter_python": sys.executable}}, ""),
    ({}, dict(HERE, glassdome_mailcow_in_process=False), "glassdome_mailcow_in_process is false"),
    ({}, dict(HERE, glassdome_mailcow_in_process="no"), "glassdome_mailcow_in_process is false"),
    ({"connection": "ssh"}, HERE, "connection ssh"),
    ({"become": True}, HERE, "become"),
    ({"async_val": 30}, HERE, "async"),
    # Delegated: the delegated host's Python decides, as ansible-core's own choice of interpreter does.
    ({"delegate_to": "jump"}, dict(HERE, ansible_delegated_vars={"jump": {"ansible_python_interpreter": "/opt/py/bin/python"}}),
     "the module's Python (/opt/py/bin/python) is not the controller's"),
    ({"delegate_to": "localhost"}, {"ansible_python_interpreter": "/opt/py/bin/python", "ansible_delegated_vars": {"localhost": HERE}}, ""),
])
def test_module_process_reason(kwargs: dict[str, t.Any], task_vars: dict[str, t.Any], reason: str) -> None:
    got = action(**kwargs).module_process_reason(task_vars)
    assert got.startswith(reason) if reason else got == ""


def test_same_python_follows_links_to_the_directory_not_out_of_it(tmp_path: Path) -> None:
    here = Path(sys.executable)
    (tmp_path / "venv").symlink_to(here.parent, target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / here.name).symlink_to(here)
    assert same_python(sys.executable, sys.executable)
    # The same bin directory reached through a link: the same virtualenv.
    assert same_python(str(tmp_path / "venv" / here.name), sys.executable)
    # The same binary linked from another directory: Python would find another environment there.
    assert not same_python(str(tmp_path / "elsewhere" / here.name), sys.executable)
    assert not same_python(here.name, sys.executable)


COLLECTION = Path(__file__).resolve().parents[4] / "plugins"
API_MODULES = sorted(
    path.stem for path in (COLLECTION / "modules").glob("mailcow_*.py")
    if re.search(r"^from \S+\.module_utils\.(_runner|_bulk_entries) import", path.read_text(), re.M)
)


def test_every_api_module_has_its_in_process_action() -> None:
    """A new API module without plugins/action/<name>.py would start a module process for every task, silently."""
    assert len(API_MODULES) >= 6
    missing = [name for name in API_MODULES if not (COLLECTION / "action" / (name + ".py")).exists()]
    assert missing == [], "add plugins/action/<name>.py (three lines, see mailcow_domain.py) for %s" % missing
    for name in API_MODULES:
        action = importlib.import_module("ansible_collections.glassdome.mailcow.plugins.action." + name)
        assert issubclass(action.ActionModule, InProcessModuleAction)


REPO = COLLECTION.parent


def test_readme_runtime_and_matrix_agree_on_the_supported_series() -> None:
    """README's table: a row per matrix leg (tests/requirements/ansible-core-*.txt), from requires_ansible's series on;
    "in the task's worker" exactly on VERIFIED_SERIES, the one list the action plugin reads."""
    legs = sorted((path.stem.split("-")[-1] for path in (REPO / "tests" / "requirements").glob("ansible-core-*.txt")),
                  key=lambda v: tuple(map(int, v.split("."))))
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("## Supported ansible-core"):]
    rows = dict(re.findall(r"^\| (2\.\d+)[^|]*\|[^|]*\|[^|]*\| ([^|]+) \|$", table, re.M))
    assert list(rows) == legs
    assert [series for series, how in rows.items() if how.startswith("in the task's worker")] == list(_in_process.VERIFIED_SERIES)
    assert all(series in legs for series in _in_process.VERIFIED_SERIES)
    minimum = re.search(r'^requires_ansible: ">=(\d+\.\d+)\.0"$', (REPO / "meta" / "runtime.yml").read_text(), re.M)
    assert minimum and minimum.group(1) == legs[0]
