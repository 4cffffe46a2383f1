# SPDX-License-Identifier: GPL-3.0-or-later
"""Debian's Postfix and Dovecot on loopback, configured like a Mailcow as its users meet it.

Everything lives under the sandbox directory: generated config in ``<dir>/postfix`` and
``<dir>/dovecot``, logs in ``<dir>/log``, mail in ``<dir>/mail`` (the users file that the API
emulator rewrites, and the maildirs). All config text is generated here, in one place.

Used by ``sandbox.py``; it can also be run on its own for debugging::

    python3 tests/sandbox/mailstack.py start|stop|status|render DIR [--cert C --key K]

Where it knowingly differs from a real Mailcow (see also the comments in the templates):
- Dovecot counts a client whose address equals its own as secured, so on loopback IMAP LOGIN
  before STARTTLS on the 143-style port is accepted. Postfix has no such rule: AUTH on the
  587-style port is offered only after STARTTLS, as on Mailcow.
- No auth cache, no failed-login delay or penalty: changes through the API hold on the next
  login, and one test's wrong password does not slow the others.
- A login owns exactly its own address as envelope sender (no sender_allowed aliases, no
  sender_acl); mail to foreign domains is refused at RCPT instead of relayed.
- No rspamd, Sieve, quota or duplicate-Message-ID suppression.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from string import Template
from typing import Callable, Iterable

HOST = "127.0.0.1"
HOSTNAME = "mail.sandbox.test"
POSTFIX = "/usr/sbin/postfix"
DOVECOT = "/usr/sbin/dovecot"
DOVECOT_LUA = "/usr/lib/dovecot/modules/auth/libauthdb_lua.so"
# Mailcow's message_size_limit (data/conf/postfix/main.cf).
MESSAGE_SIZE_LIMIT = 104857600
# Mail to this domain is relayed to MailPorts.relay_down, where nothing listens: it stays in Postfix's
# deferred queue ("connect to ...: Connection refused"), as mail to a remote server that is down stays in a
# real Mailcow's queue, until a test listens there and flushes the queue.
UNREACHABLE_DOMAIN = "unreachable.invalid"
# Unix socket paths are limited to 108 bytes; Dovecot puts its sockets in base_dir.
MAX_BASE_DIR = 60


@dataclasses.dataclass(frozen=True)
class MailPorts:
    """The loopback ports of the mail stack (tests/sandbox/README.md, "Contract between the parts")."""

    smtp: int
    smtps: int
    smtp_mx: int
    imap: int
    imap_starttls: int
    lmtp: int
    auth: int
    table_domains: int
    table_mailboxes: int
    table_aliases: int
    relay_down: int  # nothing listens here (UNREACHABLE_DOMAIN's next hop) unless a test does

    @classmethod
    def from_base(cls, base: int = 10000) -> MailPorts:
        # The well-known port number plus a base keeps the ports recognisable (10587 = 587).
        return cls(smtp=base + 587, smtps=base + 465, smtp_mx=base + 25, imap=base + 993,
                   imap_starttls=base + 143, lmtp=base + 24, auth=base + 26,
                   table_domains=base + 31, table_mailboxes=base + 32, table_aliases=base + 33,
                   relay_down=base + 2525)

    def listening(self) -> dict[str, int]:
        """The ports our daemons listen on (the table ports belong to the emulator)."""
        return {"smtp": self.smtp, "smtps": self.smtps, "smtp_mx": self.smtp_mx,
                "imap": self.imap, "imap_starttls": self.imap_starttls,
                "lmtp": self.lmtp, "auth": self.auth}


@dataclasses.dataclass(frozen=True)
class MailStack:
    """Where the mail stack of one sandbox directory lives and how it is reached."""

    state_dir: Path
    ports: MailPorts
    cert: Path
    key: Path
    mail_uid: int
    mail_gid: int

    @property
    def postfix_dir(self) -> Path:
        return self.state_dir / "postfix"

    @property
    def postfix_queue_dir(self) -> Path:
        # Outside the config dir: `postfix check` wants everything under that owned by root.
        return self.state_dir / "spool" / "postfix"

    @property
    def postfix_data_dir(self) -> Path:
        return self.state_dir / "spool" / "postfix-data"

    @property
    def dovecot_dir(self) -> Path:
        return self.state_dir / "dovecot"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "log"

    @property
    def mail_dir(self) -> Path:
        return self.state_dir / "mail"

    @property
    def users_file(self) -> Path:
        return self.mail_dir / "users"

    @property
    def vmail_dir(self) -> Path:
        return self.mail_dir / "vmail"

    @property
    def dovecot_conf(self) -> Path:
        return self.dovecot_dir / "dovecot.conf"

    @property
    def dovecot_base_dir(self) -> Path:
        base = self.dovecot_dir / "run"
        if len(str(base)) <= MAX_BASE_DIR:
            return base
        # A deep sandbox dir would overflow sun_path: use a short, stable name instead.
        digest = hashlib.sha1(str(self.state_dir).encode()).hexdigest()[:10]
        return Path("/tmp") / f"mailcow-sandbox-{digest}"

    @property
    def instance_name(self) -> str:
        digest = hashlib.sha1(str(self.state_dir).encode()).hexdigest()[:8]
        return f"mailcow-sandbox-{digest}"


def mail_user() -> tuple[int, int]:
    """Debian's ``mail`` user (uid 8): always present, not root (Dovecot refuses uid 0)."""
    entry = pwd.getpwnam("mail")
    return entry.pw_uid, entry.pw_gid


def binaries_present() -> bool:
    return all(Path(p).exists() for p in (POSTFIX, DOVECOT, DOVECOT_LUA))


# ---------------------------------------------------------------------------------------------
# Config text: templates/*.tmpl (Postfix main.cf, master.cf, the sender-login map; Dovecot's
# dovecot.conf and the Lua passdb/userdb that reads the users file), rendered with string.Template.
# ---------------------------------------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parent / "templates"


def load_template(name: str) -> Template:
    """One template file; its leading ``##`` lines (licence, notes) are not rendered."""
    lines = (TEMPLATES / name).read_text().splitlines(keepends=True)
    while lines and lines[0].startswith("##"):
        lines.pop(0)
    return Template("".join(lines))


def _template_values(stack: MailStack) -> dict[str, object]:
    ports = stack.ports
    return {
        "host": HOST, "hostname": HOSTNAME, "message_size_limit": MESSAGE_SIZE_LIMIT,
        "postfix_dir": stack.postfix_dir, "postfix_queue_dir": stack.postfix_queue_dir,
        "postfix_data_dir": stack.postfix_data_dir, "dovecot_dir": stack.dovecot_dir,
        "log_dir": stack.log_dir, "vmail_dir": stack.vmail_dir, "users_file": stack.users_file,
        "base_dir": stack.dovecot_base_dir, "instance_name": stack.instance_name,
        "cert": stack.cert, "key": stack.key,
        "mail_uid": stack.mail_uid, "mail_gid": stack.mail_gid,
        "smtp": ports.smtp, "smtps": ports.smtps, "smtp_mx": ports.smtp_mx,
        "imap": ports.imap, "imap_starttls": ports.imap_starttls,
        "lmtp": ports.lmtp, "auth": ports.auth,
        "table_domains": ports.table_domains, "table_mailboxes": ports.table_mailboxes,
        "table_aliases": ports.table_aliases,
        "unreachable_domain": UNREACHABLE_DOMAIN.replace(".", "\\."), "relay_down": ports.relay_down,
    }


def render(stack: MailStack) -> dict[Path, str]:
    """Every generated file, by path."""
    values = _template_values(stack)
    return {
        stack.postfix_dir / "main.cf": load_template("postfix-main.cf.tmpl").substitute(values),
        stack.postfix_dir / "master.cf": load_template("postfix-master.cf.tmpl").substitute(values),
        stack.postfix_dir / "sender_login_maps": load_template("postfix-sender_login_maps.tmpl").substitute(values),
        stack.postfix_dir / "transport": load_template("postfix-transport.tmpl").substitute(values),
        stack.dovecot_conf: load_template("dovecot.conf.tmpl").substitute(values),
        stack.dovecot_dir / "auth.lua": load_template("auth.lua.tmpl").substitute(values),
    }


# ---------------------------------------------------------------------------------------------
# Directories and files
# ---------------------------------------------------------------------------------------------

def prepare_mail_dirs(state_dir: Path, uid: int, gid: int) -> None:
    """``<dir>/mail`` and the maildir root, reachable by the mail user.

    Called before the emulator starts too, since it writes the users file there. The IMAP
    processes run as the mail user and must traverse every parent of the maildirs.
    """
    mail_dir = state_dir / "mail"
    vmail = mail_dir / "vmail"
    for path in (state_dir, mail_dir):
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(path.stat().st_mode | 0o711)
    vmail.mkdir(exist_ok=True)
    os.chown(vmail, uid, gid)
    vmail.chmod(0o770)
    blocked = [str(p) for p in state_dir.parents if not _traversable(p, uid, gid)]
    if blocked:
        # Dovecot would accept the login and then fail to open the maildir.
        raise MailStackError(f"the mail user (uid {uid}) cannot reach {vmail}: "
                             f"{', '.join(blocked)} lacks search (x) permission for it; "
                             "set MAILCOW_SANDBOX_DIR to a directory under /tmp, or chmod o+x")


def _traversable(path: Path, uid: int, gid: int) -> bool:
    mode = path.stat()
    if mode.st_uid == uid:
        return bool(mode.st_mode & 0o100)
    if mode.st_gid == gid:
        return bool(mode.st_mode & 0o010)
    return bool(mode.st_mode & 0o001)


def write_config(stack: MailStack) -> None:
    """Generate every config file and the directories the daemons expect."""
    for path in (stack.postfix_dir, stack.dovecot_dir, stack.log_dir,
                 stack.dovecot_dir / "state", stack.postfix_queue_dir):
        path.mkdir(parents=True, exist_ok=True)
    prepare_mail_dirs(stack.state_dir, stack.mail_uid, stack.mail_gid)
    data_dir = stack.postfix_data_dir
    data_dir.mkdir(exist_ok=True)
    postfix_user = pwd.getpwnam("postfix")
    # Postfix insists that its data directory belongs to mail_owner.
    os.chown(data_dir, postfix_user.pw_uid, postfix_user.pw_gid)
    data_dir.chmod(0o700)
    for path, text in render(stack).items():
        _write_atomic(path, text)
    # A socket left by an earlier run would make Dovecot's auth try (and log) the penalty service.
    (stack.dovecot_base_dir / "anvil-auth-penalty").unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------

def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie has exited; only its parent has not reaped it yet.
    return _stat_fields(pid)[0] != "Z"


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat fields after the command name: state, ppid, pgrp, session, ..."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ["X", "0", "0", "0"]
    return raw[raw.rfind(")") + 2:].split()


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _proc_items(pid: int, name: str) -> list[str]:
    """NUL-separated /proc/PID/cmdline or environ, as text."""
    try:
        data = Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return []
    return [item.decode(errors="replace") for item in data.split(b"\0") if item]


@dataclasses.dataclass(frozen=True)
class ProcessMarks:
    """What identifies the processes of one sandbox, and nothing else.

    Sessions: the emulator and both daemons' masters lead their own session (setsid), and
    their children stay in it, so a session finds them even after the leader is gone.
    Exact argv items and environment entries catch the rest (Postfix daemons carry
    MAIL_CONFIG=<dir>/postfix; Dovecot's children are titled "<instance_name>/<service>"), while
    a user's `tail -f <dir>/log/...` or a shell that exported the sandbox dir never matches.
    """

    sessions: frozenset[int] = frozenset()
    argv_items: frozenset[str] = frozenset()
    argv0_prefixes: tuple[str, ...] = ()
    environ_items: frozenset[str] = frozenset()

    def matches(self, pid: int) -> bool:
        fields = _stat_fields(pid)
        if fields[0] in ("Z", "X"):
            return False
        if self.sessions and int(fields[3]) in self.sessions:
            return True
        argv = _proc_items(pid, "cmdline")
        if argv and (self.argv_items.intersection(argv)
                     or (self.argv0_prefixes and argv[0].startswith(self.argv0_prefixes))):
            return True
        return bool(self.environ_items) and bool(
            self.environ_items.intersection(_proc_items(pid, "environ")))

    def with_leaders(self, pids: Iterable[int | None]) -> ProcessMarks:
        """Add the sessions led by ``pids`` (from pid files), but only those the other marks
        recognise as ours: a stale pid file may name a recycled pid of a stranger."""
        leaders = frozenset(p for p in pids if p and pid_alive(p) and self.matches(p))
        return dataclasses.replace(self, sessions=self.sessions | leaders)

    def find(self) -> set[int]:
        own = {os.getpid(), os.getppid()}
        return {pid for pid in _all_pids() if pid not in own and self.matches(pid)}


def _wait_gone(pids: set[int], timeout: float) -> set[int]:
    deadline = time.monotonic() + timeout
    pending = {p for p in pids if pid_alive(p)}
    while pending and time.monotonic() < deadline:
        time.sleep(0.05)
        pending = {p for p in pending if pid_alive(p)}
    return pending


def signal_all(pids: Iterable[int | None], sig: int) -> None:
    for pid in pids:
        if pid:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def kill_all(pids: Iterable[int], *, grace: float = 0.0, timeout: float = 5.0) -> set[int]:
    """Give ``pids`` ``grace`` seconds to exit on their own, then SIGTERM, then SIGKILL.
    Returns the pids still alive at the end (none, unless something is stuck in the kernel)."""
    pending = _wait_gone(set(pids), grace)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        signal_all(pending, sig)
        pending = _wait_gone(pending, timeout)
        if not pending:
            break
    return pending


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) == 0


# ---------------------------------------------------------------------------------------------
# Start / stop
# ---------------------------------------------------------------------------------------------

class MailStackError(RuntimeError):
    pass


def postfix_pid(stack: MailStack) -> int | None:
    return _read_pid(stack.postfix_queue_dir / "pid" / "master.pid")


def dovecot_pid(stack: MailStack) -> int | None:
    return _read_pid(stack.dovecot_base_dir / "master.pid")


def _run(cmd: list[str], what: str, log: Path, *, check: bool = True) -> None:
    # Output goes to a file, not a pipe: a daemonized child would inherit the pipe and keep
    # subprocess waiting for an end of file that never comes.
    out_path = log.with_name("commands.log")
    with out_path.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        code = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    if check and code != 0:
        raise MailStackError(f"{what} failed (exit {code}: {' '.join(cmd)})\n"
                             f"{_tail(out_path, 5)}\n{_tail(log)}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return f"last lines of {path}:\n" + "\n".join(text)


def start_postfix(stack: MailStack) -> int:
    log = stack.log_dir / "postfix.log"
    # `postfix start` creates missing queue directories and runs the integrity checks of
    # `postfix check` itself (their complaints land in the maillog, quoted on failure).
    # As root, `-c DIR` needs no alternate_config_directories entry in /etc/postfix/main.cf:
    # Postfix checks that only for set-gid use (postdrop, postqueue by other users).
    _run([POSTFIX, "-c", str(stack.postfix_dir), "start"], "postfix start", log)
    return _wait_pid(lambda: postfix_pid(stack), "postfix", log)


def start_dovecot(stack: MailStack) -> int:
    log = stack.log_dir / "dovecot.log"
    _run([DOVECOT, "-c", str(stack.dovecot_conf)], "dovecot start", log)
    return _wait_pid(lambda: dovecot_pid(stack), "dovecot", log)


def _wait_pid(read: Callable[[], int | None], name: str, log: Path,
              timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = read()
        if pid and pid_alive(pid):
            return pid
        time.sleep(0.05)
    raise MailStackError(f"{name} did not start\n{_tail(log)}")


def start(stack: MailStack, timeout: float = 20.0) -> dict[str, int]:
    """Write the config and start Postfix and Dovecot; return their master pids."""
    busy = [f"{name} {port}" for name, port in stack.ports.listening().items()
            if port_in_use(port)]
    if busy:
        raise MailStackError(f"ports already in use on {HOST}: {', '.join(busy)}: set MAILCOW_SANDBOX_PORT_BASE "
                             f"to move them to free ports")
    write_config(stack)
    pids = {"dovecot": start_dovecot(stack), "postfix": start_postfix(stack)}
    for name, port in stack.ports.listening().items():
        if not wait_for_port(port, timeout):
            raise MailStackError(f"nothing listens on {HOST}:{port} ({name})")
    return pids


def process_marks(stack: MailStack) -> ProcessMarks:
    marks = ProcessMarks(argv_items=frozenset({str(stack.dovecot_conf)}),
                         argv0_prefixes=(f"dovecot-{stack.instance_name}/",
                                         f"{stack.instance_name}/"),
                         environ_items=frozenset({f"MAIL_CONFIG={stack.postfix_dir}"}))
    return marks.with_leaders([postfix_pid(stack), dovecot_pid(stack)])


def stop(stack: MailStack) -> list[int]:
    """Stop both daemons and everything they started; return the pids that survived."""
    marks = process_marks(stack)
    before = marks.find()
    if pid_alive(postfix_pid(stack)):
        _run([POSTFIX, "-c", str(stack.postfix_dir), "stop"], "postfix stop",
             stack.log_dir / "postfix.log", check=False)
    # SIGTERM is what `dovecot stop` sends too, but that command then polls for two more
    # seconds; the wait below returns as soon as the processes are gone.
    signal_all(marks.sessions & {dovecot_pid(stack)}, signal.SIGTERM)
    kill_all(before | marks.find(), grace=5.0)
    return sorted(marks.find())


def running(stack: MailStack) -> dict[str, int | None]:
    """The master pid of each daemon, None when it is not running (or the pid isn't ours)."""
    leaders = process_marks(stack).sessions
    return {name: pid if pid in leaders else None
            for name, pid in (("postfix", postfix_pid(stack)), ("dovecot", dovecot_pid(stack)))}


# ---------------------------------------------------------------------------------------------
# CLI (debugging aid; sandbox.py is the real entry point)
# ---------------------------------------------------------------------------------------------

def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop", "status", "render"))
    parser.add_argument("dir", type=Path)
    parser.add_argument("--cert", type=Path)
    parser.add_argument("--key", type=Path)
    parser.add_argument("--port-base", type=int, default=10000)
    args = parser.parse_args(argv)
    state_dir = args.dir.resolve()
    uid, gid = mail_user()
    stack = MailStack(state_dir, MailPorts.from_base(args.port_base),
                      args.cert or state_dir / "tls" / "server.pem",
                      args.key or state_dir / "tls" / "server.key", uid, gid)
    if args.action == "render":
        for path, text in render(stack).items():
            print(f"==> {path}\n{text}")
    elif args.action == "start":
        print(start(stack))
    elif args.action == "stop":
        left = stop(stack)
        print("stopped" if not left else f"left behind: {left}")
        return 1 if left else 0
    else:
        print(running(stack))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
