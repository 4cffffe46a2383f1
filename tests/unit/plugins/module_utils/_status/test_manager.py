# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_status_info's reads and verdict as exact HTTP conversations, with the answers the real Mailcow recorded."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowAuthError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._status.manager import MailcowUnhealthyError, status
from ...scripted_mailcow import transcript

OPS = "transcripts-operations.jsonl"
VERSION = transcript("get_status_version", OPS)
CONTAINERS = transcript("get_status_containers", OPS)["body"]
VMAIL = transcript("get_status_vmail", OPS)["body"]  # the recording's dockerapi could not measure the disk: nulls
SOLR = transcript("get_status_solr", OPS)  # 200, empty body
BAD_KEY = transcript("get_status_version_bad_key", OPS)


def run(server, **params):
    params = dict({"fail_when_unhealthy": False, "max_storage_percent": 90, "ignore_containers": []}, **params)
    return status(MailcowClient(server.url, "K"), params)


def expect_all(server, containers=None, vmail=None) -> None:
    server.expect("GET", "/api/v1/get/status/version", reply=VERSION["body"])
    server.expect("GET", "/api/v1/get/status/containers", reply=CONTAINERS if containers is None else containers)
    server.expect("GET", "/api/v1/get/status/vmail", reply=VMAIL if vmail is None else vmail)
    server.expect("GET", "/api/v1/get/status/solr", reply=SOLR["body"], content_type=SOLR["content_type"])


def test_recorded_mailcow_is_healthy(mailcow) -> None:
    expect_all(mailcow)
    result = run(mailcow)
    assert result["healthy"] and result["reasons"] == [] and result["version"] == "2026-07a" and not result["changed"]
    assert len(result["containers"]) == 18 and result["containers_down"] == []
    postfix = next(c for c in result["containers"] if c["name"] == "postfix-mailcow")
    assert postfix == {"name": "postfix-mailcow", "state": "running", "running": True, "started_at": "2026-12-07T01:28:05Z",
                       "image": "ghcr.io/mailcow/postfix"}
    assert result["storage"] == {"disk": None, "used": None, "total": None, "used_percent": None, "used_bytes": None, "total_bytes": None}
    assert result["full_text_search"] == {"available": False, "enabled": False, "size": None, "documents": None}


def test_stopped_container_and_full_storage_are_the_reasons(mailcow) -> None:
    containers = copy.deepcopy(CONTAINERS)
    containers["clamd-mailcow"]["state"] = "exited"
    containers["sogo-mailcow"]["state"] = "restarting"
    vmail = {"type": "info", "disk": "/dev/sda1", "used": "46G", "total": "50G", "used_percent": "92%"}
    expect_all(mailcow, containers, vmail)
    result = run(mailcow)
    assert not result["healthy"] and result["containers_down"] == ["clamd-mailcow", "sogo-mailcow"]
    assert result["reasons"] == ["container clamd-mailcow is exited", "container sogo-mailcow is restarting",
                                 "mail storage /dev/sda1 is 92% used (46G of 50G), more than max_storage_percent 90%"]
    assert result["storage"]["used_bytes"] == 46 * 10 ** 9 and result["storage"]["used_percent"] == 92.0
    expect_all(mailcow, containers, vmail)
    ignored = run(mailcow, ignore_containers=["clamd", "sogo-mailcow"], max_storage_percent=95)
    assert ignored["healthy"] and ignored["containers_down"] == ["clamd-mailcow", "sogo-mailcow"]


def test_no_containers_is_unhealthy(mailcow) -> None:
    expect_all(mailcow, containers={})
    assert run(mailcow)["reasons"] == ["Mailcow reported no containers (its dockerapi container may be down)"]


def test_fail_when_unhealthy_raises_with_the_whole_status(mailcow) -> None:
    containers = copy.deepcopy(CONTAINERS)
    containers["postfix-mailcow"]["state"] = "exited"
    expect_all(mailcow, containers)
    with pytest.raises(MailcowUnhealthyError, match="Mailcow is not healthy: container postfix-mailcow is exited") as failed:
        run(mailcow, fail_when_unhealthy=True)
    assert failed.value.details["healthy"] is False and failed.value.details["version"] == "2026-07a"


def test_solr_of_an_older_mailcow(mailcow) -> None:
    expect_all(mailcow)
    mailcow.steps[-1] = mailcow.steps[-1]._replace(reply={"type": "info", "solr_enabled": True, "solr_size": "2.1 MB", "solr_documents": 1520})
    assert run(mailcow)["full_text_search"] == {"available": True, "enabled": True, "size": "2.1 MB", "documents": 1520}


def test_bad_key_fails_on_the_first_read(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/status/version", reply=BAD_KEY["body"], status=BAD_KEY["status"], content_type=BAD_KEY["content_type"])
    with pytest.raises(MailcowAuthError, match="rejected the API key"):
        run(mailcow)


@pytest.mark.parametrize("params, match", [
    ({"max_storage_percent": 0}, "max_storage_percent must be a whole percentage from 1 to 100, got 0"),
    ({"max_storage_percent": 101}, "max_storage_percent must be a whole percentage from 1 to 100"),
    ({"ignore_containers": ["clamd; rm"]}, "ignore_containers: 'clamd; rm' is not a container name"),
    ({"ignore_containers": ["clamd\n"]}, "ignore_containers must not contain control characters"),
])
def test_bad_input_refused_before_any_request(mailcow, params, match) -> None:
    with pytest.raises(MailcowOptionError, match=match):
        run(mailcow, **params)
    assert mailcow.seen == []
