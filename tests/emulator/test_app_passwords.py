# SPDX-License-Identifier: GPL-3.0-or-later
"""App password behaviour the life-cycle recording does not show, as Mailcow's
functions.app_passwd.inc.php and functions.mailbox.inc.php do it (docs/mailcow-api.md#app-passwords)."""
from __future__ import annotations

from typing import Any

import pytest

from conftest import Emulator

PW = "Geheim-123"
LISTING = "/api/v1/get/app-passwd/all/alice@ap.example"


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
