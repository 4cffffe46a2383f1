# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's state: Mailcow's domain, mailbox and alias rows plus the Redis bits it reads.

Lookups are case-insensitive because MariaDB's default utf8mb4 collation is; names are stored as
Mailcow stores them (domains and usernames lower-case, alias local parts as given).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import passwords, templates


def now_sql() -> str:
    """MariaDB NOW() as PDO returns a DATETIME: 'YYYY-MM-DD HH:MM:SS' (server local time)."""
    return time.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Domain:
    name: str
    description: str
    aliases: int
    mailboxes: int
    defquota: int  # MiB, as the `domain` table stores it
    maxquota: int
    quota: int
    active: int = 1
    backupmx: int = 0
    gal: int = 1
    relay_all_recipients: int = 0
    relay_unknown_only: int = 0
    relayhost: int = 0
    created: str = field(default_factory=now_sql)
    modified: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Mailbox:
    username: str
    local_part: str
    domain: str
    name: str
    password: str  # a {SCHEME} hash, never clear text
    quota: int  # bytes, as the `mailbox` table stores it
    active: int
    attributes: dict[str, Any]
    authsource: str = "mailcow"
    created: str = field(default_factory=now_sql)
    modified: str | None = None
    tags: list[str] = field(default_factory=list)
    sender_acl: list[str] = field(default_factory=list)  # internal send-as grants
    external_sender_acl: list[str] = field(default_factory=list)  # extended_sender_acl
    messages: int = 0
    bytes: int = 0


@dataclass
class Alias:
    id: int
    address: str
    goto: str
    domain: str
    active: int = 0
    sender_allowed: int = 1  # column default; add/alias always binds its own value
    sogo_visible: int = 0
    internal: int = 0
    public_comment: str | None = None
    private_comment: str | None = None
    created: str = field(default_factory=now_sql)
    modified: str | None = None

    @property
    def is_self_alias(self) -> bool:
        # Every mailbox owns a hidden alias row address == goto; Mailcow's queries exclude
        # it with `address != goto` (compared case-insensitively by the collation).
        return self.address.lower() == self.goto.lower()


@dataclass
class AliasDomain:
    alias_domain: str
    target_domain: str
    active: int = 1
    created: str = field(default_factory=now_sql)
    modified: str | None = None


# The `da_acl` columns and their defaults (init_db.inc.php), in column order.
DA_ACL_DEFAULTS: dict[str, int] = {
    "syncjobs": 1, "quarantine": 1, "login_as": 1, "sogo_access": 1, "app_passwds": 1, "bcc_maps": 1,
    "pushover": 0, "filters": 1, "ratelimit": 1, "spam_policy": 1, "extend_sender_acl": 0, "unlimited_quota": 0,
    "protocol_access": 1, "smtp_ip_access": 1, "alias_domains": 0, "mailbox_relayhost": 1, "domain_relayhost": 1,
    "domain_desc": 0,
}


@dataclass
class Admin:
    """A row of the `admin` table (superadmin or domain administrator)."""

    username: str
    password: str  # a {SCHEME} hash
    active: int
    superadmin: int = 0
    attributes: dict[str, str] = field(default_factory=lambda: {"force_tfa": "0", "force_pw_update": "0"})


@dataclass
class DomainAdminRow:
    """A row of `domain_admins`: one per (administrator, domain)."""

    username: str
    domain: str
    active: int
    created: str = field(default_factory=now_sql)


class Store:
    """All rows, behind one re-entrant lock held for the whole of a request's business call."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.domains: dict[str, Domain] = {}
            self.mailboxes: dict[str, Mailbox] = {}
            self.aliases: dict[int, Alias] = {}
            self.next_alias_id = 1
            self.ratelimits: dict[str, tuple[int, str]] = {}  # Redis RL_VALUE
            self.dkim_selectors: dict[str, str] = {}  # Redis DKIM_SELECTORS (outlives domains)
            self.dkim_pubkeys: dict[str, str] = {}  # Redis DKIM_PUB_KEYS, by domain as given
            self.dkim_serial = 0  # makes every generated key differ
            # `templates` rows of type mailbox by id (templates.py); ids are shared with the domain templates.
            self.mailbox_templates: dict[int, dict[str, Any]] = templates.initial()
            self.domain_templates: dict[int, dict[str, Any]] = templates.initial_domain()
            self.resources: dict[str, dict[str, Any]] = {}  # `mailbox` rows of a kind (resources.py), by lower-case address
            self.next_template_id = templates.DEFAULT_ID + 1
            self.app_passwds: dict[int, Any] = {}  # apppasswords.AppPasswd rows by id
            self.next_app_passwd_id = 1
            self.alias_domains: dict[str, AliasDomain] = {}
            # The superadmin row exists on every Mailcow: a domain administrator cannot be called "admin".
            self.admins: dict[str, Admin] = {"admin": Admin("admin", "", 1, superadmin=1)}
            self.domain_admin_rows: list[DomainAdminRow] = []
            self.da_acl: dict[str, dict[str, int]] = {}
            self.syncjobs: dict[int, dict[str, Any]] = {}  # imapsync rows by id (syncjobs.py)
            self.next_syncjob_id = 1
            self.relayhosts: dict[int, dict[str, Any]] = {}  # relayhosts rows by id (relayhosts.py)
            self.password_policy: dict[str, str] = dict(passwords.DEFAULT_POLICY)  # Redis PASSWD_POLICY
            self.next_relayhost_id = 1
            self.transports: dict[int, dict[str, Any]] = {}  # transports rows by id (transports.py)
            self.next_transport_id = 1
            self.tls_policy_maps: dict[int, dict[str, Any]] = {}  # tls_policy_override rows by id (tls_policy_maps.py)
            self.next_tls_policy_map_id = 1
            self.bcc_maps: dict[int, dict[str, Any]] = {}  # bcc_maps rows by id (bcc.py)
            self.next_bcc_map_id = 1
            self.recipient_maps: dict[int, dict[str, Any]] = {}  # recipient_maps rows by id (recipient_maps.py)
            self.next_recipient_map_id = 1
            self.quarantine: dict[int, dict[str, Any]] = {}  # quarantine rows by id (quarantine.py)
            self.next_quarantine_id = 1
            self.quarantine_services: dict[str, bool] = {"postfix": True, "rspamd": True}  # reachable from php-fpm
            self.quarantine_settings: dict[str, Any] = {}  # Redis Q_* keys
            self.filterconf: dict[int, dict[str, Any]] = {}  # filterconf rows by prefid: allow/deny lists, spam scores (policies.py)
            self.next_prefid = 1
            self.spamaliases: dict[str, dict[str, Any]] = {}  # spamalias rows by address: time-limited aliases (spamaliases.py)
            self.fwdhosts: dict[str, dict[str, Any]] = {}  # Redis WHITELISTED_FWD_HOST by host, in the order added (fwdhosts.py)
            self.filters: dict[int, dict[str, Any]] = {}  # sieve_filters rows by id (filters.py)
            self.next_filter_id = 1
            self.oauth2_clients: dict[int, dict[str, Any]] = {}  # oauth_clients rows by id (oauth2.py)
            self.next_oauth2_client_id = 1
            self.oauth2_token_revocations: dict[str, int] = {}  # client_id -> how often its tokens were revoked

    # domains -----------------------------------------------------------------------------
    def domain(self, name: str | None) -> Domain | None:
        return self.domains.get(name.lower()) if isinstance(name, str) else None

    def domain_names(self) -> list[str]:
        # The `domain` primary key orders an unqualified SELECT.
        return sorted(self.domains)

    def alias_domain(self, name: Any) -> AliasDomain | None:
        return self.alias_domains.get(name.lower()) if isinstance(name, str) else None

    def domain_admin_rows_of(self, username: str) -> list[DomainAdminRow]:
        wanted = username.lower()
        return [row for row in self.domain_admin_rows if row.username == wanted]

    # mailboxes ---------------------------------------------------------------------------
    def mailbox(self, username: Any) -> Mailbox | None:
        return self.mailboxes.get(username.lower()) if isinstance(username, str) else None

    def mailboxes_of(self, domain: str) -> list[Mailbox]:
        wanted = domain.lower()
        return sorted((m for m in self.mailboxes.values() if m.domain == wanted), key=lambda m: m.username)

    def all_mailboxes(self) -> list[Mailbox]:
        return [self.mailboxes[key] for key in sorted(self.mailboxes)]

    # sync jobs ---------------------------------------------------------------------------
    def add_syncjob(self, row: dict[str, Any]) -> dict[str, Any]:
        row["id"] = self.next_syncjob_id
        self.syncjobs[row["id"]] = row
        self.next_syncjob_id += 1
        return row

    # aliases -----------------------------------------------------------------------------
    def add_alias(self, **values: Any) -> Alias:
        alias = Alias(id=self.next_alias_id, **values)
        self.aliases[alias.id] = alias
        self.next_alias_id += 1
        return alias

    def alias_rows(self) -> Iterator[Alias]:
        return iter(sorted(self.aliases.values(), key=lambda a: a.id))

    def aliases_with_address(self, address: str) -> list[Alias]:
        wanted = address.lower()
        return [a for a in self.alias_rows() if a.address.lower() == wanted]

    def real_aliases_of(self, domain: str) -> list[Alias]:
        wanted = domain.lower()
        return [a for a in self.alias_rows() if a.domain.lower() == wanted and not a.is_self_alias]
