# SPDX-License-Identifier: GPL-3.0-or-later
"""App password behaviour the life-cycle recording does not show, as Mailcow's
functions.app_passwd.inc.php and functions.mailbox.inc.php do it (docs/mailcow-api.md#app-passwords)."""
from __future__ import annotations

import typing as t
from typing import Any

import pytest

from conftest import Emulator, client_of, run_at_once

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.manager import manage_many, manage_one

PW = "Geheim-123"
MAILBOX = "alice@ap.example"
LISTING = "/api/v1/get/app-passwd/all/" + MAILBOX


@pytest.fixture
def api(emulator: Emulator) -> Emulator:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "ap.example", "key_size": 0})
    add = {"local_part": "alice", "domain": "ap.example", "password": PW, "password2": PW}
    assert emulator.request("POST", "/api/v1/add/mailbox", add).json()[-1]["type"] == "success"
    return emulator


def _add(api: Emulator, name: str, **extra: Any) -> None:
    body = dict({"username": "alice@ap.example", "app_name": name, "app_passwd": PW, "app_passwd2": PW,
                 "protocols": ["imap_access"], "active": 1}, **extra)
    assert api.request("POST", "/api/v1/add/app-passwd", body).json()[0]["msg"] == "app_passwd_added"


def _listing(api: Emulator) -> list[dict[str, Any]]:
    data = api.request("GET", LISTING).json()
    return data if isinstance(data, list) else []


def test_edit_without_app_name_escapes_the_name_once_more(api: Emulator) -> None:
    _add(api, "CalDAV <sync>")
    row = _listing(api)[0]
    assert row["name"] == "CalDAV &amp;lt;sync&amp;gt;"
    api.request("POST", "/api/v1/edit/app-passwd", {"items": [row["id"]], "attr": {"username": "alice@ap.example", "active": 0}})
    # Stored escaped twice now, read escaped once more.
    assert _listing(api)[0]["name"] == "CalDAV &amp;amp;amp;lt;sync&amp;amp;amp;gt;"
    # Sending the name as written stores it escaped once again, as an add does.
    api.request("POST", "/api/v1/edit/app-passwd", {"items": [row["id"]], "attr": {"username": "alice@ap.example", "app_name": "CalDAV <sync>"}})
    assert _listing(api)[0]["name"] == "CalDAV &amp;lt;sync&amp;gt;"


def test_edit_keeps_what_it_is_not_given_and_add_without_active_is_inactive(api: Emulator) -> None:
    _add(api, "Phone", protocols=["smtp_access", "eas_access"], active=None)
    row = _listing(api)[0]
    assert (row["active"], row["smtp_access"], row["eas_access"], row["imap_access"]) == (0, 1, 1, 0)
    api.request("POST", "/api/v1/edit/app-passwd", {"items": [row["id"]], "attr": {"username": "alice@ap.example", "app_name": "Phone", "active": 1}})
    after = _listing(api)[0]
    assert (after["active"], after["smtp_access"], after["eas_access"], after["password"]) == (1, 1, 1, row["password"])
    assert after["modified"] is not None


def test_deleting_the_mailbox_deletes_its_app_passwords(api: Emulator) -> None:
    _add(api, "Phone")
    api.request("POST", "/api/v1/delete/mailbox", ["alice@ap.example"])
    assert api.request("GET", LISTING).text == "{}"


def test_delete_stops_at_the_first_unknown_id(api: Emulator) -> None:
    _add(api, "One")
    _add(api, "Two")
    first, second = (row["id"] for row in _listing(api))
    reply = api.request("POST", "/api/v1/delete/app-passwd", [first, 999999, second]).json()
    assert [(e["type"], e["msg"]) for e in reply] == [("success", ["app_passwd_removed", str(first)]), ("danger", "app_passwd_id_invalid")]
    assert [row["id"] for row in _listing(api)] == [second]


# -- two runs adding the same app password at once, through the collection's code -------------------
# Mailcow accepts a second app password of the same name, so two runs that both read "no such name"
# both add one. The runs settle it themselves: each reads the listing after its add and keeps only
# the oldest of a name it created.


def _names(emulator: Emulator) -> list[str]:
    return sorted(row["name"] for row in _listing(emulator))


def _race(emulator: Emulator, task: t.Callable[[MailcowClient], dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Two runs of ``task`` at once, whose first two adds are carried out late (the emulator sleeps before acting):
    the other run reads the listing meanwhile, so neither sees the other's add."""
    return run_at_once(emulator, task, {"kind": "slow", "delay": 1.5, "count": 2, "path": "/api/v1/add/app-passwd"})


def one(client: MailcowClient) -> dict[str, t.Any]:
    params = {"mailbox": MAILBOX, "name": "Phone", "password": PW, "protocols": ["imap_access"], "active": None, "state": "present",
              "update_password": "on_create"}
    return manage_one(client, params, check_mode=False, diff=False)


def bulk(client: MailcowClient) -> dict[str, t.Any]:
    entries = [{"name": name, "password": PW, "protocols": ["imap_access"], "state": "present", "update_password": "on_create"}
               for name in ("Phone", "Laptop")]
    params = {"mailbox": MAILBOX, "app_passwords": entries, "purge": False, "purge_allow_empty": False, "purge_max_share": 50}
    return manage_many(client, params, check_mode=False, diff=False)


@pytest.mark.parametrize("task", [one, bulk], ids=["single", "bulk"])
def test_two_runs_adding_the_same_name_leave_it_once(api: Emulator, task: t.Callable[[MailcowClient], dict[str, t.Any]]) -> None:
    results = _race(api, task)
    assert all(result["changed"] for result in results)
    wanted = ["Phone"] if task is one else ["Laptop", "Phone"]
    assert _names(api) == wanted  # each name once: the newer duplicate was deleted
    settled = [warning for result in results for warning in result["warnings"]]
    assert settled and all("at the same time (Mailcow accepts duplicate names): kept the oldest" in warning for warning in settled)
    outcomes = [result.get("outcome") for result in results] if task is one else [
        entry.get("outcome") for result in results for entry in result["app_passwords"]]
    assert "created_concurrently" in outcomes
    assert PW not in repr(results)
    again = task(client_of(api))
    assert not again["changed"] and not again["warnings"]
