# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/provision.yml run the way AWX runs a job template: through ansible-runner.

The connection reaches the job only as the environment AWX builds from a credential of the
collection's credential type (extensions/awx/credential_types/mailcow.yml, read from the installed
artifact, rendered by tests/tools/awx_credential.py as AWX renders it, the CA bundle written to a
file of the private data directory); nothing of the sandbox's own MAILCOW_* environment is passed
on.  After the run, every file ansible-runner produced (artifacts: stdout, job events, status, fact
cache) and its console output are searched for the API key and every mailbox password, plain and
escaped.  The inputs AWX itself writes are not searched: env/envvars (the injected environment),
inventory/ (the passwords are inventory variables), and artifacts/<ident>/command (ansible-runner's
copy of the command line and its environment).

ansible-runner runs from its own venv, .build/venvs/ansible-runner (`make venv-ansible-runner`).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import ssl
import subprocess
import sys
import typing as t
import urllib.parse
from pathlib import Path

import pytest
import yaml

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "tools"))
import awx_credential  # noqa: E402

RUNNER_VENV = REPO / ".build" / "venvs" / "ansible-runner"
IDENT = "job1"


def installed_collection() -> Path:
    for base in os.environ.get("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".build" / "installed")).split(os.pathsep):
        path = Path(base) / "ansible_collections" / "glassdome" / "mailcow"
        if (path / "MANIFEST.json").exists():
            return path
    pytest.fail("no installed artifact on ANSIBLE_COLLECTIONS_PATH: run `make collection`")


def secret_forms(secret: str) -> set[str]:
    """The ways a secret can show up in a log: plain, JSON-escaped, URL-encoded, repr-escaped."""
    return {secret, json.dumps(secret)[1:-1], urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret), repr(secret)[1:-1]}


def inventory(domain: str, passwords: dict[str, str]) -> dict[str, t.Any]:
    host = {
        "ansible_python_interpreter": str(RUNNER_VENV / "bin" / "python"),
        "mailcow_domain": domain,
        "mailcow_domain_settings": {"description": "AWX job", "max_mailboxes": 10, "default_quota": 512, "max_quota": 2048, "total_quota": 10240},
        # Unicode, quotes, a backslash and URL-reserved characters: escaped forms differ from the plain one.
        "mailcow_mailboxes": [{"local_part": name, "name": name.title(), "password": password, "quota": 512}
                              for name, password in passwords.items()],
        "mailcow_aliases": [{"address": "team@" + domain, "goto": ["%s@%s" % (name, domain) for name in passwords]}],
    }
    return {"all": {"children": {"mailcow_servers": {"hosts": {"awx_job": host}}}}}


def private_data_dir(root: Path, facts: dict[str, t.Any], domain: str, passwords: dict[str, str]) -> dict[str, str]:
    """Lay out what AWX hands ansible-runner; return the injected environment."""
    collection = installed_collection()
    credential_type = awx_credential.load(collection / "extensions" / "awx" / "credential_types" / "mailcow.yml")
    inputs = {
        "api_url": facts["api_url"], "api_key": facts["rw_key"], "ca_bundle": Path(facts["ca_path"]).read_text(),
        "smtp_host": str(facts["smtp_host"]), "smtp_port": str(facts["smtp_port"]),
        "imap_host": str(facts["imap_host"]), "imap_port": str(facts["imap_port"]),
    }
    injected = awx_credential.inject(credential_type, inputs, root)
    envvars = dict(injected, ANSIBLE_COLLECTIONS_PATH=str(collection.parents[2]), ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
    (root / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    (root / "env" / "cmdline").write_text("-vvvv")
    (root / "project").mkdir()
    (root / "project" / "provision.yml").write_text((collection / "playbooks" / "provision.yml").read_text())
    (root / "inventory").mkdir()
    (root / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory(domain, passwords), allow_unicode=True))
    return injected


def runner_env() -> dict[str, str]:
    """The test's environment less every Mailcow connection variable: the job may only get the injected ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAILCOW_", "MAIL_API", "ANSIBLE_"))}
    env["PATH"] = "%s%s%s" % (RUNNER_VENV / "bin", os.pathsep, env.get("PATH", ""))
    return env


def events(root: Path) -> list[dict[str, t.Any]]:
    return [json.loads(path.read_text()) for path in sorted((root / "artifacts" / IDENT / "job_events").glob("*.json"))]


def produced_files(root: Path) -> list[Path]:
    inputs = {root / "env" / "envvars", root / "artifacts" / IDENT / "command"}
    return [path for path in sorted(root.rglob("*"))
            if path.is_file() and path not in inputs and root / "inventory" not in path.parents]


def mailbox_names(facts: dict[str, t.Any], domain: str) -> set[str]:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    url = urllib.parse.urlsplit(facts["api_url"])
    conn = http.client.HTTPSConnection(url.hostname or "", url.port, context=context, timeout=30)
    try:
        conn.request("GET", "/api/v1/get/mailbox/all/" + domain, headers={"X-API-Key": facts["rw_key"]})
        data = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    return {entry["username"] for entry in data}


@pytest.fixture
def runner_bin() -> Path:
    path = RUNNER_VENV / "bin" / "ansible-runner"
    if not path.exists():
        pytest.fail("%s is missing: run `make venv-ansible-runner` (make integration does)" % path)
    return path


def test_provision_through_ansible_runner_with_injected_credential(facts: dict[str, t.Any], runner_bin: Path, tmp_path: Path) -> None:
    domain = "awx-%s.example" % secrets.token_hex(3)
    passwords = {"alice": "Ä1-\"q\\u0041'&=/%s" % secrets.token_hex(4), "bob": "B0b+ %s?#" % secrets.token_hex(4)}
    root = tmp_path / "private_data_dir"
    injected = private_data_dir(root, facts, domain, passwords)
    assert Path(injected["MAILCOW_CA_PATH"]).parent == root / "env"

    proc = subprocess.run([str(runner_bin), "run", str(root), "-p", "provision.yml", "--ident", IDENT],
                          env=runner_env(), capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, check=False)
    console = proc.stdout + proc.stderr
    assert proc.returncode == 0, console[-20000:]
    assert (root / "artifacts" / IDENT / "status").read_text() == "successful"

    stats = [event for event in events(root) if event["event"] == "playbook_on_stats"]
    assert len(stats) == 1 and stats[0]["event_data"]["changed"].get("awx_job", 0) >= 3, stats
    assert not stats[0]["event_data"]["failures"] and not stats[0]["event_data"]["dark"]
    assert mailbox_names(facts, domain) == {"%s@%s" % (name, domain) for name in passwords}

    # The search reads what the run printed: the domain (not a secret) is in the console and the events.
    assert domain in console and any(domain.encode() in path.read_bytes() for path in produced_files(root))
    leaks = []
    for secret in [facts["rw_key"], *passwords.values()]:
        for form in secret_forms(secret):
            leaks += ["console"] if form in console else []
            leaks += [str(path.relative_to(root)) for path in produced_files(root) if form.encode() in path.read_bytes()]
    assert not leaks, "a secret appears in: %s" % sorted(set(leaks))
