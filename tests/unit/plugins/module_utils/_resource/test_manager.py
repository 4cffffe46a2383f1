# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_resource's writes as exact HTTP conversations.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-resources.jsonl: the listing holds
Beamer@, Room1@, Room5@ and Team@rb.example.
"""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.manager import manage_many, manage_one
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-resources.jsonl")["body"]


ALL = "/api/v1/get/resource/all"
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4, "domain": None}


def client(server) -> MailcowClient:
    return MailcowClient(server.url, "K", retries=0)


def test_create_says_active_and_the_address_mailcow_makes(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_resource_all_empty"))
    mailcow.expect("POST", "/api/v1/add/resource", {"domain": "rb.example", "description": "Room 1", "kind": "location", "multiple_bookings": 0,
                                                    "active": 1}, reply=recorded("add_resource_location"))
    mailcow.expect("GET", ALL, reply=recorded("get_resource_all"))
    result = manage_one(client(mailcow), dict(PARAMS, domain="RB.example", description="Room 1", kind="location"), check_mode=False, diff=True)
    assert result["action"] == "created" and result["resource"]["address"] == "Room1@rb.example"


def test_an_edit_sends_what_differs_by_address(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_resource_all"))
    mailcow.expect("POST", "/api/v1/edit/resource", {"items": ["Room1@rb.example"], "attr": {"description": "Big Room"}},
                   reply=recorded("edit_resource_description"))
    result = manage_one(client(mailcow), dict(PARAMS, address="room1@rb.example", description="Big Room", kind="location"), check_mode=False,
                        diff=True)
    assert result["diff"]["before"]["description"] == "Room 1" and result["diff"]["after"]["description"] == "Big Room"


def test_a_purge_deletes_in_one_request_and_check_mode_only_reads(mailcow) -> None:
    params = dict(PARAMS, domain="rb.example", resources=[{"description": "Room 1"}, {"local_part": "room5"}], purge=True, purge_max_share=100)
    mailcow.expect("GET", ALL, reply=recorded("get_resource_all"))
    checked = manage_many(client(mailcow), params, check_mode=True, diff=True)
    assert checked["summary"] == {"created": 0, "updated": 0, "deleted": 2, "unchanged": 2}
    mailcow.expect("GET", ALL, reply=recorded("get_resource_all"))
    mailcow.expect("POST", "/api/v1/delete/resource", ["Beamer@rb.example", "Team@rb.example"], reply=recorded("delete_resource_list"))
    result = manage_many(client(mailcow), params, check_mode=False, diff=False)
    assert [(r["address"], r["action"]) for r in result["resources"]] == [("Beamer@rb.example", "deleted"), ("Team@rb.example", "deleted")]
