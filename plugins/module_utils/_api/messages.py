# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: English text for Mailcow's message keys.

Mailcow answers ``"msg": "key"`` or ``"msg": ["key", arg1, ...]`` with untranslated keys of its
language files (data/web/lang/lang.en-gb.json). ``%s`` places are filled with the arguments in order.
"""

from __future__ import annotations

import typing as t

MESSAGES: dict[str, str] = {
    # failures ("danger")
    "access_denied": "access denied, or the object does not exist",
    "alias_domain_invalid": "alias domain %s is invalid or already exists",
    "aliasd_targetd_identical": "an alias domain must differ from its target domain %s",
    "alias_empty": "the alias address must not be empty",
    "alias_goto_identical": "an alias must not forward to itself",
    "alias_invalid": "alias %s is invalid or does not exist",
    "app_name_empty": "the app password's name must not be empty",
    "app_passwd_id_invalid": "app password id %s does not exist",
    "aliases_in_use": "the maximum number of aliases must be at least %s (aliases in use)",
    "bcc_empty": "the BCC map's copy address must not be empty",
    "bcc_exists": "a BCC map of %s for the %s kind already exists",
    "bcc_must_be_email": "the BCC map's copy address %s is not an address",
    "comment_too_long": "a comment is longer than 160 characters",
    "defquota_empty": "the default mailbox quota must be greater than 0",
    "domain_cannot_match_hostname": "the domain must not be the mail server's own host name",
    "domain_exists": "domain %s already exists",
    "domain_invalid": "the domain name is invalid, or the domain does not exist",
    "domain_not_empty": "domain %s still holds mailboxes; remove them first",
    "domain_not_found": "domain %s does not exist",
    "domain_quota_m_in_use": "the domain quota must be at least %s MiB (quota in use)",
    "extra_acl_invalid": "external sender address %s is invalid",
    "extra_acl_invalid_domain": "external sender %s must not be a Mailcow domain",
    "goto_empty": "an alias needs at least one valid goto address",
    "goto_invalid": "goto address %s is invalid",
    "invalid_destination": "transport destination %s is invalid",
    "invalid_host": "the relayhost's host name must not be empty",
    "invalid_nexthop": "the transport's next hop must not be empty",
    "invalid_nexthop_authenticated": "another transport map uses this next hop with another user name",
    "is_alias": "%s is already used by an alias",
    "is_alias_or_mailbox": "%s is already an alias or a mailbox",
    "is_spam_alias": "%s is already a temporary (spam) alias",
    "mailbox_defquota_exceeds_mailbox_maxquota": "the default mailbox quota exceeds the maximum mailbox quota",
    "mailbox_invalid": "the mailbox address is invalid",
    "mailbox_quota_exceeded": "the quota exceeds the domain's maximum per mailbox (%s MiB)",
    "mailbox_quota_exceeds_domain_quota": "the maximum mailbox quota exceeds the domain's total quota",
    "mailbox_quota_left_exceeded": "the quota exceeds what is left of the domain's quota (%s MiB left)",
    "mailboxes_in_use": "the maximum number of mailboxes must be at least %s (mailboxes in use)",
    "max_alias_exceeded": "the domain has reached its maximum number of aliases",
    "max_mailbox_exceeded": "the domain has reached its maximum number of mailboxes (%s of %s)",
    "max_quota_in_use": "the maximum mailbox quota must be at least %s MiB (largest mailbox quota in use)",
    "maxquota_empty": "the maximum mailbox quota must be greater than 0",
    "mysql_error": "database error: %s",
    "object_exists": "%s already exists",
    "password_complexity": "the password does not meet the server's password policy (or is empty)",
    "password_mismatch": "the password confirmation does not match",
    "ham_learn_error": "Rspamd could not learn the message as ham: %s",
    "spam_learn_error": "Rspamd could not learn the message as spam: %s",
    "fuzzy_learn_error": "Rspamd could not add the message's fuzzy hash: %s",
    "release_send_failed": "the message could not be handed to Postfix: %s",
    "policy_list_from_exists": "the sender is already on the allow or the deny list (a sender can be on one list only)",
    "policy_list_from_invalid": "the sender is not an address, a domain or a pattern of letters, digits and @ . - * _",
    "quarantine_category_invalid": "the quarantine category must be add_header, reject or all",
    "relayhost_invalid": "relayhost (or transport) id %s does not exist",
    "rl_timeframe": "the rate limit time frame must be s, m, h or d",
    "sender_acl_invalid": ("sender_acl entry %s was refused and dropped: it must be *, a domain or alias domain of this Mailcow (@domain), "
                           "or an address of one of its mailboxes or aliases; the other entries were saved"),
    "invalid_recipient_map_new": "the recipient map's new recipient %s is neither an address nor a domain",
    "invalid_recipient_map_old": "the recipient map's old recipient %s is neither an address nor a domain",
    "recipient_map_entry_exists": "a recipient map of %s already exists",
    "invalid_bcc_map_type": "the BCC map's kind must be sender or rcpt",
    "tag_limit_exceeded": "too many tags (%s)",
    "targetd_not_found": "target domain %s does not exist",
    "targetd_relay_domain": "target domain %s is a relay domain",
    "target_domain_invalid": "the target domain is invalid",
    "tls_policy_map_dest_invalid": "the TLS policy map's destination is invalid",
    "tls_policy_map_entry_exists": "a TLS policy map for %s already exists",
    "transport_dest_exists": "a transport map for %s already exists",
    "unlimited_quota_acl": "unlimited quota is not allowed",
    "username_invalid": "user name %s is invalid",
    # successes
    "acl_saved": "ACL of %s saved",
    "bcc_deleted": "BCC map %s deleted",
    "bcc_edited": "BCC map to %s changed",
    "bcc_saved": "BCC map saved",
    "item_deleted": "entry %s deleted",
    "items_deleted": "entries %s deleted",
    "recipient_map_entry_deleted": "recipient map %s deleted",
    "recipient_map_entry_saved": "recipient map of %s saved",
    "alias_domain_removed": "alias domain %s removed",
    "aliasd_added": "alias domain %s added",
    "aliasd_modified": "alias domain %s changed",
    "domain_admin_added": "domain administrator %s added",
    "domain_admin_modified": "domain administrator %s changed",
    "domain_admin_removed": "domain administrator %s removed",
    "alias_added": "alias %s added (id %s)",
    "alias_modified": "alias %s changed",
    "alias_removed": "alias %s removed",
    "app_passwd_added": "app password added",
    "app_passwd_removed": "app password %s removed",
    "dkim_added": "DKIM key for %s added",
    "domain_add_dkim_available": "domain %s added; its earlier DKIM key was kept",
    "domain_added": "domain %s added",
    "domain_modified": "domain %s changed",
    "domain_removed": "domain %s removed",
    "mailbox_added": "mailbox %s added",
    "mailbox_modified": "mailbox %s changed",
    "mailbox_removed": "mailbox %s removed",
    "object_modified": "changes saved",
    "forwarding_host_added": "forwarding host %s added",
    "forwarding_host_removed": "forwarding host %s removed",
    "relayhost_added": "relayhost added",
    "tls_policy_map_entry_deleted": "TLS policy map %s deleted",
    "tls_policy_map_entry_saved": "TLS policy map for %s saved",
    "relayhost_removed": "relayhost %s removed",
    "item_released": "quarantine item %s released",
    "learned_ham": "quarantine item %s learnt as ham",
    "qlearn_spam": "quarantine item %s learnt as spam",
    "rl_saved": "rate limit for %s saved",
}


def split_msg(msg: t.Any) -> tuple[str, list[t.Any]]:
    """Mailcow's ``msg`` is a string or ``[key, *args]``; return ``(key, args)``."""
    if isinstance(msg, list) and msg:
        return str(msg[0]), list(msg[1:])
    if msg is None:
        return "", []
    return str(msg), []


def translate(key: str, args: t.Sequence[t.Any] = ()) -> str:
    """Readable English for a message key; unknown keys (or free text) are returned with their arguments."""
    template = MESSAGES.get(key)
    if template is None:
        return key if not args else "%s (%s)" % (key, ", ".join(str(a) for a in args))
    wanted = template.count("%s")
    filled = [str(a) for a in args[:wanted]] + ["?"] * (wanted - len(args[:wanted]))
    return template % tuple(filled)
