# SPDX-License-Identifier: GPL-3.0-or-later
"""Start, inspect and stop the sandbox: the Mailcow API emulator plus Postfix and Dovecot.

    python3 tests/sandbox/sandbox.py start [--no-mail] [--latency zero|realistic] [--workers N]
    python3 tests/sandbox/sandbox.py status
    python3 tests/sandbox/sandbox.py stop

State lives in $MAILCOW_SANDBOX_DIR, else <repo>/.sandbox. The facts (URLs, keys, ports, CA)
are printed and written to <dir>/sandbox.json and <dir>/env.sh; tests/sandbox/README.md is the
contract. Standard library only, any python3 >= 3.9.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import secrets
import shlex
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import mailstack  # noqa: E402
import tlsgen  # noqa: E402

HOST = mailstack.HOST
READY_TIMEOUT = 30.0
EXIT_NOT_RUNNING = 3  # LSB: "program is not running"
EXIT_DEGRADED = 1


# ---------------------------------------------------------------------------------------------
# Where things are
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Layout:
    """The sandbox directory and the ports, from the environment (tests/sandbox/README.md, "Contract between the parts")."""

    dir: Path
    ports: mailstack.MailPorts
    api_port: int
    api_http_port: int

    @classmethod
    def from_env(cls) -> Layout:
        raw = os.environ.get("MAILCOW_SANDBOX_DIR")
        return cls(dir=Path(raw).expanduser().resolve() if raw else _default_dir(),
                   ports=mailstack.MailPorts.from_base(_env_int("MAILCOW_SANDBOX_PORT_BASE", 10000)),
                   api_port=_env_int("MAILCOW_SANDBOX_API_PORT", 18443),
                   api_http_port=_env_int("MAILCOW_SANDBOX_API_HTTP_PORT", 18080))

    @property
    def tls_dir(self) -> Path:
        return self.dir / "tls"

    @property
    def log_dir(self) -> Path:
        return self.dir / "log"

    @property
    def run_dir(self) -> Path:
        return self.dir / "run"

    @property
    def emulator_config(self) -> Path:
        return self.dir / "emulator.json"

    @property
    def emulator_pid_file(self) -> Path:
        return self.run_dir / "emulator.pid"

    @property
    def facts_file(self) -> Path:
        return self.dir / "sandbox.json"

    def mail_stack(self) -> mailstack.MailStack:
        uid, gid = _mail_ids()
        return mailstack.MailStack(self.dir, self.ports, self.tls_dir / "server.pem",
                                   self.tls_dir / "server.key", uid, gid)


def _default_dir() -> Path:
    """<repo>/.sandbox; a link to a /tmp directory when the checkout is not reachable by the mail user.

    Dovecot and Postfix deliver as Debian's mail user, which must traverse every parent of the
    maildirs: a clone under /root (mode 0700) would refuse that. The link keeps the documented
    path (.sandbox/env.sh) working while the files live where the mail user can reach them.
    """
    link = REPO / ".sandbox"
    if link.is_symlink() or link.exists():
        return link.resolve()
    uid, gid = _mail_ids()
    if all(mailstack._traversable(p, uid, gid) for p in [REPO, *REPO.parents]):
        return link
    target = Path(tempfile.gettempdir()) / ("glassdome-mailcow-sandbox-" + hashlib.sha256(str(REPO).encode()).hexdigest()[:10])
    target.mkdir(mode=0o755, exist_ok=True)
    link.symlink_to(target, target_is_directory=True)
    return target


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _mail_ids() -> tuple[int, int]:
    try:
        return mailstack.mail_user()
    except KeyError:  # no `mail` user: Debian's uid/gid, only used to fill the users file
        return 8, 8


@contextlib.contextmanager
def _locked(layout: Layout) -> Iterator[None]:
    """One start/stop at a time per sandbox directory."""
    layout.dir.mkdir(parents=True, exist_ok=True)
    with open(layout.dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# ---------------------------------------------------------------------------------------------
# Keys, TLS, facts
# ---------------------------------------------------------------------------------------------

def _new_key() -> str:
    """Mailcow's API key shape: five groups of six uppercase hex digits."""
    digits = secrets.token_hex(15).upper()
    return "-".join(digits[i:i + 6] for i in range(0, 30, 6))


def ensure_keys(layout: Layout) -> dict[str, str]:
    """The read-write and read-only keys, kept across restarts so env.sh stays valid."""
    path = layout.dir / "keys.json"
    try:
        keys = json.loads(path.read_text())
        if keys.get("rw_key") and keys.get("ro_key"):
            return {"rw_key": keys["rw_key"], "ro_key": keys["ro_key"]}
    except (OSError, ValueError):
        pass
    keys = {"rw_key": _new_key(), "ro_key": _new_key()}
    _write_private(path, json.dumps(keys, indent=2) + "\n")
    return keys


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    tmp.replace(path)


def build_facts(layout: Layout, keys: dict[str, str], tls: dict[str, str],
                mail: bool) -> dict[str, Any]:
    ports = layout.ports
    uid, gid = _mail_ids()
    api_url = f"https://{HOST}:{layout.api_port}"
    return {
        "api_url": api_url,
        "api_url_http": f"http://{HOST}:{layout.api_http_port}",
        "rw_key": keys["rw_key"],
        "ro_key": keys["ro_key"],
        "ca_path": tls["ca"],
        "control_url": f"{api_url}/_sandbox",
        "mail": mail,
        "smtp_host": HOST,
        "imap_host": HOST,
        "smtp_port": ports.smtp,
        "smtps_port": ports.smtps,
        "smtp_mx_port": ports.smtp_mx,
        "imap_port": ports.imap,
        "imap_starttls_port": ports.imap_starttls,
        "lmtp_port": ports.lmtp,
        "auth_port": ports.auth,
        "table_ports": {"domains": ports.table_domains, "mailboxes": ports.table_mailboxes,
                        "aliases": ports.table_aliases},
        "dir": str(layout.dir),
        "state_dir": str(layout.dir),  # the name tests/integration/conftest.py reads
        "users_file": str(layout.dir / "mail" / "users"),
        "vmail_dir": str(layout.dir / "mail" / "vmail"),
        "mail_uid": uid,
        "mail_gid": gid,
        "log_dir": str(layout.log_dir),
        # Mail to <anyone>@unreachable_domain waits in Postfix's deferred queue: its next hop, this port, has no listener.
        "unreachable_domain": mailstack.UNREACHABLE_DOMAIN,
        "relay_down_port": ports.relay_down,
    }


# The env.sh names of the contract, by sandbox.json key.
ENV_NAMES = {
    "api_url": "MAILCOW_API_URL",
    "api_url_http": "MAILCOW_SANDBOX_HTTP_URL",
    "rw_key": "MAILCOW_API_KEY",
    "ro_key": "MAILCOW_API_KEY_RO",
    "ca_path": "MAILCOW_CA_PATH",
    "control_url": "MAILCOW_SANDBOX_CONTROL",
    "smtp_host": "MAILCOW_SMTP_HOST",
    "imap_host": "MAILCOW_IMAP_HOST",
    "smtp_port": "MAILCOW_SMTP_PORT",
    "smtps_port": "MAILCOW_SMTPS_PORT",
    "smtp_mx_port": "MAILCOW_SMTP_MX_PORT",
    "imap_port": "MAILCOW_IMAP_PORT",
    "imap_starttls_port": "MAILCOW_IMAP_STARTTLS_PORT",
    "dir": "MAILCOW_SANDBOX_DIR",
}


# The integration_config.yml variables (ansible-test integration's -e file), by sandbox.json key.
INTEGRATION_VARS = {
    "api_url": "sandbox_api_url",
    "rw_key": "sandbox_api_key",
    "ro_key": "sandbox_api_key_ro",
    "ca_path": "sandbox_ca_path",
    "mail": "sandbox_mail",
    "smtp_host": "sandbox_smtp_host",
    "smtp_port": "sandbox_smtp_port",
    "smtps_port": "sandbox_smtps_port",
    "imap_host": "sandbox_imap_host",
    "imap_port": "sandbox_imap_port",
    "imap_starttls_port": "sandbox_imap_starttls_port",
    "vmail_dir": "sandbox_vmail_dir",
    "unreachable_domain": "sandbox_unreachable_domain",
}
# Where ansible-test looks for it, in a collection: written there for the repository's own sandbox.
INTEGRATION_CONFIG = REPO / "tests" / "integration" / "integration_config.yml"


def write_facts(layout: Layout, facts: dict[str, Any]) -> None:
    _write_private(layout.facts_file, json.dumps(facts, indent=2) + "\n")
    lines = ["# Generated by tests/sandbox/sandbox.py start; source it: . " + shlex.quote(str(layout.dir / "env.sh"))]
    lines += [f"export {name}={shlex.quote(str(facts[key]))}" for key, name in ENV_NAMES.items()]
    lines.append(f"export MAILCOW_SANDBOX_MAIL={1 if facts['mail'] else 0}")
    lines += tool_lines()
    _write_private(layout.dir / "env.sh", "\n".join(lines) + "\n")
    write_integration_config(layout, facts)


def tool_lines() -> list[str]:
    """env.sh's shell lines that put this checkout's tools and installed collection first.

    ansible, ansible-playbook and ansible-doc come from <repo>/.venv/bin; the collection from the
    copy `make setup` installs in <repo>/.build/installed, ahead of whatever the shell had (or
    ansible-core's defaults), so an older copy in ~/.ansible/collections cannot shadow it.
    """
    venv_bin = shlex.quote(str(REPO / ".venv" / "bin"))
    installed = shlex.quote(str(REPO / ".build" / "installed"))
    defaults = "$HOME/.ansible/collections:/usr/share/ansible/collections"
    return [
        "# This checkout's Ansible and the collection as installed by `make setup` (make demo runs it).",
        f"export PATH={venv_bin}:\"$PATH\"",
        f"export ANSIBLE_COLLECTIONS_PATH={installed}:\"${{ANSIBLE_COLLECTIONS_PATH:-{defaults}}}\"",
    ]


def write_integration_config(layout: Layout, facts: dict[str, Any]) -> None:
    """<dir>/integration_config.yml; also tests/integration/'s when this is the repository's sandbox.

    JSON is YAML, so the standard library writes it. A sandbox elsewhere (MAILCOW_SANDBOX_DIR, as
    the mailstack tests start) leaves the repository's file to the repository's sandbox.
    """
    config = {name: facts[key] for key, name in INTEGRATION_VARS.items()}
    text = ("# Generated by tests/sandbox/sandbox.py start: the connection to this sandbox for\n"
            "# ansible-test integration (tests/integration/targets).\n" + json.dumps(config, indent=2) + "\n")
    _write_private(layout.dir / "integration_config.yml", text)
    if layout.dir.resolve() == (REPO / ".sandbox").resolve() and INTEGRATION_CONFIG.parent.is_dir():
        _write_private(INTEGRATION_CONFIG, text)


def read_facts(layout: Layout) -> dict[str, Any] | None:
    try:
        facts = json.loads(layout.facts_file.read_text())
    except (OSError, ValueError):
        return None
    return facts if isinstance(facts, dict) else None


def print_facts(facts: dict[str, Any], state: dict[str, Any]) -> None:
    running = ", ".join(f"{name} {pid}" if pid else f"{name} down" for name, pid in state.items())
    print(f"sandbox in {facts['dir']}: {running}")
    for key in ("api_url", "api_url_http", "rw_key", "ro_key", "ca_path", "control_url"):
        print(f"  {key:<20} {facts[key]}")
    if facts["mail"]:
        for key in ("smtp_host", "smtp_port", "smtps_port", "smtp_mx_port", "imap_host",
                    "imap_port", "imap_starttls_port", "lmtp_port", "auth_port", "mail_uid"):
            print(f"  {key:<20} {facts[key]}")
    else:
        print("  mail                 off (--no-mail)")
    print(f"  env                  . {facts['dir']}/env.sh")


# ---------------------------------------------------------------------------------------------
# The emulator process
# ---------------------------------------------------------------------------------------------

def emulator_config(layout: Layout, keys: dict[str, str], tls: dict[str, str],
                    args: argparse.Namespace) -> dict[str, Any]:
    uid, gid = _mail_ids()
    ports = layout.ports
    config: dict[str, Any] = {
        "host": HOST, "https_port": layout.api_port, "http_port": layout.api_http_port,
        "cert": tls["cert"], "key": tls["key"], **keys,
        "allow_from": {"rw": ["127.0.0.1", "::1"], "ro": ["127.0.0.1", "::1"]},
        "mail_dir": str(layout.dir / "mail"), "vmail_dir": str(layout.dir / "mail" / "vmail"),
        "mail_uid": uid, "mail_gid": gid,
        "table_ports": {"domains": ports.table_domains, "mailboxes": ports.table_mailboxes,
                        "aliases": ports.table_aliases},
        "log_file": str(layout.log_dir / "emulator.log"),
    }
    if not getattr(args, "no_mail", False):
        # get/mailq, edit/mailq, delete/mailq and get/postcat act on this Postfix's queue while it runs.
        config["postfix_dir"] = str(layout.mail_stack().postfix_dir)
        config["postfix_port"] = ports.smtp_mx  # released quarantine mail is delivered through the sandbox's Postfix
    # Unset options keep the emulator's own defaults.
    if args.latency:
        config["latency"] = args.latency
    if args.workers:
        config["workers"] = args.workers
    return config


def emulator_marks(layout: Layout) -> mailstack.ProcessMarks:
    marks = mailstack.ProcessMarks(argv_items=frozenset({str(layout.emulator_config)}))
    return marks.with_leaders([_read_pid(layout.emulator_pid_file)])


def emulator_pid(layout: Layout) -> int | None:
    """The recorded emulator pid, if that process is alive and still our emulator."""
    pid = _read_pid(layout.emulator_pid_file)
    return pid if pid in emulator_marks(layout).sessions else None


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def start_emulator(layout: Layout, config: dict[str, Any]) -> int:
    """Run the emulator in its own session, detached, and wait for its "ready" line."""
    layout.emulator_config.write_text(json.dumps(config, indent=2) + "\n")
    layout.emulator_config.chmod(0o600)  # holds the keys
    out_path = layout.log_dir / "emulator.out"
    # stdout goes to a file: a pipe would break (SIGPIPE) once this command has exited.
    with out_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "emulator.py"), "serve", "--config",
             str(layout.emulator_config)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=str(layout.dir))
    layout.emulator_pid_file.write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if "ready" in out_path.read_text(errors="replace").split():
            return proc.pid
        if proc.poll() is not None:
            raise SandboxError(f"the emulator exited with {proc.returncode}:\n"
                               f"{out_path.read_text(errors='replace').strip()}")
        time.sleep(0.05)
    mailstack.kill_all(emulator_marks(layout).find())
    raise SandboxError(f"the emulator did not print 'ready' within {READY_TIMEOUT:.0f} s")


def control(facts: dict[str, Any], path: str, body: dict[str, Any]) -> None:
    """POST to the emulator's control API (README "Control API")."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(f"{facts['control_url']}/{path}", method="POST",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10, context=context) as reply:
        reply.read()


# ---------------------------------------------------------------------------------------------
# The mail stack
# ---------------------------------------------------------------------------------------------

class SandboxError(RuntimeError):
    pass


def ensure_mail_packages() -> None:
    """Install Postfix and Dovecot (apt) unless they are there already."""
    if mailstack.binaries_present():
        return
    if os.geteuid() != 0:
        raise SandboxError("Postfix/Dovecot are missing and installing them needs root: run "
                           f"'sudo {HERE / 'install-debs.sh'}', or start with --no-mail")
    print("installing Postfix and Dovecot (once) ...", flush=True)
    subprocess.run(["sh", str(HERE / "install-debs.sh")], check=True,
                   stdin=subprocess.DEVNULL)
    if not mailstack.binaries_present():
        raise SandboxError("install-debs.sh ran but Postfix/Dovecot binaries are still missing")


def start_mail(layout: Layout) -> None:
    if os.geteuid() != 0:
        raise SandboxError("the mail stack runs Debian's Postfix and Dovecot and needs root; "
                           "start with --no-mail for the API alone")
    ensure_mail_packages()
    try:
        mailstack.start(layout.mail_stack())
    except mailstack.MailStackError as exc:
        raise SandboxError(str(exc)) from exc


def process_state(layout: Layout, facts: dict[str, Any] | None) -> dict[str, int | None]:
    state: dict[str, int | None] = {"emulator": emulator_pid(layout)}
    if facts is None or facts.get("mail"):
        state.update(mailstack.running(layout.mail_stack()))
    return state


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

def cmd_start(layout: Layout, args: argparse.Namespace) -> int:
    started = time.monotonic()
    with _locked(layout):
        facts = read_facts(layout)
        state = process_state(layout, facts)
        if facts and all(state.values()) and (args.no_mail or facts["mail"]):
            _apply_live_settings(facts, args)
            write_integration_config(layout, facts)  # a sandbox started before the file existed
            print_facts(facts, state)
            return 0
        # Anything half-up (a crash, a reboot, mail now wanted): start again from clean.
        _stop_all(layout)
        facts = _start_all(layout, args)
        state = process_state(layout, facts)
    print_facts(facts, state)
    print(f"started in {time.monotonic() - started:.1f} s")
    return 0


def _apply_live_settings(facts: dict[str, Any], args: argparse.Namespace) -> None:
    """Options given to `start` on a running sandbox are applied through the control API."""
    if args.latency:
        control(facts, "latency", {"model": args.latency})
    if args.workers:
        control(facts, "workers", {"workers": args.workers})


def busy_ports(layout: Layout, mail: bool) -> list[str]:
    """One line per port another process already holds, naming the variable that moves it."""
    ports = layout.ports
    wanted = [("the API over HTTPS", layout.api_port, "MAILCOW_SANDBOX_API_PORT"),
              ("the API over HTTP", layout.api_http_port, "MAILCOW_SANDBOX_API_HTTP_PORT")]
    by_base = {"Postfix's lookup tables": [ports.table_domains, ports.table_mailboxes, ports.table_aliases]}
    if mail:
        by_base["the mail stack"] = list(ports.listening().values())
    for what, numbers in by_base.items():
        wanted += [(what, port, "MAILCOW_SANDBOX_PORT_BASE") for port in numbers]
    return [f"port {port} ({what}) is in use: set {variable} to move it to a free port"
            for what, port, variable in wanted if mailstack.port_in_use(port)]


def _start_all(layout: Layout, args: argparse.Namespace) -> dict[str, Any]:
    for path in (layout.log_dir, layout.run_dir):
        path.mkdir(parents=True, exist_ok=True)
    mail = not args.no_mail
    busy = busy_ports(layout, mail)
    if busy:
        raise SandboxError("; ".join(busy))
    keys = ensure_keys(layout)
    tls = tlsgen.ensure_tls(layout.tls_dir)
    if mail:
        uid, gid = _mail_ids()
        # The emulator writes the users file at once; Dovecot's mail user must reach it.
        mailstack.prepare_mail_dirs(layout.dir, uid, gid)
    start_emulator(layout, emulator_config(layout, keys, tls, args))
    facts = build_facts(layout, keys, tls, mail)
    try:
        if mail:
            start_mail(layout)
    except BaseException:
        _stop_all(layout)
        raise
    write_facts(layout, facts)
    return facts


def _stop_all(layout: Layout) -> list[int]:
    """Stop the mail stack, then the emulator; return whatever could not be stopped."""
    left: list[int] = []
    marks = emulator_marks(layout)
    emulator = marks.find()
    # The emulator winds down (it takes a second or two) while the mail stack stops.
    mailstack.signal_all(emulator, signal.SIGTERM)
    if Path(mailstack.POSTFIX).exists() or Path(mailstack.DOVECOT).exists():
        left += mailstack.stop(layout.mail_stack())
    mailstack.kill_all(emulator | marks.find(), grace=5.0)
    left += sorted(marks.find())
    layout.emulator_pid_file.unlink(missing_ok=True)
    return left


def cmd_status(layout: Layout, args: argparse.Namespace) -> int:
    facts = read_facts(layout)
    state = process_state(layout, facts)
    if facts is None or not any(state.values()):
        print(f"sandbox in {layout.dir}: not running")
        return EXIT_NOT_RUNNING
    print_facts(facts, state)
    return 0 if all(state.values()) else EXIT_DEGRADED


def cmd_stop(layout: Layout, args: argparse.Namespace) -> int:
    started = time.monotonic()
    with _locked(layout):
        left = _stop_all(layout)
    if left:
        print(f"sandbox in {layout.dir}: processes left behind: {left}", file=sys.stderr)
        return 1
    print(f"sandbox in {layout.dir}: stopped in {time.monotonic() - started:.1f} s")
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sandbox.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start (or show) the sandbox")
    start.add_argument("--no-mail", action="store_true", help="the API emulator alone")
    start.add_argument("--latency", choices=("zero", "realistic"))
    start.add_argument("--workers", type=int)
    commands.add_parser("status", help="show the facts; exit 3 when not running")
    commands.add_parser("stop", help="stop everything the sandbox started")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    layout = Layout.from_env()
    command = {"start": cmd_start, "status": cmd_status, "stop": cmd_stop}[args.command]
    try:
        return command(layout, args)
    except (SandboxError, mailstack.MailStackError, OSError, subprocess.CalledProcessError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
