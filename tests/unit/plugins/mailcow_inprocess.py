# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers and fixtures for in-process module runs (conftest.py imports the fixtures).

Each module's main() runs with patched module args, against the emulator over HTTPS.

``run_module(name, args)`` imports ``plugins/modules/<name>.py`` through the collection loader,
calls its main() under ansible.module_utils.testing.patch_module_args, catches the SystemExit of
exit_json / fail_json and returns the JSON result the module printed (``rc`` added).  Nothing of the
module is replaced: the argument spec, check mode, the client and its TLS verification all run.

The emulator (tests/sandbox/emulator.py) runs as a subprocess for the whole session with a CA of
its own; ``emulated`` resets it before each test and gives the connection options.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import typing as t
from pathlib import Path
from types import ModuleType

import pytest
from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

EMULATOR_FIXTURES = Path(__file__).resolve().parents[2] / "emulator" / "conftest.py"
COLLECTION = "ansible_collections.glassdome.mailcow"
MODULES = sorted(path.stem for path in (Path(__file__).resolve().parents[3] / "plugins" / "modules").glob("mailcow_*.py"))
API_MODULES = [name for name in MODULES if name not in ("mailcow_send_mail", "mailcow_message_info")]


def _emulator_fixtures() -> ModuleType:
    """tests/emulator/conftest.py under a name of its own (pytest already knows a module "conftest")."""
    spec = importlib.util.spec_from_file_location("glassdome_emulator_fixtures", EMULATOR_FIXTURES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


EMU = _emulator_fixtures()
RW_KEY: str = EMU.RW_KEY
RO_KEY: str = EMU.RO_KEY


class Mailcow(t.NamedTuple):
    """The running emulator and the connection options a task would give."""

    emulator: t.Any
    url: str
    ca: str

    def conn(self, key: str = RW_KEY) -> dict[str, t.Any]:
        return {"api_url": self.url, "api_key": key, "ca_path": self.ca}


@pytest.fixture(scope="session")
def _emulator(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[t.Any]:
    tls = EMU.tlsgen.ensure_tls(tmp_path_factory.mktemp("tls"))
    emulator = EMU.start_emulator(tmp_path_factory.mktemp("emulator"), tls)
    yield emulator
    emulator.stop()


@pytest.fixture
def emulated(_emulator: t.Any) -> Mailcow:
    """The session's emulator, back to its starting state (no domains, no faults)."""
    _emulator.control("POST", "reset")
    _emulator.control("POST", "faults/clear")
    _emulator.control("POST", "f2b/clear")
    return Mailcow(_emulator, "https://127.0.0.1:%d" % _emulator.https_port, _emulator.ca)


def load_module(name: str) -> ModuleType:
    return importlib.import_module("%s.plugins.modules.%s" % (COLLECTION, name))


RunModule = t.Callable[..., t.Dict[str, t.Any]]


@pytest.fixture
def run_module(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunModule:
    """run_module(name, args, check_mode=False, diff=False, env=None) -> the module's JSON result plus rc.

    Warnings land in the result as on a target host (once anything controller-side is imported, as
    pytest's collection loader does, they would go to the controller's display instead), as strings.
    """
    monkeypatch.setattr(ansible_internal, "is_controller", False)
    for name in ("MAILCOW_API_URL", "MAILCOW_API_KEY", "MAIL_API", "MAILCOW_VERIFY_SSL", "MAILCOW_CA_PATH",
                 "MAILCOW_SMTP_HOST", "MAILCOW_SMTP_PORT", "MAILCOW_IMAP_HOST", "MAILCOW_IMAP_PORT"):
        monkeypatch.delenv(name, raising=False)

    def run(name: str, args: dict[str, t.Any], *, check_mode: bool = False, diff: bool = False,
            env: dict[str, str] | None = None) -> dict[str, t.Any]:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        module = load_module(name)
        monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
        capsys.readouterr()
        with patch_module_args(dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)):
            with pytest.raises(SystemExit) as exited:
                module.main()
        out = capsys.readouterr().out
        result: dict[str, t.Any] = json.loads(out)
        if "warnings" in result:
            result["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w for w in result["warnings"]]
        result["rc"] = exited.value.code
        return result

    return run


def argument_spec(name: str) -> dict[str, t.Any]:
    """The argument spec a module's main() gives AnsibleModule (read while main() runs with no args)."""
    seen: list[dict[str, t.Any]] = []
    original = basic.AnsibleModule.__init__

    def record(self: basic.AnsibleModule, *args: t.Any, **kwargs: t.Any) -> None:
        seen.append(kwargs["argument_spec"] if "argument_spec" in kwargs else args[0])
        original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch, patch_module_args({}):
        patch.setattr(basic.AnsibleModule, "__init__", record)
        for env in ("MAILCOW_API_URL", "MAILCOW_API_KEY", "MAIL_API"):
            patch.delenv(env, raising=False)
        with pytest.raises(SystemExit):
            load_module(name).main()
    assert len(seen) == 1, "%s: main() created %d AnsibleModule instances" % (name, len(seen))
    return seen[0]


def env_fallbacks(spec: dict[str, t.Any], prefix: str = "") -> dict[str, list[str]]:
    """Option path -> its env_fallback names, nested options included."""
    found: dict[str, list[str]] = {}
    for option, details in spec.items():
        fallback = details.get("fallback")
        if fallback and fallback[0] is basic.env_fallback:
            found[prefix + option] = list(fallback[1])
        if isinstance(details.get("options"), dict):
            found.update(env_fallbacks(details["options"], prefix + option + "."))
    return found
