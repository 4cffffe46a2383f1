# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: run an API module inside the task's worker when that changes nothing but speed.

A module that runs on the controller, with the controller's own Python, as the same user, is the
same code on the same machine whether Ansible starts a new Python process for it or not. That new
process costs ~0.4 s a task (building the AnsiballZ payload, starting Python, importing
ansible.module_utils again), which was most of a no-change re-run of the mailboxes role. So when,
and only when, all of this holds, the module's action plugin runs its main() in the worker process
Ansible forked for this task (one process per task and host, discarded afterwards):

- the task's connection is ``local`` (``connection: local``, ``delegate_to: localhost``);
- the module's Python, as Ansible resolves it for the host (``ansible_python_interpreter``, or a
  discovered interpreter), is the Python running Ansible (``ansible_playbook_python``, as for the
  implicit localhost and as docs/use-it.md recommends);
- no become, no async;
- ansible-core 2.19 or later (serialization profiles and the module result hook);
- the variable ``glassdome_mailcow_in_process`` is not false (false: always a module process).

The module gets what it would get in its own process: the task's arguments after module_defaults,
the internal ``_ansible_*`` options (check mode, diff, no_log, verbosity) from ansible-core's own
code, serialised with the module's profile and parsed by AnsibleModule; the task's ``environment``;
module_utils behaving as in a module (warnings and deprecations go into the result). Its result is
serialised and parsed by ansible-core's own parser. Everything else runs the usual way.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import typing as t

from ansible import constants as C
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash
from ansible.vars.clean import remove_internal_keys

# What every API module imports (the runner, the HTTP client, requests), imported here: ansible-playbook's
# strategy loads an action class in its main process before it forks the task's worker, so each worker
# inherits these instead of importing them again (~0.05 s a task). Each module's own code is imported
# in the worker of a task that runs it, so a skipped task costs nothing.
from ansible_collections.glassdome.mailcow.plugins.module_utils import _runner  # noqa: F401 pylint: disable=unused-import

try:  # ansible-core 2.19 and later: module arguments and results go through serialization profiles
    from ansible.module_utils import _internal
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:  # pragma: no cover - older ansible-core starts a module process
    HAS_PROFILES = False
else:
    HAS_PROFILES = True

display = Display()

# The serialization profile of a module that declares none (none of this collection's modules does).
PROFILE = "legacy"
SWITCH = "glassdome_mailcow_in_process"
DISCOVERY = ("auto", "auto_legacy", "auto_silent", "auto_legacy_silent")


def same_python(path: str, executable: str) -> bool:
    """Whether ``path`` is the interpreter ``executable``: the same file in the same bin directory
    (so the same virtualenv), whatever symbolic links lead to that directory."""

    def where(one: str) -> tuple[str, str]:
        return os.path.realpath(os.path.dirname(os.path.abspath(one))), os.path.realpath(one)

    return os.path.isabs(path) and where(path) == where(executable)


class InProcessModuleAction(ActionBase):
    """An API module's action: its main() in this worker when that is the same as a module process, else the module."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp: str | None = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        reason = self.module_process_reason(task_vars)
        if reason:
            display.vvv("%s: module process (%s)" % (self._task.action, reason))
            wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
            result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        display.vvv("%s: in process (local connection, the controller's Python)" % self._task.action)
        return merge_hash(result, self._run_in_process(task_vars))

    # -- when ---------------------------------------------------------------------------------

    def module_process_reason(self, task_vars: dict[str, t.Any]) -> str:
        """Why the module must run as its own process; empty when running it here changes nothing."""
        if not HAS_PROFILES or not hasattr(basic.AnsibleModule, "_record_module_result"):
            return "ansible-core before 2.19"
        if not boolean(self._templar.template(task_vars.get(SWITCH, True)), strict=False):
            return "%s is false" % SWITCH
        if getattr(self._connection, "transport", None) != "local":
            return "connection %s" % getattr(self._connection, "transport", "?")
        if self._task.async_val:
            return "async"
        if self._play_context.become:
            return "become"
        interpreter = self._interpreter(task_vars)
        if not interpreter or not same_python(interpreter, sys.executable):
            return "the module's Python (%s) is not the controller's (%s)" % (interpreter or "not discovered yet", sys.executable)
        return ""

    def _interpreter(self, task_vars: dict[str, t.Any]) -> str:
        """The module's Python as ansible-core resolves it for the host (the delegated one, if any); "" when undecided."""
        use_vars = task_vars.get("ansible_delegated_vars", {}).get(self._task.delegate_to, {}) if self._task.delegate_to else task_vars
        value = self._templar.template(C.config.get_config_value("INTERPRETER_PYTHON", variables=use_vars) or "")
        if not value or value in DISCOVERY:
            value = (use_vars.get("ansible_facts") or {}).get("discovered_interpreter_python") or ""
        return str(value).strip()

    # -- how ----------------------------------------------------------------------------------

    def _run_in_process(self, task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        module_name = self._task.resolved_action or self._task.action
        module_args = dict(self._task.args)
        self._update_module_args(module_name, module_args, task_vars)
        environment: dict[str, t.Any] = {}
        self._compute_environment_string(raw_environment_out=environment)
        # The bytes an AnsiballZ payload would carry, parsed by AnsibleModule as in its own process.
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": module_args}, cls=get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE))
        stdout = self._main(module_name, payload.encode("utf-8"), {str(key): str(value) for key, value in environment.items()})
        data = self._parse_returned_data({"stdout": stdout, "stderr": "", "rc": 0}, PROFILE)
        remove_internal_keys(data)
        return data

    def _main(self, module_name: str, payload: bytes, environment: dict[str, str]) -> str:
        """The module's main() run with this payload and environment; the result it would have printed."""
        module = importlib.import_module(self._python_name(module_name))
        printed: list[str] = []

        def record(_module: t.Any, result: dict[str, t.Any]) -> None:
            printed.append(json.dumps(result, cls=get_module_encoder(PROFILE, Direction.MODULE_TO_CONTROLLER)))

        saved = (basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, basic._PARSED_MODULE_ARGS, _internal.is_controller, dict(os.environ))
        collected = (module_warnings._global_warnings, module_warnings._global_deprecations)
        saved_collected = [dict(each) for each in collected]
        hook = basic.AnsibleModule.__dict__["_record_module_result"]
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = payload, PROFILE
        basic.AnsibleModule._record_module_result = record
        # module_utils as in a module process: warnings and deprecations are collected into the result,
        # starting empty (a loop runs main() once per item in the same worker).
        _internal.is_controller = False
        for each in collected:
            each.clear()
        os.environ.update(environment)
        try:
            module.main()
        except SystemExit:
            pass
        finally:
            basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, basic._PARSED_MODULE_ARGS, _internal.is_controller = saved[:4]
            basic.AnsibleModule._record_module_result = hook
            for each, before in zip(collected, saved_collected):
                each.clear()
                each.update(before)
            os.environ.clear()
            os.environ.update(saved[4])
        return printed[-1] if printed else ""

    def _python_name(self, module_name: str) -> str:
        context = self._shared_loader_obj.module_loader.find_plugin_with_context(module_name, collection_list=self._task.collections)
        if not context.resolved:
            raise RuntimeError("module %s not found" % module_name)
        return str(context.plugin_resolved_name)
