# SPDX-License-Identifier: GPL-3.0-or-later
"""Every API module through the same faults, over real HTTPS sockets to the emulator.

Each case runs the module's main() in-process (as Ansible would, arguments in, JSON out) with one
fault injected, then asserts the exit status, the message, the number of requests the server saw,
the server's state (nothing half-done, nothing duplicated), and that a re-run without the fault
converges with the right ``changed``. Reads are retried once (``retries: 1``) to keep the run short.
"""
from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass, field

import pytest

from conftest import Emulator, free_port, wait_for
from conftest import run_module as run_main

DOMAIN = "fm.example"
PASSWORD = "Fault-Matrix-1"
OWNER_LOCAL = "owner"
OWNER = OWNER_LOCAL + "@" + DOMAIN
OLD = "imap.old.example"


def job(user: str) -> str:
    """A sync job as the module names it: mailbox <- remote host:remote user."""
    return "%s <- %s:%s" % (OWNER, OLD, user)


@dataclass
class Module:
    """One module and one task of it, with the objects it manages and how to read them back."""

    name: str
    args: dict[str, t.Any]
    objects: list[str] = field(default_factory=list)  # what a successful run leaves (empty: a read-only module)
    kind: str = ""  # which objects (a key of STATE): where to read them, and the add path unless ``path`` says
    reads: int = 1  # requests of the first read (an empty reduced mailbox listing is confirmed with the full one)
    after: int = 0  # requests reading the object back after successful writes
    path: str = ""  # the add endpoint, when it is not the kind
    label: str = ""  # how messages name the first object, when not by itself
    mailbox: bool = False  # needs the mailbox OWNER
    undecided: bool = False  # a lost add whose re-read shows nothing stays undecided (a DKIM key may still be being generated)

    @property
    def writes(self) -> int:
        return len(self.objects)

    @property
    def add_path(self) -> str:
        return self.path or self.kind

    @property
    def first(self) -> str:
        return self.label or self.objects[0]


# Mailboxes and aliases to add: the domain's limits are read once more before the first write. Modules writing passwords
# (mailboxes, domain administrators, app passwords) read the password policy once before the first write.
MODULES = {
    "mailbox": Module("mailcow_mailbox", {"address": "solo@" + DOMAIN, "password": PASSWORD}, ["solo@" + DOMAIN], "mailbox", reads=3),
    "mailbox_bulk": Module("mailcow_mailbox", {"domain": DOMAIN, "concurrency": 1, "mailboxes": [
        {"local_part": "m%d" % n, "password": PASSWORD} for n in range(6)]}, ["m%d@%s" % (n, DOMAIN) for n in range(6)], "mailbox", reads=4),
    "alias": Module("mailcow_alias", {"address": "solo-alias@" + DOMAIN, "goto": ["x@elsewhere.example"]}, ["solo-alias@" + DOMAIN], "alias", reads=2),
    "alias_bulk": Module("mailcow_alias", {"domain": DOMAIN, "concurrency": 1, "aliases": [
        {"local_part": "a%d" % n, "goto": ["x@elsewhere.example"]} for n in range(5)]}, ["a%d@%s" % (n, DOMAIN) for n in range(5)], "alias", reads=2),
    "domain": Module("mailcow_domain", {"domain": "fm-new.example"}, ["fm-new.example"], "domain"),
    # Nothing listed: the info modules read the domain once more, to warn if it does not exist.
    "mailbox_info": Module("mailcow_mailbox_info", {"domain": DOMAIN}, reads=3),
    "alias_info": Module("mailcow_alias_info", {"domain": DOMAIN}, reads=2),
    "domain_info": Module("mailcow_domain_info", {"domain": DOMAIN}),
    # The life-cycle objects: the domain (and the mailbox) are read first, some objects are read back after the write.
    "dkim": Module("mailcow_dkim", {"domain": DOMAIN, "selector": "fm", "key_size": 1024}, [DOMAIN], "dkim", reads=2, after=1, undecided=True),
    "alias_domain": Module("mailcow_alias_domain", {"alias_domain": "fm-alias.example", "target_domain": DOMAIN}, ["fm-alias.example"], "alias_domain",
                           reads=3, path="alias-domain"),
    "domain_admin": Module("mailcow_domain_admin", {"username": "fmadmin", "domains": [DOMAIN], "password": PASSWORD}, ["fmadmin"], "domain_admin",
                           reads=3, path="domain-admin"),
    "app_password": Module("mailcow_app_password", {"mailbox": OWNER, "name": "Phone", "password": PASSWORD, "protocols": ["imap_access"]}, ["Phone"],
                           "app_password", reads=3, after=1, path="app-passwd", label="app password 'Phone' of mailbox " + OWNER, mailbox=True),
    "app_password_bulk": Module("mailcow_app_password", {"mailbox": OWNER, "app_passwords": [
        {"name": "dev%d" % n, "password": PASSWORD, "protocols": ["imap_access"]} for n in range(6)]}, ["dev%d" % n for n in range(6)], "app_password",
        reads=3, after=1, path="app-passwd", label="app password 'dev0' of mailbox " + OWNER, mailbox=True),
    "syncjob": Module("mailcow_syncjob", {"mailbox": OWNER, "remote_host": OLD, "remote_user": "u@old.example", "remote_password": PASSWORD},
                      [job("u@old.example")], "syncjob", reads=2, after=1, mailbox=True),
    "syncjob_bulk": Module("mailcow_syncjob", {"domain": DOMAIN, "concurrency": 1, "syncjobs": [
        {"mailbox": OWNER, "remote_host": OLD, "remote_user": "u%d@old.example" % n, "remote_password": PASSWORD} for n in range(6)]},
        [job("u%d@old.example" % n) for n in range(6)], "syncjob", reads=2, after=1, mailbox=True),
    "alias_domain_info": Module("mailcow_alias_domain_info", {}),
    "domain_admin_info": Module("mailcow_domain_admin_info", {}),
    "app_password_info": Module("mailcow_app_password_info", {"mailbox": OWNER}, reads=2, mailbox=True),
    "syncjob_info": Module("mailcow_syncjob_info", {"mailbox": OWNER}, mailbox=True),
    "dns_records": Module("mailcow_dns_records", {"domain": DOMAIN, "mail_host": "mail.fm.example"}, reads=2),
}
SINGLE = ["mailbox", "alias", "domain", "dkim", "alias_domain", "domain_admin", "app_password", "syncjob"]
WRITERS = [name for name, module in MODULES.items() if module.writes]
READERS = [name for name, module in MODULES.items() if not module.writes]


def run_module(emulator: Emulator, module: Module, **overrides: t.Any) -> tuple[int, dict[str, t.Any]]:
    return run_main(emulator, module.name, dict(dict(module.args, retries=1, timeout=5), **overrides))


def requests_seen(emulator: Emulator) -> int:
    return int(emulator.control("GET", "stats")["requests"])


STATE: dict[str, tuple[str, t.Callable[[dict[str, t.Any]], t.Any]]] = {
    "mailbox": ("mailbox/all/" + DOMAIN, lambda row: row["username"]),
    # Each mailbox has a hidden alias to itself (address = goto): not one of the module's aliases.
    "alias": ("alias/all/" + DOMAIN, lambda row: row["address"] if row["address"] != row["goto"] else None),
    "domain": ("domain/all", lambda row: row["domain_name"]),
    "dkim": ("dkim/" + DOMAIN, lambda row: DOMAIN if row.get("pubkey") else None),
    "alias_domain": ("alias-domain/all", lambda row: row["alias_domain"]),
    "domain_admin": ("domain-admin/all", lambda row: row["username"]),
    "app_password": ("app-passwd/all/" + OWNER, lambda row: row["name"]),
    "syncjob": ("syncjobs/all/no_log", lambda row: "%s <- %s:%s" % (row["user2"], row["host1"], row["user1"])),
}


def state(emulator: Emulator, module: Module) -> list[str]:
    """The module's objects as they are on the server, sorted; a duplicate would show twice."""
    path, name_of = STATE[module.kind]
    data = emulator.request("GET", "/api/v1/get/" + path).json()
    rows = data if isinstance(data, list) else [data] if data else []
    return sorted(name for name in map(name_of, rows) if name in module.objects)


@pytest.fixture
def server(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Emulator:
    return prepared_server(emulator, monkeypatch, request)


def prepared_server(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Emulator:
    """The emulator with the domain (and the mailbox the case's module needs), no MAILCOW_* variable, its counts reset."""
    for name in ("MAILCOW_API_URL", "MAILCOW_API_KEY", "MAIL_API", "MAILCOW_CA_PATH", "MAILCOW_VERIFY_SSL", "MAILCOW_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    assert emulator.request("POST", "/api/v1/add/domain", {"domain": DOMAIN, "key_size": 0}).status == 200
    if MODULES[request.node.callspec.params["name"]].mailbox:
        owner = {"local_part": OWNER_LOCAL, "domain": DOMAIN, "password": PASSWORD, "password2": PASSWORD}
        assert emulator.request("POST", "/api/v1/add/mailbox", owner).json()[0]["type"] == "success"
    emulator.control("POST", "stats/reset")
    return emulator


def converge(server: Emulator, module: Module, *, changed: bool) -> None:
    """Without the fault, a re-run succeeds with ``changed`` and leaves exactly the declared objects."""
    server.control("POST", "faults/clear")
    status, result = run_module(server, module)
    assert (status, result["changed"]) == (0, changed), result
    assert state(server, module) == sorted(module.objects)


def outcomes(module: Module, result: dict[str, t.Any]) -> dict[str, str]:
    """``{object: outcome}`` of a single-form or bulk result."""
    if "outcome" in result:
        return {module.objects[0]: result["outcome"]}
    entries = next((result[key] for key in ("mailboxes", "aliases", "app_passwords", "syncjobs") if key in result), [])
    return {entry.get("address") or entry.get("name") or entry["job"]: entry["outcome"] for entry in entries if "outcome" in entry}


def not_created(module: Module, cause: str) -> str:
    """The message of a lost or empty add answer whose re-read shows nothing; ``cause`` a pattern of the answer."""
    if module.undecided:
        return r"^%s; its outcome is unknown \(re-reading shows no key yet; Mailcow may still be generating it\): the write may have been applied" % cause
    one = r"%s not created: %s; re-reading shows no such object" % (re.escape(module.first), cause)
    if module.writes > 1:  # the others were written: the summary names the failed one, and what was done
        return r"^1 failed \(error: %s\): %s; %d done: " % (one, re.escape(module.objects[0]), module.writes - 1)
    return "^%s$" % one


def expect_failure(server: Emulator, module: Module, pattern: str, **overrides: t.Any) -> dict[str, t.Any]:
    status, result = run_module(server, module, **overrides)
    assert status == 1 and result.get("failed"), result
    assert re.search(pattern, result["msg"]), result["msg"]
    assert len(result["msg"]) < 1500  # summarised, never every entry
    return result


# -- faults before anything reaches Mailcow ---------------------------------------------------------
@pytest.mark.parametrize("name", list(MODULES))
def test_connection_refused(server: Emulator, name: str) -> None:
    module = MODULES[name]
    expect_failure(server, module, r"^could not connect to Mailcow API at https://127\.0\.0\.1:\d+/api/v1: Connection refused \(GET /get/\S+ was not sent\)\. "
                   r"Check api_url \(MAILCOW_API_URL\)$",
                   api_url="https://127.0.0.1:%d" % free_port())
    assert requests_seen(server) == 0
    if module.writes:
        assert state(server, module) == []
        converge(server, module, changed=True)


@pytest.mark.parametrize("name", list(MODULES))
def test_tls_failure(server: Emulator, name: str) -> None:
    module = MODULES[name]
    expect_failure(server, module, r"^TLS verification of https://127\.0\.0\.1:\d+/api/v1 failed: .*Point ca_path", ca_path=None)
    assert requests_seen(server) == 0
    if module.writes:
        assert state(server, module) == []
        converge(server, module, changed=True)


# -- reads: 502 / 503 pages, retried ---------------------------------------------------------------
@pytest.mark.parametrize("name", list(MODULES))
def test_502_page_once_is_retried(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "html", "status": 502, "path": "/api/v1/get/"})
    status, result = run_module(server, module)
    assert (status, result["changed"]) == (0, bool(module.writes)), result
    assert requests_seen(server) == module.reads + 1 + module.writes + module.after  # the read, its retry, the writes, the read-back
    if module.writes:
        assert state(server, module) == sorted(module.objects)
        converge(server, module, changed=False)


@pytest.mark.parametrize("name", list(MODULES))
def test_502_page_always_fails_after_the_retries(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "html", "status": 502, "count": 0, "path": "/api/v1/get/"})
    expect_failure(server, module, r"^Mailcow API answered GET /get/\S+ with HTTP 502 \(text/html\): 502 Bad Gateway")
    assert requests_seen(server) == 2
    if module.writes:
        server.control("POST", "faults/clear")
        assert state(server, module) == []
        converge(server, module, changed=True)


@pytest.mark.parametrize("name", ["mailbox_bulk", "domain_info"])
def test_503_with_retry_after_is_waited_for(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "status", "status": 503, "path": "/api/v1/get/", "retry_after": 1})
    status, result = run_module(server, module)
    assert status == 0, result
    assert requests_seen(server) == module.reads + 1 + module.writes


# -- writes: answers lost, empty, late ---------------------------------------------------------------
@pytest.mark.parametrize("name", WRITERS)
def test_reset_before_the_server_acted(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "drop", "path": "/api/v1/add/"})
    cause = r"connection to Mailcow API at \S+ lost after sending POST /add/%s: .*" % module.add_path
    result = expect_failure(server, module, not_created(module, cause))
    assert ("may have been applied" in result["msg"]) is module.undecided
    assert requests_seen(server) == module.reads + module.writes + 1  # the read, the writes, one re-read
    assert state(server, module) == sorted(module.objects[1:])
    converge(server, module, changed=True)


@pytest.mark.parametrize("name", WRITERS)
def test_reset_after_the_server_acted(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "drop", "process": True, "path": "/api/v1/add/"})
    status, result = run_module(server, module)
    assert (status, result["changed"]) == (0, True), result
    assert outcomes(module, result) == {module.objects[0]: "confirmed"}
    assert requests_seen(server) == module.reads + module.writes + 1 + module.after
    assert state(server, module) == sorted(module.objects)
    converge(server, module, changed=False)


@pytest.mark.parametrize("name", WRITERS)
def test_empty_body(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "empty", "path": "/api/v1/add/"})
    expect_failure(server, module, not_created(module, r"Mailcow API answered POST /add/%s with an empty body .*" % module.add_path))
    assert requests_seen(server) == module.reads + module.writes + 1
    assert state(server, module) == sorted(module.objects[1:])
    converge(server, module, changed=True)


@pytest.mark.parametrize("name", ["mailbox_bulk", "alias_bulk", "app_password_bulk", "syncjob_bulk"])
def test_server_down_after_k_of_n_writes(server: Emulator, name: str) -> None:
    module = MODULES[name]
    done = 2
    server.control("POST", "faults", {"kind": "drop", "count": 0, "after": module.reads + done, "path": "/api/"})
    result = expect_failure(server, module, r"^3 failed \(3 outcome unknown, e\.g\. connection to Mailcow API at \S+ lost after sending POST /add/%s: .*"
                            r"the server stopped answering.*may have been applied" % module.add_path)
    not_attempted = module.writes - done - 3
    assert result["not_attempted"] == module.objects[done + 3:]
    if not_attempted:
        assert "; %d not attempted after 3 consecutive connection failures: " % not_attempted in result["msg"]
    assert result["done"] == module.objects[:done]
    assert [entry["item"] for entry in result["failed_entries"]] == module.objects[done:done + 3]
    assert requests_seen(server) == module.reads + done + 3  # no re-read and no write after the third failure
    server.control("POST", "faults/clear")
    assert state(server, module) == sorted(module.objects[:done])
    converge(server, module, changed=True)


@pytest.mark.parametrize("name", SINGLE)
def test_server_down_before_the_write(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "drop", "count": 0, "after": module.reads, "path": "/api/"})
    expect_failure(server, module, r"lost after sending POST /add/%s: .*its outcome is unknown \(re-reading failed: connection to .* lost after sending GET "
                   r".*\): the write may have been applied" % module.add_path)
    assert requests_seen(server) == module.reads + 1 + 2  # the reads, the write, the re-read and its retry
    server.control("POST", "faults/clear")
    assert state(server, module) == []
    converge(server, module, changed=True)


# -- reads of the _info modules -------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
def test_info_empty_body_fails(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "empty", "path": "/api/v1/get/"})
    expect_failure(server, module, r"^Mailcow API answered GET /get/\S+ with an empty body \(no data\)$")
    assert requests_seen(server) == 1


# -- answers that never end, or end too late to hold ------------------------------------------------
def streams(server: Emulator) -> dict[str, int]:
    """How the server's trickled and huge answers ended: "finished", or "client gone" (the client left first)."""
    return dict(server.control("GET", "stats")["streams"])


@pytest.mark.parametrize("name", list(MODULES))
def test_huge_answer_is_refused_unread(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "huge", "path": "/api/v1/get/"})
    expect_failure(server, module, r"^Mailcow API answered GET /get/\S+ with an answer of 209715200 bytes \(its Content-Length\): refused without "
                   r"reading it whole, as max_answer_mib allows 64 MiB\. Is api_url the Mailcow server\? If an answer this large is right, "
                   r"raise max_answer_mib$")
    assert requests_seen(server) == 1  # not retried: it would be as large again
    assert wait_for(lambda: streams(server) == {"client gone": 1}, 10), streams(server)
    if module.writes:
        assert state(server, module) == []
        converge(server, module, changed=True)


@pytest.mark.parametrize("name", READERS)
def test_huge_unannounced_answer_is_refused_at_max_answer_mib(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "huge", "announce": False, "path": "/api/v1/get/"})
    expect_failure(server, module, r"^Mailcow API answered GET /get/\S+ with an answer larger than 2 MiB: refused without reading it whole, "
                   r"as max_answer_mib allows 2 MiB\.", max_answer_mib=2)
    assert requests_seen(server) == 1
    assert wait_for(lambda: streams(server) == {"client gone": 1}, 10), streams(server)


@pytest.mark.parametrize("name", SINGLE)
def test_huge_answer_to_a_write_is_decided_by_a_re_read(server: Emulator, name: str) -> None:
    module = MODULES[name]
    server.control("POST", "faults", {"kind": "huge", "size": 3 * 1024 * 1024, "path": "/api/v1/add/"})
    cause = r"Mailcow API answered POST /add/%s with an answer of 3145728 bytes \(its Content-Length\): refused .*" % module.add_path
    expect_failure(server, module, not_created(module, cause), max_answer_mib=1)
    assert requests_seen(server) == module.reads + module.writes + 1  # the huge answer was not performed: the re-read shows nothing
    converge(server, module, changed=True)
