# SPDX-License-Identifier: GPL-3.0-or-later
"""The relayhost model without I/O: host names, normalising, planning."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import check_hostname, current_from_raw, desired_from_params, plan
from ...scripted_mailcow import transcript


@pytest.mark.parametrize("given, stored", [
    ("smtp.example.org", "smtp.example.org"), ("SMTP.Example.org:587", "smtp.example.org:587"), ("[smtp.example.org]", "[smtp.example.org]"),
    ("[smtp.example.org]:587", "[smtp.example.org]:587"), ("[192.0.2.25]:25", "[192.0.2.25]:25"), ("192.0.2.25", "192.0.2.25"),
    ("[2001:db8::1]:587", "[2001:db8::1]:587"), ("[ipv6:2001:db8::1]", "[ipv6:2001:db8::1]"), (" postfix-relay ", "postfix-relay"),
])
def test_postfix_forms_are_accepted(given: str, stored: str) -> None:
    assert check_hostname(given) == stored


@pytest.mark.parametrize("given", [
    "", "not a host!", "relay.example:", "relay.example:0", "relay.example:65536", "relay.example:025", "2001:db8::1", "[relay.example",
    "relay..example", "-relay.example", "[ipv6:relay.example]", "relay.example:25:25", "relay .example", "relay.example\nx", "[]", "a" * 64 + ".example",
])
def test_other_names_are_refused_with_the_rule(given: str) -> None:
    with pytest.raises(MailcowOptionError, match="is not a valid relayhost: give host, host:port, \\[host\\] or \\[host\\]:port"):
        check_hostname(given)


def test_normalised_reads_carry_no_password() -> None:
    current = current_from_raw(transcript("get_relayhost_one_in_use", "transcripts-routing.jsonl")["body"])
    assert current.item == {"id": 1, "hostname": "[smtp.relay.example]:587", "username": "relayuser2", "active": True, "password_set": True,
                            "used_by_domains": ["rb.example"], "used_by_mailboxes": []}
    assert current.password == "relay-pass-2" and "relay-pass" not in repr(current.item)


def test_empty_password_with_always_removes_it_and_username_alone_cannot_create() -> None:
    current = current_from_raw(transcript("get_relayhost_one", "transcripts-routing.jsonl")["body"])
    cleared = plan(desired_from_params({"hostname": "[smtp.relay.example]:587", "username": "", "password": "", "update_password": "always"}), [current])
    assert cleared.edit_attr == {"username": "", "password": ""} and cleared.after["password_set"] is False
    with pytest.raises(MailcowOptionError, match="password is required to create relayhost relay.example with username u"):
        plan(desired_from_params({"hostname": "relay.example", "username": "u"}), [])
    with pytest.raises(MailcowOptionError, match="username must not contain control characters"):
        desired_from_params({"hostname": "relay.example", "username": "u\nx"})
