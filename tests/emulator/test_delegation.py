# SPDX-License-Identifier: GPL-3.0-or-later
"""Alias domains and domain administrators: what docs/mailcow-api.md states from Mailcow's source
beyond the recorded cases (tests/emulator/test_lifecycle_transcripts.py replays those)."""
from __future__ import annotations

from typing import Any

from conftest import Emulator

PASSWORD = "Fake-Passw0rd-1"


def add(emulator: Emulator, category: str, body: Any) -> Any:
    return emulator.request("POST", "/api/v1/add/" + category, body).json()


def admin(username: str, *domains: str, password: str = PASSWORD) -> dict[str, Any]:
    return {"username": username, "domains": list(domains), "password": password, "password2": password, "active": 1}


def setup(emulator: Emulator) -> None:
    for domain in ("lc.example", "lc2.example"):
        assert add(emulator, "domain", {"domain": domain, "key_size": 0})[-1]["msg"][0] == "domain_added"


def test_deleting_a_domain_drops_its_alias_domains_and_admin_rows(emulator: Emulator) -> None:
    setup(emulator)
    assert add(emulator, "alias-domain", {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": 1})[-1]["type"] == "success"
    assert add(emulator, "domain-admin", admin("a1", "lc.example", "lc2.example"))[-1]["type"] == "success"
    emulator.request("POST", "/api/v1/delete/domain", ["lc.example"])
    assert emulator.request("GET", "/api/v1/get/alias-domain/all").json() == {}
    assert emulator.request("GET", "/api/v1/get/domain-admin/a1").json()["selected_domains"] == ["lc2.example"]


def test_a_ghost_admin_cannot_be_deleted_but_its_acl_can_be_edited(emulator: Emulator) -> None:
    setup(emulator)
    answer = add(emulator, "domain-admin", admin("ghost", "missing.example"))
    assert [entry["msg"][0] for entry in answer] == ["domain_invalid", "domain_admin_added"]
    deleted = emulator.request("POST", "/api/v1/delete/domain-admin", ["ghost"]).json()
    assert deleted[-1]["msg"] == ["username_invalid", "ghost"]
    acl = emulator.request("POST", "/api/v1/edit/da-acl", {"items": ["ghost"], "attr": {"da_acl": ["syncjobs"]}}).json()
    assert acl[-1]["msg"] == ["acl_saved", "ghost"]


def test_the_superadmin_name_is_taken_and_force_flags_reset_on_edit(emulator: Emulator) -> None:
    setup(emulator)
    assert add(emulator, "domain-admin", admin("Admin", "lc.example"))[-1]["msg"] == ["object_exists", "admin"]
    assert add(emulator, "domain-admin", admin("a2", "lc.example"))[-1]["type"] == "success"
    emulator.request("POST", "/api/v1/edit/domain-admin", {"items": ["a2"], "attr": {"force_tfa": 1}})
    assert emulator.request("GET", "/api/v1/get/domain-admin/a2").json()["attributes"]["force_tfa"] == "1"
    emulator.request("POST", "/api/v1/edit/domain-admin", {"items": ["a2"], "attr": {"active": 1}})
    assert emulator.request("GET", "/api/v1/get/domain-admin/a2").json()["attributes"]["force_tfa"] == "0"


def test_a_refused_password_leaves_the_domain_change_done(emulator: Emulator) -> None:
    setup(emulator)
    assert add(emulator, "domain-admin", admin("a3", "lc.example"))[-1]["type"] == "success"
    answer = emulator.request("POST", "/api/v1/edit/domain-admin", {"items": ["a3"], "attr": {"domains": ["lc2.example"], "password": "ab",
                                                                                              "password2": "ab"}}).json()
    assert answer[-1]["msg"] == "password_complexity"
    assert emulator.request("GET", "/api/v1/get/domain-admin/a3").json()["selected_domains"] == ["lc2.example"]


def test_alias_domain_checks_in_mailcow_order(emulator: Emulator) -> None:
    setup(emulator)
    same = add(emulator, "alias-domain", {"alias_domain": "lc.example", "target_domain": "lc.example", "active": 1})
    assert same[-1]["msg"] == ["aliasd_targetd_identical", "lc.example"]
    add(emulator, "alias-domain", {"alias_domain": "alias-lc.example", "target_domain": "lc.example", "active": 1})
    to_alias = emulator.request("POST", "/api/v1/edit/alias-domain", {"items": ["alias-lc.example"], "attr": {"target_domain": "alias-lc.example"}})
    assert to_alias.json()[-1]["msg"] == ["target_domain_invalid", "alias-lc.example"]
