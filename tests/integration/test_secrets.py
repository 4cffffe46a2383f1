# SPDX-License-Identifier: GPL-3.0-or-later
"""Every secret through every failure path it can reach, at -vvvv, in every form it could be printed.

The API key, the userinfo of api_url and mailbox passwords go through `ansible -m` and
`ansible-playbook`: malformed (whitespace, control characters), rejected by Mailcow (401), refused
before any request (bounds, control characters in other options), refused by Mailcow after a read
(unknown domain). The whole output is then searched for each secret raw, repr-escaped, JSON-escaped
and URL-encoded. The secrets carry characters that each of those escapes changes.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

from conftest import Runner

TAG = uuid.uuid4().hex[:8]
# Characters that repr, JSON and URL encoding each change: quote, backslash, slash, plus, non-ASCII.
KEY = "Leak-Key-%s/+x" % TAG
URL_PASSWORD = "UrlPass-%s+y" % TAG
PASSWORD = 'Pw-%s "q\\b/+é' % TAG


def forms(secret: str) -> set[str]:
    return {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], quote(secret, safe=""),
            quote_plus(secret), quote(secret)}


def leaks(text: str) -> list[str]:
    found = []
    for secret in (KEY, URL_PASSWORD, PASSWORD):
        found += ["%r (as %r)" % (secret, form) for form in sorted(forms(secret)) if form in text]
    return found


def with_userinfo(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc="admin:%s@%s" % (URL_PASSWORD, parts.netloc)))


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  # The secrets live in a vars file: ansible-core prints the lines of a failed task's source itself.
  vars_files: [secrets-vars.yml]
  tasks:
    - name: key with a trailing newline
      glassdome.mailcow.mailcow_mailbox_info:
        api_key: "{{{{ key }}}}\\n"
        domain: example.org
      ignore_errors: true
    - name: key with control characters, password given
      glassdome.mailcow.mailcow_mailbox:
        api_key: "\\t{{{{ key }}}}\\r"
        address: leak@example.org
        password: "{{{{ password }}}}"
      ignore_errors: true
    - name: userinfo in api_url
      glassdome.mailcow.mailcow_domain_info:
        api_url: "{{{{ url_with_userinfo }}}}"
      ignore_errors: true
    - name: wrong key, rejected by Mailcow
      glassdome.mailcow.mailcow_mailbox:
        api_key: "{{{{ key }}}}"
        address: leak@example.org
        password: "{{{{ password }}}}"
      ignore_errors: true
    - name: bulk entry refused before any request, passwords given
      glassdome.mailcow.mailcow_mailbox:
        domain: example.org
        mailboxes:
          - {{local_part: leak1, password: "{{{{ password }}}}"}}
          - {{local_part: leak2, password: "{{{{ password }}}}", name: "a\\nb"}}
      ignore_errors: true
    - name: quota out of range, password given
      glassdome.mailcow.mailcow_mailbox:
        address: leak@example.org
        password: "{{{{ password }}}}"
        quota: 9223372036854775807
      ignore_errors: true
    - name: password refused by Mailcow after a read (no such domain)
      glassdome.mailcow.mailcow_mailbox:
        address: leak@nodomain-{tag}.example
        password: "{{{{ password }}}}"
      ignore_errors: true
    - name: password with a control character
      glassdome.mailcow.mailcow_mailbox:
        address: leak@example.org
        password: "{{{{ password }}}}\\n"
      ignore_errors: true
    - name: app password refused after a read (no such mailbox)
      glassdome.mailcow.mailcow_app_password:
        mailbox: leak@nodomain-{tag}.example
        name: Phone
        password: "{{{{ password }}}}"
        protocols: [imap_access]
      ignore_errors: true
    - name: app password bulk entry refused before any request
      glassdome.mailcow.mailcow_app_password:
        mailbox: leak@example.org
        app_passwords:
          - {{name: Phone, password: "{{{{ password }}}}", protocols: [imap_access]}}
          - {{name: "Lap\\ntop", password: "{{{{ password }}}}"}}
      ignore_errors: true
"""


def test_no_secret_in_any_form_at_vvvv(runner: Runner, facts: dict, tmp_path: Path) -> None:
    playbook = tmp_path / "secrets.yml"
    playbook.write_text(PLAYBOOK.format(tag=TAG))
    secrets = {"key": KEY, "password": PASSWORD, "url_with_userinfo": with_userinfo(facts["api_url"])}
    (tmp_path / "secrets-vars.yml").write_text(json.dumps(secrets))
    try:
        runs = run_all(runner, facts, playbook)
    finally:
        clear_bans(facts)
    text = "".join(run.stdout + run.stderr for run in runs)
    assert "failed=10" in runs[0].stdout or "ignored=10" in runs[0].stdout, runs[0].stdout[-3000:]
    assert all(run.returncode != 0 for run in runs[1:]), [run.returncode for run in runs]
    # Each path failed for the reason it was meant to reach.
    for words in ("api_key (MAILCOW_API_KEY or MAIL_API) must be the key alone", "rejected the API key (HTTP 401",
                  "api_url (MAILCOW_API_URL) must not contain a user name or password", "mailboxes[1] (leak2): name must not contain control",
                  "quota must be a whole number of MiB", "password must not contain control characters",
                  "mailbox leak@nodomain-%s.example does not exist" % TAG, "app_passwords[1] (Lap\\ntop): name must not contain control"):
        assert words in text, words
    assert not leaks(text), leaks(text)


def run_all(runner: Runner, facts: dict, playbook: Path) -> list:
    runs = [runner.playbook(playbook, "-vvvv", "--diff")]
    adhoc = [
        {"MAILCOW_API_KEY": KEY + "\n"},
        {"MAILCOW_API_KEY": " " + KEY},
        {"MAILCOW_API_KEY": KEY},
        {"MAILCOW_API_URL": with_userinfo(facts["api_url"])},
        {"MAILCOW_API_URL": with_userinfo("https://127.0.0.1:9"), "MAILCOW_API_KEY": KEY},
    ]
    for env in adhoc:
        runs.append(runner.adhoc("glassdome.mailcow.mailcow_mailbox_info", "domain=example.org timeout=5", "-vvvv", extra_env=env))
    return runs


def clear_bans(facts: dict) -> None:
    """Two wrong keys count towards the sandbox's fail2ban: forget them for the tests that follow."""
    context = ssl.create_default_context(cafile=facts["ca_path"])
    request = urllib.request.Request(facts["api_url"] + "/_sandbox/f2b/clear", data=b"{}", method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
        answer.read()


BULK_ENTRIES = 300
BULK_DOMAIN = "bulk-secrets-%s.example" % TAG


def bulk_password(index: int) -> str:
    return 'Bulk-%s-%03d "q\\b/+é' % (TAG, index)


def bulk_leaks(text: str) -> list[str]:
    return ["%r (as %r)" % (bulk_password(index), form) for index in range(BULK_ENTRIES) for form in sorted(forms(bulk_password(index)))
            if form in text]


BULK_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  vars_files: [bulk-vars.yml]
  tasks:
    - name: the domain
      glassdome.mailcow.mailcow_domain:
        domain: {domain}
        max_mailboxes: 1000
        max_quota: 1024
        default_quota: 10
        total_quota: 100000
    - name: bulk in check mode, each entry with its own password
      glassdome.mailcow.mailcow_mailbox:
        domain: {domain}
        mailboxes: "{{{{ entries }}}}"
      check_mode: true
    - name: bulk for real
      glassdome.mailcow.mailcow_mailbox:
        domain: {domain}
        mailboxes: "{{{{ entries }}}}"
    - name: bulk again, every password changed, names changed
      glassdome.mailcow.mailcow_mailbox:
        domain: {domain}
        mailboxes: "{{{{ changed_entries }}}}"
    - name: bulk refused after a read (no such domain)
      glassdome.mailcow.mailcow_mailbox:
        domain: nodomain-{domain}
        mailboxes: "{{{{ entries }}}}"
      ignore_errors: true
    # No diff: the deleted mailboxes' names are shown as they were, and entry 1's holds a password this task does not know.
    - name: the domain again, emptied
      diff: false
      glassdome.mailcow.mailcow_mailbox:
        domain: {domain}
        mailboxes: []
        purge: true
        purge_allow_empty: true
        purge_max_share: 100
"""


def test_no_bulk_entry_password_in_any_form_on_either_path(runner: Runner, tmp_path: Path) -> None:
    """Hundreds of entries, each with its own password (one of them also inside another entry's name, so the masking
    has something to mask), through check mode, a real run, a change of every password, and a failure after a read,
    with --diff at -vvvv, in the task's worker and as a module process."""
    def entry(index: int, *, changed: bool) -> dict:
        # Entry 1's name holds entry 0's password: that text must come back masked in results and diffs, never in clear.
        name = "Holder of %s" % bulk_password(0) if index == 1 else "Bulk user %d" % index
        return {"local_part": "bulk%03d" % index, "name": name + (" (renamed)" if changed else ""), "quota": 10,
                "password": bulk_password(index) + ("!" if changed else ""), "update_password": "always" if changed else "on_create"}

    # The change leaves entry 1 out: its diff would show its name as it was, holding a password the task no longer knows.
    variables = {"entries": [entry(index, changed=False) for index in range(BULK_ENTRIES)],
                 "changed_entries": [entry(index, changed=True) for index in range(BULK_ENTRIES) if index != 1]}
    (tmp_path / "bulk-vars.yml").write_text(json.dumps(variables))
    playbook = tmp_path / "bulk-secrets.yml"
    texts = []
    for index, mode in enumerate(("true", "false")):
        playbook.write_text(BULK_PLAYBOOK.format(domain="p%d-%s" % (index, BULK_DOMAIN)))
        run = runner.playbook(playbook, "-vvvv", "--diff", "-e", "glassdome_mailcow_in_process=%s" % mode)
        text = run.stdout + run.stderr
        assert run.returncode == 0 and "ignored=1" in run.stdout, text[-3000:]
        assert ("in process" if mode == "true" else "module process") in text
        texts.append(text)
    text = "".join(texts)
    assert "would create %d (bulk000, bulk001" % BULK_ENTRIES in text and "created %d (bulk000" % BULK_ENTRIES in text
    assert "updated %d (bulk000, bulk002" % (BULK_ENTRIES - 1) in text and "does not exist" in text
    assert "Holder of ********" in text
    assert "(%d entries, not echoed)" % BULK_ENTRIES in text
    assert not bulk_leaks(text), bulk_leaks(text)[:5]
