# SPDX-License-Identifier: GPL-3.0-or-later
"""BulkModule: the invocation log line counts a bulk list instead of writing out (and scrubbing) every entry."""

from __future__ import annotations

import typing as t

from ansible.module_utils.testing import patch_module_args

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import single_or_bulk_argspec, single_or_bulk_constraints
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.argspec import mailbox_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule


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
