# SPDX-License-Identifier: GPL-3.0-or-later
"""The first hour: `make demo` in a fresh clone with a clean HOME, then a NEW shell that sources only
the line the demo printed runs an ad-hoc info call and ansible-doc.

What is reused, to keep this fast: the clone's .venv is a symlink to this checkout's .venv, and make
gets PYTHON= the interpreter that venv was made with, so the Makefile's stamp (keyed on the requirement
files and that interpreter) finds it up to date and no pip runs; `make -q venv` is asked first, and the
test is skipped rather than let the clone install into this checkout's .venv. Everything else is the clone's own: `make demo` runs `make setup` (Debian package
check, collection build and install into the clone's .build/installed), starts the clone's sandbox
(.sandbox, on free ports chosen like the other mail-stack tests) and runs playbooks/demo.yml.
The clone is `git clone` of this repository plus the work tree's uncommitted changes, so the test
checks the files as they are. The commands and the first playbook are taken from README's quick start
(the text before its first `##`), so that what README tells a newcomer is what is tested.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from mailtest import REPO, free_port_base

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _quick_start() -> tuple[list[str], str]:
    """README's quick start: its `ansible...` command lines, and its first playbook (the YAML block)."""
    text = (REPO / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    blocks = re.findall(r"^```(\w+)\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    commands = [line.split("  #")[0].strip() for kind, body in blocks if kind == "sh" for line in body.splitlines()
                if line.startswith(("ansible ", "ansible-doc ", "ansible-playbook "))]
    playbooks = [body for kind, body in blocks if kind == "yaml"]
    assert commands and len(playbooks) == 1, "README's quick start has ansible commands and one playbook"
    return commands, playbooks[0]


def _clone(dest: Path) -> None:
    """git clone of this repository, then the work tree's uncommitted state laid over it."""
    subprocess.run(["git", "clone", "-q", str(REPO), str(dest)], check=True, capture_output=True)
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard", "-z"],
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    deleted = subprocess.run(["git", "-C", str(REPO), "ls-files", "-d", "-z"],
                             check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, deleted):
        (dest / name).unlink(missing_ok=True)
    if (dest / ".venv").is_symlink():
        (dest / ".venv").unlink()
    (dest / ".venv").symlink_to((REPO / ".venv").resolve(), target_is_directory=True)


@pytest.fixture(scope="module")
def first_hour() -> Iterator[dict[str, object]]:
    if os.geteuid() != 0:
        pytest.skip("make demo runs Debian's Postfix and Dovecot as root")
    if not (REPO / ".venv" / "bin" / "ansible").exists():
        pytest.skip("this checkout has no .venv to reuse: run `make setup` first")
    # A short path (Dovecot's unix sockets live under the clone's .sandbox), traversable by the mail user.
    root = Path(tempfile.mkdtemp(prefix="mcfh-", dir="/tmp"))
    root.chmod(0o755)
    clone, home = root / "c", root / "home"
    home.mkdir()
    base = free_port_base()
    # PYTHON (the Makefile's own variable): the interpreter this checkout's .venv was made with, which its stamp is keyed on.
    make_env = {"PATH": SYSTEM_PATH, "HOME": str(home), "LANG": "C.UTF-8", "PYTHON": os.path.realpath(REPO / ".venv" / "bin" / "python3"),
                "MAILCOW_SANDBOX_PORT_BASE": str(base), "MAILCOW_SANDBOX_API_PORT": str(base + 8443),
                "MAILCOW_SANDBOX_API_HTTP_PORT": str(base + 8080)}
    try:
        _clone(clone)
        # The reused .venv is this checkout's: never let the clone's make install into it.
        fresh = subprocess.run(["make", "-q", "venv"], cwd=clone, env=make_env, capture_output=True, stdin=subprocess.DEVNULL, check=False)
        if fresh.returncode != 0:
            pytest.skip("this checkout's .venv is not up to date with its requirements: run `make venv` first")
        demo = subprocess.run(["make", "demo"], cwd=clone, env=make_env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=900, check=False)
        yield {"root": root, "clone": clone, "home": home, "demo": demo}
    finally:
        if clone.exists():
            subprocess.run(["make", "sandbox-stop"], cwd=clone, env=make_env, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=120, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _printed_line(demo: subprocess.CompletedProcess[str]) -> str:
    assert demo.returncode == 0, "make demo failed:\n%s\n%s" % (demo.stdout[-8000:], demo.stderr[-4000:])
    lines = re.findall(r"^    (\. \S+/env\.sh)$", demo.stdout, re.MULTILINE)
    assert len(lines) == 1, "make demo must print one line to source:\n" + demo.stdout[-3000:]
    return lines[0]


def _new_shell(first_hour: dict[str, object], command: str) -> subprocess.CompletedProcess[str]:
    """bash with an empty environment (HOME and a system PATH only), the printed line sourced, then command."""
    line = _printed_line(first_hour["demo"])  # type: ignore[arg-type]
    proc = subprocess.run(["env", "-i", "HOME=%s" % first_hour["home"], "PATH=%s" % SYSTEM_PATH, "bash", "--noprofile", "--norc", "-c",
                           "%s && %s" % (line, command)], cwd=str(first_hour["home"]), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_demo_prints_the_line_and_leaves_home_clean(first_hour: dict[str, object]) -> None:
    line = _printed_line(first_hour["demo"])  # type: ignore[arg-type]
    assert line == ". %s/.sandbox/env.sh" % first_hour["clone"]
    home = first_hour["home"]
    assert isinstance(home, Path)
    assert not (home / ".ansible" / "collections").exists(), "the collection is used from the clone's .build/installed"
    # Without the line, a new shell has neither ansible nor the collection.
    bare = subprocess.run(["env", "-i", "HOME=%s" % home, "PATH=%s" % SYSTEM_PATH, "bash", "--noprofile", "--norc", "-c",
                           "command -v ansible-doc"], capture_output=True, text=True, check=False)
    assert bare.returncode != 0 or not bare.stdout.startswith(str(first_hour["clone"])), bare.stdout


def test_new_shell_adhoc_info_call(first_hour: dict[str, object]) -> None:
    adhoc = [command for command in _quick_start()[0] if command.startswith("ansible ")]
    assert adhoc == ["ansible localhost -m glassdome.mailcow.mailcow_mailbox_info -a domain=demo.example"], adhoc
    proc = _new_shell(first_hour, adhoc[0])
    head, _sep, body = proc.stdout.partition("=>")
    assert head.strip() == "localhost | SUCCESS", proc.stdout
    result = json.loads(body)
    addresses = [mailbox["address"] for mailbox in result["mailboxes"]]
    assert {"alice@demo.example", "bob@demo.example"} <= set(addresses), addresses
    # The demo mailed bob, and alice kept a Sent copy: the sandbox reports what their maildirs hold, as
    # Dovecot's quota does on a real Mailcow (quota_used is in MiB, so a short mail still rounds to 0.0).
    counts = {mailbox["address"]: mailbox["messages"] for mailbox in result["mailboxes"]}
    assert counts["bob@demo.example"] >= 1 and counts["alice@demo.example"] >= 1, counts


def test_new_shell_ansible_doc(first_hour: dict[str, object]) -> None:
    doc = [command for command in _quick_start()[0] if command.startswith("ansible-doc ")]
    assert doc == ["ansible-doc glassdome.mailcow.mailcow_mailbox"], doc
    proc = _new_shell(first_hour, doc[0] + " && command -v ansible ansible-playbook")
    assert "MODULE glassdome.mailcow.mailcow_mailbox" in proc.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "")
    installed = "%s/.build/installed/ansible_collections/glassdome/mailcow/plugins/modules/mailcow_mailbox.py" % first_hour["clone"]
    assert installed in proc.stdout, "ansible-doc reads the clone's installed copy:\n" + proc.stdout[:500]
    tools = proc.stdout.strip().splitlines()[-2:]
    assert tools == ["%s/.venv/bin/ansible" % first_hour["clone"], "%s/.venv/bin/ansible-playbook" % first_hour["clone"]], tools


def test_new_shell_first_playbook(first_hour: dict[str, object]) -> None:
    """README's first playbook: --check --diff predicts the change, a run makes it, a second run changes nothing."""
    home = first_hour["home"]
    assert isinstance(home, Path)
    (home / "first.yml").write_text(_quick_start()[1])
    recaps = []
    for flags in ("--check --diff", "", ""):
        proc = _new_shell(first_hour, "ansible-playbook first.yml %s" % flags)
        recaps.append(re.findall(r"^localhost +: ok=\d+ +changed=(\d+) +unreachable=0 +failed=0", proc.stdout, re.MULTILINE))
    assert recaps == [["1"], ["1"], ["0"]], recaps
