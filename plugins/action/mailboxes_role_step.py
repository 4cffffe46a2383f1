# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Action of mailboxes_role_step: one of this collection's API modules, named by the task, run as its own task would run it."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.plugin_utils._in_process import CallRefused, InProcessModuleAction, preload

# The modules the role runs as steps (the choices of the module's documentation; a unit test checks they agree).
STEP_MODULES = ("mailcow_app_password", "mailcow_alias_domain", "mailcow_bcc_map", "mailcow_dkim", "mailcow_domain_admin",
                "mailcow_recipient_map", "mailcow_resource", "mailcow_sieve_filter", "mailcow_spam_policy", "mailcow_syncjob")
# The role's variable that holds the host's steps (roles/mailboxes/vars/main.yml), read by option ``step``.
STEPS_VAR = "_glassdome_mailcow_steps"
# Each step's module imported in the main process, once: every host's worker inherits it (see preload()).
preload(__name__, *STEP_MODULES)

# The steps of the loop this worker runs, by (host, task): templated for its first item (step 0) and reused for the
# others, as a loop's items run one after the other in one worker. Anything else (an item without a step 0 before it
# in this process) templates them again, so this saves time and nothing else.
_LOOP_STEPS: dict[tuple[str, str], list[t.Any]] = {}


def step_call(steps: t.Any, index: t.Any) -> tuple[str, dict[str, t.Any]]:
    """The module and arguments of step ``index`` of ``steps``; CallRefused when there is no such step."""
    if not isinstance(steps, list):
        raise CallRefused("step needs the role's list of steps in the variable %s, got %s" % (STEPS_VAR, type(steps).__name__))
    try:
        number = int(index)
    except (TypeError, ValueError):
        raise CallRefused("step must be the index of one of the role's steps, got %r" % (index,)) from None
    if not 0 <= number < len(steps) or not isinstance(steps[number], dict):
        raise CallRefused("step %d is not one of the role's %d steps (%s)" % (number, len(steps), STEPS_VAR))
    return str(steps[number].get("module")), steps[number].get("args")


class ActionModule(InProcessModuleAction):
    """The module named by ``module`` with ``module_args``, or by the role's step ``step``, over the task's other arguments (the connection)."""

    def module_call(self, task_vars: dict[str, t.Any]) -> tuple[str, dict[str, t.Any]]:
        args = dict(self._task.args)
        module, module_args, index = args.pop("module", None), args.pop("module_args", None), args.pop("step", None)
        if index is not None:
            if module is not None or module_args is not None:
                raise CallRefused("step names the module and its arguments: give either step, or module and module_args")
            key = (str(task_vars.get("inventory_hostname")), str(getattr(self._task, "_uuid", None) or self._task.get_name()))
            if str(index) == "0" or key not in _LOOP_STEPS:
                _LOOP_STEPS.clear()
                _LOOP_STEPS[key] = self._templar.template(task_vars.get(STEPS_VAR))
            module, module_args = step_call(_LOOP_STEPS[key], index)
        if module not in STEP_MODULES:
            raise CallRefused("module must be one of %s, got %r" % (", ".join(STEP_MODULES), module))
        if module_args is not None and not isinstance(module_args, dict):
            raise CallRefused("module_args must be a mapping of %s's options, got %s" % (module, type(module_args).__name__))
        args.update(module_args or {})
        return "glassdome.mailcow." + module, args
