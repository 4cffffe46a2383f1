# SPDX-License-Identifier: GPL-3.0-or-later
"""Two pipelines provisioning the same domain at once: two concurrent ansible-playbook runs of the
mailboxes role with the same 200 mailboxes and 20 aliases both succeed, every object is created
exactly once, the server ends exactly as declared, and a third run changes nothing.

A real Mailcow answers the loser of two identical adds with HTTP 200 and an empty body (or
object_exists when the other add has finished), and refuses to delete what another run deleted
first; the emulator does the same. Each write is held 20 ms by an injected delay so that the two
runs' writes overlap, as they do on a real server.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import Runner
from test_errors import control

MAILBOXES = 200
ALIASES = 20

PLAYBOOK = """
- name: Provision one domain with the mailboxes role
  hosts: localhost
  gather_facts: false
  vars:
    mailcow_domain: {domain}
    mailcow_domain_settings: {{max_mailboxes: 500, max_aliases: 500, default_quota: 10, max_quota: 100, total_quota: 100000}}
    mailcow_mailboxes: {mailboxes}
    mailcow_aliases: {aliases}
    mailcow_mailboxes_concurrency: 4
  roles:
    - glassdome.mailcow.mailboxes
  post_tasks:
    - name: Keep what each module reported
      ansible.builtin.copy:
        content: "{{{{ {{'mailboxes': _glassdome_mailcow_mailboxes, 'aliases': _glassdome_mailcow_aliases}} | to_json }}}}"
        dest: "{{{{ result_file }}}}"
        mode: "0600"
      changed_when: false
"""


def _playbook(tmp: Path, domain: str) -> Path:
    mailboxes = [{"local_part": "user%03d" % n, "name": "User %d" % n, "password": "Pw-%s-%03d" % (domain[:6], n), "quota": 10}
                 for n in range(MAILBOXES)]
    aliases = [{"address": "list%02d@%s" % (n, domain), "goto": ["user%03d@%s" % (n, domain)]} for n in range(ALIASES)]
    path = tmp / "concurrent.yml"
    path.write_text(PLAYBOOK.format(domain=domain, mailboxes=json.dumps(mailboxes), aliases=json.dumps(aliases)))
    return path


def _start(runner: Runner, playbook: Path, result: Path) -> subprocess.Popen:
    argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", "result_file=%s" % result]
    return subprocess.Popen(argv, env=runner.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)


def _run_two_at_once(runner: Runner, facts: dict, playbook: Path, results: list[Path]) -> list[str]:
    """Two runs of the playbook at once, each write held 20 ms so that their writes overlap; both must succeed. Their outputs."""
    control(facts, "workers", {"workers": 8})
    control(facts, "faults", {"kind": "slow", "delay": 0.02, "count": 0, "path": "/api/v1/", "method": "POST"})
    try:
        runs = [_start(runner, playbook, result) for result in results]
        outputs = [run.communicate(timeout=600)[0] for run in runs]
    finally:
        control(facts, "faults/clear", {})
        control(facts, "workers", {"workers": 2})
    for run, output in zip(runs, outputs):
        assert run.returncode == 0, output[-6000:]
    return outputs


def _plain_creates(result: dict, kind: str) -> set:
    """Objects this run created itself (not decided by re-reading after the other run's add)."""
    return {item["address"] for item in result[kind].get(kind, []) if item["action"] == "created" and "outcome" not in item}


def test_two_concurrent_role_runs_then_a_third_changes_nothing(runner: Runner, facts: dict, tmp_path: Path) -> None:
    domain = "race%s.example" % uuid.uuid4().hex[:8]
    playbook = _playbook(tmp_path, domain)
    results = [tmp_path / "first.json", tmp_path / "second.json"]
    _run_two_at_once(runner, facts, playbook, results)
    try:
        first, second = (json.loads(result.read_text()) for result in results)
        for kind, count in (("mailboxes", MAILBOXES), ("aliases", ALIASES)):
            # Each object created exactly once: by one run plainly, the other reports it decided by re-reading.
            assert len(_plain_creates(first, kind) | _plain_creates(second, kind)) == count
            assert not _plain_creates(first, kind) & _plain_creates(second, kind)
            assert all(item.get("outcome") in (None, "created_concurrently") for res in (first, second) for item in res[kind].get(kind, []))

        third = runner.playbook(playbook, "-e", "result_file=%s" % (tmp_path / "third.json"), check=True)
        assert "changed=0" in third.stdout.split("PLAY RECAP")[-1], third.stdout[-3000:]
        _assert_server_state(runner, facts, domain)
    finally:
        runner.adhoc("glassdome.mailcow.mailcow_domain", "domain=%s state=absent force=true" % domain)


def _post(runner: Runner, facts: dict, path: str, body: object) -> None:
    """One write to Mailcow's API, out of band (no module involved); it must succeed."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(facts["api_url"] + "/api/v1/" + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"X-API-Key": runner.env["MAILCOW_API_KEY"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        replies = json.loads(answer.read())
    assert all(reply.get("type") == "success" for reply in (replies if isinstance(replies, list) else [replies])), replies


def _leftovers_to_purge(runner: Runner, facts: dict, domain: str, token: str) -> None:
    """The domain as an earlier inventory left it: a mailbox, an alias, an app password and a sync job the plays no longer list."""
    _post(runner, facts, "add/domain", {"domain": domain, "mailboxes": 50, "defquota": 10, "maxquota": 100, "quota": 10000, "key_size": 0})
    for local in ("user00", "gone00"):
        _post(runner, facts, "add/mailbox", {"local_part": local, "domain": domain, "password": "Pw-%s-%s" % (token, local),
                                             "password2": "Pw-%s-%s" % (token, local)})
    _post(runner, facts, "add/alias", {"address": "gone@" + domain, "goto": "user00@" + domain, "active": 1})
    _post(runner, facts, "add/app-passwd", {"username": "user00@" + domain, "app_name": "Retired", "app_passwd": "Ret-%s" % token,
                                            "app_passwd2": "Ret-%s" % token, "protocols": ["imap_access"], "active": 1})
    _post(runner, facts, "add/syncjob", {"username": "user00@" + domain, "host1": "imap.old.example", "port1": 993, "user1": "retired@old.example",
                                         "password1": "Old-%s" % token, "enc1": "SSL", "exclude": "", "mins_interval": 20, "active": 1})


def _get(runner: Runner, facts: dict, path: str) -> list:
    """One GET of Mailcow's API, out of band (no module involved)."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(facts["api_url"] + "/api/v1/get/" + path, headers={"X-API-Key": runner.env["MAILCOW_API_KEY"]})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        data = json.loads(answer.read())
    return data if isinstance(data, list) else [data] if data else []


def _assert_server_state(runner: Runner, facts: dict, domain: str) -> None:
    mailboxes = [m for m in _get(runner, facts, "mailbox/all/" + domain) if m["domain"] == domain]
    assert sorted(m["username"] for m in mailboxes) == ["user%03d@%s" % (n, domain) for n in range(MAILBOXES)]
    assert sorted((m["name"], m["quota"]) for m in mailboxes) == sorted(("User %d" % n, 10 * 1024 * 1024) for n in range(MAILBOXES))
    aliases = [a for a in _get(runner, facts, "alias/all/" + domain) if a["address"] != a["goto"]]
    assert sorted((a["address"], a["goto"]) for a in aliases) == [("list%02d@%s" % (n, domain), "user%03d@%s" % (n, domain)) for n in range(ALIASES)]


LIFECYCLE_PLAYBOOK = """
- name: Provision one domain and its whole life cycle with the mailboxes role
  hosts: localhost
  gather_facts: false
  vars:
    mailcow_domain: {domain}
    mailcow_domain_settings: {{max_mailboxes: 50, default_quota: 10, max_quota: 100, total_quota: 10000}}
    mailcow_mailboxes: {mailboxes}
    mailcow_aliases: [{{local_part: team, goto: ["user00@{domain}", "user01@{domain}"]}}]
    mailcow_dkim: {{selector: race2026, key_size: 2048}}
    mailcow_alias_domains: [{{alias_domain: "alias-{domain}"}}]
    mailcow_domain_admins: [{{username: "{admin}", password: "Admin-Pass-2026", acl: [syncjobs, quarantine]}}]
    mailcow_app_passwords: {app_passwords}
    mailcow_syncjobs: {syncjobs}{purge}
  roles:
    - glassdome.mailcow.mailboxes
"""
PURGE_VARS = """
    mailcow_mailboxes_purge: true
    mailcow_mailboxes_purge_max_share: 100
    mailcow_app_passwords_purge: true
    mailcow_syncjobs_purge: true"""


@pytest.mark.parametrize("start", ["new_domain", "purge_leftovers"])
def test_two_concurrent_role_runs_of_the_whole_life_cycle_then_a_third_changes_nothing(runner: Runner, facts: dict, tmp_path: Path,
                                                                                       start: str) -> None:
    """new_domain: both runs find no domain (one creates it and rotates Mailcow's own DKIM key while the other reads);
    purge_leftovers: the domain exists with objects the plays no longer list, and both runs purge them at once."""
    token = uuid.uuid4().hex[:8]
    domain, admin = "racelc%s.example" % token, "racer%s" % token
    names = ["user%02d" % n for n in range(8)]
    playbook = tmp_path / "lifecycle.yml"
    playbook.write_text(LIFECYCLE_PLAYBOOK.format(
        domain=domain, admin=admin,
        mailboxes=json.dumps([{"local_part": name, "password": "Pw-%s-%s" % (token, name)} for name in names]),
        app_passwords=json.dumps({name: [{"name": "Phone", "password": "Phone-%s" % token, "protocols": ["imap_access"]},
                                         {"name": "Laptop", "password": "Laptop-%s" % token, "protocols": ["imap_access", "smtp_access"]}]
                                  for name in names[:4]}),
        syncjobs=json.dumps([{"mailbox": name, "remote_host": "imap.old.example", "remote_user": "%s@old.example" % name,
                              "remote_password": "Old-%s" % token} for name in names[:4]]),
        purge=PURGE_VARS if start == "purge_leftovers" else ""))
    if start == "purge_leftovers":
        _leftovers_to_purge(runner, facts, domain, token)
    outputs = _run_two_at_once(runner, facts, playbook, [tmp_path / ("unused%d.json" % n) for n in range(2)])
    try:
        for output in outputs:
            assert "Phone-%s" % token not in output and "Old-%s" % token not in output
        third = runner.playbook(playbook, check=True)
        assert "changed=0" in third.stdout.split("PLAY RECAP")[-1], third.stdout[-4000:]
        # Everything exactly once, and what the plays do not list purged (by whichever run got there first).
        assert sorted(m["username"] for m in _get(runner, facts, "mailbox/all/" + domain)) == ["%s@%s" % (name, domain) for name in names]
        dkim = _get(runner, facts, "dkim/" + domain)
        assert [(key["dkim_selector"], key["length"]) for key in dkim] == [("race2026", "2048")]
        assert sorted(a["address"] for a in _get(runner, facts, "alias/all/" + domain) if a["address"] != a["goto"]) == ["team@" + domain]
        assert [a["alias_domain"] for a in _get(runner, facts, "alias-domain/all")].count("alias-" + domain) == 1
        assert [a["username"] for a in _get(runner, facts, "domain-admin/all")].count(admin) == 1
        for name in names[:4]:
            assert sorted(p["name"] for p in _get(runner, facts, "app-passwd/all/%s@%s" % (name, domain))) == ["Laptop", "Phone"]
        jobs = [(job["user2"], job["user1"]) for job in _get(runner, facts, "syncjobs/all/no_log") if job["user2"].endswith("@" + domain)]
        assert sorted(jobs) == [("%s@%s" % (name, domain), "%s@old.example" % name) for name in names[:4]]
    finally:
        runner.adhoc("glassdome.mailcow.mailcow_domain_admin", "username=%s state=absent" % admin)
        runner.adhoc("glassdome.mailcow.mailcow_alias_domain", "alias_domain=alias-%s state=absent" % domain)
        runner.adhoc("glassdome.mailcow.mailcow_domain", "domain=%s state=absent force=true" % domain)
