# SPDX-License-Identifier: GPL-3.0-or-later
"""The server role (roles/server) by real ansible-playbook runs against the sandbox's emulator.

Every case counts the requests the emulator saw: the first run creates (check mode with diff first,
which writes nothing and predicts it), the second changes nothing and sends no write (one read per
type), a misspelt variable name or a purge with its list empty is refused before any request, and a
list that Mailcow partly refuses (its uncaught-exception answer, an empty body, on one add) fails
naming what was done; a run without the fault then adds only what is missing. No password appears
in any output, at -vvvv with --diff either.
"""

from __future__ import annotations

import json
import re
import typing as t
import uuid
from pathlib import Path

import pytest

from conftest import Runner
from test_export import Api

UID = uuid.uuid4().hex[:6]
SECRET = "Relay-Secret-%s" % uuid.uuid4().hex[:8]
TRANSPORT_SECRET = "Transport-Secret-%s" % uuid.uuid4().hex[:8]
RELAY = "[smtp%s.example]:587" % UID
RELAY2 = "relay%s.example" % UID
PARTNER = "partner%s.example" % UID
FORWARDER = "198.51.100.%d" % (int(UID, 16) % 250 + 1)
TLS = ["tls%d-%s.example" % (n, UID) for n in range(3)]
VARIABLES: dict[str, t.Any] = {
    "mailcow_relayhosts": [{"hostname": RELAY, "username": "relay-user", "password": SECRET}, {"hostname": RELAY2, "active": False}],
    "mailcow_transport_maps": [{"destination": PARTNER, "nexthop": "[mx.%s]:25" % PARTNER, "username": "t-user", "password": TRANSPORT_SECRET}],
    "mailcow_forwarding_hosts": [{"host": FORWARDER, "keep_spam": True}],
    "mailcow_tls_policy_maps": [{"destination": TLS[0], "policy": "secure"}],
}
# The listing each type's module reads (one request per type).
READS = ("relayhost", "transport", "fwdhost", "tls-policy-map")
PLAY = """
- name: Server-wide objects
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - glassdome.mailcow.server
"""


def run(runner: Runner, tmp_path: Path, variables: dict[str, t.Any], *args: str, check: bool = False) -> t.Any:
    playbook = tmp_path / ("server-%s.yml" % uuid.uuid4().hex[:6])
    playbook.write_text(PLAY)
    extra = tmp_path / ("vars-%s.json" % uuid.uuid4().hex[:6])
    extra.write_text(json.dumps(variables))
    return runner.playbook(playbook, "-e", "@%s" % extra, *args, check=check)


def recap(proc: t.Any) -> dict[str, int]:
    match = re.search(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout)
    assert match, proc.stdout
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups())))


def report(proc: t.Any) -> str:
    match = re.search(r'"msg": "(.*)"\n}\n\nPLAY RECAP', proc.stdout)
    assert match, proc.stdout[-3000:]
    return match.group(1)


def requests(api: Api) -> dict[str, int]:
    """Every request to Mailcow's API since the last stats reset, by route."""
    return {route: n for route, n in api.control("stats")["by_route"].items() if "/api/" in route}


def failed_msg(proc: t.Any) -> str:
    match = re.search(r"FAILED! => (\{.*\})", proc.stdout)
    assert match, proc.stdout[-3000:]
    return str(json.loads(match.group(1))["msg"])


@pytest.fixture(scope="module")
def api(facts: dict[str, t.Any]) -> Api:
    return Api(facts)


@pytest.fixture(scope="module")
def clean(runner: Runner, api: Api, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[None]:
    yield
    api.control("faults/clear", {})
    gone = {"mailcow_relayhosts": [{"hostname": RELAY, "state": "absent"}, {"hostname": RELAY2, "state": "absent"}],
            "mailcow_transport_maps": [{"destination": PARTNER, "state": "absent"}],
            "mailcow_forwarding_hosts": [{"host": FORWARDER, "state": "absent"}],
            "mailcow_tls_policy_maps": [{"destination": name, "state": "absent"} for name in TLS]}
    run(runner, tmp_path_factory.mktemp("clean"), gone)


def test_check_mode_then_create_then_nothing_to_do(runner: Runner, api: Api, clean: None, tmp_path: Path) -> None:
    api.control("faults/clear", {})
    api.control("stats/reset", {})
    checked = run(runner, tmp_path, VARIABLES, "--check", "--diff", check=True)
    assert recap(checked)["changed"] == 4, checked.stdout
    assert report(checked) == ("relayhosts would create 2 (%s, %s); transport maps would create 1 (%s); forwarding hosts would create 1 (%s); "
                               "tls policy maps would create 1 (%s)" % (RELAY, RELAY2, PARTNER, FORWARDER, TLS[0]))
    assert '"password": "(set)"' in checked.stdout
    assert [route for route in requests(api) if not route.startswith("GET")] == []  # check mode: reads only
    api.control("stats/reset", {})

    created = run(runner, tmp_path, VARIABLES, "--diff", check=True)
    assert recap(created)["changed"] == 4, created.stdout
    assert report(created) == report(checked).replace("would create", "created")
    relayhosts = {row["hostname"]: row for row in api.get("relayhost/all")}
    assert relayhosts[RELAY]["username"] == "relay-user" and relayhosts[RELAY]["password"] == SECRET
    assert relayhosts[RELAY2]["active"] in (0, "0")
    assert [row["nexthop"] for row in api.get("transport/all") if row["destination"] == PARTNER] == ["[mx.%s]:25" % PARTNER]
    assert [row["keep_spam"] for row in api.get("fwdhost/all") if row["host"] == FORWARDER] == ["yes"]
    assert [row["policy"] for row in api.get("tls-policy-map/all") if row["dest"] == TLS[0]] == ["secure"]

    api.control("stats/reset", {})
    again = run(runner, tmp_path, VARIABLES, "--diff", check=True)
    assert recap(again)["changed"] == 0, again.stdout
    assert report(again) == ("relayhosts no change (2 unchanged); transport maps no change (1 unchanged); forwarding hosts no change (1 unchanged); "
                             "tls policy maps no change (1 unchanged)")
    # The floor a script needs: one listing per type, and nothing written.
    assert requests(api) == {"GET /api/v1/get/%s/all" % category: 1 for category in READS}, requests(api)
    checked_again = run(runner, tmp_path, VARIABLES, "--check", "--diff", check=True)
    assert recap(checked_again)["changed"] == 0, checked_again.stdout
    for proc in (checked, created, again, checked_again):
        assert SECRET not in proc.stdout + proc.stderr and TRANSPORT_SECRET not in proc.stdout + proc.stderr


def test_passwords_never_shown_at_vvvv_with_diff(runner: Runner, api: Api, clean: None, tmp_path: Path) -> None:
    def rotated(password: str) -> dict[str, t.Any]:
        return dict(VARIABLES, mailcow_relayhosts=[{"hostname": RELAY, "username": "relay-user", "password": password, "update_password": "always"},
                                                   {"hostname": RELAY2, "active": False}])

    # A new password (SECRET is part of it), then the old one back: each run changes it, and shows it only as set.
    for variables in (rotated(SECRET + "-new"), rotated(SECRET)):
        proc = run(runner, tmp_path, variables, "-vvvv", "--diff", check=True)
        assert recap(proc)["changed"] == 1 and '"password": "(set)"' in proc.stdout, proc.stdout[-3000:]
        output = proc.stdout + proc.stderr
        assert SECRET not in output and TRANSPORT_SECRET not in output, [line for line in output.splitlines() if "Secret" in line][:5]
    assert [row["password"] for row in api.get("relayhost/all") if row["hostname"] == RELAY] == [SECRET]


def test_a_misspelt_variable_is_refused_before_any_request(runner: Runner, api: Api, tmp_path: Path) -> None:
    api.control("stats/reset", {})
    variables = {"mailcow_relayhost": VARIABLES["mailcow_relayhosts"], "mailcow_relayhosts_purge": True}
    proc = run(runner, tmp_path, variables)
    assert proc.returncode == 2
    assert failed_msg(proc) == ("Unknown variable for the role glassdome.mailcow.server: mailcow_relayhost (did you mean mailcow_relayhosts?). "
                                "Fix the name, or list variables of other roles in mailcow_server_ignore_vars.")
    assert requests(api) == {}
    assert SECRET not in proc.stdout + proc.stderr


def test_a_purge_with_its_list_empty_is_refused_unless_allowed(runner: Runner, api: Api, clean: None, tmp_path: Path) -> None:
    run(runner, tmp_path, {"mailcow_forwarding_hosts": VARIABLES["mailcow_forwarding_hosts"]}, check=True)
    held = len(api.get("fwdhost/all"))
    api.control("stats/reset", {})
    proc = run(runner, tmp_path, {"mailcow_forwarding_hosts": None, "mailcow_forwarding_hosts_purge": True})
    assert proc.returncode == 2
    assert failed_msg(proc) == ("mailcow_forwarding_hosts_purge is true but mailcow_forwarding_hosts is empty: this would delete every one of them "
                                "on the server. Check the names of those variables, or set mailcow_server_purge_allow_empty: true to delete "
                                "them all on purpose.")
    assert requests(api) == {}
    # Allowed, in check mode: it would delete every forwarding host of the server (this test's among them) and writes nothing.
    allowed = run(runner, tmp_path, {"mailcow_forwarding_hosts_purge": True, "mailcow_server_purge_allow_empty": True,
                                     "mailcow_server_purge_max_share": 100}, "--check", check=True)
    assert re.search(r"^forwarding hosts would delete %d \(" % held, report(allowed)), report(allowed)
    assert len(api.get("fwdhost/all")) == held
    assert [route for route in requests(api) if not route.startswith("GET")] == []


def test_a_purge_deletes_only_what_the_list_does_not_name(runner: Runner, api: Api, clean: None, tmp_path: Path) -> None:
    run(runner, tmp_path, VARIABLES, check=True)
    kept = {"mailcow_relayhosts": VARIABLES["mailcow_relayhosts"][:1], "mailcow_relayhosts_purge": True, "mailcow_server_purge_max_share": 100}
    held = len(api.get("relayhost/all"))  # this test's two, and any other test left
    checked = run(runner, tmp_path, kept, "--check", "--diff", check=True)
    assert re.search(r"^relayhosts would delete %d \(.*\), 1 unchanged$" % (held - 1), report(checked)), report(checked)
    assert "--- before: %s" % RELAY2 in checked.stdout
    assert RELAY2 in [row["hostname"] for row in api.get("relayhost/all")]
    done = run(runner, tmp_path, kept, check=True)
    assert report(done) == report(checked).replace("would delete", "deleted")
    assert [row["hostname"] for row in api.get("relayhost/all")] == [RELAY]
    # The other types were not touched (their lists are empty and their purge is off): no request for them.
    assert "transport maps" not in report(done)


def test_a_list_mailcow_partly_refuses_reports_what_was_done(runner: Runner, api: Api, clean: None, tmp_path: Path) -> None:
    variables = {"mailcow_tls_policy_maps": [{"destination": name, "policy": "encrypt"} for name in TLS], "mailcow_server_concurrency": 1}
    run(runner, tmp_path, {"mailcow_tls_policy_maps": [{"destination": name, "state": "absent"} for name in TLS]}, check=True)
    # Mailcow's answer when PHP dies on a write (an uncaught database error): HTTP 200, an empty body, nothing saved. The
    # second of the three adds meets it.
    api.control("faults", {"kind": "empty", "after": 1, "count": 1, "path": "/api/v1/add/tls-policy-map"})
    proc = run(runner, tmp_path, variables)
    api.control("faults/clear", {})
    assert proc.returncode == 2, proc.stdout[-3000:]
    msg = failed_msg(proc)
    assert re.search(r"^1 failed \(error: %s not created: Mailcow API answered POST /add/tls-policy-map with an empty body .*"
                     r"re-reading shows no such object\): %s; 2 done: %s, %s" % (re.escape(TLS[1]), re.escape(TLS[1]), re.escape(TLS[0]), re.escape(TLS[2])),
                     msg), msg
    assert sorted(row["dest"] for row in api.get("tls-policy-map/all") if row["dest"] in TLS) == sorted([TLS[0], TLS[2]])
    # Without the fault the next run adds only what is missing.
    again = run(runner, tmp_path, variables, check=True)
    assert report(again) == "tls policy maps created 1 (%s), 2 unchanged" % TLS[1], report(again)


# -- templates and OAuth2 clients ----------------------------------------------------------------------------------------

DOMAIN_TEMPLATE = "Small business %s" % UID
MAILBOX_TEMPLATE = "Staff %s" % UID
CLIENT_URI = "https://wiki%s.example/oauth/callback" % UID
TEMPLATES: dict[str, t.Any] = {
    "mailcow_domain_templates": [{"name": DOMAIN_TEMPLATE, "max_mailboxes": 20, "total_quota": 51200, "tags": ["smb"]}],
    "mailcow_mailbox_templates": [{"name": MAILBOX_TEMPLATE, "quota": 2048, "force_pw_update": True}],
    "mailcow_oauth2_clients": [{"redirect_uri": CLIENT_URI}],
}


@pytest.fixture(scope="module")
def clean_templates(runner: Runner, api: Api, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[None]:
    yield
    api.control("faults/clear", {})
    run(runner, tmp_path_factory.mktemp("clean-templates"),
        {"mailcow_domain_templates": [{"name": DOMAIN_TEMPLATE, "state": "absent"}],
         "mailcow_mailbox_templates": [{"name": MAILBOX_TEMPLATE, "state": "absent"}],
         "mailcow_oauth2_clients": [{"redirect_uri": CLIENT_URI, "state": "absent"}]})


def secret_of(api: Api, uri: str) -> str:
    secrets = [row["client_secret"] for row in api.get("oauth2-client/all") if row["redirect_uri"] == uri]
    assert len(secrets) == 1 and len(secrets[0]) >= 8, secrets
    return str(secrets[0])


def test_templates_and_oauth2_clients_check_mode_create_then_nothing_to_do(runner: Runner, api: Api, clean_templates: None, tmp_path: Path) -> None:
    api.control("faults/clear", {})
    api.control("stats/reset", {})
    checked = run(runner, tmp_path, TEMPLATES, "--check", "--diff", check=True)
    assert recap(checked)["changed"] == 3, checked.stdout
    assert report(checked) == ("domain templates would create 1 (%s); mailbox templates would create 1 (%s); OAuth2 clients would create 1 (%s)"
                               % (DOMAIN_TEMPLATE, MAILBOX_TEMPLATE, CLIENT_URI))
    assert '"max_mailboxes": 20' in checked.stdout  # the diff of the domain template
    assert [route for route in requests(api) if not route.startswith("GET")] == []
    assert CLIENT_URI not in [row["redirect_uri"] for row in api.get("oauth2-client/all")]

    # Created at -vvvv with --diff: the client's secret, which Mailcow made, appears nowhere in the output.
    created = run(runner, tmp_path, TEMPLATES, "-vvvv", "--diff", check=True)
    assert recap(created)["changed"] == 3, created.stdout[-3000:]
    assert report(created) == (report(checked).replace("would create", "created")
                               + " (their secrets are not shown: see the role's README, OAuth2 client secrets)")
    secret = secret_of(api, CLIENT_URI)
    assert secret not in created.stdout + created.stderr
    domain_templates = {row["template"]: row["attributes"] for row in api.get("domain/template/all")}
    assert str(domain_templates[DOMAIN_TEMPLATE]["max_num_mboxes_for_domain"]) == "20"
    assert "Default" in domain_templates
    mailbox_templates = {row["template"]: row["attributes"] for row in api.get("mailbox/template/all")}
    assert str(mailbox_templates[MAILBOX_TEMPLATE]["force_pw_update"]) in ("1", "True", "true")

    api.control("stats/reset", {})
    again = run(runner, tmp_path, TEMPLATES, "-vvvv", "--diff", check=True)
    assert recap(again)["changed"] == 0, again.stdout[-3000:]
    assert report(again) == "domain templates no change (1 unchanged); mailbox templates no change (1 unchanged); OAuth2 clients no change (1 unchanged)"
    routes = requests(api)
    assert all(route.startswith("GET") for route in routes) and sum(routes.values()) == 3, routes  # one listing per type
    assert secret not in again.stdout + again.stderr
    checked_again = run(runner, tmp_path, TEMPLATES, "--check", "--diff", check=True)
    assert recap(checked_again)["changed"] == 0, checked_again.stdout
    assert secret_of(api, CLIENT_URI) == secret


def test_a_template_purge_never_deletes_the_default_templates(runner: Runner, api: Api, clean_templates: None, tmp_path: Path) -> None:
    run(runner, tmp_path, TEMPLATES, check=True)
    purge = dict(TEMPLATES, mailcow_domain_templates_purge=True, mailcow_mailbox_templates_purge=True, mailcow_server_purge_max_share=100)
    checked = run(runner, tmp_path, purge, "--check", "--diff", check=True)
    assert not re.search(r"\bDefault\b", report(checked)), report(checked)
    # Only Default and this test's template listed: nothing to delete, whatever else this server holds of other tests.
    held = {name for name in (row["template"] for row in api.get("domain/template/all")) if name not in ("Default", DOMAIN_TEMPLATE)}
    if not held:
        assert report(checked).startswith("domain templates no change (1 unchanged)"), report(checked)
    assert {"Default", DOMAIN_TEMPLATE} <= {row["template"] for row in api.get("domain/template/all")}
    assert {"Default", MAILBOX_TEMPLATE} <= {row["template"] for row in api.get("mailbox/template/all")}


def test_a_bad_template_or_redirect_uri_is_refused_before_any_request(runner: Runner, api: Api, tmp_path: Path) -> None:
    api.control("stats/reset", {})
    hidden = "Uri-Secret-%s" % UID
    variables = {"mailcow_relayhosts": VARIABLES["mailcow_relayhosts"],
                 "mailcow_domain_templates": [{"name": "Default", "state": "absent"}],
                 "mailcow_oauth2_clients": [{"redirect_uri": "https://app:%s@wiki.example/cb" % hidden}]}
    proc = run(runner, tmp_path, variables, "-vvvv")
    assert proc.returncode == 2
    expected = ("mailcow_domain_templates[0] (Default): the domain template Default cannot be deleted: Mailcow keeps it (while answering that "
                "it removed it). Change its values with state=present instead; mailcow_oauth2_clients[0] (https://(hidden)@wiki.example/cb): "
                "redirect_uri is not a valid redirect URI: it must not contain a user name or password (user:password@host)")
    assert '"msg": "%s"' % expected in proc.stdout, proc.stdout[-3000:]
    assert requests(api) == {}
    assert hidden not in proc.stdout + proc.stderr and SECRET not in proc.stdout + proc.stderr
