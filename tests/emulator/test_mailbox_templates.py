# SPDX-License-Identifier: GPL-3.0-or-later
"""Mailbox templates and per-mailbox rate limits as Mailcow has them (docs/mailcow-api.md#templates).

The recording (tests/fixtures/mailcow-api/transcripts-templates.jsonl, replayed by
test_template_transcripts.py) adds a mailbox with a template *name* only; what a template given by
its id does to a new mailbox comes from data/web/inc/functions.mailbox.inc.php and is pinned here.
The rate-limit reads are also replayed from the life-cycle recording (test_lifecycle_transcripts.py);
these tests add the template's limit on add.
"""
from __future__ import annotations

from typing import Any

import pytest

from conftest import Emulator

PW = "Geheim-123"


@pytest.fixture
def api(emulator: Emulator) -> Emulator:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "t.example", "key_size": 0})  # defquota 3072 MiB
    reply = emulator.request("POST", "/api/v1/add/mailbox/template", {
        "template": "Staff", "quota": 64, "tags": ["staff"], "rl_value": 30, "rl_frame": "m", "active": 2, "protocol_access": ["imap"]})
    assert reply.json() == [{"type": "success", "log": reply.json()[0]["log"], "msg": ["template_added", "Staff"]}]
    return emulator


def _add(api: Emulator, local_part: str, **extra: Any) -> dict[str, Any]:
    body = dict({"local_part": local_part, "domain": "t.example", "password": PW, "password2": PW}, **extra)
    assert api.request("POST", "/api/v1/add/mailbox", body).json()[-1]["msg"] == ["mailbox_added", f"{local_part}@t.example"]
    mailbox: dict[str, Any] = api.request("GET", f"/api/v1/get/mailbox/{local_part}@t.example").json()
    return mailbox


def test_templates_are_listed_with_the_default_first_and_read_by_id(api: Emulator) -> None:
    listed = api.request("GET", "/api/v1/get/mailbox/template/all").json()
    assert [(t["id"], t["template"]) for t in listed] == [(2, "Default"), (3, "Staff")]
    assert listed[0]["attributes"]["quota"] == 0 and listed[1]["attributes"]["quota"] == 64 * 1048576
    assert api.request("GET", "/api/v1/get/mailbox/template/3").json()["template"] == "Staff"
    assert api.request("GET", "/api/v1/get/mailbox/template/Staff").body == b"{}"  # intval("Staff") = 0: no such id
    again = api.request("POST", "/api/v1/add/mailbox/template", {"template": "Staff"}).json()
    assert again[0]["type"] == "danger" and again[0]["msg"] == ["template_exists", "Staff"]


def test_add_without_template_takes_the_default_templates_values_not_the_domains_quota(api: Emulator) -> None:
    mailbox = _add(api, "plain")
    assert (mailbox["quota"], mailbox["active"], mailbox["rl"], mailbox.get("tags", [])) == (0, 1, False, [])
    assert api.request("GET", "/api/v1/get/rl-mbox/plain@t.example").body == b"{}"


def test_add_takes_the_template_by_id_and_silently_the_default_for_a_name(api: Emulator) -> None:
    staff = _add(api, "staff", template=3)
    assert (staff["quota"], staff["active"], staff["tags"], staff["rl"], staff["rl_scope"]) == (
        64 * 1048576, 2, ["staff"], {"value": "30", "frame": "m"}, "mailbox")
    assert (staff["attributes"]["imap_access"], staff["attributes"]["pop3_access"]) == ("1", "0")
    assert api.request("GET", "/api/v1/get/rl-mbox/staff@t.example").json() == {"value": "30", "frame": "m"}
    by_name = _add(api, "named", template="Staff")
    assert (by_name["quota"], by_name["rl"]) == (0, False)
    given = _add(api, "given", template=3, quota=10, tags=["own"], rl_value=0, rl_frame="s")
    assert (given["quota"], given["tags"], given["rl"]) == (10 * 1048576, ["own"], False)


def test_rate_limit_reads_of_unknown_objects_are_empty(api: Emulator) -> None:
    assert api.request("GET", "/api/v1/get/rl-mbox/ghost@t.example").body == b"{}"
    assert api.request("GET", "/api/v1/get/rl-domain/ghost.example").body == b"{}"
    api.request("POST", "/api/v1/edit/rl-domain", {"items": ["t.example"], "attr": {"rl_value": 7, "rl_frame": "d"}})
    assert api.request("GET", "/api/v1/get/rl-domain/t.example").json() == {"value": "7", "frame": "d"}
    plain = _add(api, "plain")
    assert (plain["rl"], plain["rl_scope"]) == ({"value": "7", "frame": "d"}, "domain")  # the domain's, shown on the mailbox
