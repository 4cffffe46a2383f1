# SPDX-License-Identifier: GPL-3.0-or-later
"""What one call into Mailcow's business functions can see: state, session identity, replies."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import php, validate
from .model import Store


@dataclass
class Call:
    """The PHP globals of one request, reduced to what mailbox()/ratelimit()/dkim() use."""

    store: Store
    returns: list[dict[str, Any]]  # $_SESSION['return']: may hold stale entries (docs/mailcow-api.md#authentication)
    role: str | None  # $_SESSION['mailcow_cc_role']: "admin" for every API key
    username: str | None  # $_SESSION['mailcow_cc_username']: "API"
    hostname: str = "mail.sandbox.test"
    charges: list[tuple[str, int]] = field(default_factory=list)  # for the latency model
    mail_changed: bool = False  # the users file / tcp tables must be refreshed
    # Moves a deleted mailbox's maildir aside, as Mailcow's maildir garbage collector does.
    collect_maildir: Callable[[str, str], None] | None = None
    # (messages, bytes) in a mailbox's maildir (Dovecot's quota figures); None: no mail stack, the model's own.
    maildir_usage: Callable[[str, str], tuple[int, int] | None] | None = None
    # Where a released quarantine message is sent over SMTP (the sandbox's Postfix); 0: nowhere, taken as sent.
    postfix_port: int = 0

    def usage(self, domain: str, local_part: str, recorded: tuple[int, int]) -> tuple[int, int]:
        """A mailbox's (messages, bytes): from its maildir when the sandbox runs a mail stack, else as recorded."""
        found = self.maildir_usage(domain, local_part) if self.maildir_usage is not None else None
        return recorded if found is None else found

    def push(self, kind: str, log: list[Any], msg: Any) -> None:
        self.returns.append({"type": kind, "log": log, "msg": msg})

    def charge(self, item: str, count: int = 1) -> None:
        self.charges.append((item, count))

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def has_domain_access(self, domain: Any) -> bool:
        """hasDomainAccess() for the admin role: the domain exists (alias domains: has_alias_domain_access)."""
        if not isinstance(domain, str) or php.empty(domain) or not validate.is_valid_domain_name(domain):
            return False
        return self.is_admin and self.store.domain(domain) is not None

    def has_alias_domain_access(self, domain: Any) -> bool:
        """hasDomainAccess() as Mailcow has it: a domain or an alias domain. Only the alias-domain and
        DKIM calls use it; the mailbox and alias calls keep has_domain_access until alias domains are
        emulated there."""
        return self.has_domain_access(domain) or (self.is_admin and isinstance(domain, str) and self.store.alias_domain(domain) is not None)

    def has_mailbox_access(self, username: Any) -> bool:
        """hasMailboxObjectAccess(): the mailbox exists in a domain the caller may manage."""
        if php.empty(username) or not self.role or not isinstance(username, str):
            return False
        mailbox = self.store.mailbox(username)
        return mailbox is not None and self.has_domain_access(mailbox.domain)


def masked(data: Any) -> Any:
    """mailbox()'s $_data_log: top-level password/password2 replaced by "*" when set.

    Only an associative array has those keys: a bulk (list) body is echoed with the passwords in
    clear, as the real server does (transcript add_mailbox_bulk_array).
    """
    if not isinstance(data, dict):
        return data
    log = dict(data)
    for key in ("password", "password2"):
        if log.get(key) is not None:
            log[key] = "*"
    return log
