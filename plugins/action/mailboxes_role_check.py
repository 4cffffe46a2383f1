# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Action of mailboxes_role_check: the checks of the mailboxes (or server) role's variables, on the controller, before any request."""

from __future__ import annotations

import typing as t

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

# Imported with this file, in ansible-playbook's main process (which loads a task's action before it forks a worker per
# host), so that every host's worker inherits the checks and the argument specs they use instead of importing them again.
from ansible_collections.glassdome.mailcow.plugins.plugin_utils._role_checks import first_problem, known_options, server_first_problem

PREFIX = "mailcow_"


class ActionModule(ActionBase):
    """Fails with the first problem of the role's variables; changes nothing."""

    _supports_check_mode = True
    TRANSFERS_FILES = False

    def run(self, tmp: str | None = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        args = self._task.args
        lists = args.get("lists") or {}
        known = known_options(str(args["argument_specs"])) + list(args.get("ignore_vars") or [])
        names = [name for name in task_vars if name.startswith(PREFIX)]
        purge_allow_empty = boolean(args.get("purge_allow_empty") or False, strict=False)
        if args.get("role") == "server":
            purges = {str(kind): boolean(value or False, strict=False) for kind, value in (args.get("purges") or {}).items()}
            problem = server_first_problem(names, known, lists, purges=purges, purge_allow_empty=purge_allow_empty)
        else:
            problem = first_problem(names, known, lists, domain=str(args.get("domain")), purge=boolean(args.get("purge") or False, strict=False),
                                    purge_allow_empty=purge_allow_empty)
        result.update(changed=False, failed=bool(problem), msg=problem or "the role's variables are well formed")
        return result
