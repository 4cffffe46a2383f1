# SPDX-License-Identifier: GPL-3.0-or-later
"""The in-process path fails safe: with any private part of ansible-core it relies on taken away or changed in
shape (one at a time, broken_hook.py), the task runs as a module process, with one warning naming the
ansible-core version, and succeeds; the module's own failures stay failures. An ansible-core series the
matrix has not verified starts a module process, and -vvv says why.

Each case is a real ansible-playbook run (broken_hook.py wraps ansible-playbook's main) against the emulator
over HTTPS, with the collection from the source tree; the runs, one domain each, go side by side (one per core).
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.glassdome.mailcow.plugins.plugin_utils import _in_process

from ..mailcow_inprocess import RW_KEY

LAUNCHER = Path(__file__).with_name("broken_hook.py")
PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/glassdome.mailcow.mailcow: {api_url: "%(url)s", ca_path: "%(ca)s"}
  tasks:
    - name: Create the domain
      glassdome.mailcow.mailcow_domain: {domain: "{{ domain }}", max_mailboxes: 5}
      register: created
    - name: Bad input, the module's own failure
      glassdome.mailcow.mailcow_mailbox: {domain: "{{ domain }}", mailboxes: [{local_part: bob, quota: 1G}]}
      register: refused
      ignore_errors: true
    - name: Both as a module process would have them
      ansible.builtin.assert:
        that:
          - created is changed
          - refused is failed
          - "'quota' in refused.msg"
"""
TASKS = 2  # module tasks of PLAYBOOK
IN_PROCESS = ": in process (local connection, the controller's Python)"
HOOKS = [
    "remove_internal_keys", "get_module_encoder", "is_controller", "_ANSIBLE_ARGS", "_ANSIBLE_PROFILE",
    "_PARSED_MODULE_ARGS", "_record_module_result", "_global_deprecations",
    "get_module_encoder(name)", "get_module_encoder gives no encoder", "is_controller as a function", "_global_warnings as a list",
    "_parse_returned_data gives an object",
]
# remove_internal_keys is only used where ansible-core parses a module result into a dict (2.19, 2.20).
DICT_RESULTS = _in_process.series() in ("2.19", "2.20")


NOT_VERIFIED = "ansible-core 2.99.0"


@pytest.fixture(scope="module")
def outputs(_emulator: t.Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each hook's ansible-playbook run (plus "none" and a series not verified): hook -> its output, after asserting success."""
    _emulator.control("POST", "reset")
    book = tmp_path_factory.mktemp("fallback") / "fallback.yml"
    book.write_text(PLAYBOOK % {"url": "https://127.0.0.1:%d" % _emulator.https_port, "ca": _emulator.ca})
    env = dict(os.environ, MAILCOW_API_KEY=RW_KEY, ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_STDOUT_CALLBACK="default")

    def run(case: tuple[int, str]) -> str:
        index, hook = case
        proc = subprocess.run([sys.executable, str(LAUNCHER), hook, "-i", "localhost,", "-vvv", "-e", "domain=fallback-%d.example" % index, str(book)],
                              env=env, capture_output=True, text=True, timeout=600, check=False)
        return "exit status %d\n%s%s" % (proc.returncode, proc.stdout, proc.stderr)

    hooks = ["none", NOT_VERIFIED, *HOOKS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(hooks, pool.map(run, enumerate(hooks))))


def succeeded(outputs: dict[str, str], hook: str) -> str:
    output = outputs[hook]
    assert output.startswith("exit status 0\n"), output[-5000:]
    assert re.search(r"localhost +: ok=3 +changed=1 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=1", output), output[-3000:]
    return output


@pytest.mark.skipif(_in_process.series() not in _in_process.VERIFIED_SERIES, reason="this ansible-core always starts a module process")
@pytest.mark.parametrize("hook", HOOKS)
def test_a_missing_or_changed_hook_runs_the_task_as_a_module_process(hook: str, outputs: dict[str, str]) -> None:
    if hook == "remove_internal_keys" and not DICT_RESULTS:
        pytest.skip("this ansible-core parses module results into an object, without ansible.vars.clean.remove_internal_keys")
    output = succeeded(outputs, hook)
    warnings = re.findall(r"\[WARNING\]: glassdome\.mailcow: running API modules inside the task's worker does not work with"
                          r" ansible-core (\S+) \(", output)
    assert warnings == [ANSIBLE_CORE_VERSION], output[-5000:]  # one warning, however many tasks
    assert output.count(": module process (ansible-core %s: " % ANSIBLE_CORE_VERSION) == TASKS, output[-5000:]
    assert IN_PROCESS not in output


def test_unchanged_hooks_run_in_process_without_a_warning(outputs: dict[str, str]) -> None:
    output = succeeded(outputs, "none")
    expected = TASKS if _in_process.series() in _in_process.VERIFIED_SERIES else 0
    assert output.count(IN_PROCESS) == expected, output[-5000:]
    assert "does not work with ansible-core" not in output


def test_a_series_not_verified_runs_a_module_process_and_says_why(outputs: dict[str, str]) -> None:
    output = succeeded(outputs, NOT_VERIFIED)
    why = ": module process (ansible-core 2.99.0: running in process is verified on ansible-core %s only)" % ", ".join(_in_process.VERIFIED_SERIES)
    assert output.count(why) == TASKS, output[-5000:]
    assert "does not work with ansible-core" not in output
    assert _in_process.series("2.22.0rc1") == "2.22"
