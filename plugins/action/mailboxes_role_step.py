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
# Each step's module imported in the main process, once: every host's worker inherits it (see preload()).
preload(__name__, *STEP_MODULES)


class ActionModule(InProcessModuleAction):
    """The module named by ``module``, with ``module_args`` over the task's other arguments (the connection)."""

    def module_call(self) -> tuple[str, dict[str, t.Any]]:
        args = dict(self._task.args)
        module, module_args = args.pop("module", None), args.pop("module_args", None)
        if module not in STEP_MODULES:
            raise CallRefused("module must be one of %s, got %r" % (", ".join(STEP_MODULES), module))
        if module_args is not None and not isinstance(module_args, dict):
            raise CallRefused("module_args must be a mapping of %s's options, got %s" % (module, type(module_args).__name__))
        args.update(module_args or {})
        return "glassdome.mailcow." + module, args
