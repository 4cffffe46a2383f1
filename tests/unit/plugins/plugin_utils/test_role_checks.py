# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles' checks of their variables (the action mailboxes_role_check, the filters unknown_vars and bulk_entry_errors): mailboxes and server."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.filter.bulk_entry_errors import FilterModule as EntryFilters
from ansible_collections.glassdome.mailcow.plugins.filter.unknown_vars import FilterModule as VarFilters
from ansible_collections.glassdome.mailcow.plugins.plugin_utils._role_checks import first_problem, known_options, server_first_problem

unknown_vars = VarFilters().filters()["unknown_vars"]
entry_errors = EntryFilters().filters()["bulk_entry_errors"]
KNOWN = ["mailcow_domain", "mailcow_mailboxes", "mailcow_aliases", "mailcow_mailboxes_purge", "mailcow_api_url"]


@pytest.mark.parametrize("names, expected", [
    (["mailcow_mailbox"], ["mailcow_mailbox (did you mean mailcow_mailboxes?)"]),
    (["mailcow_domian", "ansible_check_mode", "MAILCOW_API_KEY"], ["mailcow_domian (did you mean mailcow_domain?)"]),
    (["mailcow_mailboxes_prge"], ["mailcow_mailboxes_prge (did you mean mailcow_mailboxes_purge?)"]),
    (["mailcow_hostname"], ["mailcow_hostname"]),
    (KNOWN + ["inventory_hostname"], []),
])
def test_unknown_vars_names_the_closest_known(names, expected) -> None:
    assert unknown_vars(names, KNOWN) == expected


def test_entry_errors_name_entry_address_and_field() -> None:
    entries = [{"local_part": "ann"}, {"local_part": "ben", "quota": 100}, {"local_part": "carol", "quota": "1G"}]
    assert entry_errors(entries, "mailboxes") == [
        "mailcow_mailboxes[2] (carol): quota must be a whole number of MiB (e.g. 1024 for 1 GiB), got '1G'"]


@pytest.mark.parametrize("entry, problem", [
    ({"local_part": "a", "quotaa": 5}, "mailcow_mailboxes[0] (a): unknown field quotaa (did you mean quota?)"),
    ({"address": "a@x.org", "imap_access": "maybe"}, "mailcow_mailboxes[0] (a@x.org): imap_access must be true or false, got 'maybe'"),
    ({"local_part": "a", "state": "gone"}, "mailcow_mailboxes[0] (a): state must be one of present, absent, got 'gone'"),
    ({"local_part": "a", "tags": [1, {"x": 1}]}, "mailcow_mailboxes[0] (a): tags must be a list of strings, got [1, {'x': 1}]"),
    ("alice", "mailcow_mailboxes[0]: must be a mapping (e.g. {local_part: ..., ...}), got str"),
    ({"local_part": "a", "rate_limit": {"value": 5, "frame": "w"}}, "mailcow_mailboxes[0] (a): rate_limit.frame must be one of s, m, h, d, got 'w'"),
    ({"local_part": "a", "rate_limit": {"frame": "h"}}, "mailcow_mailboxes[0] (a): rate_limit.value is required"),
    ({"local_part": "a", "rate_limit": {"value": "lots"}}, "mailcow_mailboxes[0] (a): rate_limit.value must be a whole number, got 'lots'"),
    ({"local_part": "a", "rate_limit": {"value": 1, "fram": "h"}}, "mailcow_mailboxes[0] (a): rate_limit has unknown field fram (did you mean frame?)"),
    ({"local_part": "a", "rate_limit": 10}, "mailcow_mailboxes[0] (a): rate_limit must be a mapping, got 10"),
    ({"local_part": "a", "sender_acl": "@x.org"}, ""),
    ({"local_part": "a", "template": ["Staff"]}, "mailcow_mailboxes[0] (a): template must be a string, got ['Staff']"),
])
def test_entry_errors_one_line_per_problem(entry, problem) -> None:
    assert entry_errors([entry], "mailboxes") == ([problem] if problem else [])


def test_entry_errors_never_show_a_password() -> None:
    errors = entry_errors([{"local_part": "a", "password": {"Secret-Pass-1": 1}}], "mailboxes")
    assert errors == ["mailcow_mailboxes[0] (a): password must be a string, got (hidden)"]


def test_entry_errors_for_aliases_and_a_non_list() -> None:
    assert entry_errors([{"adress": "x@example.org", "goto": ["a@example.org"]}], "aliases") == [
        "mailcow_aliases[0] (?): unknown field adress (did you mean address?)"]
    assert entry_errors({"local_part": "a"}, "aliases") == ["mailcow_aliases must be a list of mappings, got dict"]
    assert entry_errors([{"address": "x@example.org", "goto": ["a@example.org"], "active": True}], "aliases") == []


def test_app_password_lists_per_mailbox_are_checked_entry_by_entry() -> None:
    lists = {
        "alice": [{"name": "Phone", "password": "Secret-App-1", "protocols": ["imap_access", "imap"]}, {"password": "Secret-App-2"}],
        "bob@x.org": {"name": "Laptop"},
        "a@b@c": [],
        "carol": [{"name": "Tablet", "protocolz": []}],
    }
    assert entry_errors(lists, "app_passwords") == [
        "mailcow_app_passwords[alice][0] (Phone): protocols: each must be one of imap_access, smtp_access, dav_access, eas_access, "
        "pop3_access, sieve_access, got ['imap']",
        "mailcow_app_passwords[alice][1] (?): name is required",
        "mailcow_app_passwords[bob@x.org] must be a list of app passwords, got dict",
        "mailcow_app_passwords: 'a@b@c' is not a mailbox (give its local part or its address)",
        "mailcow_app_passwords[carol][0] (Tablet): unknown field protocolz (did you mean protocols?)",
    ]
    assert "Secret-App" not in repr(entry_errors({"alice": [{"name": "P", "password": ["Secret-App-3"]}]}, "app_passwords"))


def test_alias_domain_and_domain_admin_entries_are_checked_as_their_modules_will() -> None:
    alias_domains = [{"alias_domain": "ok.example"}, {"alias_domain": "bad_name!"}, {"active": True}, {"alias_domain": "x.example", "target": "y"}]
    assert entry_errors(alias_domains, "alias_domains") == [
        "mailcow_alias_domains[1] (bad_name!): alias_domain 'bad_name!' is not a valid domain name",
        "mailcow_alias_domains[2] (?): alias_domain is required",
        "mailcow_alias_domains[3] (x.example): unknown field target",
    ]
    admins = [
        {"username": "ok", "password": "Secret-1"},
        {"username": "bad user", "password": "Secret-2"},
        {"username": "a2", "password": " ", "domains": ["lc.example"]},
        {"username": "a3", "acl": ["quarantine", "root"], "password": "Secret-3"},
        {"username": "a4", "domains": ["not a domain"]},
    ]
    errors = entry_errors(admins, "domain_admins")
    assert errors[0].startswith("mailcow_domain_admins[1] (bad user): username 'bad user' is not valid")
    assert errors[1:] == [
        "mailcow_domain_admins[2] (a2): password must not be empty or only white space",
        "mailcow_domain_admins[3] (a3): acl: each must be one of syncjobs, quarantine, login_as, sogo_access, app_passwds, bcc_maps, "
        "pushover, filters, ratelimit, spam_policy, extend_sender_acl, unlimited_quota, protocol_access, smtp_ip_access, alias_domains, "
        "mailbox_relayhost, domain_relayhost, domain_desc, got ['root']",
        "mailcow_domain_admins[4] (a4): domains 'not a domain' is not a valid domain name",
    ]
    assert "Secret" not in " ".join(errors)


def test_syncjob_entries_name_the_mailbox_and_hide_the_remote_password() -> None:
    entries = [{"mailbox": "bob", "remote_host": "imap.old.example", "remote_usr": "bob", "remote_password": ["Remote-Secret-1"]},
               {"mailbox": "ann", "interval": "often"}]
    assert entry_errors(entries, "syncjobs") == [
        "mailcow_syncjobs[0] (bob): unknown field remote_usr (did you mean remote_user?)",
        "mailcow_syncjobs[0] (bob): remote_password must be a string, got (hidden)",
        "mailcow_syncjobs[1] (ann): interval must be a whole number, got 'often'"]


def test_the_domain_allow_and_deny_lists_are_checked_before_any_request() -> None:
    from ansible_collections.glassdome.mailcow.plugins.plugin_utils._role_checks import entry_errors  # pylint: disable=import-outside-toplevel

    assert entry_errors({"allow": ["*@partner.example"], "deny": ["junk.example"]}, "spam_policy") == []
    assert entry_errors(None, "spam_policy") == []
    assert entry_errors(["x.example"], "spam_policy") == ["mailcow_spam_policy must be a mapping such as {allow: [...], deny: [...]}, got list"]
    assert entry_errors({"alow": ["x.example"]}, "spam_policy") == ["mailcow_spam_policy: unknown key alow (did you mean allow?) (allow and deny only)"]
    assert entry_errors({"deny": "x.example"}, "spam_policy") == ["mailcow_spam_policy.deny must be a list of senders, got str"]
    (bad,) = entry_errors({"allow": ["ok.example", "not valid!"]}, "spam_policy")
    assert bad.startswith("mailcow_spam_policy.allow[1]: 'not valid!' is not a sender")
    (twice,) = entry_errors({"allow": ["x.example"], "deny": ["X.example"]}, "spam_policy")
    assert "deny[0]: x.example is listed twice" in twice


ROLE_SPECS = Path(__file__).resolve().parents[4] / "roles" / "mailboxes" / "meta" / "argument_specs.yml"


def test_the_role_knows_its_own_variables_from_its_argument_specs() -> None:
    known = known_options(str(ROLE_SPECS))
    assert {"mailcow_domain", "mailcow_mailboxes", "mailcow_bcc_maps", "mailcow_recipient_maps_purge"} <= set(known)
    assert first_problem(known, known, {}, domain="d.example", purge=False, purge_allow_empty=False) == ""


def test_first_problem_in_order_typo_then_empty_purge_then_entries() -> None:
    lists = {"mailboxes": [], "aliases": [], "bcc_maps": [{"local_dest": "x.example", "kind": "sender", "bcc_dest": "nope"}] * 12}
    typo = first_problem(["mailcow_mailbox", "mailcow_domian"], KNOWN, lists, domain="d.example", purge=True, purge_allow_empty=False)
    assert typo == ("Unknown variables for the role glassdome.mailcow.mailboxes: mailcow_domian (did you mean mailcow_domain?), mailcow_mailbox "
                    "(did you mean mailcow_mailboxes?). Fix the name, or list variables of other roles in mailcow_mailboxes_ignore_vars.")
    purge = first_problem(KNOWN, KNOWN, lists, domain="d.example", purge=True, purge_allow_empty=False)
    assert purge.startswith("mailcow_mailboxes_purge is true but mailcow_mailboxes and mailcow_aliases are both empty: this would delete "
                            "every mailbox and alias of d.example.")
    entries = first_problem(KNOWN, KNOWN, lists, domain="d.example", purge=True, purge_allow_empty=True)
    assert entries.startswith("mailcow_bcc_maps[0] (x.example): bcc_dest: 'nope' is not a valid address") and entries.endswith("; and 2 more")
    assert entries.count("mailcow_bcc_maps[") == 10


# -- the server role's lists --------------------------------------------------------------------------


@pytest.mark.parametrize("kind, entry, problem", [
    ("relayhosts", {"hostname": "[smtp.example.org]:587", "username": "u", "password": "Pw-Relay-1"}, ""),
    ("relayhosts", {"hostnme": "smtp.example.org"}, "mailcow_relayhosts[0] (?): unknown field hostnme (did you mean hostname?)"),
    ("relayhosts", {"username": "u"}, "mailcow_relayhosts[0] (?): hostname is required"),
    ("relayhosts", {"hostname": "smtp example.org"}, "mailcow_relayhosts[0] (smtp example.org): hostname "),
    ("relayhosts", {"hostname": "smtp.example.org", "active": "maybe"}, "mailcow_relayhosts[0] (smtp.example.org): active must be true or false, got 'maybe'"),
    ("transport_maps", {"destination": "example.org", "nexthop": "[10.0.0.1]:25", "update_password": "sometimes"},
     "mailcow_transport_maps[0] (example.org): update_password must be one of on_create, always, got 'sometimes'"),
    ("forwarding_hosts", {"host": "192.0.2.0/24", "keep_spam": True}, ""),
    ("forwarding_hosts", {"host": "192.0.2.0/24", "keep_spam": "often"}, "mailcow_forwarding_hosts[0] (192.0.2.0/24): keep_spam must be true or false"),
    ("tls_policy_maps", {"destination": "example.org", "policy": "bogus"},
     "mailcow_tls_policy_maps[0] (example.org): policy must be one of none, may, encrypt, dane, dane-only, fingerprint, verify, secure, got 'bogus'"),
    ("tls_policy_maps", {"destination": "a b", "policy": "may"}, "mailcow_tls_policy_maps[0] (a b): destination "),
    ("domain_templates", {"name": "Small", "max_mailboxes": 20, "dkim_key_size": 4096}, ""),
    ("domain_templates", {"name": "Small", "dkim_key_size": 5},
     "mailcow_domain_templates[0] (Small): dkim_key_size must be one of 0, 1024, 2048, 3072, 4096, got 5"),
    ("domain_templates", {"name": "Default", "state": "absent"}, "mailcow_domain_templates[0] (Default): the domain template Default cannot be deleted"),
    ("mailbox_templates", {"name": "Staff", "quota": 2048, "acl": ["spam_alias"]}, ""),
    ("mailbox_templates", {"nme": "Staff"}, "mailcow_mailbox_templates[0] (?): unknown field nme (did you mean name?)"),
    ("mailbox_templates", {"name": "Default", "state": "absent"}, "mailcow_mailbox_templates[0] (Default): the mailbox template Default cannot be"),
    ("oauth2_clients", {"redirect_uri": "https://wiki.example.org/oauth/callback"}, ""),
    ("oauth2_clients", {"redirect_uri": "wiki/callback"}, "mailcow_oauth2_clients[0] (wiki/callback): redirect_uri 'wiki/callback' is not a valid"),
    ("oauth2_clients", {}, "mailcow_oauth2_clients[0] (?): redirect_uri is required"),
])
def test_server_lists_checked_as_their_modules_will(kind, entry, problem) -> None:
    errors = entry_errors([entry], kind)
    if not problem:
        assert errors == []
    else:
        assert len(errors) == 1 and errors[0].startswith(problem), errors


def test_server_list_errors_never_show_a_password() -> None:
    secret = "Pw-Relay-Hidden-1"
    errors = entry_errors([{"hostname": "bad host", "password": secret}, {"hostname": "ok.example", "password": [secret]},
                           {"hostname": "ok2.example", "password": " %s " % secret}], "relayhosts")
    assert len(errors) == 3 and all(secret not in error for error in errors), errors


def test_a_redirect_uri_with_a_password_is_refused_without_showing_it() -> None:
    errors = entry_errors([{"redirect_uri": "https://app:Pw-Uri-Hidden-1@wiki.example/cb"}], "oauth2_clients")
    assert errors == ["mailcow_oauth2_clients[0] (https://(hidden)@wiki.example/cb): redirect_uri is not a valid redirect URI: it must not "
                      "contain a user name or password (user:password@host)"]


def test_unknown_vars_with_roles_accepts_every_role_of_the_collection() -> None:
    names = ["mailcow_domain", "mailcow_relayhosts", "mailcow_server_purge_max_share", "mailcow_relayhost", "mailcow_mailboxes_purge"]
    # Without roles=True only the names given are known; with it, the variables of both roles are.
    assert unknown_vars(names, ["mailcow_relayhosts"]) == [
        "mailcow_domain", "mailcow_mailboxes_purge", "mailcow_relayhost (did you mean mailcow_relayhosts?)", "mailcow_server_purge_max_share"]
    assert unknown_vars(names, [], roles=True) == ["mailcow_relayhost (did you mean mailcow_relayhosts?)"]


def test_sieve_filter_entries_name_the_filter_and_need_its_name() -> None:
    entries = [{"mailbox": "alice", "filter_type": "prefilter", "description": "Spam", "scirpt": "keep;"},
               {"mailbox": "bob", "filter_type": "afterfilter", "description": "Big"},
               {"mailbox": "carol", "script": "keep;"}]
    assert entry_errors(entries, "sieve_filters") == [
        "mailcow_sieve_filters[0] (Spam): unknown field scirpt (did you mean script?)",
        "mailcow_sieve_filters[1] (Big): filter_type must be one of prefilter, postfilter, got 'afterfilter'",
        "mailcow_sieve_filters[2] (carol): filter_type is required",
        "mailcow_sieve_filters[2] (carol): description is required"]


def test_resource_entries_are_parsed_in_the_domain_before_any_request() -> None:
    resources = [
        {"description": "Room 1", "kind": "location", "multiple_bookings": 1},
        {"address": "Beamer@d.example", "description": "Beamer", "kind": "thing"},
        {"local_part": "Room2", "description": "Room 3", "kind": "location"},
        {"description": "Car", "kind": "vehicle"},
        {"address": "Room9@other.example", "kind": "location"},
        {"kind": "thing"},
        {"descripton": "Van", "kind": "thing"},
        {"description": "Hall", "multiple_bookings": "many"},
    ]
    assert entry_errors(resources[:2], "resources", domain="d.example") == []
    errors = entry_errors(resources, "resources", domain="d.example")
    assert errors[0] == "mailcow_resources[3] (Car): kind must be one of location, thing, group, got 'vehicle'"
    assert errors[1] == "mailcow_resources[4] (Room9@other.example): Room9@other.example is not in the domain d.example"
    assert errors[2] == "mailcow_resources[5] (?): address or local_part or description is required"
    assert errors[3] == "mailcow_resources[6] (?): unknown field descripton (did you mean description?)"
    assert errors[4] == "mailcow_resources[7] (Hall): multiple_bookings must be a whole number, got 'many'"
    assert len(errors) == 5
    assert first_problem(KNOWN, KNOWN, {"resources": [{"address": "R@x.example"}]}, domain="d.example", purge=False,
                         purge_allow_empty=False) == "mailcow_resources[0] (R@x.example): R@x.example is not in the domain d.example"


def test_the_server_roles_first_problem_in_order_typo_then_empty_purges_then_entries() -> None:
    known = known_options(str(ROLE_SPECS.parents[2] / "server" / "meta" / "argument_specs.yml"))
    assert {"mailcow_relayhosts", "mailcow_oauth2_clients_purge", "mailcow_server_purge_allow_empty"} <= set(known)
    lists = {"relayhosts": [], "transport_maps": [], "tls_policy_maps": [{"destination": "example.org", "policy": "bogus"}] * 11}
    purges = {"relayhosts": True, "transport_maps": True, "tls_policy_maps": True}
    typo = server_first_problem(known + ["mailcow_relayhost"], known, lists, purges=purges, purge_allow_empty=False)
    assert typo == ("Unknown variable for the role glassdome.mailcow.server: mailcow_relayhost (did you mean mailcow_relayhosts?). "
                    "Fix the name, or list variables of other roles in mailcow_server_ignore_vars.")
    assert server_first_problem(known, known, lists, purges=purges, purge_allow_empty=False) == (
        "mailcow_relayhosts_purge is true but mailcow_relayhosts is empty; mailcow_transport_maps_purge is true but mailcow_transport_maps is "
        "empty: this would delete every one of them on the server. Check the names of those variables, or set "
        "mailcow_server_purge_allow_empty: true to delete them all on purpose.")
    entries = server_first_problem(known, known, lists, purges=purges, purge_allow_empty=True)
    assert entries.startswith("mailcow_tls_policy_maps[0] (example.org): policy must be one of") and entries.endswith("; and 1 more")
    assert server_first_problem(known, known, dict(lists, relayhosts=[{"hostname": "smtp.example.org"}], tls_policy_maps=[]),
                                purges=dict(purges, transport_maps=False, tls_policy_maps=False), purge_allow_empty=False) == ""
