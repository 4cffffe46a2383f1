# SPDX-License-Identifier: GPL-3.0-or-later
"""BulkModule: the invocation log line counts a bulk list instead of writing out (and scrubbing) every entry."""

from __future__ import annotations

import json
import typing as t

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import single_or_bulk_argspec, single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.argspec import mailbox_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import mask_secrets


class LoggedModule(BulkModule):
    """Keeps what AnsibleModule would send to syslog or the journal."""

    logged: list[str] = []

    def log(self, msg: str, log_args: t.Any = None) -> None:
        self.logged.append(msg)


def test_the_entry_list_is_counted_in_the_log_and_kept_in_params() -> None:
    entries = [{"local_part": "user%d" % n, "password": "Pass-word-%d!" % n} for n in range(3)]
    args = {"api_url": "https://mail.example.org", "api_key": "K", "domain": "example.org", "mailboxes": entries}
    LoggedModule.logged = []
    with patch_module_args(args):
        module = LoggedModule(argument_spec=single_or_bulk_argspec(mailbox_attr_argspec(), "mailboxes"), supports_check_mode=True,
                              **single_or_bulk_constraints("mailboxes"))
    [line] = LoggedModule.logged
    assert "mailboxes=(3 entries, not logged)" in line and "domain=example.org" in line
    assert "user0" not in line and "Pass-word" not in line and "api_key=NOT_LOGGING_PARAMETER" in line
    assert [entry["local_part"] for entry in module.params["mailboxes"]] == ["user0", "user1", "user2"]


def test_the_single_form_is_logged_as_usual() -> None:
    args = {"api_url": "https://mail.example.org", "api_key": "K", "address": "alice@example.org", "password": "Pass-word-1!"}
    LoggedModule.logged = []
    with patch_module_args(args):
        LoggedModule(argument_spec=single_or_bulk_argspec(mailbox_attr_argspec(), "mailboxes"), supports_check_mode=True,
                     **single_or_bulk_constraints("mailboxes"))
    [line] = LoggedModule.logged
    assert "address=alice@example.org" in line and "mailboxes=None" in line and "Pass-word" not in line


def test_an_entry_password_in_another_option_is_masked_in_the_log() -> None:
    """The log line is masked in one pass against every no_log value, the entries' passwords included."""
    entries = [{"local_part": "user%d" % n, "password": "Entry-Secret-%d" % n} for n in range(50)]
    args = {"api_url": "https://mail.example.org", "api_key": "K-Key-1", "domain": "example.org", "mailboxes": entries,
            "template": "copy of Entry-Secret-7"}
    LoggedModule.logged = []
    with patch_module_args(args):
        module = LoggedModule(argument_spec=single_or_bulk_argspec(mailbox_attr_argspec(), "mailboxes"), supports_check_mode=True,
                              **single_or_bulk_constraints("mailboxes"))
    [line] = LoggedModule.logged
    assert "template=copy of ********" in line and "Entry-Secret" not in line and "K-Key-1" not in line
    # Nothing of the module is left changed by the logging: every secret is still known for the result's masking.
    assert {"Entry-Secret-0", "Entry-Secret-49", "K-Key-1"} <= module.no_log_values
    assert module.params["template"] == "copy of Entry-Secret-7"


def _exit_result(capsys: t.Any, args: dict[str, t.Any], **result: t.Any) -> dict[str, t.Any]:
    with patch_module_args(args):
        module = LoggedModule(argument_spec=single_or_bulk_argspec(mailbox_attr_argspec(), "mailboxes"), supports_check_mode=True,
                              **single_or_bulk_constraints("mailboxes"))
        mask_secrets(module, module.params)  # as run_api_module does first
        capsys.readouterr()
        try:
            module.exit_json(**result)
        except SystemExit:
            pass
    return dict(json.loads(capsys.readouterr().out))


def test_the_result_is_masked_once_against_every_entry_password(capsys: t.Any) -> None:
    entries = [{"local_part": "user%d" % n, "password": 'Entry-"Secret"-%d/é' % n} for n in range(2000)]
    args = {"api_url": "https://admin:Url-Pass-1@mail.example.org", "api_key": "K-Key-1", "domain": "example.org", "mailboxes": entries}
    result = _exit_result(capsys, args, changed=True, msg='created user7 (Entry-"Secret"-7/é)', items=[{"name": 'x Entry-"Secret"-1999/é y'}],
                          key="K-Key-1", url="https://admin:Url-Pass-1@mail.example.org", count=1999, escaped=json.dumps('Entry-"Secret"-3/é'))
    assert result["msg"] == "created user7 (********)" and result["items"] == [{"name": "x ******** y"}]
    assert result["key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" and result["url"] == "https://********@mail.example.org"
    assert result["count"] == 1999 and result["escaped"] == '"********"'
    assert result["invocation"]["module_args"]["mailboxes"] == "(2000 entries, not echoed)"
    assert "Secret" not in json.dumps(result) and "Url-Pass-1" not in json.dumps(result)


def test_a_failed_argument_check_is_masked_and_counted_too(capsys: t.Any) -> None:
    entries = [{"local_part": "user%d" % n, "password": "Entry-Secret-%d" % n, "quota": "not a number" if n == 5 else 1} for n in range(10)]
    args = {"api_url": "https://mail.example.org", "api_key": "K-Key-1", "domain": "example.org", "mailboxes": entries}
    with patch_module_args(args):
        try:
            LoggedModule(argument_spec=single_or_bulk_argspec(mailbox_attr_argspec(), "mailboxes"), supports_check_mode=True,
                         **single_or_bulk_constraints("mailboxes"))
        except SystemExit:
            pass
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] and "quota" in result["msg"]
    assert result["invocation"]["module_args"]["mailboxes"] == "(10 entries, not echoed)" and "Entry-Secret" not in json.dumps(result)


def test_warnings_are_masked_too(capsys: t.Any, monkeypatch: t.Any) -> None:
    monkeypatch.setattr(ansible_internal, "is_controller", False)  # as in a module: warnings go into the result
    monkeypatch.setattr(module_warnings, "_global_warnings", {})
    entries = [{"local_part": "user%d" % n, "password": "Entry-Secret-%d" % n} for n in range(20)]
    args = {"api_url": "https://mail.example.org", "api_key": "K-Key-1", "domain": "example.org", "mailboxes": entries}
    with patch_module_args(args):
        module = LoggedModule(argument_spec=single_or_bulk_argspec(mailbox_attr_argspec(), "mailboxes"), supports_check_mode=True,
                              **single_or_bulk_constraints("mailboxes"))
        module.warn("mailbox user3 is named after Entry-Secret-3 and K-Key-1")
        capsys.readouterr()
        try:
            module.exit_json(changed=False)
        except SystemExit:
            pass
    out = capsys.readouterr().out
    assert "named after ******** and ********" in out and "Entry-Secret" not in out and "K-Key-1" not in out
