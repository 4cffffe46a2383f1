# SPDX-License-Identifier: GPL-3.0-or-later
"""A few bad inputs as users meet them: `ansible -m` against the sandbox, argument spec included.

The in-process table (tests/unit/test_bad_input.py) covers every case; these show the same messages
come out of a real run, and that the sandbox saw no write (its request statistics by route).
"""

from __future__ import annotations

import json
import re
import ssl
import urllib.request

import pytest

from conftest import Runner


def writes(facts: dict) -> int:
    """How many add/edit/delete requests the sandbox has answered so far."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    with urllib.request.urlopen(facts["api_url"] + "/_sandbox/stats", context=context, timeout=10) as answer:
        stats = json.loads(answer.read())
    return sum(count for route, count in stats["by_route"].items() if re.search(r"POST /api/v1/(add|edit|delete)/", route))


def failed_msg(proc) -> str:
    match = re.search(r"FAILED! => (\{.*\})", proc.stdout, re.S)
    assert match, proc.stdout + proc.stderr
    return json.loads(match.group(1))["msg"]


CASES = [
    ("glassdome.mailcow.mailcow_domain", "domain=example.org total_quota=9223372036854775807", {},
     "total_quota must be a whole number of MiB from 1 to 8796093022207, got 9223372036854775807"),
    ("glassdome.mailcow.mailcow_mailbox", '{"domain": "example.org", "mailboxes": [], "concurrency": 1000}', {},
     "concurrency must be a whole number of parallel adds from 1 to 32, got 1000"),
    ("glassdome.mailcow.mailcow_mailbox", '{"domain": "example.org", "mailboxes": [], "purge": true}', {},
     "purge=true with an empty mailboxes list would delete"),
    ("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org", {"MAILCOW_API_KEY": ""},
     "api_key (or MAILCOW_API_KEY, MAIL_API) is required: set the option or its environment variable"),
    ("glassdome.mailcow.mailcow_alias_info", "domain=example.org timeout=0", {}, "timeout must be a whole number of seconds from 1 to 3600, got 0"),
]


@pytest.mark.parametrize("module, args, env, words", CASES, ids=[c[3][:30] for c in CASES])
def test_bad_input_through_ansible(runner: Runner, facts: dict, module: str, args: str, env: dict, words: str) -> None:
    before = writes(facts)
    proc = runner.adhoc(module, args, extra_env=env)
    assert proc.returncode != 0
    assert words in failed_msg(proc)
    assert writes(facts) == before
