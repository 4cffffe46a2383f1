# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_export_info's server-wide part (the server role's variables) against the emulator.

The server's relayhosts, transport maps, forwarding hosts, TLS policy maps, templates and OAuth2
clients are made over the API as the UI makes them, then exported: one listing per type, entries
without the values a new object gets, no password or client secret anywhere in the result (Mailcow's
listings carry them in clear), a name Mailcow holds twice as a refused comment with that type's purge
off, Mailcow's Default templates listed, and the empty types' purge allowed.
"""
from __future__ import annotations

import json
import typing as t

import pytest
import yaml

from conftest import Emulator, run_module

RELAY_PW = "Relay-Export-Unit-1"
DEFAULT_ACL = ["spam_alias", "tls_policy", "spam_score", "spam_policy", "delimiter_action", "eas_reset", "pushover", "quarantine",
               "quarantine_attachments", "quarantine_notification", "quarantine_category", "app_passwds"]
TRANSPORT_PW = "Transport-Export-Unit-1"


def _post(emulator: Emulator, path: str, body: t.Any) -> None:
    reply = emulator.request("POST", "/api/v1/" + path, body).json()
    assert all(item.get("type") == "success" for item in (reply if isinstance(reply, list) else [reply])), reply


@pytest.fixture
def server(emulator: Emulator) -> Emulator:
    _post(emulator, "add/relayhost", {"hostname": "[smtp.example.net]:587", "username": "relay", "password": RELAY_PW})
    for _twice in range(2):
        _post(emulator, "add/relayhost", {"hostname": "twice.example.net"})
    _post(emulator, "add/transport", {"destination": "partner.example", "nexthop": "[mx.partner.example]:25", "username": "t",
                                      "password": TRANSPORT_PW, "active": 1, "is_mx_based": 0})
    _post(emulator, "add/tls-policy-map", {"dest": "bank.example", "policy": "secure", "parameters": "", "active": 0})
    _post(emulator, "add/domain/template", {"template": "Small", "max_num_mboxes_for_domain": 5, "key_size": 0, "tags": ["smb"]})
    _post(emulator, "add/mailbox/template", {"template": "Staff", "quota": 1024, "force_tfa": 1, "active": 1,
                                             "protocol_access": ["imap", "smtp", "sieve", "pop3", "eas", "dav"]})
    _post(emulator, "add/oauth2-client", {"redirect_uri": "https://wiki.example/cb"})
    emulator.control("POST", "stats/reset")
    return emulator


def test_server_wide_objects_become_the_server_roles_variables(server: Emulator) -> None:
    status, result = run_module(server, "mailcow_export_info", {})
    assert status == 0, result
    wide = result["server"]
    assert wide["file"] == "server.yml" and wide["host"] == "server"
    assert yaml.safe_load(wide["content"]) == wide["variables"]
    assert wide["variables"] == {
        "mailcow_relayhosts": [{"hostname": "[smtp.example.net]:587", "username": "relay"}],
        "mailcow_transport_maps": [{"destination": "partner.example", "nexthop": "[mx.partner.example]:25", "username": "t"}],
        "mailcow_forwarding_hosts": [],
        "mailcow_tls_policy_maps": [{"destination": "bank.example", "policy": "secure", "active": False}],
        # Mailcow's Default templates (as on a fresh install: the mailbox one with its ACLs on), then the others by name.
        "mailcow_domain_templates": [{"name": "Default"}, {"name": "Small", "max_mailboxes": 5, "dkim_key_size": 0, "tags": ["smb"]}],
        "mailcow_mailbox_templates": [{"name": "Default", "acl": DEFAULT_ACL}, {"name": "Staff", "quota": 1024, "force_tfa": True}],
        "mailcow_oauth2_clients": [{"redirect_uri": "https://wiki.example/cb"}],
        # A relayhost held twice cannot be managed, so a purge would delete what its comment stands for.
        "mailcow_relayhosts_purge": False, "mailcow_transport_maps_purge": True, "mailcow_forwarding_hosts_purge": True,
        "mailcow_tls_policy_maps_purge": True, "mailcow_domain_templates_purge": True, "mailcow_mailbox_templates_purge": True,
        "mailcow_oauth2_clients_purge": True,
        "mailcow_server_purge_allow_empty": True,  # the server has no forwarding host: an empty list to purge
    }
    assert '  # refused relayhost "twice.example.net": Mailcow holds it 2 times' in wide["content"]
    assert "# The server has no forwarding hosts: a purge with an empty list must be allowed explicitly." in wide["content"]
    assert "# No client id or secret is written (Mailcow makes both): a client recreated from this file gets a new client id" in wide["content"]
    assert wide["counts"] == {"relayhosts": 1, "transport_maps": 1, "forwarding_hosts": 0, "tls_policy_maps": 1, "domain_templates": 2,
                              "mailbox_templates": 2, "oauth2_clients": 1}
    assert ("server (server-wide): 1 relayhost, 1 transport map, 1 TLS policy map, 2 domain templates, 2 mailbox templates, 1 OAuth2 client; "
            "1 refused (see the comments in the file)") in result["summary"]
    assert "    mailcow_server_wide:\n      hosts:\n        server: {}\n" in result["inventory"]
    text = json.dumps(result)
    secret = server.request("GET", "/api/v1/get/oauth2-client/all").json()[0]["client_secret"]
    assert RELAY_PW not in text and TRANSPORT_PW not in text and secret not in text
    # One listing per type, and nothing written.
    routes = server.control("GET", "stats")["by_route"]
    assert {route: n for route, n in routes.items() if "relayhost" in route or "transport" in route or "fwdhost" in route
            or "tls-policy-map" in route} == {"GET /api/v1/get/relayhost/all": 1, "GET /api/v1/get/transport/all": 1,
                                              "GET /api/v1/get/fwdhost/all": 1, "GET /api/v1/get/tls-policy-map/all": 1}
    assert not [route for route in routes if route.startswith("POST")]


def test_without_server_wide_nothing_is_read_for_it(server: Emulator) -> None:
    status, result = run_module(server, "mailcow_export_info", {"server_wide": False, "purge": False})
    assert status == 0, result
    assert result["server"] is None and "mailcow_server_wide" not in result["inventory"]
    assert not [route for route in server.control("GET", "stats")["by_route"] if "relayhost" in route or "tls-policy-map" in route]
