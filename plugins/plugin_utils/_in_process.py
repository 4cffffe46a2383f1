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

- the running ansible-core is of a series in ``VERIFIED_SERIES`` (the ones ``make test-matrix``
  runs both ways; any other series, older or newer, starts a module process);
- the task's connection is ``local`` (``connection: local``, ``delegate_to: localhost``);
- the module's Python, as Ansible resolves it for the host (``ansible_python_interpreter``, or a
  discovered interpreter), is the Python running Ansible (``ansible_playbook_python``, as for the
  implicit localhost and as docs/use-it.md recommends);
- no become, no async;
- the variable ``glassdome_mailcow_in_process`` is not false (false: always a module process).

The module gets what it would get in its own process: the task's arguments after module_defaults,
the internal ``_ansible_*`` options (check mode, diff, no_log, verbosity) from ansible-core's own
code, serialised with the module's profile and parsed by AnsibleModule; the task's ``environment``;
module_utils behaving as in a module (warnings and deprecations go into the result). Its result is
serialised and parsed by ansible-core's own parser. Everything else runs the usual way.

That needs private parts of ansible-core (``Hooks`` below), which may change in any release. They
are looked up when a task runs, never when this file is imported, so the action plugin loads on
every ansible-core. If one is missing or has changed shape, the task starts a module process
instead, with one warning naming the ansible-core version: the speed-up can never break a task.
The module's own failures are not touched: they are the task's result either way.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
import typing as t

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils import basic
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as ANSIBLE_CORE_VERSION
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

# What every API module imports (the runner, the HTTP client, requests), imported here: ansible-playbook's
# strategy loads an action class in its main process before it forks the task's worker, so each worker
# inherits these instead of importing them again (~0.05 s a task). Each module's own code is imported there
# too, when its action class is defined (preload() below): once a play for a task, whatever the number of hosts.
from ansible_collections.glassdome.mailcow.plugins.module_utils import _runner  # noqa: F401 pylint: disable=unused-import

display = Display()

# The ansible-core series (major.minor) on which `make test-matrix` runs every leg both ways (in process,
# and glassdome_mailcow_in_process=false) and gets the same results: the only ones that run in process.
# README's table of supported series says the same; tests/unit/plugins/plugin_utils/test_in_process.py checks it.
VERIFIED_SERIES = ("2.19", "2.20", "2.21", "2.22")

# The serialization profile of a module that declares none (none of this collection's modules does).
PROFILE = "legacy"
SWITCH = "glassdome_mailcow_in_process"
DISCOVERY = ("auto", "auto_legacy", "auto_silent", "auto_legacy_silent")
FALLBACK_WARNING = ("glassdome.mailcow: running API modules inside the task's worker does not work with ansible-core %s (%s);"
                    " the task runs as a module process instead, as it would with glassdome_mailcow_in_process: false")


def series(version: str = ANSIBLE_CORE_VERSION) -> str:
    """The major.minor of an ansible-core version: "2.22" for "2.22.0rc1"."""
    return ".".join(version.split(".")[:2])


def same_python(path: str, executable: str) -> bool:
    """Whether ``path`` is the interpreter ``executable``: the same file in the same bin directory
    (so the same virtualenv), whatever symbolic links lead to that directory."""

    def where(one: str) -> tuple[str, str]:
        return os.path.realpath(os.path.dirname(os.path.abspath(one))), os.path.realpath(one)

    return os.path.isabs(path) and where(path) == where(executable)


class MachineryError(Exception):
    """A private part of ansible-core the in-process path relies on is missing or not as expected."""


class Hooks:
    """The private parts of ansible-core that running a module in the worker uses, looked up (and checked) at run time.

    Any failure here raises MachineryError before the module has run, so a module process can take over.
    """

    MODULE_GLOBALS = ("_ANSIBLE_ARGS", "_ANSIBLE_PROFILE", "_PARSED_MODULE_ARGS")

    def __init__(self, action: ActionBase) -> None:
        try:
            self._look_up(action)
        except MachineryError:
            raise
        except Exception as ex:  # pylint: disable=broad-exception-caught
            raise MachineryError("%s: %s" % (type(ex).__name__, ex)) from ex

    def _look_up(self, action: ActionBase) -> None:
        # ansible-core 2.19 and later: module arguments and results go through serialization profiles.
        from ansible.module_utils import _internal  # pylint: disable=import-outside-toplevel
        from ansible.module_utils.common import json as module_json  # pylint: disable=import-outside-toplevel
        from ansible.module_utils.common import warnings as module_warnings  # pylint: disable=import-outside-toplevel

        self.internal = _internal
        self.encoder_to_module = module_json.get_module_encoder(PROFILE, module_json.Direction.CONTROLLER_TO_MODULE)
        self.encoder_to_controller = module_json.get_module_encoder(PROFILE, module_json.Direction.MODULE_TO_CONTROLLER)
        _expect(isinstance(self.encoder_to_module, type) and issubclass(self.encoder_to_module, json.JSONEncoder), "get_module_encoder() gave no JSONEncoder")
        _expect(isinstance(self.encoder_to_controller, type) and issubclass(self.encoder_to_controller, json.JSONEncoder),
                "get_module_encoder() gave no JSONEncoder")
        _expect(isinstance(getattr(_internal, "is_controller", None), bool), "ansible.module_utils._internal.is_controller is not a bool")
        missing = [name for name in self.MODULE_GLOBALS if name not in vars(basic)]
        _expect(not missing, "ansible.module_utils.basic has no %s" % ", ".join(missing))
        self.record_hook = vars(basic.AnsibleModule).get("_record_module_result")
        _expect(callable(self.record_hook), "AnsibleModule._record_module_result is missing")
        collected = (getattr(module_warnings, "_global_warnings", None), getattr(module_warnings, "_global_deprecations", None))
        _expect(all(isinstance(each, dict) for each in collected), "the warnings collected by module_utils are not dicts")
        self.collected: tuple[dict[t.Any, t.Any], ...] = t.cast("tuple[dict[t.Any, t.Any], ...]", collected)
        for name in ("_update_module_args", "_compute_environment_string", "_parse_returned_data"):
            _expect(callable(getattr(action, name, None)), "ActionBase.%s is missing" % name)
        self.parse = action._parse_returned_data  # pylint: disable=protected-access
        # The result's way from module output to task result: parsed the way a module process's output is, on a
        # probe, so that a change of shape shows now, before the module has run (and not after it changed something).
        probe = self.result(json.dumps({"changed": False, "glassdome_probe": 1}, cls=self.encoder_to_controller))
        _expect(probe.get("glassdome_probe") == 1 and probe.get("changed") is False and not probe.get("failed"),
                "a module result parsed by ActionBase._parse_returned_data is not as expected")

    def result(self, stdout: str) -> dict[str, t.Any]:
        """A task result from what the module printed, as ActionBase._execute_module makes it (without its side effects)."""
        parsed = self.parse({"stdout": stdout, "stderr": "", "rc": 0}, PROFILE)
        if isinstance(parsed, dict):  # ansible-core 2.19, 2.20: a dict, internal keys removed by a function
            from ansible.vars.clean import remove_internal_keys  # pylint: disable=import-outside-toplevel

            remove_internal_keys(parsed)
            return parsed
        # ansible-core 2.21 and later: a result object (ansible._internal._task.UnifiedTaskResult)
        parsed.remove_internal_keys()
        data = parsed.as_result_dict(for_round_trip=True)
        _expect(isinstance(data, dict), "the parsed module result gave no dict")
        return t.cast("dict[str, t.Any]", data)


class Prepared(t.NamedTuple):
    """What running one module's main() in this worker needs, made before it runs."""

    hooks: Hooks
    module: t.Any
    payload: bytes
    environment: dict[str, str]


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise MachineryError(what)


def preload(action_module: str, *names: str) -> None:
    """Import modules of the collection of the action plugin ``action_module`` now, if they import at all: ``names``, or by
    default the action's own (``...plugins.action.X`` -> ``...plugins.modules.X``).

    ansible-playbook's strategy loads a task's action class in its main process before it forks a worker per host,
    so a module imported here is inherited by all of them instead of being imported again by each (~0.02-0.09 s a
    host and task: the module's own code, its module_utils, dnspython...). Anything that goes wrong is left for the
    worker to meet as before (it imports the module itself when it runs it), so this can only save time.
    """
    package, found, name = action_module.rpartition(".plugins.action.")
    if not found:
        return
    for each in names or (name,):
        try:
            importlib.import_module("%s.plugins.modules.%s" % (package, each))
        except Exception:  # pylint: disable=broad-exception-caught
            display.vvvv("%s: not imported ahead of the workers" % each)


class CallRefused(Exception):
    """The task's arguments do not name a module call this action makes (its message says why): the task fails, nothing runs."""


class InProcessModuleAction(ActionBase):
    """An API module's action: its main() in this worker when that is the same as a module process, else the module."""

    _supports_check_mode = True
    _supports_async = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        # Each API module's action file defines its class once, in the process that loads it (see preload()).
        super().__init_subclass__(**kwargs)
        preload(cls.__module__)

    def run(self, tmp: str | None = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        try:
            module_name, module_args = self.module_call(task_vars)
        except CallRefused as ex:
            return merge_hash(result, {"failed": True, "msg": str(ex)})
        reason = self.module_process_reason(task_vars)
        if not reason:
            try:
                prepared = self._prepare(task_vars, module_name, module_args)
            except MachineryError as ex:
                display.warning(FALLBACK_WARNING % (ANSIBLE_CORE_VERSION, ex))
                reason = "ansible-core %s: %s" % (ANSIBLE_CORE_VERSION, ex)
        if reason:
            display.vvv("%s: module process (%s)" % (self._task.action, reason))
            wrap_async = bool(self._task.async_val) and not getattr(self._connection, "has_native_async", False)
            result = merge_hash(result, self._execute_module(module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        display.vvv("%s: in process (local connection, the controller's Python)" % self._task.action)
        return merge_hash(result, prepared.hooks.result(self._main(prepared)))

    # -- what ---------------------------------------------------------------------------------

    def module_call(self, task_vars: dict[str, t.Any]) -> tuple[str, dict[str, t.Any]]:  # pylint: disable=unused-argument
        """The module to run and its arguments (after module_defaults): the task's own, unless a subclass says otherwise.

        CallRefused fails the task with its message before anything runs."""
        return self._task.resolved_action or self._task.action, dict(self._task.args)

    # -- when ---------------------------------------------------------------------------------

    def module_process_reason(self, task_vars: dict[str, t.Any]) -> str:
        """Why the module must run as its own process; empty when running it here changes nothing."""
        if series() not in VERIFIED_SERIES:
            return "ansible-core %s: running in process is verified on ansible-core %s only" % (ANSIBLE_CORE_VERSION, ", ".join(VERIFIED_SERIES))
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

    def _prepare(self, task_vars: dict[str, t.Any], module_name: str, module_args: dict[str, t.Any]) -> Prepared:
        """Everything main() needs, before it runs; MachineryError when a part of ansible-core it uses is not as expected.

        An AnsibleError (say, a task ``environment`` that is not a dict) is the task's own: a module process
        would fail the same way, so it is raised as it is.
        """
        try:
            hooks = Hooks(self)
            module_args = dict(module_args)
            self._update_module_args(module_name, module_args, task_vars)
            environment: dict[str, t.Any] = {}
            self._compute_environment_string(raw_environment_out=environment)
            # The bytes an AnsiballZ payload would carry, parsed by AnsibleModule as in its own process.
            payload = json.dumps({"ANSIBLE_MODULE_ARGS": module_args}, cls=hooks.encoder_to_module).encode("utf-8")
            module = importlib.import_module(self._python_name(module_name))
        except (MachineryError, AnsibleError):
            raise
        except Exception as ex:  # pylint: disable=broad-exception-caught
            raise MachineryError("%s: %s" % (type(ex).__name__, ex)) from ex
        return Prepared(hooks, module, payload, {str(key): str(value) for key, value in environment.items()})

    def _main(self, prepared: Prepared) -> str:
        """The module's main() run with the prepared payload and environment; the result it would have printed."""
        hooks = prepared.hooks
        recorded: list[str] = []

        def record(_module: t.Any, result: dict[str, t.Any]) -> None:
            recorded.append(json.dumps(result, cls=hooks.encoder_to_controller))

        saved = tuple(vars(basic)[name] for name in Hooks.MODULE_GLOBALS) + (hooks.internal.is_controller, dict(os.environ))
        saved_collected = [dict(each) for each in hooks.collected]
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = prepared.payload, PROFILE
        basic.AnsibleModule._record_module_result = record
        # module_utils as in a module process: warnings and deprecations are collected into the result,
        # starting empty (a loop runs main() once per item in the same worker).
        hooks.internal.is_controller = False
        for each in hooks.collected:
            each.clear()
        os.environ.update(prepared.environment)
        # What the module prints goes into its result, as in a module process (where stdout is the result).
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                prepared.module.main()
        except SystemExit:
            pass
        finally:
            basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, basic._PARSED_MODULE_ARGS, hooks.internal.is_controller = saved[:4]
            basic.AnsibleModule._record_module_result = hooks.record_hook
            for each, before in zip(hooks.collected, saved_collected):
                each.clear()
                each.update(before)
            os.environ.clear()
            os.environ.update(saved[4])
        return recorded[-1] if recorded else printed.getvalue()

    def _python_name(self, module_name: str) -> str:
        context = self._shared_loader_obj.module_loader.find_plugin_with_context(module_name, collection_list=self._task.collections)
        if not context.resolved:
            raise MachineryError("module %s not found by the module loader" % module_name)
        return str(context.plugin_resolved_name)
