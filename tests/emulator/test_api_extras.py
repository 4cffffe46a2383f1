# SPDX-License-Identifier: GPL-3.0-or-later
"""Mailcow behaviour the transcripts do not cover, as read from Mailcow's source (docs/mailcow-api.md)."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import Emulator

PW = "Geheim-123"


@pytest.fixture
def api(emulator: Emulator) -> Emulator:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "x.example", "key_size": 0, "mailboxes": 3,
                                                    "quota": 1000, "maxquota": 500, "defquota": 100})
    add = {"local_part": "alice", "domain": "x.example", "password": PW, "password2": PW, "quota": 100,
           "tags": ["red", "green"]}
    assert emulator.request("POST", "/api/v1/add/mailbox", add).json()[-1]["type"] == "success"
    return emulator


def _msgs(reply: Any) -> list[Any]:
    return [(entry["type"], entry["msg"]) for entry in reply.json()]


def _mailbox(api: Emulator, user: str = "alice@x.example") -> dict[str, Any]:
    data: dict[str, Any] = api.request("GET", f"/api/v1/get/mailbox/{user}").json()
    return data


def test_tls_policy_only_through_its_own_endpoint(api: Emulator) -> None:
    api.request("POST", "/api/v1/edit/mailbox", {"items": ["alice@x.example"], "attr": {"tls_enforce_in": 1}})
    assert _mailbox(api)["attributes"]["tls_enforce_in"] == "0"
    reply = api.request("POST", "/api/v1/edit/tls_policy", {"items": ["alice@x.example", "ghost@x.example"],
                                                            "attr": {"tls_enforce_in": 1, "tls_enforce_out": "1"}})
    assert _msgs(reply) == [("success", ["mailbox_modified", "alice@x.example"]), ("danger", "access_denied")]
    attributes = _mailbox(api)["attributes"]
    assert (attributes["tls_enforce_in"], attributes["tls_enforce_out"]) == ("1", "1")


def test_tags_are_added_by_edit_and_removed_by_delete_tag(api: Emulator) -> None:
    api.request("POST", "/api/v1/edit/mailbox", {"items": "alice@x.example", "attr": {"tags": ["blue", "red"]}})
    assert _mailbox(api)["tags"] == ["red", "green", "blue"]
    reply = api.request("POST", "/api/v1/delete/mailbox/tag/alice@x.example", ["red", "green"])
    assert _msgs(reply) == [("success", ["mailbox_modified", "alice@x.example"])]
    assert _mailbox(api)["tags"] == ["blue"]
    assert api.request("GET", "/api/v1/get/mailbox/all?tags=lu").json()[0]["username"] == "alice@x.example"
    assert api.request("GET", "/api/v1/get/mailbox/x.example?tags=nope").body == b"[]"
    api.request("POST", "/api/v1/delete/mailbox/tag/alice@x.example", ["blue"])
    assert "tags" not in _mailbox(api)  # absent, not []


def test_edit_keeps_name_and_checks_quota_every_time(api: Emulator) -> None:
    api.request("POST", "/api/v1/edit/mailbox", {"items": ["alice@x.example"], "attr": {"name": "Alice"}})
    api.request("POST", "/api/v1/edit/mailbox", {"items": ["alice@x.example"], "attr": {"name": ""}})
    assert _mailbox(api)["name"] == "Alice"  # name cannot be cleared
    reply = api.request("POST", "/api/v1/edit/mailbox", {"items": ["alice@x.example"], "attr": {"quota": 600}})
    assert _msgs(reply) == [("danger", ["mailbox_quota_left_exceeded", 500])]
    reply = api.request("POST", "/api/v1/edit/mailbox", {"items": ["nomail"], "attr": {}})
    assert _msgs(reply) == [("danger", ["username_invalid", "nomail"])]


def test_add_mailbox_limits(api: Emulator) -> None:
    def add(local: str, quota: int) -> Any:
        body = {"local_part": local, "domain": "x.example", "password": PW, "password2": PW, "quota": quota}
        return _msgs(api.request("POST", "/api/v1/add/mailbox", body))[-1]

    assert add("b", 501) == ("danger", ["mailbox_quota_exceeded", 500])
    assert add("b", 500) == ("success", ["mailbox_added", "b@x.example"])
    assert add("c", 401) == ("danger", ["mailbox_quota_left_exceeded", 400])
    assert add("c", 0) == ("success", ["mailbox_added", "c@x.example"])
    assert add("d", 1) == ("danger", ["max_mailbox_exceeded", 3, 3])


def test_edit_domain(api: Emulator) -> None:
    edit = {"items": ["x.example", "nope.example"], "attr": {"description": "Desc", "mailboxes": 0}}
    assert _msgs(api.request("POST", "/api/v1/edit/domain", edit)) == [
        ("danger", ["mailboxes_in_use", 1]), ("danger", "domain_invalid")]
    edit = {"items": "x.example", "attr": {"description": "Desc", "tags": ["t1"], "gal": 0}}
    assert _msgs(api.request("POST", "/api/v1/edit/domain", edit)) == [("success", ["domain_modified", "x.example"])]
    domain = api.request("GET", "/api/v1/get/domain/x.example").json()
    assert (domain["description"], domain["gal"], domain["tags"]) == ("Desc", 0, ["t1"])
    assert domain["modified"] is not None
    # Re-sending a tag the domain has: Mailcow's PDOException, an empty body.
    reply = api.request("POST", "/api/v1/edit/domain", {"items": "x.example", "attr": {"tags": ["t1"], "gal": 1}})
    assert (reply.status, reply.body) == (200, b"")
    assert api.request("GET", "/api/v1/get/domain/x.example").json()["gal"] == 1  # already committed


def test_alias_defaults_and_special_goto(api: Emulator) -> None:
    reply = api.request("POST", "/api/v1/add/alias", {"address": "a1@x.example b1@x.example", "goto": "alice@x.example"})
    assert [m[1][0] for m in _msgs(reply)] == ["alias_added", "alias_added"]
    alias = api.request("GET", "/api/v1/get/alias/a1@x.example").json()
    assert (alias["active"], alias["sender_allowed"], alias["sogo_visible"]) == (0, 0, 0)
    api.request("POST", "/api/v1/add/alias", {"address": "trash@x.example", "goto_null": 1, "active": 1})
    assert api.request("GET", "/api/v1/get/alias/trash@x.example").json()["goto"] == "null@localhost"
    # Any edit without goto_null=1 re-validates null@localhost, fails and changes nothing.
    reply = api.request("POST", "/api/v1/edit/alias", {"items": ["trash@x.example"], "attr": {"active": 0}})
    assert _msgs(reply) == [("danger", ["goto_invalid", "null@localhost"]), ("success", ["alias_modified", "trash@x.example"])]
    assert api.request("GET", "/api/v1/get/alias/trash@x.example").json()["active"] == 1
    reply = api.request("POST", "/api/v1/edit/alias", {"items": ["nope@x.example", "a1@x.example"], "attr": {"active": 1}})
    assert _msgs(reply) == [("danger", ["alias_invalid", None]), ("success", ["alias_modified", "a1@x.example"])]


def test_reply_encodings(api: Emulator) -> None:
    reply = api.request("POST", "/api/v1/add/domain", {"domain": "enc.example", "description": "Ä/ö", "key_size": 0})
    assert '"description":"\\u00c4\\/\\u00f6"' in reply.text  # json_encode: compact, escaped
    text = api.request("GET", "/api/v1/get/domain/enc.example").text
    assert '\n    "description": "Ä\\/ö",\n' in text  # pretty, unicode kept, slashes escaped
    assert api.request("GET", "/api/v1/get/status/version").text == '{"version":"2026-07a"}'


def test_unauthenticated_writes(api: Emulator) -> None:
    body = {"local_part": "n", "domain": "x.example", "password": PW, "password2": PW}
    reply = api.request("POST", "/api/v1/add/mailbox", body, key=None)
    assert (reply.status, reply.body) == (200, b"")  # Mailcow's TypeError: nothing printed
    reply = api.request("POST", "/api/v1/edit/mailbox", {"items": ["alice@x.example"], "attr": {}}, key=None)
    assert (reply.status, reply.json()) == (403, {"type": "error", "msg": "API read/write access denied"})


def test_domain_readd_keeps_dkim(api: Emulator) -> None:
    api.request("POST", "/api/v1/add/domain", {"domain": "dk.example"})
    api.request("POST", "/api/v1/delete/domain", ["dk.example"])
    reply = api.request("POST", "/api/v1/add/domain", {"domain": "dk.example"})
    assert _msgs(reply) == [("success", "domain_add_dkim_available"), ("success", ["domain_added", "dk.example"])]


def test_delete_domain_removes_its_aliases(api: Emulator) -> None:
    api.request("POST", "/api/v1/add/domain", {"domain": "gone.example", "key_size": 0})
    api.request("POST", "/api/v1/add/alias", {"address": "a@gone.example", "goto": "alice@x.example", "active": 1})
    assert _msgs(api.request("POST", "/api/v1/delete/domain", ["gone.example"])) == [
        ("success", ["domain_removed", "gone.example"])]
    assert api.request("GET", "/api/v1/get/alias/a@gone.example").body == b"{}"


def test_only_api_v1_reaches_the_api(api: Emulator) -> None:
    reply = api.request("GET", "/api/v2/get/status/version")
    assert (reply.status, reply.content_type) == (404, "text/html")
    assert api.request("GET", "/api/v1//get//status/version").json() == {"version": "2026-07a"}  # merge_slashes
    assert api.request("GET", "/api/v1/get/mailbox/ALICE%40x.example").json()["username"] == "alice@x.example"


def test_mailbox_usage_is_what_its_maildir_holds(api: Emulator) -> None:
    """messages / quota_used (and the domain's msgs_total / bytes_total) are Dovecot's figures on a real
    Mailcow: every message of every folder at its stored size. The sandbox reads them from the maildir."""
    add = {"local_part": "mia", "domain": "x.example", "password": PW, "password2": PW, "quota": 1}
    assert api.request("POST", "/api/v1/add/mailbox", add).json()[-1]["type"] == "success"
    empty = _mailbox(api, "mia@x.example")
    assert (empty["messages"], empty["quota_used"], empty["percent_in_use"]) == (0, 0, 0)
    maildir = Path(api.config["vmail_dir"]) / "x.example" / "mia"
    files = {
        "new/1796612002.M1P1.vm,S=700000,W=702000": b"x" * 10,  # Dovecot's S= is the stored size
        "cur/1796612003.M2P1.vm:2,S": b"y" * 1234,  # no S=: its length on disk
        ".Sent/cur/1796612004.M3P1.vm,S=1000:2,S": b"z",
        ".Sent/tmp/1796612005.M4P1.vm": b"still being delivered",  # tmp/ is not a message yet
        "dovecot-uidlist": b"3 V1 N4\n",
    }
    try:
        for name, data in files.items():
            (maildir / name).parent.mkdir(parents=True, exist_ok=True)
            (maildir / name).write_bytes(data)
        mailbox = _mailbox(api, "mia@x.example")
        assert (mailbox["messages"], mailbox["quota_used"]) == (3, 700000 + 1234 + 1000)
        assert mailbox["percent_in_use"] == 67  # of 1 MiB, rounded half up as PHP does
        reduced = api.request("GET", "/api/v1/get/mailbox/reduced/x.example").json()
        assert [(m["username"], m["messages"]) for m in reduced] == [("alice@x.example", 0), ("mia@x.example", 3)]
        domain = api.request("GET", "/api/v1/get/domain/x.example").json()
        assert (domain["msgs_total"], domain["bytes_total"]) == (3, 702234)
    finally:
        shutil.rmtree(maildir, ignore_errors=True)
