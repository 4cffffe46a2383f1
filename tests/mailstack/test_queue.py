# SPDX-License-Identifier: GPL-3.0-or-later
"""The sandbox's mail queue is its Postfix's: mail to the unreachable domain waits deferred, and the
emulator's get/mailq, edit/mailq and delete/mailq list and act on it (docs/sandbox.md, the mail queue)."""
from __future__ import annotations

import json
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

import pytest
from mailtest import Api, message, submit

Facts = dict[str, Any]


def _postqueue(facts: Facts, sender: str) -> dict[str, str]:
    """postqueue -j itself: queue id -> queue, for one sender's mail."""
    out = subprocess.run(["postqueue", "-c", str(Path(facts["dir"]) / "postfix"), "-j"], capture_output=True, text=True,
                         check=True).stdout
    return {e["queue_id"]: e["queue_name"] for e in map(json.loads, out.splitlines()) if e["sender"] == sender}


def _listed(api: Api, sender: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """get/mailq/all's entries of one sender, once each is deferred (a bound on the wait, not a speed check)."""
    deadline = time.monotonic() + timeout
    while True:
        mine = [entry for entry in api.call("get/mailq/all") if entry["sender"] == sender]
        if mine and all(entry["queue_name"] == "deferred" for entry in mine):
            return mine
        assert time.monotonic() < deadline, f"no deferred mail of {sender} listed: {mine}"
        time.sleep(0.2)


def test_mail_to_the_unreachable_domain_waits_in_the_real_queue(
        facts: Facts, tls: ssl.SSLContext, api: Api, new_address: Callable[..., str]) -> None:
    user = api.add_mailbox(new_address())
    rcpt = "nobody@" + facts["unreachable_domain"]
    submit(facts, tls, user, user, [rcpt], message(user, rcpt, "queued"))
    [entry] = _listed(api, user)
    assert entry["recipients"] == [f"{rcpt} (connect to 127.0.0.1[127.0.0.1]:{facts['relay_down_port']}: Connection refused)"]
    qid = entry["queue_id"]
    assert api.call("edit/mailq", {"items": [qid], "attr": {"action": "hold"}})[0]["msg"] == "queue_command_success"
    assert _postqueue(facts, user) == {qid: "hold"}
    api.write("edit/mailq", {"items": [qid], "attr": {"action": "unhold"}})
    assert _postqueue(facts, user)[qid] in ("deferred", "active")
    text = urllib.request.urlopen(urllib.request.Request(api.url + "get/postcat/" + qid, headers={"X-API-Key": api.key}),
                                  timeout=10, context=api.context).read().decode()
    assert f"recipient: {rcpt}" in text and "Subject: queued" in text
    api.write("delete/mailq", [qid])
    assert _postqueue(facts, user) == {}


def test_the_real_queue_is_not_seeded(facts: Facts) -> None:
    context = ssl.create_default_context(cafile=facts["ca_path"])
    control = facts["api_url"] + "/_sandbox/mailq"
    with urllib.request.urlopen(control, timeout=10, context=context) as reply:
        assert json.loads(reply.read())["source"] == "postfix"
    request = urllib.request.Request(control, data=json.dumps({"entries": [{"recipients": ["a@b.example"]}]}).encode(),
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10, context=context)
    assert refused.value.code == 400 and "queue mail over SMTP" in json.loads(refused.value.read())["error"]
