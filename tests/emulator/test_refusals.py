# SPDX-License-Identifier: GPL-3.0-or-later
"""What Mailcow refuses, as the modules report it, over real HTTPS sockets to the emulator.

Two kinds of refusal. One that nothing the module reads can foresee (an address already taken by a mailbox, an exclude pattern PCRE rejects, a
send-as grant of an address that is no mailbox or alias): every other entry is still written, and
the task fails with ``changed`` true, the refused entry named with Mailcow's reason in
``failed_entries``, the written ones in ``done``. One that the domain's limits or the server's
domains predict (a quota above the maximum per mailbox or above what is left of the domain's
total, more mailboxes or aliases than the domain allows, a send-as grant of a foreign domain, a
domain that does not exist): the task fails before its first write, naming each entry and the
limit, in check mode and in a real run alike, and the server sees no write. A password below the
server's password policy is of the second kind: the policy is read before the first write.
"""
from __future__ import annotations

import typing as t

import pytest

from conftest import Emulator, run_module

DOMAIN = "rf.example"
PASSWORD = "Refusals-Passw0rd-1"
SHORT = "Zq9"  # below Mailcow's password policy (6 characters by default): refused by the module after reading the policy
OWNER = "owner@" + DOMAIN
OLD = "imap.old.example"


def api(emulator: Emulator, method: str, path: str, body: t.Any = None) -> t.Any:
    return emulator.request(method, "/api/v1/" + path, body).json()


def add_domain(emulator: Emulator, name: str = DOMAIN, **limits: int) -> None:
    body = dict({"domain": name, "key_size": 0, "defquota": 1024, "maxquota": 2048, "quota": 4096}, **limits)
    assert api(emulator, "POST", "add/domain", body)[-1]["msg"][0] == "domain_added"


def add_mailbox(emulator: Emulator, address: str, quota: int = 0) -> None:
    local, _at, domain = address.partition("@")
    body = {"local_part": local, "domain": domain, "password": PASSWORD, "password2": PASSWORD, "quota": quota}
    assert api(emulator, "POST", "add/mailbox", body)[-1]["msg"][0] == "mailbox_added"


def rows(emulator: Emulator, path: str) -> list[dict[str, t.Any]]:
    data = api(emulator, "GET", "get/" + path)
    return data if isinstance(data, list) else [data] if data else []


def mailboxes(emulator: Emulator, domain: str = DOMAIN) -> list[str]:
    return sorted(row["username"] for row in rows(emulator, "mailbox/all/" + domain) if row.get("domain") == domain)


def writes_seen(emulator: Emulator) -> dict[str, int]:
    """The writes the server received since the last stats reset, by route."""
    by_route = emulator.control("GET", "stats")["by_route"]
    return {route: count for route, count in by_route.items() if route.startswith("POST /api/v1/")}


@pytest.fixture
def server(emulator: Emulator) -> Emulator:
    add_domain(emulator)
    add_mailbox(emulator, OWNER)
    emulator.control("POST", "stats/reset")
    return emulator


def failed(result: dict[str, t.Any]) -> dict[str, str]:
    return {entry["item"]: entry["error"] for entry in result["failed_entries"]}


# -- refused by Mailcow after other entries were written --------------------------------------------------------------


def test_mailbox_bulk_with_one_weak_password_writes_nothing(server: Emulator) -> None:
    entries = [{"local_part": name, "password": SHORT if name == "dan" else PASSWORD} for name in ("ann", "cat", "dan", "eve")]
    status, result = run_module(server, "mailcow_mailbox", {"domain": DOMAIN, "concurrency": 1, "mailboxes": entries})
    assert status == 1 and not result.get("changed"), result
    assert result["msg"].startswith("Mailcow's password policy would refuse the password of mailbox dan@%s (length: at least 6 characters" % DOMAIN)
    assert result["msg_key"] == "password_complexity" and SHORT not in str(result).replace("********", "")
    assert mailboxes(server) == [OWNER]
    entries[2]["password"] = PASSWORD
    status, again = run_module(server, "mailcow_mailbox", {"domain": DOMAIN, "mailboxes": entries})
    assert (status, again["changed"], again["msg"]) == (0, True, "created 4 (ann, cat, dan, eve)"), again


def test_bulk_run_whose_only_write_is_refused_names_the_entry(server: Emulator) -> None:
    entries = [{"address": OWNER}, {"local_part": "dan", "password": SHORT}]
    status, result = run_module(server, "mailcow_mailbox", {"domain": DOMAIN, "mailboxes": entries})
    assert status == 1 and not result.get("changed"), result
    assert "the password of mailbox dan@%s (length: " % DOMAIN in result["msg"] and result["msg_key"] == "password_complexity"
    assert result["weak_passwords"] == [{"entry": "mailbox dan@%s" % DOMAIN, "rules": ["length"]}]


def test_alias_bulk_one_refused_after_others_were_created(server: Emulator) -> None:
    # OWNER is a mailbox: Mailcow refuses an alias of its address, which the alias listing does not show.
    entries = [{"local_part": name, "goto": ["x@elsewhere.example"]} for name in ("info", "owner", "sales")]
    status, result = run_module(server, "mailcow_alias", {"domain": DOMAIN, "concurrency": 1, "aliases": entries})
    assert status == 1 and result["changed"] is True, result
    assert failed(result) == {OWNER: "%s not created: Mailcow refused POST /add/alias: %s is already an alias or a mailbox; re-reading shows no such object"
                                     % (OWNER, OWNER)}
    assert result["done"] == ["info@" + DOMAIN, "sales@" + DOMAIN]
    assert "is_alias_or_mailbox: %s not created" % OWNER in result["msg"] and "; 2 done: info@" in result["msg"]


def test_app_password_bulk_with_one_weak_password_writes_nothing(server: Emulator) -> None:
    entries = [{"name": name, "password": SHORT if name == "tablet" else PASSWORD, "protocols": ["imap_access"]} for name in ("phone", "tablet", "laptop")]
    status, result = run_module(server, "mailcow_app_password", {"mailbox": OWNER, "app_passwords": entries})
    assert status == 1 and not result.get("changed"), result
    assert "the password of app password 'tablet' of mailbox %s (length: " % OWNER in result["msg"], result
    assert rows(server, "app-passwd/all/" + OWNER) == []


def test_syncjob_bulk_one_refused_after_others_were_created(server: Emulator) -> None:
    # Mailcow tests exclude with PCRE and answers a bare access_denied for a pattern it cannot compile.
    entries = [{"mailbox": OWNER, "remote_host": OLD, "remote_user": user, "remote_password": PASSWORD} for user in ("u0", "u1", "u2")]
    entries[1]["exclude"] = "(unclosed"
    status, result = run_module(server, "mailcow_syncjob", {"domain": DOMAIN, "concurrency": 1, "syncjobs": entries})
    assert status == 1 and result["changed"] is True, result
    job = "%s <- %s:%s"
    assert list(failed(result)) == [job % (OWNER, OLD, "u1")] and "access denied" in failed(result)[job % (OWNER, OLD, "u1")]
    assert result["done"] == [job % (OWNER, OLD, "u0"), job % (OWNER, OLD, "u2")]
    assert sorted(row["user1"] for row in rows(server, "syncjobs/all/no_log")) == ["u0", "u2"]


def test_single_mailbox_whose_second_write_is_refused_says_what_was_done(server: Emulator) -> None:
    # add/mailbox cannot set sender_acl, an edit follows; Mailcow drops a grant of an address that is no mailbox or alias.
    status, result = run_module(server, "mailcow_mailbox", {"address": "kim@" + DOMAIN, "password": PASSWORD, "sender_acl": ["nobody@" + DOMAIN]})
    assert status == 1 and result["changed"] is True, result
    assert result["partly_done"] == ["kim@" + DOMAIN] and result["done"] == []
    assert "sender_acl entry nobody@%s was refused and dropped" % DOMAIN in failed(result)["kim@" + DOMAIN]
    assert "1 partly done (some of their writes were carried out): kim@" + DOMAIN in result["msg"]
    assert "kim@" + DOMAIN in mailboxes(server)


def test_single_edit_mailcow_carries_out_in_part_says_changed(server: Emulator) -> None:
    # Mailcow drops the grant it refuses and saves the others, answering danger and success in one reply (recorded).
    status, result = run_module(server, "mailcow_mailbox", {"address": OWNER, "sender_acl": ["nobody@" + DOMAIN, "@" + DOMAIN]})
    assert status == 1 and result["changed"] is True and result["partly_done"] == [OWNER], result
    assert result["msg"].startswith("%s: Mailcow refused POST /edit/mailbox: sender_acl entry nobody@%s was refused and dropped" % (OWNER, DOMAIN))
    assert result["msg"].endswith("(1 other part(s) of the request succeeded)")
    assert api(server, "GET", "get/mailbox/" + OWNER)["sender_acl"] == ["@" + DOMAIN]


# -- refused before any write, in check mode and in a real run alike ------------------------------------------------


def expect_refusal(server: Emulator, module: str, args: dict[str, t.Any], check_mode: bool, refused: dict[str, str]) -> dict[str, t.Any]:
    """The run fails before its first write, naming each refused entry with its limit (``refused``: entry -> part of the message)."""
    status, result = run_module(server, module, args, check_mode=check_mode)
    assert status == 1 and result["changed"] is False, result
    assert writes_seen(server) == {}, writes_seen(server)
    assert failed(result).keys() == refused.keys(), result
    for item, text in refused.items():
        assert text in failed(result)[item] and "%s: %s" % (item, text) in result["msg"], (item, result["msg"])
    assert result["done"] == [] and "nothing was written" in result["msg"]
    return result


@pytest.mark.parametrize("check_mode", [True, False])
def test_quota_above_the_domains_maximum_per_mailbox(server: Emulator, check_mode: bool) -> None:
    entries = [{"local_part": name, "password": PASSWORD, "quota": 3000 if name == "dan" else 100} for name in ("ann", "cat", "dan", "eve")]
    result = expect_refusal(server, "mailcow_mailbox", {"domain": DOMAIN, "mailboxes": entries}, check_mode,
                            {"dan@" + DOMAIN: "quota 3000 MiB is above the domain's maximum per mailbox (2048 MiB)"})
    assert result["msg"].startswith("Mailcow would refuse 1 entry in domain %s, so nothing was written: dan@" % DOMAIN)
    assert mailboxes(server) == [OWNER]


@pytest.mark.parametrize("check_mode", [True, False])
def test_quota_raised_above_the_maximum_on_an_existing_mailbox(server: Emulator, check_mode: bool) -> None:
    expect_refusal(server, "mailcow_mailbox", {"address": OWNER, "quota": 5000}, check_mode,
                   {OWNER: "quota 5000 MiB is above the domain's maximum per mailbox (2048 MiB)"})


@pytest.mark.parametrize("check_mode", [True, False])
def test_new_quotas_above_what_is_left_of_the_domains_total(server: Emulator, check_mode: bool) -> None:
    add_mailbox(server, "big@" + DOMAIN, quota=2048)  # 4096 - 2048: 2048 MiB left
    server.control("POST", "stats/reset")
    entries = [{"local_part": name, "password": PASSWORD, "quota": 1500} for name in ("x", "y")] + [{"local_part": "z", "password": PASSWORD}]
    why = "the new quotas add up to 3000 MiB, more than the 2048 MiB left of the domain's total quota (4096 MiB)"
    expect_refusal(server, "mailcow_mailbox", {"domain": DOMAIN, "mailboxes": entries}, check_mode, {"x@" + DOMAIN: why, "y@" + DOMAIN: why})


@pytest.mark.parametrize("check_mode", [True, False])
def test_more_mailboxes_than_the_domain_allows(server: Emulator, check_mode: bool) -> None:
    add_domain(server, "small.example", mailboxes=3)
    add_mailbox(server, "first@small.example")
    server.control("POST", "stats/reset")
    entries = [{"local_part": name, "password": PASSWORD} for name in ("a", "b", "c")]
    why = "the domain allows 3 mailboxes and holds 1: 2 more can be added, 3 are to be added"
    expect_refusal(server, "mailcow_mailbox", {"domain": "small.example", "mailboxes": entries}, check_mode, {"c@small.example": why})
    # Deleting one in the same run makes room: deletes go first.
    status, result = run_module(server, "mailcow_mailbox", {"domain": "small.example", "mailboxes": entries, "purge": True, "purge_max_share": 100},
                                check_mode=True)
    assert status == 0 and result["msg"] == "would create 3 (a, b, c), would delete 1 (first)", result


@pytest.mark.parametrize("check_mode", [True, False])
def test_more_aliases_than_the_domain_allows(server: Emulator, check_mode: bool) -> None:
    add_domain(server, "few.example", aliases=2)
    server.control("POST", "stats/reset")
    entries = [{"local_part": name, "goto": ["x@elsewhere.example"]} for name in ("a", "b", "c")]
    expect_refusal(server, "mailcow_alias", {"domain": "few.example", "aliases": entries}, check_mode,
                   {"c@few.example": "the domain allows 2 aliases and has 2 left: 3 are to be added"})


@pytest.mark.parametrize("check_mode", [True, False])
def test_sender_acl_naming_a_domain_that_is_not_on_the_server(server: Emulator, check_mode: bool) -> None:
    entries = [{"local_part": "ann", "password": PASSWORD, "sender_acl": ["@" + DOMAIN]},
               {"local_part": "bob", "password": PASSWORD, "sender_acl": ["@gmail.com"]}]
    expect_refusal(server, "mailcow_mailbox", {"domain": DOMAIN, "mailboxes": entries}, check_mode,
                   {"bob@" + DOMAIN: "sender_acl entry @gmail.com: gmail.com is not a domain or alias domain of this Mailcow"})


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize("module,kind,entries", [
    ("mailcow_mailbox", "mailboxes", [{"local_part": "a", "password": PASSWORD}, {"local_part": "b", "password": PASSWORD}]),
    ("mailcow_alias", "aliases", [{"local_part": "a", "goto": ["x@elsewhere.example"]}, {"local_part": "b", "goto": ["x@elsewhere.example"]}]),
])
def test_adds_in_a_domain_that_does_not_exist(server: Emulator, check_mode: bool, module: str, kind: str, entries: list[dict[str, t.Any]],
                                              capfd: pytest.CaptureFixture[str]) -> None:
    status, result = run_module(server, module, {"domain": "absent.example", kind: entries}, check_mode=check_mode)
    assert writes_seen(server) == {}
    if check_mode:  # an earlier task of the play (mailcow_domain, the role) may create the domain: a warning, not a refusal
        assert status == 0 and result["changed"], result
        # Run in-process, the module's warnings are printed rather than returned.
        assert ("domain absent.example does not exist on this Mailcow (yet), so check mode cannot check its limits: a real run will fail without "
                "adding the %s unless the domain is created first (mailcow_domain, or the role's mailcow_domain_settings)" % kind) in capfd.readouterr().err
        return
    assert status == 1 and not result["changed"], result
    assert result["msg"] == ("domain absent.example does not exist on this Mailcow (create it with mailcow_domain or the role's "
                             "mailcow_domain_settings): 2 %s not created; nothing was written" % kind)
    assert [entry["item"] for entry in result["failed_entries"]] == ["a@absent.example", "b@absent.example"]


# -- the emulator refuses as Mailcow does ---------------------------------------------------------------------------


def test_emulator_refuses_an_alias_once_the_domain_has_exactly_none_left(server: Emulator) -> None:
    # Mailcow's add/alias: `if ($domaindata['aliases_left'] == "0")` -> danger max_alias_exceeded, and the rest of the list is not added.
    add_domain(server, "few.example", aliases=2)
    body = {"address": "a@few.example,b@few.example,c@few.example,d@few.example", "goto": "x@elsewhere.example", "active": 1}
    answer = api(server, "POST", "add/alias", body)
    assert [(entry["type"], entry["msg"]) for entry in answer] == [
        ("success", ["alias_added", "a@few.example", answer[0]["msg"][2]]), ("success", ["alias_added", "b@few.example", answer[1]["msg"][2]]),
        ("danger", "max_alias_exceeded")]
    assert api(server, "GET", "get/domain/few.example")["aliases_left"] == 0
