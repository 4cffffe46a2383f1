# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator -> mail stack contract: Dovecot users file and Postfix tcp_table lookups."""
from __future__ import annotations

import os

import pytest

from conftest import Emulator
from mailcow_emulator.passwords import verify_password

OLD, NEW = "Alte-Passw0rt!", "Neue-Passw0rt!"


@pytest.fixture
def mail(emulator: Emulator) -> Emulator:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "mail.example", "key_size": 0})
    add = {"local_part": "alice", "domain": "mail.example", "password": OLD, "password2": OLD}
    assert emulator.request("POST", "/api/v1/add/mailbox", add).json()[-1]["type"] == "success"
    return emulator


def _edit(emulator: Emulator, target: str, attr: dict[str, object], category: str = "mailbox") -> None:
    reply = emulator.request("POST", f"/api/v1/edit/{category}", {"items": [target], "attr": attr}).json()
    assert reply[-1]["type"] == "success", reply


def _users(emulator: Emulator) -> dict[str, list[str]]:
    lines = emulator.users_file.read_text().splitlines()
    return {line.split(":", 1)[0]: line.split(":") for line in lines}


def test_users_file_line_for_an_active_mailbox(mail: Emulator) -> None:
    fields = _users(mail)["alice@mail.example"]
    home = os.path.join(mail.config["vmail_dir"], "mail.example", "alice")
    assert fields[2:] == [str(os.getuid()), str(os.getgid()), "", home, "", ""]
    assert fields[1].startswith("{SSHA512}") and verify_password(OLD, fields[1])
    assert OLD not in mail.users_file.read_text()


def test_users_file_follows_edits_and_delete(mail: Emulator) -> None:
    _edit(mail, "alice@mail.example", {"active": 2})
    assert _users(mail)["alice@mail.example"][7] == "nologin=y"  # receives mail, cannot log in
    _edit(mail, "alice@mail.example", {"active": 1, "password": NEW, "password2": NEW})
    fields = _users(mail)["alice@mail.example"]
    assert fields[7] == "" and verify_password(NEW, fields[1]) and not verify_password(OLD, fields[1])
    _edit(mail, "alice@mail.example", {"active": 0})
    assert "alice@mail.example" not in _users(mail)
    _edit(mail, "alice@mail.example", {"active": 1})
    _edit(mail, "mail.example", {"active": 0}, category="domain")
    assert _users(mail) == {}  # an inactive domain's users cannot log in
    _edit(mail, "mail.example", {"active": 1}, category="domain")
    assert "alice@mail.example" in _users(mail)
    mail.request("POST", "/api/v1/delete/mailbox", ["alice@mail.example"])
    assert mail.users_file.read_text() == ""


def _app_password(emulator: Emulator, name: str, password: str, protocols: list[str], active: int = 1) -> int:
    body = {"username": "alice@mail.example", "app_name": name, "app_passwd": password, "app_passwd2": password,
            "protocols": protocols, "active": active}
    assert emulator.request("POST", "/api/v1/add/app-passwd", body).json()[-1]["type"] == "success"
    rows = emulator.request("GET", "/api/v1/get/app-passwd/all/alice@mail.example").json()
    return max(int(row["id"]) for row in rows if row["name"] == name)


def _app_fields(emulator: Emulator) -> dict[str, tuple[str, str]]:
    """``{app<id>: (services, hash)}`` from alice's extra fields."""
    extra = _users(emulator)["alice@mail.example"][7].split()
    return {key: tuple(value.split("|", 1)) for key, value in (token.split("=", 1) for token in extra)}  # type: ignore[misc]


def test_users_file_carries_the_app_passwords_dovecot_checks(mail: Emulator) -> None:
    phone = _app_password(mail, "phone", NEW, ["imap_access", "smtp_access", "dav_access"])
    _app_password(mail, "calendar", "Kalender-Passw0rt!", ["dav_access", "eas_access"])  # SOGo only: no Dovecot login
    _app_password(mail, "off", "Aus-Passw0rt!", ["imap_access"], active=0)
    fields = _app_fields(mail)
    assert list(fields) == ["app%d" % phone]
    services, hashed = fields["app%d" % phone]
    assert services == "imap,smtp" and verify_password(NEW, hashed) and not verify_password(OLD, hashed)
    listing = mail.request("GET", "/api/v1/get/app-passwd/all/alice@mail.example").text
    assert hashed not in listing and "{BLF-CRYPT}" in listing  # the API shows only the Mailcow-shaped hash
    edit = {"items": [phone], "attr": {"username": "alice@mail.example", "protocols": ["pop3_access"], "app_passwd": OLD, "app_passwd2": OLD}}
    assert mail.request("POST", "/api/v1/edit/app-passwd", edit).json()[-1]["type"] == "success"
    services, hashed = _app_fields(mail)["app%d" % phone]
    assert services == "pop3" and verify_password(OLD, hashed)
    _edit(mail, "alice@mail.example", {"active": 2})
    assert _users(mail)["alice@mail.example"][7] == "nologin=y"  # login disabled: no app password either
    _edit(mail, "alice@mail.example", {"active": 1})
    mail.request("POST", "/api/v1/delete/app-passwd", [phone])
    assert _app_fields(mail) == {}


def test_deleted_mailbox_maildir_goes_to_garbage(mail: Emulator) -> None:
    maildir = mail.dir / "mail" / "vmail" / "mail.example" / "alice"
    (maildir / "cur").mkdir(parents=True)
    mail.request("POST", "/api/v1/delete/mailbox", ["alice@mail.example"])
    assert not maildir.exists()
    assert any(p.name.endswith("_mail.example_alice") for p in (mail.dir / "mail" / "garbage").iterdir())


def test_domain_table(mail: Emulator) -> None:
    assert mail.table("domains", "get mail.example", "get MAIL.example", "get nope.example") == [
        "200 mail.example", "200 mail.example", "500 not found"]
    mail.request("POST", "/api/v1/add/domain", {"domain": "relay.example", "key_size": 0, "backupmx": 1})
    assert mail.table("domains", "get relay.example") == ["500 not found"]  # a relay, not local
    _edit(mail, "mail.example", {"active": 0}, category="domain")
    assert mail.table("domains", "get mail.example") == ["500 not found"]


def test_mailbox_table(mail: Emulator) -> None:
    assert mail.table("mailboxes", "get alice%40mail.example", "get bob@mail.example") == [
        "200 mail.example/alice/", "500 not found"]
    _edit(mail, "alice@mail.example", {"active": 2})
    assert mail.table("mailboxes", "get alice@mail.example") == ["200 mail.example/alice/"]
    _edit(mail, "alice@mail.example", {"active": 0})
    assert mail.table("mailboxes", "get alice@mail.example") == ["500 not found"]


def test_alias_table(mail: Emulator) -> None:
    add = mail.request("POST", "/api/v1/add/mailbox",
                       {"local_part": "bob", "domain": "mail.example", "password": OLD, "password2": OLD})
    assert add.json()[-1]["type"] == "success"
    mail.request("POST", "/api/v1/add/alias", {"address": "team@mail.example", "goto": "alice@mail.example,bob@mail.example", "active": 1})
    mail.request("POST", "/api/v1/add/alias", {"address": "off@mail.example", "goto": "bob@mail.example"})
    mail.request("POST", "/api/v1/add/alias", {"address": "@mail.example", "goto": "bob@mail.example", "active": 1})
    assert mail.table("aliases", "get team@mail.example", "get alice@mail.example", "get off@mail.example",
                      "get @mail.example", "get nobody@else.example") == [
        "200 alice@mail.example,bob@mail.example",  # a real alias: its goto list
        "200 alice@mail.example",  # a mailbox resolves to itself (its self-alias row)
        "500 not found",  # created without "active": inactive
        "200 bob@mail.example",  # catch-all
        "500 not found",
    ]
    mail.request("POST", "/api/v1/delete/mailbox", ["bob@mail.example"])
    assert mail.table("aliases", "get team@mail.example") == ["200 alice@mail.example"]


def test_table_protocol_errors(mail: Emulator) -> None:
    assert mail.table("aliases", "put a b", "get", "get %20alice@mail.example") == [
        "400 unsupported request", "400 unsupported request", "200 alice@mail.example"]
