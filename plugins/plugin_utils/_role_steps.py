# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the optional steps of the mailboxes role for one domain, from its variables.

Each step is one call of an API module (run by the action glassdome.mailcow.mailboxes_role_step), in this
order: the DKIM key, the app passwords of each listed mailbox, the sync jobs, each alias domain, each domain
administrator, the BCC maps, the recipient maps, the allow and deny lists of senders, the resources. A step is left out when there is
nothing to do for it (an empty list without purge, an empty mapping), so a domain without optional objects has no step. Each step is
``{kind, label, module, args}``: ``label`` is the loop item shown (never a secret), ``args`` the module's
options without the connection (the role's module_defaults give it).
"""

from __future__ import annotations

import typing as t

from ansible.module_utils.parsing.convert_bool import boolean

Step = t.Dict[str, t.Any]
# The options of each single-object module the role hands an entry to (what an entry may hold; the role checked them).
ALIAS_DOMAIN_KEYS = ("alias_domain", "active", "state")
DOMAIN_ADMIN_KEYS = ("username", "password", "update_password", "domains", "active", "acl", "update_acl", "rename_from", "state")


def _flag(value: t.Any) -> bool:
    return boolean(value, strict=False) if value is not None else False


def _picked(entry: dict[str, t.Any], keys: t.Iterable[str]) -> dict[str, t.Any]:
    return {key: entry[key] for key in keys if entry.get(key) is not None}


def role_steps(given: dict[str, t.Any]) -> list[Step]:
    """The steps for the role's variables ``given``: domain, dkim, app_passwords, app_passwords_purge, syncjobs,
    syncjobs_purge, sieve_filters, sieve_filters_purge, alias_domains, domain_admins, bcc_maps, bcc_maps_purge, recipient_maps, recipient_maps_purge,
    spam_policy ({allow, deny}), spam_policy_purge, resources, resources_purge;
    purge_allow_empty, purge_max_share, concurrency; check_mode, created (this run created the domain)."""
    domain = str(given["domain"])
    created, check_mode = _flag(given.get("created")), _flag(given.get("check_mode"))
    steps: list[Step] = []

    def add(kind: str, label: str, module: str, args: dict[str, t.Any], **extra: t.Any) -> None:
        # Options left unset (None) are left out, so that the module's defaults apply.
        steps.append(dict(extra, kind=kind, label=label, module=module, args={key: value for key, value in args.items() if value is not None}))

    def listed(kind: str, label: str, module: str, option: str = "") -> None:
        # A list of the domain's objects in one call of the module's bulk form (its list option ``option``, by default
        # named as the role's variable), purge within the role's guards.
        if given.get(kind) or _flag(given.get(kind + "_purge")):
            add(kind, label, module, {"domain": domain, option or kind: given.get(kind) or [], "purge": given.get(kind + "_purge"),
                                      "purge_allow_empty": given.get("purge_allow_empty"), "purge_max_share": given.get("purge_max_share"),
                                      "concurrency": given.get("concurrency")})

    # A domain this run creates gets a key from Mailcow that nobody has published yet: replacing it loses nothing.
    # In check mode such a domain does not exist yet, so its key cannot be read.
    dkim = given.get("dkim") or {}
    if dkim and not (check_mode and created):
        add("dkim", "DKIM key", "mailcow_dkim", dict(_picked(dkim, ("selector", "key_size")), domain=domain, rotate=_flag(dkim.get("rotate")) or created))
    # One call per mailbox (its whole set). In check mode a mailbox the mailbox task would create does not exist
    # yet: the module then predicts from none, with a warning.
    for key, entries in (given.get("app_passwords") or {}).items():
        mailbox = key if "@" in key else "%s@%s" % (key, domain)
        add("app_passwords", "app passwords of %s" % mailbox, "mailcow_app_password",
            {"mailbox": mailbox, "app_passwords": entries, "purge": given.get("app_passwords_purge"), "purge_max_share": given.get("purge_max_share")},
            key=key)
    listed("syncjobs", "sync jobs", "mailcow_syncjob")
    listed("sieve_filters", "Sieve filters", "mailcow_sieve_filter", "filters")
    for entry in given.get("alias_domains") or []:
        add("alias_domains", "alias domain %s" % entry.get("alias_domain"), "mailcow_alias_domain",
            dict(_picked(entry, ALIAS_DOMAIN_KEYS), target_domain=domain))
    # An administrator of several domains lists them all (domains replaces them); by default, this domain.
    for entry in given.get("domain_admins") or []:
        add("domain_admins", "domain administrator %s" % entry.get("username"), "mailcow_domain_admin",
            dict({"domains": [domain]}, **_picked(entry, DOMAIN_ADMIN_KEYS)))
    listed("bcc_maps", "BCC maps", "mailcow_bcc_map")
    listed("recipient_maps", "recipient maps", "mailcow_recipient_map")
    # The domain's allow and deny lists of senders in one call, purge within the role's guards.
    policy = given.get("spam_policy") or {}
    if policy.get("allow") or policy.get("deny") or _flag(given.get("spam_policy_purge")):
        add("spam_policy", "allow and deny lists", "mailcow_spam_policy",
            {"domain": domain, "allow": policy.get("allow") or [], "deny": policy.get("deny") or [], "purge": given.get("spam_policy_purge"),
             "purge_allow_empty": given.get("purge_allow_empty"), "purge_max_share": given.get("purge_max_share"),
             "concurrency": given.get("concurrency")})
    listed("resources", "resources", "mailcow_resource")
    return steps
