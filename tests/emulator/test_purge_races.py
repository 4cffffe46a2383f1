# SPDX-License-Identifier: GPL-3.0-or-later
"""Two runs deleting the same objects at once, through the collection's code, against the emulator.

Mailcow refuses to delete what is not there (recorded: delete/mailbox, alias, alias-domain and
syncjob answer access_denied, delete/domain-admin username_invalid, delete/app-passwd
app_passwd_id_invalid). Two pipelines purging the same domain both plan the same deletes; the one
whose delete comes second meets that refusal. One re-read decides it: gone is a success
(outcome deleted_concurrently), still there a failure that says so.
"""
from __future__ import annotations

import typing as t

import pytest

from conftest import Emulator, client_of, run_at_once

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain import manager as _alias_domain_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias import manager as _alias_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password import manager as _app_password_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin import manager as _domain_admin_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox import manager as _mailbox_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob import manager as _syncjob_manager
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient

DOMAIN = "purge.example"
OWNER = "m0@" + DOMAIN
PW = "Purge-Race-1"
PURGE = {"purge": True, "purge_allow_empty": False, "purge_max_share": 100, "concurrency": 2, "purge_tags": True, "domain": DOMAIN}
# Each run's first delete is carried out late (the emulator sleeps before acting), so both runs send theirs.
KEEP_AP0 = {"name": "ap0", "state": "present", "update_password": "on_create"}
LATE_DELETES = {"kind": "slow", "delay": 1.0, "count": 2, "path": "/api/v1/delete/"}


def _post(emulator: Emulator, path: str, body: t.Any) -> None:
    reply = emulator.request("POST", "/api/v1/" + path, body).json()
    assert all(item.get("type") == "success" for item in (reply if isinstance(reply, list) else [reply])), reply


@pytest.fixture
def server(emulator: Emulator) -> Emulator:
    _post(emulator, "add/domain", {"domain": DOMAIN, "key_size": 0, "mailboxes": 50})
    for n in range(5):
        _post(emulator, "add/mailbox", {"local_part": "m%d" % n, "domain": DOMAIN, "password": PW, "password2": PW})
        _post(emulator, "add/alias", {"address": "a%d@%s" % (n, DOMAIN), "goto": OWNER, "active": 1})
        _post(emulator, "add/app-passwd", {"username": OWNER, "app_name": "ap%d" % n, "app_passwd": PW, "app_passwd2": PW,
                                           "protocols": ["imap_access"], "active": 1})
        _post(emulator, "add/syncjob", {"username": OWNER, "host1": "imap.old.example", "port1": 993, "user1": "u%d@old.example" % n,
                                        "password1": PW, "enc1": "SSL", "exclude": "", "mins_interval": 20, "active": 1})
    _post(emulator, "add/alias-domain", {"alias_domain": "alias-" + DOMAIN, "target_domain": DOMAIN, "active": 1})
    _post(emulator, "add/domain-admin", {"username": "purgeadmin", "domains": DOMAIN, "password": PW, "password2": PW, "active": 1})
    return emulator


def _get(emulator: Emulator, path: str) -> list[dict[str, t.Any]]:
    data = emulator.request("GET", "/api/v1/get/" + path).json()
    return data if isinstance(data, list) else [data] if data else []


TASKS: dict[str, tuple[t.Callable[[MailcowClient], dict[str, t.Any]], t.Callable[[Emulator], list[str]], list[str]]] = {
    "mailboxes": (
        lambda c: _mailbox_manager.manage_many(c, dict(PURGE, mailboxes=[{"local_part": "m0", "state": "present", "update_password": "on_create"}]),
                                               check_mode=False, diff=False),
        lambda e: sorted(m["username"] for m in _get(e, "mailbox/all/" + DOMAIN)), [OWNER]),
    "aliases": (
        lambda c: _alias_manager.manage_many(c, dict(PURGE, aliases=[{"local_part": "a0", "goto": [OWNER], "state": "present"}]),
                                             check_mode=False, diff=False),
        lambda e: sorted(a["address"] for a in _get(e, "alias/all/" + DOMAIN) if a["address"] != a["goto"]), ["a0@" + DOMAIN]),
    "app_passwords": (
        lambda c: _app_password_manager.manage_many(c, dict(PURGE, mailbox=OWNER, app_passwords=[KEEP_AP0]), check_mode=False, diff=False),
        lambda e: sorted(a["name"] for a in _get(e, "app-passwd/all/" + OWNER)), ["ap0"]),
    "syncjobs": (
        lambda c: _syncjob_manager.manage_many(c, dict(PURGE, syncjobs=[{"mailbox": OWNER, "remote_host": "imap.old.example", "remote_user": "u0@old.example",
                                                                        "state": "present"}]), check_mode=False, diff=False),
        lambda e: sorted(j["user1"] for j in _get(e, "syncjobs/all/no_log")), ["u0@old.example"]),
    "alias_domain": (
        lambda c: _alias_domain_manager.manage(c, {"alias_domain": "alias-" + DOMAIN, "state": "absent"}, check_mode=False, diff=False),
        lambda e: [a["alias_domain"] for a in _get(e, "alias-domain/all")], []),
    "domain_admin": (
        lambda c: _domain_admin_manager.manage(c, {"username": "purgeadmin", "state": "absent", "update_password": "on_create",
                                                   "update_acl": "on_create"}, check_mode=False, diff=False),
        lambda e: [a["username"] for a in _get(e, "domain-admin/all")], []),
}


@pytest.mark.parametrize("kind", list(TASKS))
def test_two_runs_deleting_the_same_objects_at_once_both_succeed(server: Emulator, kind: str) -> None:
    task, remaining, expected = TASKS[kind]
    results = run_at_once(server, task, LATE_DELETES)
    assert all(result["changed"] for result in results)
    assert remaining(server) == expected
    outcomes = [result.get("outcome") for result in results] + [
        entry.get("outcome") for result in results for entry in result.get(kind, []) if isinstance(entry, dict)]
    assert "deleted_concurrently" in outcomes, results
    assert not task(client_of(server))["changed"]
