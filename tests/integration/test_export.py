# SPDX-License-Identifier: GPL-3.0-or-later
"""Adopting an existing Mailcow (docs/adopt.md), by real ansible-playbook runs against the sandbox's emulator.

A rich state is made by hand, straight through Mailcow's API (as a user would in the UI): an IDN
domain, a mailbox with every flag off, an alias with several targets, a catch-all, tags, a rate
limit, a sender ACL, app passwords, a sync job, Sieve filters (one inactive), an alias domain, an administrator of two
domains, a DKIM key of its own selector and size, a relayhost, BCC maps and recipient maps of the domain and of
its addresses (and one of another domain), the domain's allow and deny lists, resources (one inactive), a mailbox
with a relayhost and one with a spam score of its own, and a mailbox whose name no API path can carry. Then:

- the export playbook writes the files; a second export of the unchanged server is byte-identical
  and reports no change;
- the role run with those files (purge on for every list) changes nothing and sends no write;
- the drift playbook passes on that state, and after changes made by hand names each one;
- on an empty server (the domains deleted) the same files, plus passwords for what must be created,
  recreate the domains so that a new export is byte-identical to the first.

The server-wide objects (relayhosts with and without a login, an inactive one, one held twice, a
transport map with a login, a forwarding host, TLS policy maps, a domain and a mailbox template, an
OAuth2 client) go the same way, through the server role's file host_vars/server.yml: no password
in it (Mailcow returns relayhost passwords and client secrets in clear), the duplicate as a refused
comment with its purge off, Mailcow's Default templates listed (they are on every Mailcow, an empty
one too), re-applied with no write, recreated identically (the client with a new secret).
The sandbox may hold server-wide objects of other tests: they are exported too, and only this
test's names are asserted.
"""

from __future__ import annotations

import contextlib
import json
import re
import ssl
import typing as t
import urllib.request
import uuid
from pathlib import Path

import pytest
from ansible.parsing.yaml.loader import AnsibleLoader

from conftest import REPO, Runner

UID = uuid.uuid4().hex[:6]
MAIN = "rt%s.example" % UID
IDN = "bücher%s.example" % UID
IDN_ASCII = IDN.encode("idna").decode()
ALIAS_DOMAIN = "alias-rt%s.example" % UID
ADMIN = "da%s" % UID
RELAYHOST = "[smtp.relay%s.example]:587" % UID
OTHER = "other%s.example" % UID  # a domain that is not exported: its maps are not the exported domains'
PW = "Pw-Export-%s!" % uuid.uuid4().hex[:8]
REMOTE_PW = "Remote-%s" % uuid.uuid4().hex[:8]
RELAY_PW = "Relay-Export-%s" % uuid.uuid4().hex[:8]
RELAY = "[smtp.rt%s.example]:587" % UID
RELAY_OFF = "relay-off.rt%s.example" % UID
RELAY_TWICE = "twice.rt%s.example" % UID
TRANSPORT = "partner.rt%s.example" % UID
FORWARDER = "203.0.113.%d" % (int(UID, 16) % 250 + 1)
TLS_MAPS = ("bank.rt%s.example" % UID, "old.rt%s.example" % UID)
DOMAIN_TEMPLATE = "Small business rt%s" % UID
MAILBOX_TEMPLATE = "Staff rt%s" % UID
CLIENT_URI = "https://wiki.rt%s.example/oauth/callback" % UID
SIEVE = 'require "fileinto";\nif header :contains "Subject" "[SPAM]" {\n  fileinto "Junk";\n  stop;\n}\n'
EXPORT = REPO / "playbooks" / "export.yml"
PROVISION = REPO / "playbooks" / "provision.yml"
DRIFT = REPO / "playbooks" / "drift.yml"


class Api:
    """Mailcow's API and the sandbox's control API, over HTTPS."""

    def __init__(self, facts: dict[str, t.Any]) -> None:
        self.url = facts["api_url"]
        self.key = facts["rw_key"]
        self.context = ssl.create_default_context(cafile=facts["ca_path"])

    def _call(self, method: str, url: str, body: t.Any = None, headers: dict[str, str] | None = None) -> t.Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers=dict({"Content-Type": "application/json"}, **(headers or {})))
        with urllib.request.urlopen(request, context=self.context, timeout=30) as answer:
            text = answer.read().decode()
        return json.loads(text) if text.strip() else None

    def get(self, path: str) -> t.Any:
        return self._call("GET", self.url + "/api/v1/get/" + path, headers={"X-API-Key": self.key})

    def post(self, path: str, body: t.Any) -> t.Any:
        answer = self._call("POST", self.url + "/api/v1/" + path, body, headers={"X-API-Key": self.key})
        assert isinstance(answer, list) and all(entry.get("type") == "success" for entry in answer), (path, answer)
        return answer

    def control(self, path: str, body: t.Any = None) -> t.Any:
        return self._call("POST" if body is not None else "GET", self.url + "/_sandbox/" + path, body)

    def writes(self) -> dict[str, int]:
        """The write requests (POST to /api/) the emulator saw since the last stats reset."""
        return {route: n for route, n in self.control("stats")["by_route"].items() if route.startswith("POST") and "/api/" in route}


def make_state(api: Api) -> None:
    """The hand-made state, written the way Mailcow's UI writes it."""
    api.post("add/domain", {"domain": MAIN, "description": "Round trip", "mailboxes": 50, "aliases": 60, "defquota": 512, "maxquota": 2048,
                            "quota": 20480, "active": 1, "dkim_selector": "s2026", "key_size": 1024})
    api.post("add/domain", {"domain": IDN_ASCII, "active": 1})
    api.post("add/domain", {"domain": "slash" + MAIN, "active": 1})

    def mailbox(local: str, domain: str = MAIN, **extra: t.Any) -> None:
        api.post("add/mailbox", dict({"local_part": local, "domain": domain, "password": PW, "password2": PW, "active": 1}, **extra))

    mailbox("alice", name="Alice Example", quota=1024, tags=["staff", "vip"])
    mailbox("bob")
    off = {flag: 0 for flag in ("imap_access", "pop3_access", "smtp_access", "sieve_access", "sogo_access", "eas_access", "dav_access")}
    mailbox("carol", name="Carol", active=2, **off)
    mailbox("dora", domain=IDN_ASCII, quota=256)
    mailbox("ok", domain="slash" + MAIN)
    mailbox("a/b", domain="slash" + MAIN)
    mailbox("t{{x}}", domain="slash" + MAIN)  # a template to Ansible, unless written as plain text
    api.post("edit/mailbox", {"items": ["alice@" + MAIN], "attr": {"sender_acl": ["@" + IDN_ASCII, "bob@" + MAIN]}})
    api.post("edit/rl-mbox", {"items": ["alice@" + MAIN], "attr": {"rl_value": 100, "rl_frame": "h"}})
    api.post("edit/tls_policy", {"items": ["alice@" + MAIN], "attr": {"tls_enforce_in": 1, "tls_enforce_out": 0}})
    api.post("add/alias", {"address": "sales@" + MAIN, "goto": "alice@%s,bob@%s,partner@other.example" % (MAIN, MAIN), "active": 1,
                           "sogo_visible": 1, "sender_allowed": 0})
    api.post("add/alias", {"address": "@" + MAIN, "goto": "alice@" + MAIN, "active": 1, "sogo_visible": 0, "sender_allowed": 0,
                           "public_comment": "catch-all"})
    api.post("add/alias", {"address": "void@" + MAIN, "goto_null": 1, "active": 0, "sogo_visible": 0, "sender_allowed": 0})
    for name, protocols, active in (("Phone", ["imap_access", "smtp_access"], 1), ("Old laptop", ["dav_access"], 0)):
        api.post("add/app-passwd", {"username": "alice@" + MAIN, "app_name": name, "app_passwd": PW, "app_passwd2": PW, "protocols": protocols,
                                    "active": active})
    api.post("add/syncjob", {"username": "bob@" + MAIN, "host1": "imap.old.example", "port1": 143, "user1": "bob", "password1": REMOTE_PW,
                             "enc1": "TLS", "mins_interval": 30, "subfolder2": "", "maxage": 0, "maxbytespersecond": 0, "timeout1": 600,
                             "timeout2": 600, "exclude": "(?i)spam|(?i)junk", "custom_params": "", "delete2duplicates": 1, "delete1": 0,
                             "delete2": 0, "automap": 1, "skipcrossduplicates": 0, "subscribeall": 1, "dry": 0, "active": 1})
    api.post("add/alias-domain", {"alias_domain": ALIAS_DOMAIN, "target_domain": MAIN, "active": 1})
    api.post("add/filter", {"username": "alice@" + MAIN, "filter_type": "prefilter", "script_desc": "Spam to Junk", "script_data": SIEVE, "active": 1})
    api.post("add/filter", {"username": "alice@" + MAIN, "filter_type": "postfilter", "script_desc": "Big {mail}",
                            "script_data": "if size :over 50M { discard; }", "active": 0})
    api.post("add/domain-admin", {"username": ADMIN, "domains": [MAIN, IDN_ASCII], "password": PW, "password2": PW, "active": 1})
    api.post("add/relayhost", {"hostname": RELAYHOST, "username": "relayuser", "password": PW})
    relayhost_id = next(row["id"] for row in api.get("relayhost/all") if row["hostname"] == RELAYHOST)
    api.post("edit/domain", {"items": [MAIN], "attr": {"relayhost": str(relayhost_id)}})
    api.post("add/domain", {"domain": OTHER, "active": 1})
    for local_dest, kind, bcc_dest, active in (("alice@" + MAIN, "sender", "archive@other.example", 1), (MAIN, "rcpt", "copy@other.example", 0),
                                               (OTHER, "sender", "archive@other.example", 1)):
        api.post("add/bcc", {"local_dest": local_dest, "type": kind, "bcc_dest": bcc_dest, "active": active})
    for old, new, active in (("old@" + MAIN, "alice@" + MAIN, 1), ("gone@" + MAIN, "bob@" + MAIN, 0), ("x@" + OTHER, "bob@" + MAIN, 1)):
        api.post("add/recipient_map", {"recipient_map_old": old, "recipient_map_new": new, "active": active})
    for sender, which in (("*@partner.example", "wl"), ("spammer@bad.example", "bl"), ("junk.example", "bl")):
        api.post("add/domain-policy", {"domain": MAIN, "object_from": sender, "object_list": which})
    api.post("add/resource", {"domain": MAIN, "description": "Room 1", "kind": "location", "multiple_bookings": 1, "active": 1})
    api.post("add/resource", {"domain": MAIN, "description": "Beamer", "kind": "thing", "multiple_bookings": -1, "active": 0})
    api.post("edit/spam-score", {"items": ["alice@" + MAIN], "attr": {"spam_score": "8,15"}})
    make_server_wide(api)
    # A mailbox's relayhost, by id as Mailcow stores it: one of the server-wide relayhosts (the server role makes it first).
    relay_id = next(row["id"] for row in api.get("relayhost/all") if row["hostname"] == RELAY)
    api.post("edit/mailbox", {"items": ["bob@" + MAIN], "attr": {"relayhost": str(relay_id)}})


def make_server_wide(api: Api) -> None:
    """Relayhosts, a transport map, a forwarding host and TLS policy maps, as the UI makes them."""
    api.post("add/relayhost", {"hostname": RELAY, "username": "relay-user", "password": RELAY_PW})
    api.post("add/relayhost", {"hostname": RELAY_OFF})
    off = [row["id"] for row in api.get("relayhost/all") if row["hostname"] == RELAY_OFF]
    api.post("edit/relayhost", {"items": off, "attr": {"active": 0}})
    for _twice in range(2):  # Mailcow does not refuse a second relayhost of the same name
        api.post("add/relayhost", {"hostname": RELAY_TWICE})
    api.post("add/transport", {"destination": TRANSPORT, "nexthop": "[mx.%s]:25" % TRANSPORT, "username": "t-user", "password": REMOTE_PW,
                               "active": 1, "is_mx_based": 0})
    api.post("add/fwdhost", {"hostname": FORWARDER, "filter_spam": 0})
    api.post("add/tls-policy-map", {"dest": TLS_MAPS[0], "policy": "secure", "parameters": "match=mx.bank.example", "active": 1})
    api.post("add/tls-policy-map", {"dest": TLS_MAPS[1], "policy": "none", "parameters": "", "active": 0})
    api.post("add/domain/template", {"template": DOMAIN_TEMPLATE, "max_num_mboxes_for_domain": 20, "max_num_aliases_for_domain": 400,
                                     "def_quota_for_mbox": 3072, "max_quota_for_mbox": 10240, "max_quota_for_domain": 51200, "rl_value": 50,
                                     "rl_frame": "h", "key_size": 2048, "dkim_selector": "dkim", "gal": 0, "tags": ["smb"], "active": 1})
    api.post("add/mailbox/template", {"template": MAILBOX_TEMPLATE, "quota": 2048, "tagged_mail_handler": "subfolder", "quarantine_notification": "hourly",
                                      "quarantine_category": "reject", "force_pw_update": 1, "sogo_access": 1, "active": 1,
                                      "protocol_access": ["imap", "smtp", "sieve", "pop3", "eas", "dav"], "tags": ["staff"]})
    api.post("add/oauth2-client", {"redirect_uri": CLIENT_URI})


def empty_server_wide(api: Api) -> None:
    """Delete this test's server-wide objects (others' are left alone)."""
    ids = [row["id"] for row in api.get("relayhost/all") or [] if row["hostname"] in (RELAY, RELAY_OFF, RELAY_TWICE)]
    if ids:
        api.post("delete/relayhost", ids)
    ids = [row["id"] for row in api.get("transport/all") or [] if row["destination"] == TRANSPORT]
    if ids:
        api.post("delete/transport", ids)
    if any(row["host"] == FORWARDER for row in api.get("fwdhost/all") or []):
        api.post("delete/fwdhost", [FORWARDER])
    ids = [row["id"] for row in api.get("tls-policy-map/all") or [] if row["dest"] in TLS_MAPS]
    if ids:
        api.post("delete/tls-policy-map", ids)
    for kind, name in (("domain", DOMAIN_TEMPLATE), ("mailbox", MAILBOX_TEMPLATE)):
        for row in api.get("%s/template/all" % kind) or []:
            if row["template"] == name:
                api.post("delete/%s/template" % kind, [str(row["id"])])
    ids = [str(row["id"]) for row in api.get("oauth2-client/all") or [] if row["redirect_uri"] == CLIENT_URI]
    if ids:
        api.post("delete/oauth2-client", ids)


def client_secret(api: Api) -> str:
    secrets = [str(row["client_secret"]) for row in api.get("oauth2-client/all") or [] if row["redirect_uri"] == CLIENT_URI]
    assert len(secrets) == 1 and len(secrets[0]) >= 8, secrets
    return secrets[0]


def empty_server(api: Api) -> None:
    """Delete everything make_state made, DKIM keys too (Mailcow keeps them when a domain goes)."""
    domains = [MAIN, IDN_ASCII, "slash" + MAIN]
    api.post("delete/domain-admin", [ADMIN])
    bcc_maps = [str(row["id"]) for row in api.get("bcc/all") or [] if str(row["local_dest"]).rpartition("@")[2] in domains + [OTHER]]
    if bcc_maps:
        api.post("delete/bcc", bcc_maps)
    recipient_maps = [str(row["id"]) for row in api.get("recipient_map/all") or []
                      if str(row["recipient_map_old"]).rpartition("@")[2] in domains + [OTHER]]
    if recipient_maps:
        api.post("delete/recipient_map", recipient_maps)
    api.post("delete/alias-domain", [ALIAS_DOMAIN])
    resources = [row["name"] for row in api.get("resource/all") or [] if row["domain"] in domains]
    if resources:
        api.post("delete/resource", resources)
    prefids = [str(row["prefid"]) for which in ("wl", "bl") for row in api.get("policy_%s_domain/%s" % (which, MAIN)) or []]
    if prefids:
        api.post("delete/domain-policy", prefids)
    api.post("edit/spam-score", {"items": ["alice@" + MAIN], "attr": {"spam_score": "default"}})
    for domain in domains:
        aliases = api.get("alias/all/" + domain) or []
        ids = [str(alias["id"]) for alias in aliases if alias.get("domain") == domain]
        if ids:
            api.post("delete/alias", ids)
        mailboxes = [mb["username"] for mb in (api.get("mailbox/all/" + domain) or []) if mb.get("domain") == domain]
        if mailboxes:
            api.post("delete/mailbox", mailboxes)
        api.post("delete/domain", [domain])
        api.post("delete/dkim", [domain])
    assert not [d for d in api.get("domain/all") or [] if d["domain_name"] in domains]


def remove_others(api: Api) -> None:
    """What make_state made besides the exported domains' objects: the relayhost and the domain not exported."""
    api.post("delete/domain", [OTHER])
    api.post("delete/relayhost", [str(row["id"]) for row in api.get("relayhost/all") if row["hostname"] == RELAYHOST])


def export(runner: Runner, dest: Path, *args: str) -> t.Any:
    return runner.playbook(EXPORT, "-e", "mailcow_export_dir=%s" % dest, "-e", json.dumps({"mailcow_export_domains": [MAIN, IDN, "slash" + MAIN]}),
                           "-e", "mailcow_export_spam_scores=true", *args, check=True)


def load_vars(text: str) -> t.Any:
    """A host_vars file as Ansible reads it (``!unsafe`` included)."""
    return AnsibleLoader(text).get_single_data()


def files(dest: Path) -> dict[str, str]:
    return {path.relative_to(dest).as_posix(): path.read_text(encoding="utf-8") for path in sorted(dest.rglob("*.yml"))}


def recap(proc: t.Any) -> dict[str, int]:
    match = re.search(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout)
    assert match, proc.stdout
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups())))


def host_recaps(proc: t.Any) -> dict[str, dict[str, int]]:
    found = re.findall(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout, re.M)
    return {host: dict(zip(("ok", "changed", "unreachable", "failed"), map(int, numbers))) for host, *numbers in found}


@pytest.fixture(scope="module")
def api(facts: dict[str, t.Any]) -> Api:
    return Api(facts)


@pytest.fixture(scope="module")
def first(runner: Runner, api: Api, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Path]:
    make_state(api)
    dest = tmp_path_factory.mktemp("export")
    export(runner, dest)
    yield dest
    # Leave the sandbox as it was for the suites that follow (what a failed test left, too).
    with contextlib.suppress(AssertionError, OSError):
        empty_server(api)
    with contextlib.suppress(AssertionError, OSError):
        remove_others(api)
        empty_server_wide(api)


def test_export_writes_the_role_variables_without_secrets(first: Path, runner: Runner) -> None:
    written = files(first)
    assert sorted(written) == sorted(["inventory.yml", "host_vars/%s.yml" % MAIN, "host_vars/%s.yml" % IDN_ASCII, "host_vars/slash%s.yml" % MAIN,
                                      "host_vars/server.yml"])
    main = load_vars(written["host_vars/%s.yml" % MAIN])
    mailboxes = {entry["local_part"]: entry for entry in main["mailcow_mailboxes"]}
    assert mailboxes["alice"] == {"local_part": "alice", "name": "Alice Example", "quota": 1024, "tls_enforce_in": True, "tags": ["staff", "vip"],
                                  "rate_limit": {"value": 100, "frame": "h"}, "sender_acl": ["@" + IDN_ASCII, "bob@" + MAIN], "spam_score": "8,15"}
    assert mailboxes["bob"] == {"local_part": "bob", "relayhost": RELAY}
    assert mailboxes["carol"] == {"local_part": "carol", "name": "Carol", "active": "login-disabled", "imap_access": False, "pop3_access": False,
                                  "smtp_access": False, "sieve_access": False, "sogo_access": False, "eas_access": False, "dav_access": False}
    aliases = {entry["address"]: entry for entry in main["mailcow_aliases"]}
    assert aliases["sales@" + MAIN] == {"address": "sales@" + MAIN, "goto": ["alice@" + MAIN, "bob@" + MAIN, "partner@other.example"], "sogo_visible": True}
    assert aliases["@" + MAIN] == {"address": "@" + MAIN, "goto": ["alice@" + MAIN], "public_comment": "catch-all"}
    assert aliases["void@" + MAIN] == {"address": "void@" + MAIN, "goto_null": True, "active": False}
    assert main["mailcow_app_passwords"] == {"alice": [{"name": "Old laptop", "protocols": ["dav_access"], "active": False},
                                                       {"name": "Phone", "protocols": ["imap_access", "smtp_access"]}]}
    assert main["mailcow_syncjobs"] == [{"mailbox": "bob", "remote_host": "imap.old.example", "remote_user": "bob", "encryption": "TLS", "interval": 30}]
    assert main["mailcow_alias_domains"] == [{"alias_domain": ALIAS_DOMAIN}]
    assert main["mailcow_sieve_filters"] == [
        {"mailbox": "alice", "filter_type": "postfilter", "description": "Big {mail}", "script": "if size :over 50M { discard; }", "active": False},
        {"mailbox": "alice", "filter_type": "prefilter", "description": "Spam to Junk", "script": SIEVE}]
    assert main["mailcow_domain_admins"] == [{"username": ADMIN, "domains": sorted([MAIN, IDN_ASCII])}]
    assert main["mailcow_dkim"] == {"selector": "s2026", "key_size": 1024}
    assert main["mailcow_domain_settings"] == {"description": "Round trip", "active": True, "max_mailboxes": 50, "max_aliases": 60, "default_quota": 512,
                                               "max_quota": 2048, "total_quota": 20480, "relayhost": RELAYHOST}
    assert main["mailcow_bcc_maps"] == [{"local_dest": "alice@" + MAIN, "kind": "sender", "bcc_dest": "archive@other.example"},
                                        {"local_dest": MAIN, "kind": "recipient", "bcc_dest": "copy@other.example", "active": False}]
    assert main["mailcow_recipient_maps"] == [{"old_recipient": "gone@" + MAIN, "new_recipient": "bob@" + MAIN, "active": False},
                                              {"old_recipient": "old@" + MAIN, "new_recipient": "alice@" + MAIN}]
    assert main["mailcow_spam_policy"] == {"allow": ["*@partner.example"], "deny": ["junk.example", "spammer@bad.example"]}
    assert main["mailcow_resources"] == [
        {"address": "Beamer@" + MAIN, "description": "Beamer", "kind": "thing", "multiple_bookings": -1, "active": False},
        {"address": "Room1@" + MAIN, "description": "Room 1", "kind": "location", "multiple_bookings": 1}]
    assert all(main[key] is True for key in ("mailcow_mailboxes_purge", "mailcow_app_passwords_purge", "mailcow_syncjobs_purge",
                                             "mailcow_bcc_maps_purge", "mailcow_recipient_maps_purge", "mailcow_sieve_filters_purge",
                                             "mailcow_spam_policy_purge", "mailcow_resources_purge"))
    idn = load_vars(written["host_vars/%s.yml" % IDN_ASCII])
    assert idn["mailcow_spam_policy"] == {} and idn["mailcow_resources"] == [] and idn["mailcow_resources_purge"] is True
    assert idn["mailcow_domain_settings"] == {"active": True} and "mailcow_dkim" not in idn
    assert idn["mailcow_bcc_maps"] == [] and idn["mailcow_recipient_maps"] == [] and idn["mailcow_bcc_maps_purge"] is True
    assert idn["mailcow_domain_admins"] == main["mailcow_domain_admins"]
    assert IDN in written["host_vars/%s.yml" % IDN_ASCII]  # the Unicode name, in the header
    # No secret anywhere: not the passwords given to Mailcow, nor the remote password, nor the API key.
    for text in written.values():
        for secret in (PW, REMOTE_PW, RELAY_PW, runner.env["MAILCOW_API_KEY"], "BLF-CRYPT"):
            assert secret not in text


def test_export_writes_the_server_wide_objects_without_passwords(first: Path, runner: Runner, api: Api) -> None:
    written = files(first)
    assert "    mailcow_server_wide:\n      hosts:\n        server: {}\n" in written["inventory.yml"]
    text = written["host_vars/server.yml"]
    server = load_vars(text)
    ours = {key: [entry for entry in server[key] if UID in json.dumps(entry)]
            for key in ("mailcow_relayhosts", "mailcow_transport_maps", "mailcow_forwarding_hosts", "mailcow_tls_policy_maps")}
    # Sorted by host name; the first is the relayhost the main domain uses.
    assert ours["mailcow_relayhosts"] == [{"hostname": RELAYHOST, "username": "relayuser"}, {"hostname": RELAY, "username": "relay-user"},
                                          {"hostname": RELAY_OFF, "active": False}]
    assert ours["mailcow_transport_maps"] == [{"destination": TRANSPORT, "nexthop": "[mx.%s]:25" % TRANSPORT, "username": "t-user"}]
    assert {"host": FORWARDER, "keep_spam": True} in server["mailcow_forwarding_hosts"]
    assert ours["mailcow_tls_policy_maps"] == [{"destination": TLS_MAPS[0], "policy": "secure", "parameters": "match=mx.bank.example"},
                                               {"destination": TLS_MAPS[1], "policy": "none", "active": False}]
    # A relayhost Mailcow holds twice cannot be managed: a comment, and no purge of relayhosts (it would delete them).
    assert re.search(r'^  # refused relayhost "%s": Mailcow holds it 2 times' % re.escape(RELAY_TWICE), text, re.M), text
    assert server["mailcow_relayhosts_purge"] is False
    purged = ("transport_maps", "forwarding_hosts", "tls_policy_maps", "domain_templates", "mailbox_templates", "oauth2_clients")
    assert all(server["mailcow_%s_purge" % kind] is True for kind in purged)
    # Templates: the values that differ from a new template's; Mailcow's Default ones are there (unchanged: just the name).
    domain_templates = {entry["name"]: entry for entry in server["mailcow_domain_templates"]}
    assert domain_templates[DOMAIN_TEMPLATE] == {"name": DOMAIN_TEMPLATE, "max_mailboxes": 20, "total_quota": 51200, "gal": False,
                                                 "rate_limit": {"value": 50, "frame": "h"}, "tags": ["smb"]}
    assert domain_templates["Default"] == {"name": "Default"}
    mailbox_templates = {entry["name"]: entry for entry in server["mailcow_mailbox_templates"]}
    assert mailbox_templates[MAILBOX_TEMPLATE] == {"name": MAILBOX_TEMPLATE, "quota": 2048, "tagged_mail_handler": "subfolder", "force_pw_update": True,
                                                   "tags": ["staff"]}
    assert "Default" in mailbox_templates
    # OAuth2 clients: the redirect URI only, never the client id or the secret; a comment says a recreated one gets new ones.
    assert {"redirect_uri": CLIENT_URI} in server["mailcow_oauth2_clients"]
    assert "# No client id or secret is written (Mailcow makes both): a client recreated from this file gets a new client id" in text
    for secret in (RELAY_PW, REMOTE_PW, client_secret(api)):
        assert secret not in text


def test_a_name_no_path_can_carry_is_a_comment_and_purge_stays_off(first: Path) -> None:
    text = files(first)["host_vars/slash%s.yml" % MAIN]
    variables = load_vars(text)
    assert variables["mailcow_mailboxes"] == [{"local_part": "ok"}, {"local_part": "t{{x}}"}]
    assert "  - {local_part: !unsafe \"t{{x}}\"}" in text
    assert re.search(r"^  # refused mailbox \"a/b@slash%s\": .*contains '/'" % re.escape(MAIN), text, re.M), text
    assert variables["mailcow_mailboxes_purge"] is False  # a purge would delete a/b, which the file cannot name


def test_second_export_is_byte_identical(first: Path, runner: Runner, api: Api, tmp_path: Path) -> None:
    proc = export(runner, first)
    assert recap(proc)["changed"] == 0, proc.stdout
    api.control("stats/reset", {})
    export(runner, tmp_path)
    assert files(tmp_path) == files(first)
    # The relayhosts are listed once: for the main domain's relayhost and for the server-wide file alike.
    assert api.control("stats")["by_route"].get("GET /api/v1/get/relayhost/all") == 1


def test_role_with_the_exported_files_changes_nothing_and_writes_nothing(first: Path, runner: Runner, api: Api) -> None:
    api.control("stats/reset", {})
    proc = runner.run(["ansible-playbook", "-i", str(first / "inventory.yml"), str(PROVISION)], check=True)
    recaps = host_recaps(proc)
    assert sorted(recaps) == sorted([MAIN, IDN_ASCII, "slash" + MAIN, "server"]), proc.stdout
    assert all(r["changed"] == 0 and r["failed"] == 0 for r in recaps.values()), proc.stdout
    assert api.writes() == {}
    # The purge of each domain's maps leaves the maps of a domain the files do not name.
    assert [row["local_dest"] for row in api.get("bcc/all") if OTHER in row["local_dest"]] == ["@" + OTHER]
    assert [row["recipient_map_old"] for row in api.get("recipient_map/all") if OTHER in row["recipient_map_old"]] == ["x@" + OTHER]
    for secret in (PW, REMOTE_PW, RELAY_PW):
        assert secret not in proc.stdout


def test_drift_report_passes_then_names_each_change(first: Path, runner: Runner, api: Api) -> None:
    clean = runner.run(["ansible-playbook", "-i", str(first / "inventory.yml"), str(DRIFT)])
    assert clean.returncode == 0, clean.stdout
    assert "%s: no drift" % MAIN in clean.stdout
    assert "server: no drift" in clean.stdout  # the server-wide objects, through the server role
    api.control("stats/reset", {})
    # By hand in the UI: a quota changed, a mailbox and an alias added, an alias deleted (so the code would create it).
    api.post("edit/mailbox", {"items": ["alice@" + MAIN], "attr": {"quota": 2048}})
    api.post("add/mailbox", {"local_part": "eve", "domain": MAIN, "password": PW, "password2": PW, "active": 1})
    api.post("add/alias", {"address": "new@" + MAIN, "goto": "bob@" + MAIN, "active": 1, "sogo_visible": 0, "sender_allowed": 0})
    sales = [alias for alias in api.get("alias/all/" + MAIN) if alias["address"] == "sales@" + MAIN]
    api.post("delete/alias", [str(sales[0]["id"])])
    # And objects the role ensures as its steps: a resource changed, a sender added to the deny list.
    api.post("edit/resource", {"items": ["Room1@" + MAIN], "attr": {"multiple_bookings": 3}})
    api.post("add/domain-policy", {"domain": MAIN, "object_from": "more.example", "object_list": "bl"})
    api.control("stats/reset", {})
    drifted = runner.run(["ansible-playbook", "-i", str(first / "inventory.yml"), str(DRIFT), "-e", "glassdome_drift_report=%s" % (first / "drift.json")])
    assert drifted.returncode != 0, drifted.stdout
    assert re.search(r"%s: 1 to create, 3 to change \(deny, multiple_bookings, quota\), 2 not in code" % re.escape(MAIN), drifted.stdout), drifted.stdout
    assert "%s: no drift" % IDN_ASCII in drifted.stdout
    assert api.writes() == {}  # read-only
    report = json.loads((first / "drift.json").read_text())
    assert report[MAIN]["create"] == ["alias sales@%s" % MAIN]
    # The allow and deny lists are one object (the module's diff is the domain's lists before and after).
    assert report[MAIN]["change"] == {"mailbox alice@%s" % MAIN: ["quota"], "resource Room1@%s" % MAIN: ["multiple_bookings"],
                                      "allow and deny lists %s" % MAIN: ["deny"]}, report
    assert sorted(report[MAIN]["not_in_code"]) == sorted(["alias new@%s" % MAIN, "mailbox eve@%s" % MAIN])
    assert report[IDN_ASCII] == {"create": [], "change": {}, "not_in_code": []}
    # A real run makes the server what the code says again: no drift left.
    runner.run(["ansible-playbook", "-i", str(first / "inventory.yml"), str(PROVISION)], check=True)
    assert runner.run(["ansible-playbook", "-i", str(first / "inventory.yml"), str(DRIFT)]).returncode == 0


def test_empty_server_recreated_from_the_files_exports_identically(first: Path, runner: Runner, api: Api, tmp_path: Path) -> None:
    old_secret = client_secret(api)
    empty_server(api)
    empty_server_wide(api)
    with_passwords = tmp_path / "code"
    (with_passwords / "host_vars").mkdir(parents=True)
    for name, text in files(first).items():
        if name.startswith("host_vars/"):
            text = re.sub(r"^(  - \{(?:local_part|username): (?:(?:!unsafe )?\"[^\"]*\"|[^,}]+))", r"\1, password: %s" % json.dumps(PW), text, flags=re.M)
            text = re.sub(r"^(    - \{name: [^,}]+)", r"\1, password: %s" % json.dumps(PW), text, flags=re.M)
            text = re.sub(r"^(  - \{mailbox: [^,}]+)(?=, remote_host)", r"\1, remote_password: %s" % json.dumps(REMOTE_PW), text, flags=re.M)
        if name == "host_vars/server.yml":
            # This test's relayhost and transport map logins; objects of other tests exist, so need no password.
            text = text.replace("username: relay-user}", "username: relay-user, password: %s}" % json.dumps(RELAY_PW))
            text = text.replace("username: t-user}", "username: t-user, password: %s}" % json.dumps(REMOTE_PW))
        (with_passwords / name).write_text(text)
    proc = runner.run(["ansible-playbook", "-i", str(with_passwords / "inventory.yml"), str(PROVISION)], check=True)
    assert all(r["failed"] == 0 for r in host_recaps(proc).values()), proc.stdout
    new_secret = client_secret(api)  # the client was made again, by Mailcow, with a new secret, shown nowhere
    assert new_secret != old_secret
    for secret in (PW, REMOTE_PW, RELAY_PW, new_secret):
        assert secret not in proc.stdout
    # The objects the files could not name are made again by hand, as they were.
    api.post("add/mailbox", {"local_part": "a/b", "domain": "slash" + MAIN, "password": PW, "password2": PW, "active": 1})
    for _twice in range(2):
        api.post("add/relayhost", {"hostname": RELAY_TWICE})
    assert any(mb["username"] == "t{{x}}@slash" + MAIN for mb in api.get("mailbox/all/slash" + MAIN))
    again = tmp_path / "again"
    export(runner, again)
    assert files(again) == files(first)
