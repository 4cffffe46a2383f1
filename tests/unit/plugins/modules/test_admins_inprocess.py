# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_alias_domain, mailcow_domain_admin and their _info modules through main(), in-process, against the emulator.

Check mode, create, unchanged re-run, the info modules with the read-only key, and that a missing
domain leaves no half-created administrator (read back from the emulator's own GET).
"""

from __future__ import annotations

import json
import threading
import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError

from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow, RunModule

DOMAIN = "inproc.example"
PASSWORD = "In-Process-Pw-2026!"


def get(emulated: Mailcow, path: str) -> t.Any:
    return emulated.emulator.request("GET", "/api/v1/get/" + path).json()


def add_domain(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN, max_quota=2048, default_quota=512))["changed"]


def test_alias_domain_check_mode_create_ok_info(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    args = dict(emulated.conn(), alias_domain="Alias-" + DOMAIN, target_domain=DOMAIN)
    planned = run_module("mailcow_alias_domain", args, check_mode=True, diff=True)
    assert planned["rc"] == 0 and planned["changed"] and get(emulated, "alias-domain/all") == {}
    created = run_module("mailcow_alias_domain", args, diff=True)
    assert created["changed"] and created["diff"]["after"]["target_domain"] == DOMAIN
    assert not run_module("mailcow_alias_domain", args)["changed"]
    listed = run_module("mailcow_alias_domain_info", dict(emulated.conn(RO_KEY), target_domain=DOMAIN))
    assert [(a["alias_domain"], a["active"]) for a in listed["alias_domains"]] == [("alias-" + DOMAIN, True)]
    refused = run_module("mailcow_alias_domain", dict(emulated.conn(RO_KEY), alias_domain="alias-" + DOMAIN, active=False))
    assert refused["rc"] == 1 and "read-only" in refused["msg"]
    gone = run_module("mailcow_alias_domain", dict(emulated.conn(), alias_domain="alias-" + DOMAIN, state="absent"))
    assert gone["changed"] and get(emulated, "alias-domain/all") == {}


def test_alias_domain_missing_target_fails_before_the_add(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_alias_domain", dict(emulated.conn(), alias_domain="alias-" + DOMAIN, target_domain=DOMAIN))
    assert result["rc"] == 1 and "target_domain %s of alias domain alias-%s does not exist" % (DOMAIN, DOMAIN) in result["msg"]
    assert get(emulated, "alias-domain/all") == {}


def test_domain_admin_check_mode_create_ok_info_and_no_secret(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    args = dict(emulated.conn(), username="Admin1", password=PASSWORD, domains=[DOMAIN], acl=["quarantine"])
    planned = run_module("mailcow_domain_admin", args, check_mode=True, diff=True)
    assert planned["changed"] and get(emulated, "domain-admin/all") == {}
    created = run_module("mailcow_domain_admin", args, diff=True)
    assert created["changed"] and created["acl_written"] and created["domain_admin"]["domains"] == [DOMAIN]
    again = run_module("mailcow_domain_admin", args)
    assert not again["changed"] and not again["acl_written"]
    listed = run_module("mailcow_domain_admin_info", dict(emulated.conn(RO_KEY), domain=DOMAIN))
    assert [a["username"] for a in listed["domain_admins"]] == ["admin1"]
    for result in (planned, created, again, listed):
        assert PASSWORD not in json.dumps(result) and RW_KEY not in json.dumps(result)


def test_domain_admin_renamed_keeps_its_domains_then_ok_and_both_names_refused(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    created = run_module("mailcow_domain_admin", dict(emulated.conn(), username="old-admin", password=PASSWORD, domains=[DOMAIN]))
    assert created["changed"], created
    args = dict(emulated.conn(), username="new-admin", rename_from="old-admin", active=False)
    planned = run_module("mailcow_domain_admin", args, check_mode=True, diff=True)
    assert planned["action"] == "renamed" and [a["username"] for a in get(emulated, "domain-admin/all")] == ["old-admin"]
    renamed = run_module("mailcow_domain_admin", args, diff=True)
    assert renamed["changed"] and renamed["renamed_from"] == "old-admin" and renamed["diff"] == planned["diff"]
    admins = get(emulated, "domain-admin/all")
    assert [(a["username"], a["selected_domains"], a["active"]) for a in admins] == [("new-admin", [DOMAIN], 0)]
    assert not run_module("mailcow_domain_admin", args)["changed"]
    run_module("mailcow_domain_admin", dict(emulated.conn(), username="old-admin", password=PASSWORD, domains=[DOMAIN]))
    both = run_module("mailcow_domain_admin", args)
    assert both["rc"] == 1 and "both exist" in both["msg"]


def test_domain_admin_missing_domain_leaves_no_ghost(run_module: RunModule, emulated: Mailcow) -> None:
    """Mailcow would answer domain_invalid + domain_admin_added and keep a half-created admin: nothing is sent."""
    add_domain(run_module, emulated)
    result = run_module("mailcow_domain_admin", dict(emulated.conn(), username="ghost", password=PASSWORD, domains=[DOMAIN, "missing.example"]))
    assert result["rc"] == 1 and "missing.example does not exist" in result["msg"]
    # A later add of the name works at once: no leftover ACL row made it answer an empty body.
    ok = emulated.emulator.request("POST", "/api/v1/add/domain-admin", {"username": "ghost", "domains": [DOMAIN], "password": PASSWORD,
                                                                        "password2": PASSWORD, "active": 1})
    assert ok.json()[-1]["msg"] == ["domain_admin_added", "ghost"]


DEAD = {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY}  # any request would fail with "could not connect"


@pytest.mark.parametrize("name,args,words", [
    ("mailcow_alias_domain_info", {"alias_domain": "bad_name!"}, "alias_domain 'bad_name!' is not a valid domain name"),
    ("mailcow_alias_domain_info", {"target_domain": "a b"}, "target_domain 'a b' is not a valid domain name"),
    ("mailcow_alias_domain_info", {"include_raw": "perhaps"}, "include_raw"),
    ("mailcow_domain_admin_info", {"username": "no spaces please"}, "username 'no spaces please' is not valid"),
    ("mailcow_domain_admin_info", {"domain": "-bad-.example"}, "domain '-bad-.example' is not a valid domain name"),
    ("mailcow_domain_admin_info", {"username": ["a", "b"]}, "username"),
    ("mailcow_alias_domain", {"alias_domain": "x.example", "state": "gone"}, "state must be one of: present, absent"),
    ("mailcow_domain_admin", {"username": "a1", "acl": ["root"]}, "acl must be one or more of"),
])
def test_info_and_argspec_bad_input_fails_without_a_request(run_module: RunModule, name: str, args: dict, words: str) -> None:
    result = run_module(name, dict(DEAD, **args))
    assert result["rc"] == 1 and words in result["msg"] and "could not connect" not in result["msg"], result["msg"]


def test_two_runs_adding_the_same_admin_at_once_both_succeed(emulated: Mailcow, run_module: RunModule) -> None:
    """The loser's empty body is decided by one GET (outcome created_concurrently); the ACL is written by both."""
    add_domain(run_module, emulated)
    emulated.emulator.control("POST", "faults", {"kind": "slow", "delay": 0.3, "count": 2, "path": "/api/v1/add/domain-admin"})
    params = {"username": "racer", "password": PASSWORD, "domains": [DOMAIN], "acl": ["quarantine"], "state": "present",
              "update_password": "on_create", "update_acl": "on_create"}
    results: list[t.Any] = [None, None]

    def run(index: int) -> None:
        client = MailcowClient(emulated.url, RW_KEY, ca_path=emulated.ca)
        try:
            results[index] = manage(client, dict(params), check_mode=False, diff=False)
        except MailcowError as exc:  # shown by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(isinstance(result, dict) and result["changed"] for result in results), results
    assert sorted(str(result.get("outcome")) for result in results) == ["None", "created_concurrently"]
    assert [a["username"] for a in get(emulated, "domain-admin/all")] == ["racer"]
