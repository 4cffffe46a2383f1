# SPDX-License-Identifier: GPL-3.0-or-later
"""Sync job behaviour the life-cycle recording does not show, as read from Mailcow's source
(mailbox('add'|'edit'|'delete', 'syncjob') in data/web/inc/functions.mailbox.inc.php; docs/mailcow-api.md#sync-jobs)."""
from __future__ import annotations

from typing import Any

import pytest

from conftest import Emulator

PW = "Geheim-123"
JOB = {"username": "bob@s.example", "host1": "IMAP.Old.Example", "port1": 993, "user1": "bob", "password1": "Remote-1", "enc1": "SSL",
       "mins_interval": 20, "exclude": ""}


@pytest.fixture
def api(emulator: Emulator) -> Emulator:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "s.example", "key_size": 0, "mailboxes": 3, "quota": 1000, "maxquota": 500,
                                                    "defquota": 100})
    add = {"local_part": "bob", "domain": "s.example", "password": PW, "password2": PW, "quota": 100}
    assert emulator.request("POST", "/api/v1/add/mailbox", add).json()[-1]["type"] == "success"
    assert emulator.request("POST", "/api/v1/add/syncjob", JOB).json()[0]["msg"] == ["mailbox_modified", "bob@s.example"]
    return emulator


def _jobs(api: Emulator, extra: str = "") -> Any:
    return api.request("GET", "/api/v1/get/syncjobs/bob@s.example" + extra).json()


def _msgs(reply: Any) -> list[Any]:
    return [(entry["type"], entry["msg"]) for entry in reply.json()]


def test_add_lower_cases_the_host_and_fills_the_defaults(api: Emulator) -> None:
    job = _jobs(api)[0]
    assert (job["host1"], job["maxage"], job["timeout1"], job["timeout2"], job["maxbytespersecond"], job["subfolder2"]) == (
        "imap.old.example", 0, 600, 600, "0", "")
    assert "password1" not in job and job["log"] == ""


def test_edit_resets_out_of_range_values_and_checks_the_host(api: Emulator) -> None:
    job_id = _jobs(api)[0]["id"]
    reply = api.request("POST", "/api/v1/edit/syncjob", {"items": [job_id], "attr": {"maxage": 40000, "timeout1": -1, "mins_interval": 30}})
    assert _msgs(reply) == [("success", ["mailbox_modified", "bob@s.example"])]
    job = _jobs(api)[0]
    assert (job["maxage"], job["timeout1"], job["mins_interval"]) == (0, 600, 30)
    refused = api.request("POST", "/api/v1/edit/syncjob", {"items": [job_id], "attr": {"host1": "not a host!"}})
    assert _msgs(refused) == [("danger", "access_denied")]
    space = api.request("POST", "/api/v1/edit/syncjob", {"items": [job_id], "attr": {"custom_params": "--folder INBOX"}})
    assert _msgs(space) == [("danger", "bad character SPACE")]


def test_bad_encryption_interval_or_exclude_is_a_bare_access_denied(api: Emulator) -> None:
    for change in ({"enc1": "STARTTLS"}, {"mins_interval": 43801}, {"exclude": "a/b"}):
        reply = api.request("POST", "/api/v1/add/syncjob", dict(JOB, user1="other", **change))
        assert _msgs(reply) == [("danger", "access_denied")], change
    assert len(_jobs(api)) == 1


def test_with_password_shows_it_and_no_log_hides_the_log(api: Emulator) -> None:
    job_id = _jobs(api)[0]["id"]
    api.control("POST", "syncjob_run", {"id": job_id, "success": True, "exit_status": "EX_OK", "log": "one\ntwo"})
    assert _jobs(api)[0]["log"] == "one\ntwo" and _jobs(api)[0]["success"] == 1 and _jobs(api)[0]["last_run"]
    assert _jobs(api, "/no_log")[0]["log"] == ""
    assert _jobs(api, "/with_password")[0]["password1"] == "Remote-1"


def test_deleting_the_mailbox_deletes_its_jobs(api: Emulator) -> None:
    api.request("POST", "/api/v1/delete/mailbox", ["bob@s.example"])
    assert api.request("GET", "/api/v1/get/syncjobs/all").json() == {}


# Accepted and refused alike by Mailcow's check (strtolower, A-Z only) and the collection's, which runs before any request.
CUSTOM_PARAMS = ["--USEUID", "--NoSSL1 --useuid", "--sslargs1=SSL_verify_mode=0", "--\u212aeepalive1", "--keepalive1", "--İnclude=x",
                 "--folder INBOX", "--sslargs1 SSL_verify_mode=0", "--logdir=/var/my-logs", "\u00a0--useuid", "--showpasswords", "-0 --dry"]


@pytest.mark.parametrize("custom_params", CUSTOM_PARAMS)
def test_custom_params_are_checked_exactly_as_mailcow_checks_them(api: Emulator, custom_params: str) -> None:
    from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError  # pylint: disable=import-outside-toplevel
    from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import check_custom_params  # pylint: disable=import-outside-toplevel

    reply = api.request("POST", "/api/v1/add/syncjob", dict(JOB, user1="case-%d" % CUSTOM_PARAMS.index(custom_params), custom_params=custom_params))
    mailcow_accepts = _msgs(reply)[0][0] == "success"
    try:
        check_custom_params(custom_params, "custom_params")
    except MailcowOptionError as exc:
        # --showpasswords: Mailcow takes it, the collection refuses it on purpose (the password would reach the job's log).
        assert not mailcow_accepts or (custom_params == "--showpasswords" and "refused by this module" in str(exc)), exc
    else:
        assert mailcow_accepts, "accepted here, refused by Mailcow: %s" % _msgs(reply)
