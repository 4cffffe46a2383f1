# SPDX-License-Identifier: GPL-3.0-or-later
"""The modules run by Ansible itself (task executor, module transfer, no_log masking) through
pytest-ansible's ``localhost`` fixture, against the emulator over HTTPS.

Where test_main_inprocess.py calls main() directly, these go the way an ad-hoc ``ansible -m`` does:
the module is packed and executed as a separate Python process by the local connection.
"""

from __future__ import annotations

import json
import sys
import typing as t

import pytest

from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow

DOMAIN = "pytest-ansible.example"
PASSWORD = "Through-Ansible-Pw-2026!"


@pytest.fixture
def run(localhost: t.Any, emulated: Mailcow, monkeypatch: pytest.MonkeyPatch) -> t.Callable[..., dict[str, t.Any]]:
    """run(module, **args) -> localhost's result as a dict (the modules need this Python's requests)."""
    monkeypatch.setenv("ANSIBLE_PYTHON_INTERPRETER", sys.executable)

    def call(module: str, **args: t.Any) -> dict[str, t.Any]:
        results = getattr(localhost, "glassdome.mailcow." + module)(**args)
        return dict(results["localhost"])

    return call


def test_domain_then_mailbox_changed_then_ok(run: t.Callable[..., dict[str, t.Any]], emulated: Mailcow) -> None:
    domain = dict(emulated.conn(), domain=DOMAIN, max_quota=1024, default_quota=256)
    assert run("mailcow_domain", **domain)["changed"]
    assert not run("mailcow_domain", **domain)["changed"]
    mailbox = dict(emulated.conn(), address="carol@" + DOMAIN, password=PASSWORD, quota=128)
    created = run("mailcow_mailbox", **mailbox)
    assert created["changed"] and created["action"] == "created"
    assert not run("mailcow_mailbox", **mailbox)["changed"]
    listed = run("mailcow_mailbox_info", **dict(emulated.conn(RO_KEY), domain=DOMAIN))
    assert [entry["address"] for entry in listed["mailboxes"]] == ["carol@" + DOMAIN]
    for result in (created, listed):
        text = json.dumps(result)
        assert PASSWORD not in text and RW_KEY not in text and RO_KEY not in text
        assert result["invocation"]["module_args"]["api_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_wrong_key_fails_with_a_clear_message_and_no_key(run: t.Callable[..., dict[str, t.Any]], emulated: Mailcow) -> None:
    wrong = "DEAD00-BEEF00-DEAD00-BEEF00-DEAD01"
    result = run("mailcow_domain_info", **dict(emulated.conn(wrong)))
    assert result.get("failed") and "key" in result["msg"].lower(), result
    assert wrong not in json.dumps(result)
