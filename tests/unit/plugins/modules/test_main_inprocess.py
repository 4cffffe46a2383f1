# SPDX-License-Identifier: GPL-3.0-or-later
"""Each module's main() in-process: argument spec, check mode, diff, failure paths, env fallbacks.

The modules run unchanged (patch_module_args only supplies their arguments, as Ansible would)
against the emulator over HTTPS with its own CA; every write is read back from the emulator.
"""

from __future__ import annotations

import json
import typing as t

import pytest

from ..mailcow_inprocess import API_MODULES, MODULES, RO_KEY, RW_KEY, Mailcow, RunModule

PASSWORD = "In-Process-Pw-2026!"
DOMAIN = "inproc.example"


def get(emulated: Mailcow, path: str) -> t.Any:
    return emulated.emulator.request("GET", "/api/v1/get/" + path).json()


def nothing(emulated: Mailcow, path: str) -> bool:
    """Mailcow answers an empty listing with {} (or []): nothing there."""
    return get(emulated, path) in ({}, [])


def add_domain(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN, max_quota=2048, default_quota=512))
    assert result["rc"] == 0 and result["changed"], result


# Arguments that satisfy each module's required options, without a server behind them.
VALID = {
    "mailcow_send_mail": {"from": "u@" + DOMAIN, "to": ["v@" + DOMAIN], "subject": "s", "password": PASSWORD},
    "mailcow_message_info": {"username": "u@" + DOMAIN, "password": PASSWORD},
    "mailcow_domain": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "domain": DOMAIN},
    "mailcow_mailbox": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "address": "u@" + DOMAIN},
    "mailcow_alias": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "address": "a@" + DOMAIN},
    "mailcow_app_password": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "mailbox": "u@" + DOMAIN, "name": "Phone"},
    "mailcow_app_password_info": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "mailbox": "u@" + DOMAIN},
    "mailcow_dkim": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "domain": DOMAIN},
    "mailcow_dns_records": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "domain": DOMAIN},
    "mailcow_alias_domain": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "alias_domain": "alias-" + DOMAIN},
    "mailcow_domain_admin": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "username": "admin1"},
    "mailcow_syncjob": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "mailbox": "u@" + DOMAIN},
    "mailcow_relayhost": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "hostname": "relay." + DOMAIN},
    "mailcow_transport_map": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "destination": DOMAIN},
    "mailcow_forwarding_host": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "host": "192.0.2.10"},
    "mailcow_tls_policy_map": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "destination": DOMAIN},
    "mailcow_bcc_map": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "local_dest": DOMAIN, "kind": "sender"},
    "mailcow_spam_policy": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "domain": DOMAIN, "sender": "x@y.example", "list": "deny"},
    "mailcow_spam_policy_info": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "domain": DOMAIN},
    "mailcow_time_limited_alias": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "mailbox": "u@" + DOMAIN, "description": "shop"},
    "mailcow_time_limited_alias_info": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "mailbox": "u@" + DOMAIN},
    "mailcow_recipient_map": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "old_recipient": "old@" + DOMAIN},
    "mailcow_domain_template": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "name": "Small"},
    "mailcow_mailbox_template": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "name": "Staff"},
    "mailcow_resource": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "address": "Room1@" + DOMAIN},
    "mailcow_log_info": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "log": "api"},
    "mailcow_queue": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "action": "hold"},
    "mailcow_quarantine": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "action": "delete", "identities": []},
    "mailcow_sieve_filter": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "mailbox": "u@" + DOMAIN, "filter_type": "prefilter",
                             "description": "d"},
    "mailcow_oauth2_client": {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY, "redirect_uri": "https://app." + DOMAIN + "/cb"},
}
# The options (besides the connection) each module requires, where they are not a domain.
REQUIRED = {"mailcow_alias": {"address": "a@" + DOMAIN}, "mailcow_mailbox": {"address": "a@" + DOMAIN},
            "mailcow_app_password": {"mailbox": "a@" + DOMAIN, "name": "Phone"}, "mailcow_app_password_info": {"mailbox": "a@" + DOMAIN},
            "mailcow_alias_domain": {"alias_domain": "alias-" + DOMAIN}, "mailcow_alias_domain_info": {},
            "mailcow_domain_admin": {"username": "admin1"}, "mailcow_syncjob": {"mailbox": "a@" + DOMAIN},
            "mailcow_relayhost": {"hostname": "relay." + DOMAIN}, "mailcow_relayhost_info": {}, "mailcow_transport_map": {"destination": DOMAIN},
            "mailcow_transport_map_info": {}, "mailcow_forwarding_host": {"host": "192.0.2.10"}, "mailcow_forwarding_host_info": {},
            "mailcow_tls_policy_map": {"destination": DOMAIN}, "mailcow_tls_policy_map_info": {},
            "mailcow_bcc_map": {"local_dest": DOMAIN, "kind": "sender"}, "mailcow_bcc_map_info": {},
            "mailcow_spam_policy": {"domain": DOMAIN, "sender": "x@y.example", "list": "deny"},
            "mailcow_time_limited_alias": {"mailbox": "a@" + DOMAIN, "description": "shop"},
            "mailcow_time_limited_alias_info": {"mailbox": "a@" + DOMAIN},
            "mailcow_recipient_map": {"old_recipient": "old@" + DOMAIN}, "mailcow_recipient_map_info": {},
            "mailcow_domain_template": {"name": "Small"}, "mailcow_domain_template_info": {},
            "mailcow_mailbox_template": {"name": "Staff"}, "mailcow_mailbox_template_info": {},
            "mailcow_resource": {"address": "Room1@" + DOMAIN}, "mailcow_resource_info": {},
            "mailcow_status_info": {}, "mailcow_fail2ban": {}, "mailcow_fail2ban_info": {}, "mailcow_log_info": {"log": "api"},
            "mailcow_password_policy": {}, "mailcow_password_policy_info": {}, "mailcow_queue": {"action": "hold"}, "mailcow_queue_info": {},
            "mailcow_quarantine": {"action": "delete", "identities": []}, "mailcow_quarantine_info": {},
            "mailcow_sieve_filter": {"mailbox": "a@" + DOMAIN, "filter_type": "prefilter", "description": "d"}, "mailcow_sieve_filter_info": {},
            "mailcow_oauth2_client": {"redirect_uri": "https://app." + DOMAIN + "/cb"}, "mailcow_oauth2_client_info": {}}


@pytest.mark.parametrize("name", MODULES)
def test_unknown_option_fails_in_the_argument_spec(run_module: RunModule, name: str) -> None:
    args = VALID.get(name, {"api_url": "https://127.0.0.1:1", "api_key": RW_KEY})
    result = run_module(name, dict(args, no_such_option=1))
    assert result["rc"] == 1 and result["failed"]
    assert "Unsupported parameters" in result["msg"] and "no_such_option" in result["msg"], result["msg"]
    assert PASSWORD not in json.dumps(result) and RW_KEY not in json.dumps(result)


@pytest.mark.parametrize("name", API_MODULES)
def test_missing_connection_names_the_option_and_its_env_variable(run_module: RunModule, name: str) -> None:
    result = run_module(name, REQUIRED.get(name, {"domain": DOMAIN}))
    assert result["rc"] == 1
    assert "api_url" in result["msg"] and "api_key" in result["msg"], result["msg"]


def test_domain_check_mode_then_create_then_ok_with_diff(run_module: RunModule, emulated: Mailcow) -> None:
    args = dict(emulated.conn(), domain=DOMAIN, description="In process", max_quota=2048, default_quota=512)
    planned = run_module("mailcow_domain", args, check_mode=True, diff=True)
    assert planned["rc"] == 0 and planned["changed"] and planned["diff"]["after"]
    assert nothing(emulated, "domain/all")  # check mode wrote nothing
    created = run_module("mailcow_domain", args, diff=True)
    assert created["changed"] and created["domain"]["description"] == "In process"
    assert [entry["domain_name"] for entry in get(emulated, "domain/all")] == [DOMAIN]
    again = run_module("mailcow_domain", args, diff=True)
    assert again["rc"] == 0 and not again["changed"]


def test_mailbox_single_form_check_mode_create_ok_and_no_password_in_result(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    args = dict(emulated.conn(), address="alice@" + DOMAIN, name="Alice", password=PASSWORD, quota=256)
    planned = run_module("mailcow_mailbox", args, check_mode=True, diff=True)
    assert planned["changed"] and nothing(emulated, "mailbox/all/" + DOMAIN)
    created = run_module("mailcow_mailbox", args, diff=True)
    assert created["changed"] and created["action"] == "created"
    assert [entry["username"] for entry in get(emulated, "mailbox/all/" + DOMAIN)] == ["alice@" + DOMAIN]
    again = run_module("mailcow_mailbox", args)
    assert not again["changed"]
    for result in (planned, created, again):
        text = json.dumps(result)
        assert PASSWORD not in text and RW_KEY not in text


def test_mailbox_bulk_form_and_purge_in_check_mode(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    entries = [{"local_part": name, "password": PASSWORD, "quota": 128} for name in ("a1", "a2", "a3")]
    created = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries))
    assert created["changed"] and len(get(emulated, "mailbox/all/" + DOMAIN)) == 3
    purge = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries[:2], purge=True), check_mode=True)
    assert purge["changed"] and purge["summary"]["deleted"] == 1
    assert len(get(emulated, "mailbox/all/" + DOMAIN)) == 3  # check mode deleted nothing
    refused = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries[:1], purge=True), check_mode=True)
    assert refused["rc"] == 1 and "more than purge_max_share=50%" in refused["msg"]  # 2 of 3 is over the default share
    assert PASSWORD not in json.dumps(purge)


def test_alias_create_then_ok(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    args = dict(emulated.conn(), address="team@" + DOMAIN, goto=["x@elsewhere.example"])
    assert run_module("mailcow_alias", args)["changed"]
    assert not run_module("mailcow_alias", args)["changed"]
    listed = run_module("mailcow_alias_info", dict(emulated.conn(RO_KEY), domain=DOMAIN))
    assert [alias["address"] for alias in listed["aliases"]] == ["team@" + DOMAIN]


def test_info_modules_with_the_read_only_key(run_module: RunModule, emulated: Mailcow) -> None:
    add_domain(run_module, emulated)
    run_module("mailcow_mailbox", dict(emulated.conn(), address="bob@" + DOMAIN, password=PASSWORD))
    domains = run_module("mailcow_domain_info", emulated.conn(RO_KEY))
    assert domains["rc"] == 0 and not domains["changed"] and [d["domain"] for d in domains["domains"]] == [DOMAIN]
    mailboxes = run_module("mailcow_mailbox_info", dict(emulated.conn(RO_KEY), domain=DOMAIN))
    assert [m["address"] for m in mailboxes["mailboxes"]] == ["bob@" + DOMAIN]


def test_read_only_key_cannot_write_and_nothing_is_written(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_domain", dict(emulated.conn(RO_KEY), domain=DOMAIN))
    assert result["rc"] == 1 and "read" in result["msg"].lower(), result["msg"]
    assert RO_KEY not in json.dumps(result)
    assert nothing(emulated, "domain/all")


def test_tls_verification_fails_without_the_ca_and_says_how_to_fix_it(run_module: RunModule, emulated: Mailcow) -> None:
    args = {"api_url": emulated.url, "api_key": RW_KEY, "domain": DOMAIN}
    result = run_module("mailcow_domain_info", args)
    assert result["rc"] == 1 and "ca_path" in result["msg"] and "MAILCOW_CA_PATH" in result["msg"], result["msg"]


def test_connection_from_environment_variables_only(run_module: RunModule, emulated: Mailcow) -> None:
    env = {"MAILCOW_API_URL": emulated.url, "MAILCOW_API_KEY": RW_KEY, "MAILCOW_CA_PATH": emulated.ca, "MAILCOW_VERIFY_SSL": "true"}
    result = run_module("mailcow_domain", {"domain": DOMAIN}, env=env)
    assert result["rc"] == 0 and result["changed"], result
    assert result["invocation"]["module_args"]["api_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


@pytest.mark.parametrize("name", ["mailcow_send_mail", "mailcow_message_info"])
def test_mail_module_unreachable_server_fails_cleanly(run_module: RunModule, name: str) -> None:
    kind = "smtp" if name == "mailcow_send_mail" else "imap"
    args = dict(VALID[name], timeout=5, **{kind + "_host": "127.0.0.1", kind + "_port": 1})
    result = run_module(name, args)
    assert result["rc"] == 1 and result["failed"], result
    assert "127.0.0.1" in result["msg"] and PASSWORD not in json.dumps(result)
