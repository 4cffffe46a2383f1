# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-playbook with one private part of ansible-core, that the in-process path relies on, taken away or changed:

    python broken_hook.py HOOK ansible-playbook-argument...

as a later ansible-core might have it. Only this controller process (and the workers it forks) sees
the change; a module process is a new Python that imports ansible-core's own module_utils unchanged.
HOOK "none" changes nothing.
"""

from __future__ import annotations

import json
import sys
import types
import typing as t


def _gone(owner: t.Any, name: str) -> None:
    delattr(owner, name)


def apply(hook: str) -> None:
    from ansible.module_utils import _internal, basic
    from ansible.module_utils.common import json as module_json
    from ansible.module_utils.common import warnings as module_warnings
    from ansible.plugins.action import ActionBase
    from ansible.vars import clean
    import ansible.release

    parse = ActionBase._parse_returned_data

    def parse_as_an_object(self: t.Any, res: dict[str, t.Any], profile: str) -> t.Any:
        """The module path's result unchanged; a result of another shape (an object with other methods) for anyone else."""
        data = parse(self, res, profile)
        return data if sys._getframe(1).f_code.co_name == "_execute_module" else types.SimpleNamespace(result=data)

    changes: dict[str, t.Callable[[], None]] = {
        "none": lambda: None,
        # a series the matrix has not run (the collection reads the version when its action plugins load)
        "ansible-core 2.99.0": lambda: setattr(ansible.release, "__version__", "2.99.0"),
        # removed, as ansible.vars.clean.remove_internal_keys is in ansible-core 2.21
        "remove_internal_keys": lambda: _gone(clean, "remove_internal_keys"),
        "get_module_encoder": lambda: _gone(module_json, "get_module_encoder"),
        "is_controller": lambda: _gone(_internal, "is_controller"),
        "_ANSIBLE_ARGS": lambda: _gone(basic, "_ANSIBLE_ARGS"),
        "_ANSIBLE_PROFILE": lambda: _gone(basic, "_ANSIBLE_PROFILE"),
        "_PARSED_MODULE_ARGS": lambda: _gone(basic, "_PARSED_MODULE_ARGS"),
        "_record_module_result": lambda: _gone(basic.AnsibleModule, "_record_module_result"),
        "_global_deprecations": lambda: _gone(module_warnings, "_global_deprecations"),
        # changed in shape
        "get_module_encoder(name)": lambda: setattr(module_json, "get_module_encoder", lambda name: json.JSONEncoder),
        "get_module_encoder gives no encoder": lambda: setattr(module_json, "get_module_encoder", lambda name, direction: None),
        "is_controller as a function": lambda: setattr(_internal, "is_controller", lambda: True),
        "_global_warnings as a list": lambda: setattr(module_warnings, "_global_warnings", []),
        # as in ansible-core 2.21: the parsed result is an object, here one without the methods of 2.21's
        "_parse_returned_data gives an object": lambda: setattr(ActionBase, "_parse_returned_data", parse_as_an_object),
    }
    changes[hook]()


if __name__ == "__main__":
    apply(sys.argv[1])
    from ansible.cli.playbook import main

    main(["ansible-playbook", *sys.argv[2:]])
