# SPDX-License-Identifier: GPL-3.0-or-later
"""Render extensions/awx/credential_types/mailcow.yml the way AWX does when it launches a job.

AWX (CredentialType.inject_credential) builds a namespace from the credential's inputs: strings only
when not empty, booleans always, and a boolean input that was never set as false.  It renders
each ``file`` injector with Jinja2's ImmutableSandboxedEnvironment into a file of the job's
private data directory (``<private_data_dir>/env``), puts the file names under
``tower.filename`` (``template.<name>`` -> ``tower.filename.<name>``; a bare ``template`` ->
``tower.filename``), and then renders every ``env`` injector with the same namespace.  Used by
tests/unit/plugins/test_awx_credential_type.py and tests/integration/test_awx_runner.py.
"""

from __future__ import annotations

import os
import stat
import tempfile
import typing as t
from pathlib import Path
from types import SimpleNamespace

import yaml  # type: ignore[import-untyped]
from jinja2.sandbox import ImmutableSandboxedEnvironment

CREDENTIAL_TYPE = Path(__file__).resolve().parents[2] / "extensions" / "awx" / "credential_types" / "mailcow.yml"


def load(path: Path = CREDENTIAL_TYPE) -> dict[str, t.Any]:
    data: dict[str, t.Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def namespace(credential_type: dict[str, t.Any], inputs: dict[str, t.Any]) -> dict[str, t.Any]:
    """The template namespace AWX builds from a credential's inputs (before the file names)."""
    result: dict[str, t.Any] = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or len(value):
            result[name] = value
    for field in credential_type["inputs"].get("fields", []):
        if field.get("type") == "boolean" and field["id"] not in inputs:
            result[field["id"]] = False
    return result


def inject(credential_type: dict[str, t.Any], inputs: dict[str, t.Any], private_data_dir: Path) -> dict[str, str]:
    """The environment variables AWX gives the job; file injectors land in private_data_dir/env."""
    env_dir = private_data_dir / "env"
    env_dir.mkdir(parents=True, exist_ok=True)
    values = namespace(credential_type, inputs)
    tower = SimpleNamespace()
    values["tower"] = tower
    sandbox = ImmutableSandboxedEnvironment()
    files: dict[str, str] = {}
    for label, template in credential_type["injectors"].get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(sandbox.from_string(template).render(**values))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if "." in label:
            files[label.split(".", 1)[1]] = path
        else:
            tower.filename = path
    if files:
        tower.filename = SimpleNamespace(**files)
    return {name: sandbox.from_string(template).render(**values) for name, template in credential_type["injectors"].get("env", {}).items()}
