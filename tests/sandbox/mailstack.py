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

    @classmethod
    def from_base(cls, base: int = 10000) -> MailPorts:
        # The well-known port number plus a base keeps the ports recognisable (10587 = 587).
        return cls(smtp=base + 587, smtps=base + 465, smtp_mx=base + 25, imap=base + 993,
                   imap_starttls=base + 143, lmtp=base + 24, auth=base + 26,
                   table_domains=base + 31, table_mailboxes=base + 32, table_aliases=base + 33)

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
# Config text. Postfix: main.cf, master.cf, the sender-login map. Dovecot: dovecot.conf and the
# Lua passdb/userdb that reads the users file.
# ---------------------------------------------------------------------------------------------

POSTFIX_MAIN_CF = Template("""\
# Generated by tests/sandbox/mailstack.py; rewritten on every start.
compatibility_level = 3.6
queue_directory = $postfix_queue_dir
data_directory = $postfix_data_dir
# The shared files postfix-files, dynamicmaps.cf stay Debian's.
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
# There is no syslog in a container: Postfix's own postlogd writes the log.
maillog_file_prefixes = $log_dir
maillog_file = $log_dir/postfix.log

myhostname = $hostname
mydomain = sandbox.test
myorigin = $$myhostname
# Every mail domain is virtual, served by the emulator's tcp tables, as on Mailcow.
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = $host
inet_protocols = ipv4
# Loopback is "mynetworks", but no restriction below says permit_mynetworks: every client,
# local or not, must authenticate on submission, as a remote Mailcow user must.
mynetworks = 127.0.0.0/8

# Nothing leaves the sandbox. smtpd refuses at RCPT any recipient that would resolve to the
# error transport, so an authenticated user sending to a foreign domain (which Mailcow would
# relay) gets "550 5.7.1 <x>: Recipient address rejected: the sandbox does not relay ...".
relayhost =
default_transport = error:5.7.1 the sandbox does not relay mail to the outside world
relay_transport = $$default_transport
local_transport = $$default_transport
# No DNS at all: the sandbox may run where no resolver answers.
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtpd_peername_lookup = no

biff = no
append_dot_mydomain = no
recipient_delimiter = +
message_size_limit = $message_size_limit
mailbox_size_limit = 0
virtual_mailbox_limit = 0
# A deferred message (emulator or Dovecot briefly away) is retried in seconds, not minutes.
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 30s
delay_warning_time = 0

virtual_mailbox_domains = tcp:$host:$table_domains
virtual_mailbox_maps = tcp:$host:$table_mailboxes
virtual_alias_maps = tcp:$host:$table_aliases
virtual_transport = lmtp:inet:$host:$lmtp

smtpd_tls_cert_file = $cert
smtpd_tls_key_file = $key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtp_tls_security_level = none

smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:$host:$auth
smtpd_sasl_auth_enable = no
smtpd_sender_login_maps = regexp:$postfix_dir/sender_login_maps
smtpd_relay_restrictions = reject_unauth_destination
""")

# Service names carry the address so the listeners sit on high loopback ports; chroot is off
# everywhere because the private queue directory holds no copy of /etc.
POSTFIX_MASTER_CF = Template("""\
# Generated by tests/sandbox/mailstack.py; rewritten on every start.
# service type private unpriv chroot wakeup maxproc command
# Port-25 style inbound MX: no AUTH, accepts only for our domains.
$host:$smtp_mx inet n - n - - smtpd
  -o syslog_name=postfix/mx
  -o smtpd_sasl_auth_enable=no
# Mailcow's 587: STARTTLS before anything, AUTH only after it, sender must match the login.
$host:$smtp inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o smtpd_sender_restrictions=reject_authenticated_sender_login_mismatch
# Mailcow's 465: implicit TLS, otherwise the same as 587.
$host:$smtps inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o smtpd_sender_restrictions=reject_authenticated_sender_login_mismatch
pickup     unix n - n 60 1 pickup
cleanup    unix n - n - 0 cleanup
qmgr       unix n - n 300 1 qmgr
tlsmgr     unix - - n 1000? 1 tlsmgr
rewrite    unix - - n - - trivial-rewrite
bounce     unix - - n - 0 bounce
defer      unix - - n - 0 bounce
trace      unix - - n - 0 bounce
verify     unix - - n - 1 verify
flush      unix n - n 1000? 0 flush
proxymap   unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp       unix - - n - - smtp
relay      unix - - n - - smtp
showq      unix n - n - - showq
error      unix - - n - - error
retry      unix - - n - - error
discard    unix - - n - - discard
lmtp       unix - - n - - lmtp
anvil      unix - - n - 1 anvil
scache     unix - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
""")

# Mailcow lets a login send as the addresses whose alias row (the mailbox's own self-alias
# included) has sender_allowed=1, plus sender_acl grants. A new alias has sender_allowed=0, so
# with the API subset the sandbox models, a user owns exactly its own address: every address
# is owned by itself, and Postfix answers a mismatch with
# "553 5.7.1 <x>: Sender address rejected: not owned by user y".
SENDER_LOGIN_MAPS = "/^(.+)$$/ $${1}\n"

DOVECOT_CONF = Template("""\
# Generated by tests/sandbox/mailstack.py; rewritten on every start.
# Modelled on Mailcow's data/conf/dovecot/dovecot.conf as far as a mailbox user can see it.
instance_name = $instance_name
base_dir = $base_dir
state_dir = $dovecot_dir/state
log_path = $log_dir/dovecot.log
info_log_path = $log_dir/dovecot.log
protocols = imap lmtp
listen = $host
hostname = $hostname
postmaster_address = postmaster@sandbox.test

ssl = yes
ssl_cert = <$cert
ssl_key = <$key
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2
# Dovecot counts a client whose address equals the server's as secured, so on loopback
# LOGIN before STARTTLS on the 143-style port is accepted here, unlike on a real Mailcow.
disable_plaintext_auth = yes

auth_mechanisms = plain login
auth_username_format = %Lu
# No auth cache (Mailcow has 300 s): a password change or a deletion made through the API
# must hold on the very next login, or tests would have to sleep.
auth_cache_size = 0
auth_verbose = yes
# Mailcow delays failed logins (2 s, then a growing per-IP penalty kept by anvil) and bans with
# fail2ban. Every sandbox client shares 127.0.0.1, so one test's wrong password would slow every
# later login of the whole suite: no delay, and the penalty listener is switched off below.
auth_failure_delay = 0
first_valid_uid = $mail_uid
last_valid_uid = $mail_uid
first_valid_gid = $mail_gid
last_valid_gid = $mail_gid
mail_location = maildir:$vmail_dir/%d/%n
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

# Lua instead of passwd-file: Dovecot's passwd-file driver re-reads its file at most once a
# second and only when mtime or size changed, so a mailbox added, or a password changed, within
# the same second as an earlier lookup would go unseen. The script reads the file every time.
# blocking=yes runs it in auth-worker, which is root and can read the file whatever its mode.
passdb {
  driver = lua
  args = file=$dovecot_dir/auth.lua blocking=yes
}
userdb {
  driver = lua
  args = file=$dovecot_dir/auth.lua blocking=yes
}

protocol imap {
  mail_max_userip_connections = 500
}

# Without this socket the auth process finds no penalty service and keeps no penalties.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

service imap-login {
  inet_listener imap {
    address = $host
    port = $imap_starttls
  }
  inet_listener imaps {
    address = $host
    port = $imap
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = $host
    port = $lmtp
  }
}
# Postfix's SASL (smtpd_sasl_path = inet:...) talks the auth-client protocol to this listener.
service auth {
  inet_listener auth-inet {
    address = $host
    port = $auth
  }
}
""")

# Reads the Dovecot passwd-file the emulator writes (README "Emulator -> mail stack"):
#   user:{SCHEME}hash:uid:gid:gecos:home:shell:extra fields
# Login-disabled mailboxes (Mailcow active=2) carry nologin=y: they still get mail (userdb) but
# cannot log in anywhere, SMTP AUTH included (a plain nologin field would only stop IMAP).
AUTH_LUA = Template("""\
-- SPDX-License-Identifier: GPL-3.0-or-later
-- Generated by tests/sandbox/mailstack.py; rewritten on every start.
local users_file = "$users_file"
local default_uid = "$mail_uid"
local default_gid = "$mail_gid"

local function split_fields(line)
  local fields, rest = {}, line
  for i = 1, 7 do
    local head, tail = rest:match("^([^:]*):(.*)$$")
    if head == nil then
      fields[i], rest = rest, ""
    else
      fields[i], rest = head, tail
    end
  end
  local extra = {}
  for token in rest:gmatch("%S+") do
    local key, value = token:match("^([^=]+)=?(.*)$$")
    if key ~= nil then extra[key] = value end
  end
  return fields, extra
end

local function find_user(user)
  local file = io.open(users_file, "r")
  if file == nil then return nil end
  local wanted = string.lower(user)
  for line in file:lines() do
    local name = line:match("^([^:]*):")
    if name ~= nil and string.lower(name) == wanted then
      file:close()
      return split_fields(line)
    end
  end
  file:close()
  return nil
end

function auth_passdb_lookup(req)
  local fields, extra = find_user(req.user)
  if fields == nil then
    return dovecot.auth.PASSDB_RESULT_USER_UNKNOWN, "no such user"
  end
  if extra["nologin"] ~= nil or fields[2] == "" then
    return dovecot.auth.PASSDB_RESULT_USER_DISABLED, "login disabled"
  end
  -- Dovecot verifies the password against the stored {SCHEME} hash itself.
  return dovecot.auth.PASSDB_RESULT_OK, { password = fields[2] }
end

function auth_userdb_lookup(req)
  local fields = find_user(req.user)
  if fields == nil then
    return dovecot.auth.USERDB_RESULT_USER_UNKNOWN, "no such user"
  end
  local uid = fields[3] ~= "" and fields[3] or default_uid
  local gid = fields[4] ~= "" and fields[4] or default_gid
  local result = { uid = uid, gid = gid }
  if fields[6] ~= "" then result.home = fields[6] end
  return dovecot.auth.USERDB_RESULT_OK, result
end
""")


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
    }


def render(stack: MailStack) -> dict[Path, str]:
    """Every generated file, by path."""
    values = _template_values(stack)
    return {
        stack.postfix_dir / "main.cf": POSTFIX_MAIN_CF.substitute(values),
        stack.postfix_dir / "master.cf": POSTFIX_MASTER_CF.substitute(values),
        stack.postfix_dir / "sender_login_maps": Template(SENDER_LOGIN_MAPS).substitute(),
        stack.dovecot_conf: DOVECOT_CONF.substitute(values),
        stack.dovecot_dir / "auth.lua": AUTH_LUA.substitute(values),
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
