# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: a live Mailcow as the roles' inventory variables (mailcow_export_info).

Each domain becomes the mailboxes role's variables (a host_vars file per domain), and the server-wide
objects (relayhosts, transport maps, forwarding hosts, TLS policy maps) the server role's (one more file).

Each domain is read with the same listing functions and normalisers the modules use, turned into the
role's variables (values equal to what the modules give a new object left out), and rendered as a
YAML document whose bytes depend only on the server's state: keys in a fixed order, entries sorted,
one entry per line. Nothing secret is read: passwords cannot be read back, and sync jobs are listed
without them. Every entry is first checked as the role's modules would check it; an entry they
would refuse (a name no API path can carry, an invalid local part) is written as a comment giving
the reason, never as a value a later run would act on, and listed in ``refused``.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import CREATE_DEFAULTS as ALIAS_DEFAULTS
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import FLAG_OF_GOTO
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import desired_from_params as alias_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import normalize as alias_normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.api import list_aliases
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.model import desired_from_params as alias_domain_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.model import normalize as alias_domain_normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.api import list_alias_domains
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, path_problem
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.model import check_name
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.api import list_app_passwords
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.api import read_current as read_bcc_maps
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.model import desired_from_params as bcc_map_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.api import get_key
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.model import CREATE_DEFAULTS as DOMAIN_DEFAULTS
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.model import normalize as domain_normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.model import check_username
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.model import normalize as admin_normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.api import list_domain_admins
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.api import list_domains
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.model import DOMAIN, DOMAIN_TEMPLATE
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.model import FORWARDING_HOST
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.model import desired_from_params as forwarding_host_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import BOOL_FLAGS, DEFAULT_SPAM_SCORE
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import CREATE_DEFAULTS as MAILBOX_DEFAULTS
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import desired_from_params as mailbox_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import normalize as mailbox_normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import get_spam_scores, list_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.model import MAILBOX, MAILBOX_TEMPLATE, TemplateKind
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.model import desired_from_params as template_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, unicode_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.model import OAUTH2_CLIENT
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.model import desired_from_params as oauth2_client_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.api import read_current as read_recipient_maps
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.model import desired_from_params as recipient_map_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.api import read_current as read_relayhosts
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import domain_part
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import CREATE_DEFAULTS as RELAYHOST_DEFAULTS
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import RELAYHOST
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import desired_from_params as relayhost_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.api import read_current as read_resources
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.model import CREATE_DEFAULTS as RESOURCE_DEFAULTS
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.model import desired_from_params as resource_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.model import local_part_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Row, read_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.api import read_entries as read_policy
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.model import LISTS as POLICY_LISTS
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.model import Target as PolicyTarget
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.model import check_sender
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.api import list_filters
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.model import desired_from_params as sieve_filter_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import FIELDS as SYNCJOB_FIELDS
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import PORT_OF, label
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import desired_from_params as syncjob_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import normalize as syncjob_normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.api import list_jobs
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.model import TLS_POLICY_MAP
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.model import desired_from_params as tls_policy_map_desired
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.model import TRANSPORT
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.model import desired_from_params as transport_map_desired

Entry = t.Dict[str, t.Any]

# The role's mailcow_domain_settings keys, in the order they are written, and the module's value for a new domain
# (the relayhost, by host name, comes last: written only when the domain has one).
DOMAIN_SETTINGS = ("description", "active", "max_mailboxes", "max_aliases", "default_quota", "max_quota", "total_quota")
# Domain settings Mailcow has that the role does not set: reported when they differ from a new domain's.
DOMAIN_NOT_IN_ROLE = ("gal", "backupmx", "relay_all_recipients", "relay_unknown_only", "rate_limit", "tags")
# What Mailcow gives a DKIM key made without a selector or size (the key a new domain gets).
DKIM_DEFAULTS = {"selector": "dkim", "key_size": 2048}
MAILBOX_FIELDS = ("local_part", "name", "quota", "active") + BOOL_FLAGS + ("tags", "rate_limit", "sender_acl", "relayhost", "spam_score")
ALIAS_FIELDS = ("address", "goto", "goto_null", "goto_spam", "goto_ham", "active", "sogo_visible", "sender_allowed", "public_comment", "private_comment")
SYNCJOB_DEFAULTS = {field.option: field.default for field in SYNCJOB_FIELDS}
APP_PASSWORD_READS = 4  # app passwords are listed one mailbox per request: this many at a time

HEADER = """\
# Mailcow domain {shown}, exported by glassdome.mailcow.mailcow_export_info: the variables of the role
# glassdome.mailcow.mailboxes. Values equal to what the modules give a new object are left out.
# No secret is in this file: Mailcow never returns passwords. Objects that exist need none; to create
# one (e.g. on a new server), give its entry a password from a vault (mailboxes, app passwords,
# domain_admins: password; sync jobs: remote_password).
"""


class Refused(t.NamedTuple):
    """An object of the server that the role's modules would refuse, and why."""

    domain: str
    kind: str
    name: str
    reason: str


class DomainExport(t.NamedTuple):
    domain: str
    variables: dict[str, t.Any]
    content: str
    counts: dict[str, int]
    refused: list[Refused]
    notes: list[str]


# -- reading -------------------------------------------------------------------------------------


def select_domains(client: MailcowClient, wanted: t.Sequence[str] | None) -> tuple[list[dict[str, t.Any]], list[Refused], list[str]]:
    """The normalised domains to export (all when ``wanted`` is empty), sorted; refused names; names asked for but absent."""
    domains: list[dict[str, t.Any]] = []
    refused: list[Refused] = []
    for raw in list_domains(client):
        domain = domain_normalize(raw)
        try:
            name = ascii_domain(domain["domain"])
        except MailcowOptionError as exc:
            refused.append(Refused(_printable(domain["domain"]), "domain", _printable(domain["domain"]), str(exc)))
            continue
        domain["domain"] = name
        domains.append(domain)
    domains.sort(key=lambda d: d["domain"])
    if not wanted:
        return domains, refused, []
    asked = [ascii_domain(name, option="domains") for name in wanted]
    found = {d["domain"]: d for d in domains}
    return [found[name] for name in sorted(set(asked)) if name in found], refused, sorted({name for name in asked if name not in found})


# The relayhost listing by host name, read on the first call only (one per export).
RelayhostRows = t.Callable[[], t.Dict[str, t.List[Row]]]


class ServerWide(t.NamedTuple):
    """What is read once for every domain: alias domains, domain administrators, sync jobs, BCC and recipient maps, the
    Sieve filters of every mailbox, the resources, and the relayhosts' host names by id (``relayhosts()``: read the first
    time a domain or a mailbox has a relayhost, from the same listing the server-wide file reads)."""

    alias_domains: list[dict[str, t.Any]]
    admins: list[dict[str, t.Any]]
    syncjobs: list[dict[str, t.Any]]
    bcc_maps: list[dict[str, t.Any]] = []
    recipient_maps: list[dict[str, t.Any]] = []
    relayhosts: t.Callable[[], dict[int, list[str]]] = dict
    filters: list[dict[str, t.Any]] = []
    resources: list[dict[str, t.Any]] = []


def _relayhost_names(relayhost_rows: RelayhostRows) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for rows in relayhost_rows().values():
        for row in rows:
            names.setdefault(row.item["id"], []).append(row.item["hostname"])
    return names


def read_server_wide(client: MailcowClient, relayhost_rows: RelayhostRows) -> ServerWide:
    """``relayhost_rows``: the relayhost listing, read on the first call only (see export_server)."""
    return ServerWide(
        [alias_domain_normalize(raw) for raw in list_alias_domains(client)],
        [admin_normalize(raw) for raw in list_domain_admins(client)],
        [syncjob_normalize(raw) for raw in list_jobs(client)],
        [row.item for rows in read_bcc_maps(client).values() for row in rows],
        [row.item for rows in read_recipient_maps(client).values() for row in rows],
        functools.lru_cache(maxsize=1)(functools.partial(_relayhost_names, relayhost_rows)),
        list_filters(client),
        [row.item for rows in read_resources(client).values() for row in rows],
    )


def relayhost_name(server: ServerWide, relayhost_id: int, what: str) -> tuple[str, str]:
    """The host name of the relayhost ``relayhost_id`` that ``what`` (the domain's, mailbox x's) uses, or "" and a note
    saying why the role cannot name it (deleted, or a host name two relayhosts have)."""
    names = server.relayhosts()
    hostnames = names.get(relayhost_id, [])
    if len(hostnames) == 1 and len([h for ids in names.values() for h in ids if h.lower() == hostnames[0].lower()]) == 1:
        return hostnames[0], ""
    return "", "%s relayhost (id %d) %s: the role names a relayhost by its host name, so it is left as it is" % (
        what, relayhost_id, "no longer exists" if not hostnames else "has a host name another relayhost has too")


def read_app_passwords(client: MailcowClient, addresses: t.Sequence[str]) -> dict[str, list[dict[str, t.Any]]]:
    """Each mailbox's app passwords (normalised), a few mailboxes at a time; mailboxes without any are left out."""
    found: dict[str, list[dict[str, t.Any]]] = {}
    if not addresses:
        return found
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(APP_PASSWORD_READS, len(addresses))) as pool:
        for address, items in zip(addresses, pool.map(lambda address: list_app_passwords(client, address), addresses)):
            if items:
                found[address] = items
    return found


# -- the role's variables --------------------------------------------------------------------------


def export_domain(client: MailcowClient, domain: dict[str, t.Any], server: ServerWide, *, purge: bool = True,
                  spam_scores: bool = False) -> DomainExport:
    """Read one domain's objects and turn them into the role's variables and their file (with ``spam_scores``, each
    mailbox's spam score too: one request per mailbox)."""
    name = domain["domain"]
    refused: list[Refused] = []
    notes: list[str] = []
    mailboxes = sorted((mailbox_normalize(raw) for raw in list_mailboxes(client, name, full=True)), key=lambda m: m["address"])
    aliases = sorted((alias_normalize(raw) for raw in list_aliases(client, name)), key=lambda a: a["address"].lower())
    dkim = get_key(client, name)
    readable = [m["address"] for m in mailboxes if not path_problem(m["address"])]
    app_passwords = read_app_passwords(client, readable)
    policy = read_policy(client, PolicyTarget("domain", name))
    scores = get_spam_scores(client, readable, concurrency=APP_PASSWORD_READS) if spam_scores else {}
    for mailbox in mailboxes:
        # Written only when they differ from a new mailbox's: no relayhost, Mailcow's default score.
        if mailbox.get("relayhost_id"):
            hostname, note = relayhost_name(server, mailbox["relayhost_id"], "mailbox %s's" % _printable(mailbox["address"]))
            if hostname:
                mailbox["relayhost"] = hostname
            else:
                notes.append(note)
        if scores.get(mailbox["address"]) not in (None, DEFAULT_SPAM_SCORE):
            mailbox["spam_score"] = scores[mailbox["address"]]

    mailbox_entries, mailbox_lines = _checked(name, "mailbox", mailboxes, lambda m: m["address"], _mailbox_entry, _check_mailbox, refused)
    alias_entries, alias_lines = _checked(name, "alias", aliases, lambda a: a["address"], _alias_entry, _check_alias, refused)
    jobs = sorted((j for j in server.syncjobs if j["mailbox"].rpartition("@")[2] == name),
                  key=lambda j: (j["mailbox"], j["remote_host"].lower(), j["remote_user"].lower()))
    job_entries, job_lines = _checked(name, "sync job", jobs, _job_label, lambda j: _syncjob_entry(j, name), _check_syncjob, refused)
    for mailbox in mailboxes:
        if path_problem(mailbox["address"]):
            notes.append("the app passwords of mailbox %s were not read: Mailcow lists them only by the address in the URL, and %s"
                         % (_printable(mailbox["address"]), path_problem(mailbox["address"])))
    app_password_map, app_password_lines = _app_passwords(name, app_passwords, refused)
    filters = [f for f in server.filters if f["mailbox"].rpartition("@")[2] == name]
    held = [f["name"] for f in filters]
    filter_entries, filter_lines = _checked(name, "Sieve filter", filters, lambda f: f["name"], _sieve_filter_entry,
                                            lambda f, entry: _check_sieve_filter(f, entry, held.count(f["name"]), refused), refused)
    alias_domain_entries, alias_domain_lines = _checked(
        name, "alias domain", sorted((a for a in server.alias_domains if a["target_domain"] == name), key=lambda a: a["alias_domain"]),
        lambda a: a["alias_domain"], _alias_domain_entry, _check_alias_domain, refused)
    admin_entries, admin_lines = _checked(
        name, "domain administrator", sorted((a for a in server.admins if name in a["domains"]), key=lambda a: a["username"]),
        lambda a: a["username"], lambda a: _admin_entry(a, name), _check_admin, refused)
    bcc_entries, bcc_lines = _checked(
        name, "BCC map", sorted((m for m in server.bcc_maps if domain_part(m["local_dest"]) == name), key=lambda m: (m["local_dest"], m["kind"], m["id"])),
        lambda m: m["name"], _bcc_map_entry, lambda m, entry: _parsed(bcc_map_desired, entry), refused)
    recipient_entries, recipient_lines = _checked(
        name, "recipient map", sorted((m for m in server.recipient_maps if domain_part(m["old_recipient"]) == name),
                                      key=lambda m: (m["old_recipient"], m["id"])),
        lambda m: m["old_recipient"], _recipient_map_entry, lambda m, entry: _parsed(recipient_map_desired, entry), refused)
    resource_entries, resource_lines = _checked(
        name, "resource", sorted((r for r in server.resources if r["domain"] == name), key=lambda r: r["address"].lower()),
        lambda r: r["address"], _resource_entry, lambda r, entry: _check_resource(r, entry, notes), refused)
    spam_policy, policy_lines = _spam_policy(name, policy, refused)

    settings = _domain_settings(domain)
    if domain.get("relayhost_id"):
        settings["relayhost"], note = relayhost_name(server, domain["relayhost_id"], "the domain's")
        if not settings["relayhost"]:
            del settings["relayhost"]
            notes.append(note)
    for option in DOMAIN_NOT_IN_ROLE:
        if domain.get(option) != DOMAIN_DEFAULTS[option]:
            notes.append("domain setting %s is %s: the role does not manage it (left as it is)" % (option, json.dumps(domain.get(option))))
    if dkim is None:
        notes.append("the domain has no DKIM key; the role cannot say so (a domain it creates gets Mailcow's key)")

    variables: dict[str, t.Any] = {"mailcow_domain": name, "mailcow_domain_settings": settings}
    dkim_entry = _dkim_entry(dkim)
    if dkim_entry:
        variables["mailcow_dkim"] = dkim_entry
    variables.update({
        "mailcow_mailboxes": mailbox_entries,
        "mailcow_aliases": alias_entries,
        "mailcow_app_passwords": app_password_map,
        "mailcow_alias_domains": alias_domain_entries,
        "mailcow_domain_admins": admin_entries,
        "mailcow_syncjobs": job_entries,
        "mailcow_bcc_maps": bcc_entries,
        "mailcow_recipient_maps": recipient_entries,
        "mailcow_sieve_filters": filter_entries,
        "mailcow_spam_policy": spam_policy,
        "mailcow_resources": resource_entries,
    })
    kinds_refused = {r.kind for r in refused}
    purges = {
        "mailcow_mailboxes_purge": purge and not kinds_refused & {"mailbox", "alias"},
        "mailcow_app_passwords_purge": purge and "app password" not in kinds_refused,
        "mailcow_syncjobs_purge": purge and "sync job" not in kinds_refused,
        "mailcow_bcc_maps_purge": purge and "BCC map" not in kinds_refused,
        "mailcow_recipient_maps_purge": purge and "recipient map" not in kinds_refused,
        "mailcow_sieve_filters_purge": purge and "Sieve filter" not in kinds_refused,
        "mailcow_spam_policy_purge": purge and "listed sender" not in kinds_refused,
        "mailcow_resources_purge": purge and "resource" not in kinds_refused,
    }
    empty = [name for name, entries, key in (("mailboxes and aliases", mailbox_entries + alias_entries, "mailcow_mailboxes_purge"),
                                             ("sync jobs", job_entries, "mailcow_syncjobs_purge"),
                                             ("BCC maps", bcc_entries, "mailcow_bcc_maps_purge"),
                                             ("recipient maps", recipient_entries, "mailcow_recipient_maps_purge"),
                                             ("Sieve filters", filter_entries, "mailcow_sieve_filters_purge"),
                                             ("senders on its allow and deny lists", list(spam_policy.values()), "mailcow_spam_policy_purge"),
                                             ("resources", resource_entries, "mailcow_resources_purge")) if purges[key] and not entries]
    purges_note = ""
    if empty:
        # The server has none: a purge of an empty list is what the export means, and the role refuses one unless told.
        purges["mailcow_mailboxes_purge_allow_empty"] = True
        purges_note = "# The domain has no %s: a purge with an empty list must be allowed explicitly." % " and no ".join(empty)
    variables.update(purges)
    if purge and not all(purges.values()):
        notes.append("purge is off for the lists with a refused entry: a purge would delete the object the comment stands for")

    commented = {"mailcow_mailboxes": mailbox_lines, "mailcow_aliases": alias_lines, "mailcow_app_passwords": app_password_lines,
                 "mailcow_alias_domains": alias_domain_lines, "mailcow_domain_admins": admin_lines, "mailcow_syncjobs": job_lines,
                 "mailcow_bcc_maps": bcc_lines, "mailcow_recipient_maps": recipient_lines, "mailcow_sieve_filters": filter_lines,
                 "mailcow_spam_policy": policy_lines, "mailcow_resources": resource_lines}
    counts = {"mailboxes": len(mailbox_entries), "aliases": len(alias_entries), "app_passwords": sum(len(v) for v in app_password_map.values()),
              "alias_domains": len(alias_domain_entries), "domain_admins": len(admin_entries), "syncjobs": len(job_entries),
              "bcc_maps": len(bcc_entries), "recipient_maps": len(recipient_entries), "sieve_filters": len(filter_entries),
              "spam_policy": sum(len(senders) for senders in spam_policy.values()), "resources": len(resource_entries)}
    content = render(name, variables, commented, notes, purges_note)
    return DomainExport(name, variables, content, counts, refused, notes)


def _printable(text: t.Any) -> str:
    """Text safe inside a one-line YAML comment or message: control characters escaped."""
    return "".join(char if char.isprintable() else json.dumps(char)[1:-1] for char in str(text))


def _checked(domain: str, kind: str, objects: t.Sequence[dict[str, t.Any]], name_of: t.Callable[[t.Any], str],
             entry_of: t.Callable[[t.Any], Entry], check: t.Callable[[t.Any, Entry], str], refused: list[Refused]) -> tuple[list[Entry], list[str]]:
    """The entries the modules accept, and one comment line for each they would refuse (recorded in ``refused``)."""
    entries: list[Entry] = []
    lines: list[str] = []
    for obj in objects:
        entry = entry_of(obj)
        try:
            problem = check(obj, entry)
        except MailcowOptionError as exc:
            problem = str(exc)
        if problem:
            refused.append(Refused(domain, kind, _printable(name_of(obj)), _printable(problem)))
            lines.append("# refused %s %s: %s" % (kind, _printable(json.dumps(name_of(obj), ensure_ascii=False)), _printable(problem)))
        else:
            entries.append(entry)
    return entries, lines


def _path_then(field: str, why: str, parse: t.Callable[[dict[str, t.Any], Entry], t.Any]) -> t.Callable[[dict[str, t.Any], Entry], str]:
    """A check: the name in ``field`` must be one an API path can carry (else ``why`` with the problem), then the module's own parsing."""
    def check(obj: dict[str, t.Any], entry: Entry) -> str:
        problem = path_problem(obj[field])
        if problem:
            return why % problem
        parse(obj, entry)
        return ""
    return check


_check_mailbox = _path_then("address", "Mailcow's API addresses a mailbox by its address in the URL for some writes, and %s",
                            lambda obj, entry: mailbox_desired(entry, default_domain=obj["domain"], where="mailbox"))
_check_alias = _path_then("address", "Mailcow's API reads an alias by its address in the URL, and %s",
                          lambda obj, entry: alias_desired(entry, default_domain=obj["domain"], where="alias"))
_check_syncjob = _path_then("mailbox", "its mailbox: Mailcow's API addresses a mailbox by its address in the URL for some reads, and %s",
                            lambda obj, entry: syncjob_desired(entry, default_domain=obj["mailbox"].rpartition("@")[2], where="sync job"))
_check_admin = _path_then("username", "Mailcow's API reads a domain administrator by name in the URL, and %s",
                          lambda obj, entry: check_username(obj["username"]))


def _job_label(job: dict[str, t.Any]) -> str:
    return label(job["mailbox"], job["remote_host"], job["remote_user"])


def _differs(obj: dict[str, t.Any], defaults: dict[str, t.Any], fields: t.Iterable[str]) -> Entry:
    return {field: obj[field] for field in fields if field in obj and obj[field] != defaults.get(field)}


def _domain_settings(domain: dict[str, t.Any]) -> Entry:
    defaults = dict(DOMAIN_DEFAULTS, description=domain["domain"])
    settings = _differs(domain, defaults, DOMAIN_SETTINGS)
    # An empty mailcow_domain_settings would leave the domain alone (not create it): active is always written.
    settings.setdefault("active", domain["active"])
    return {key: settings[key] for key in DOMAIN_SETTINGS if key in settings}


def _dkim_entry(key: dict[str, t.Any] | None) -> Entry:
    if key is None:
        return {}
    return _differs({"selector": key["selector"], "key_size": key["key_size"]}, DKIM_DEFAULTS, ("selector", "key_size"))


def _mailbox_entry(mailbox: dict[str, t.Any]) -> Entry:
    entry = {"local_part": mailbox["local_part"]}
    entry.update(_differs(mailbox, MAILBOX_DEFAULTS, MAILBOX_FIELDS[1:]))
    return entry


def _alias_entry(alias: dict[str, t.Any]) -> Entry:
    entry: Entry = {"address": alias["address"]}
    special = FLAG_OF_GOTO.get(alias["goto"][0].lower()) if len(alias["goto"]) == 1 else None
    if special:
        entry[special] = True
    else:
        entry["goto"] = list(alias["goto"])
    entry.update(_differs(alias, ALIAS_DEFAULTS, ALIAS_FIELDS[5:]))
    return entry


def _syncjob_entry(job: dict[str, t.Any], domain: str) -> Entry:
    local, _sep, job_domain = job["mailbox"].rpartition("@")
    entry: Entry = {"mailbox": local if job_domain == domain else job["mailbox"], "remote_host": job["remote_host"], "remote_user": job["remote_user"]}
    defaults = dict(SYNCJOB_DEFAULTS, remote_port=PORT_OF.get(job["encryption"]))
    entry.update(_differs(job, defaults, [field.option for field in SYNCJOB_FIELDS]))
    return entry


def _app_passwords(domain: str, found: dict[str, list[dict[str, t.Any]]], refused: list[Refused]) -> tuple[dict[str, list[Entry]], list[str]]:
    """``{local part: [entries]}`` by name, and comment lines for what the module would refuse (unnamed, duplicate names)."""
    result: dict[str, list[Entry]] = {}
    lines: list[str] = []
    for address in sorted(found):
        entries: list[Entry] = []
        names = [item["name"] for item in found[address]]
        for item in sorted(found[address], key=lambda i: (i["name"], i["id"] or 0)):
            shown = "%s %s" % (address, item["name"])
            same = names.count(item["name"])
            try:
                check_name(item["name"], "name")
                if same > 1:
                    raise MailcowOptionError("%d app passwords of %s are named %r; the module names them by name" % (same, address, item["name"]))
            except MailcowOptionError as exc:
                if not any(r.name == _printable(shown) for r in refused):
                    refused.append(Refused(domain, "app password", _printable(shown), _printable(exc)))
                    lines.append("# refused app password %s: %s" % (_printable(json.dumps(shown, ensure_ascii=False)), _printable(exc)))
                continue
            entry: Entry = {"name": item["name"], "protocols": list(item["protocols"])}
            if not item["active"]:
                entry["active"] = False
            entries.append(entry)
        if entries:
            local, _sep, mailbox_domain = address.rpartition("@")
            result[local if mailbox_domain == domain else address] = entries
    return result, lines


def _sieve_filter_entry(item: dict[str, t.Any]) -> Entry:
    """A filter as the role's entry: its mailbox by local part, ``active`` only when off (a new filter is active)."""
    entry: Entry = {"mailbox": item["mailbox"].rpartition("@")[0], "filter_type": item["filter_type"], "description": item["description"],
                    "script": item["script"]}
    if not item["active"]:
        entry["active"] = False
    return entry


def _check_sieve_filter(item: dict[str, t.Any], entry: Entry, held: int, refused: list[Refused]) -> str:
    if any(r.kind == "mailbox" and r.name == _printable(item["mailbox"]) for r in refused):
        return "its mailbox is refused (see its comment): the role would not create the mailbox, so it could not create the filter"
    if held > 1:
        return "Mailcow holds %d filters of this name; the module manages a name held once only (delete the extra ones)" % held
    sieve_filter_desired(entry, default_domain=item["mailbox"].rpartition("@")[2], where="Sieve filter")
    return ""


def _resource_entry(resource: dict[str, t.Any]) -> Entry:
    """A resource as the role's entry: named by its address (which stays when the description changes)."""
    entry: Entry = {"address": resource["address"], "description": resource["description"], "kind": resource["kind"]}
    entry.update(_differs(resource, RESOURCE_DEFAULTS, ("multiple_bookings", "active")))
    return entry


def _check_resource(resource: dict[str, t.Any], entry: Entry, notes: list[str]) -> str:
    resource_desired(entry, where="resource")
    if local_part_of(resource["description"]).lower() != resource["local_part"].lower():
        notes.append("resource %s: Mailcow makes a new resource's address from its description, and %r no longer gives it; on a server "
                     "without it the role refuses to create it (create it with a description that does, then change the description)"
                     % (_printable(resource["address"]), _printable(resource["description"])))
    return ""


def _spam_policy(domain: str, found: t.Sequence[t.Any], refused: list[Refused]) -> tuple[dict[str, list[str]], list[str]]:
    """The domain's lists as the role's ``{allow: [...], deny: [...]}`` (an empty list left out), each sender as the module
    checks it; one it would refuse (or one held twice) is a comment line, recorded in ``refused``."""
    policy: dict[str, list[str]] = {}
    lines: list[str] = []
    senders = [entry.sender for entry in found]
    for entry in sorted(found, key=lambda e: (POLICY_LISTS.index(e.list), e.sender)):
        try:
            check_sender(entry.sender, entry.list)
            if senders.count(entry.sender) > 1:
                raise MailcowOptionError("Mailcow holds it %d times; the module manages a sender held once only" % senders.count(entry.sender))
        except MailcowOptionError as exc:
            if not any(r.kind == "listed sender" and r.name == _printable(entry.sender) for r in refused):
                refused.append(Refused(domain, "listed sender", _printable(entry.sender), _printable(exc)))
                lines.append("# refused listed sender %s: %s" % (_printable(json.dumps(entry.sender, ensure_ascii=False)), _printable(exc)))
            continue
        policy.setdefault(entry.list, []).append(entry.sender)
    return policy, lines


def _alias_domain_entry(alias_domain: dict[str, t.Any]) -> Entry:
    entry: Entry = {"alias_domain": alias_domain["alias_domain"]}
    if not alias_domain["active"]:
        entry["active"] = False
    return entry


def _check_alias_domain(alias_domain: dict[str, t.Any], entry: Entry) -> str:
    alias_domain_desired(dict(entry, target_domain=alias_domain["target_domain"]), where="alias domain")
    return ""


def _parsed(parse: t.Callable[..., t.Any], entry: Entry) -> str:
    """The module's own check of an entry (MailcowOptionError when it would refuse it)."""
    parse(entry)
    return ""


def _bcc_map_entry(bcc_map: dict[str, t.Any]) -> Entry:
    entry: Entry = {"local_dest": bcc_map["local_dest"], "kind": bcc_map["kind"], "bcc_dest": bcc_map["bcc_dest"]}
    if not bcc_map["active"]:
        entry["active"] = False
    return entry


def _recipient_map_entry(recipient_map: dict[str, t.Any]) -> Entry:
    entry: Entry = {"old_recipient": recipient_map["old_recipient"], "new_recipient": recipient_map["new_recipient"]}
    if not recipient_map["active"]:
        entry["active"] = False
    return entry


def _admin_entry(admin: dict[str, t.Any], domain: str) -> Entry:
    entry: Entry = {"username": admin["username"]}
    if admin["domains"] != [domain]:
        entry["domains"] = list(admin["domains"])
    if not admin["active"]:
        entry["active"] = False
    return entry


# -- the server-wide objects (the server role's variables) ------------------------------------------


class ServerKind(t.NamedTuple):
    """One type of server-wide object: how it is read (its Kind), checked (its model's desired_from_params), and written
    as an entry of the server role's list ``mailcow_<plural>``; ``secret``: it has a password, which is never written;
    ``note``: a comment written above its list when the list is not empty."""

    kind: Kind
    parse: t.Callable[..., t.Any]
    entry: t.Callable[[dict[str, t.Any]], Entry]
    secret: bool = False
    note: str = ""


def _relayhost_entry(item: dict[str, t.Any]) -> Entry:
    return dict({"hostname": item["hostname"]}, **_differs(item, RELAYHOST_DEFAULTS, ("username", "active")))


def _transport_map_entry(item: dict[str, t.Any]) -> Entry:
    entry = {"destination": item["destination"], "nexthop": item["nexthop"]}
    return dict(entry, **_differs(item, {"username": "", "active": True, "is_mx_based": False}, ("username", "active", "is_mx_based")))


def _forwarding_host_entry(item: dict[str, t.Any]) -> Entry:
    return dict({"host": item["host"]}, **_differs(item, {"keep_spam": False}, ("keep_spam",)))


def _tls_policy_map_entry(item: dict[str, t.Any]) -> Entry:
    entry = {"destination": item["destination"], "policy": item["policy"]}
    return dict(entry, **_differs(item, {"parameters": "", "active": True}, ("parameters", "active")))


def _template_entry(template: TemplateKind) -> t.Callable[[dict[str, t.Any]], Entry]:
    """A template's entry: its name, and the values that differ from what the module gives a new template. Mailcow's
    Default is written too (it is always there), so that its values round-trip and the list is never empty."""
    return lambda item: dict({"name": item["name"]}, **_differs(item, template.create, template.compared))


def _oauth2_client_entry(item: dict[str, t.Any]) -> Entry:
    return {"redirect_uri": item["redirect_uri"]}  # never the client id or the secret (Mailcow makes both)


# The server role's types, in its order (roles/server/vars/main.yml): mailcow_<plural> and mailcow_<plural>_purge each.
SERVER_KINDS = (
    ServerKind(RELAYHOST, relayhost_desired, _relayhost_entry, secret=True),
    ServerKind(TRANSPORT, transport_map_desired, _transport_map_entry, secret=True),
    ServerKind(FORWARDING_HOST, forwarding_host_desired, _forwarding_host_entry),
    ServerKind(TLS_POLICY_MAP, tls_policy_map_desired, _tls_policy_map_entry),
    ServerKind(DOMAIN_TEMPLATE, functools.partial(template_desired, DOMAIN), _template_entry(DOMAIN)),
    ServerKind(MAILBOX_TEMPLATE, functools.partial(template_desired, MAILBOX), _template_entry(MAILBOX)),
    ServerKind(OAUTH2_CLIENT, oauth2_client_desired, _oauth2_client_entry,
               note="# No client id or secret is written (Mailcow makes both): a client recreated from this file gets a new client id "
                    "and a new secret, to hand to its app again."),
)
SERVER_HOST = "server"
SERVER_GROUP = "mailcow_server_wide"
SERVER_HEADER = """\
# Server-wide objects of a Mailcow, exported by glassdome.mailcow.mailcow_export_info: the variables of the role
# glassdome.mailcow.server (run on the host {host} of the group {group}). Values equal to what the modules give a
# new object are left out.
# No secret is in this file: Mailcow returns relayhost and transport map passwords and OAuth2 client secrets, but they are
# not written. Objects that exist need none; to create one (e.g. on a new server), give its entry a password from a vault.
"""


class ServerExport(t.NamedTuple):
    variables: dict[str, t.Any]
    content: str
    counts: dict[str, int]
    refused: list[Refused]


def export_server_wide(client: MailcowClient, relayhost_rows: RelayhostRows, *, purge: bool = True) -> ServerExport:
    """The server-wide objects (one listing per type; the relayhosts' from ``relayhost_rows``) as the server role's variables
    and their file."""
    variables: dict[str, t.Any] = {}
    commented: dict[str, list[str]] = {}
    refused: list[Refused] = []
    for server_kind in SERVER_KINDS:
        kind = server_kind.kind
        entries: list[Entry] = []
        lines: list[str] = []
        listed = relayhost_rows() if kind is RELAYHOST else read_rows(client, kind)
        for _key, rows in sorted(listed.items(), key=lambda pair: pair[0]):
            name = rows[0].item[kind.named]
            entry = server_kind.entry(rows[0].item)
            try:
                if len(rows) > 1:
                    # No ids in the text: they change when the objects are made again, and the file depends on the server's state only.
                    raise MailcowOptionError("Mailcow holds it %d times, and the module manages a %s only when it is held once (delete the "
                                             "extra ones in Mailcow's UI)" % (len(rows), kind.named.replace("_", " ")))
                server_kind.parse(entry, where=kind.what)
            except MailcowOptionError as exc:
                refused.append(Refused("this Mailcow", kind.what, _printable(name), _printable(exc)))
                lines.append("# refused %s %s: %s" % (kind.what, _printable(json.dumps(name, ensure_ascii=False)), _printable(exc)))
                continue
            entries.append(entry)
        variables["mailcow_" + kind.plural] = entries
        commented["mailcow_" + kind.plural] = lines
    kinds_refused = {r.kind for r in refused}
    purges = {"mailcow_%s_purge" % k.kind.plural: purge and k.kind.what not in kinds_refused for k in SERVER_KINDS}
    empty = [k.kind.plural for k in SERVER_KINDS if purges["mailcow_%s_purge" % k.kind.plural] and not variables["mailcow_" + k.kind.plural]]
    variables.update(purges)
    if empty:
        # The server has none of them: a purge of an empty list is what the export means, and the role refuses one unless told.
        variables["mailcow_server_purge_allow_empty"] = True
    content = _render_server(variables, commented, [k.kind.plural.replace("_", " ") for k in SERVER_KINDS if k.kind.what in kinds_refused and purge],
                             [name.replace("_", " ") for name in empty])
    counts = {k.kind.plural: len(variables["mailcow_" + k.kind.plural]) for k in SERVER_KINDS}
    return ServerExport(variables, content, counts, refused)


def _render_server(variables: dict[str, t.Any], commented: dict[str, list[str]], purge_off: list[str], empty: list[str]) -> str:
    lines = ["---"] + SERVER_HEADER.format(host=SERVER_HOST, group=SERVER_GROUP).splitlines()
    if purge_off:
        lines.append("# Note: purge is off for the %s: a purge would delete the object a refused comment stands for." % " and ".join(purge_off))
    secret_lists = ["mailcow_" + k.kind.plural for k in SERVER_KINDS if k.secret and variables["mailcow_" + k.kind.plural]]
    notes = {"mailcow_" + k.kind.plural: k.note for k in SERVER_KINDS if k.note and variables["mailcow_" + k.kind.plural]}
    for key, value in variables.items():
        if key in notes:
            lines.append(notes[key])
        if secret_lists and key == secret_lists[0]:
            lines.append("# No password is written: add password (from a vault) only to create a relayhost or transport map with a username.")
        if key == "mailcow_server_purge_allow_empty":
            lines.append("# The server has no %s: a purge with an empty list must be allowed explicitly." % " and no ".join(empty))
        if isinstance(value, list):
            lines.extend(_list_lines(key, value, commented.get(key, [])))
        else:
            lines.append("%s: %s" % (key, flow(value)))
    return "\n".join(lines) + "\n"


# -- the file --------------------------------------------------------------------------------------

_PLAIN_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+=/-]*$")
_NOT_PLAIN = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$"
                        r"|^[-+]?(?:\.?[0-9]|0[oxb])|^[0-9][0-9_:.eE+-]*$")


def scalar(value: t.Any) -> str:
    """One YAML scalar that Ansible reads back as exactly ``value``: strings quoted when needed, and marked ``!unsafe``
    when they hold what Ansible would otherwise treat as a template (names come from the server)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "{" in text or "%" in text:
        return "!unsafe " + json.dumps(text, ensure_ascii=False)
    if _PLAIN_RE.match(text) and not _NOT_PLAIN.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(value: t.Any) -> str:
    """A value in YAML flow style, on one line."""
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%s: %s" % (key, flow(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "[%s]" % ", ".join(flow(item) for item in value)
    return scalar(value)


def render(domain: str, variables: dict[str, t.Any], commented: dict[str, list[str]], notes: list[str], purges_note: str) -> str:
    """The host_vars document: header, then each variable; lists one entry per line, refused entries as comments."""
    shown = domain if unicode_domain(domain) == domain else "%s (%s)" % (domain, _printable(unicode_domain(domain)))
    lines = ["---"] + HEADER.format(shown=shown).splitlines()
    for note in notes:
        lines.append("# Note: %s." % _printable(note))
    for key, value in variables.items():
        if key == "mailcow_domain_admins" and value:
            lines.append("# The ACL of a domain administrator cannot be read from Mailcow: it is written only when one is created (acl).")
        if key == "mailcow_syncjobs" and value:
            lines.append("# A sync job's remote_password cannot be read from Mailcow: add it (from a vault) only to create a job.")
        if key == "mailcow_mailboxes_purge" and purges_note:
            lines.append(purges_note)
        extra = commented.get(key, [])
        if isinstance(value, list):
            lines.extend(_list_lines(key, value, extra))
        elif key == "mailcow_spam_policy":
            lines.append("%s:" % key if value or extra else "%s: {}" % key)
            for which, senders in value.items():
                lines.append("  %s:" % which)
                lines.extend("    - %s" % scalar(sender) for sender in senders)
            lines.extend("  %s" % line for line in extra)
        elif key == "mailcow_app_passwords":
            lines.append("%s:" % key if value else "%s: {}" % key)
            for mailbox, entries in value.items():
                lines.append("  %s:" % scalar(mailbox))
                lines.extend("    - %s" % flow(entry) for entry in entries)
            lines.extend("  %s" % line for line in extra)
        else:
            lines.append("%s: %s" % (key, flow(value)))
    return "\n".join(lines) + "\n"


def _list_lines(key: str, entries: list[Entry], commented: list[str]) -> list[str]:
    """A list variable: one entry per line in flow style, then the comments of the refused ones."""
    lines = ["%s:" % key if entries else "%s: []" % key]
    lines.extend("  - %s" % flow(entry) for entry in entries)
    lines.extend("  %s" % line for line in commented)
    return lines


KIND_WORDS = {"mailboxes": ("mailbox", "mailboxes"), "aliases": ("alias", "aliases"), "app_passwords": ("app password", "app passwords"),
              "alias_domains": ("alias domain", "alias domains"), "domain_admins": ("domain administrator", "domain administrators"),
              "syncjobs": ("sync job", "sync jobs"), "bcc_maps": ("BCC map", "BCC maps"), "recipient_maps": ("recipient map", "recipient maps"),
              "sieve_filters": ("Sieve filter", "Sieve filters"), "spam_policy": ("listed sender", "listed senders"),
              "resources": ("resource", "resources")}


def summary_line(export: DomainExport) -> str:
    """``example.org: 2 mailboxes, 1 alias``, and how many objects were refused."""
    counts = ", ".join("%d %s" % (number, KIND_WORDS[kind][number != 1]) for kind, number in export.counts.items() if number)
    refused = "; %d refused (see the comments in the file)" % len(export.refused) if export.refused else ""
    return "%s: %s%s" % (export.domain, counts or "no objects", refused)


def export_server(client: MailcowClient, wanted: t.Sequence[str] | None, *, purge: bool = True, server_wide: bool = True,
                  spam_scores: bool = False) -> dict[str, t.Any]:
    """The module's result: one file per domain (and one for the server-wide objects), the inventory naming them, what was
    refused, a summary, warnings. ``spam_scores``: read each mailbox's spam score (one request per mailbox)."""
    domains, refused, missing = select_domains(client, wanted)
    warnings = ["domain %s does not exist on this Mailcow: nothing exported for it" % name for name in missing]
    # One relayhost listing, read at most once, for both the domains' and mailboxes' relayhosts and the server-wide file.
    relayhost_rows = functools.lru_cache(maxsize=1)(functools.partial(read_relayhosts, client))
    server = read_server_wide(client, relayhost_rows) if domains else ServerWide([], [], [])
    exports = [export_domain(client, domain, server, purge=purge, spam_scores=spam_scores) for domain in domains]
    wide = export_server_wide(client, relayhost_rows, purge=purge) if server_wide else None
    refused = refused + [item for export in exports for item in export.refused] + (wide.refused if wide else [])
    summary = [summary_line(export) for export in exports]
    if wide:
        counts = ", ".join("%d %s%s" % (wide.counts[k.kind.plural], k.kind.what, "" if wide.counts[k.kind.plural] == 1 else "s")
                           for k in SERVER_KINDS if wide.counts[k.kind.plural])
        summary.append("%s (server-wide): %s%s" % (SERVER_HOST, counts or "no objects",
                                                   "; %d refused (see the comments in the file)" % len(wide.refused) if wide.refused else ""))
    summary += ["refused %s %s in %s: %s" % (item.kind, item.name, item.domain, item.reason) for item in refused]
    inventory = "---\n# Mailcow domains exported by glassdome.mailcow.mailcow_export_info; their variables are in host_vars/.\n"
    inventory += "all:\n  children:\n    mailcow_servers:\n      hosts:%s\n" % ("".join("\n        %s: {}" % e.domain for e in exports) or " {}")
    if wide:
        inventory += "    %s:\n      hosts:\n        %s: {}\n" % (SERVER_GROUP, SERVER_HOST)
    return {
        "server": {"host": SERVER_HOST, "file": SERVER_HOST + ".yml", "content": wide.content, "variables": wide.variables, "counts": wide.counts}
        if wide else None,
        "domains": [{"domain": e.domain, "file": e.domain + ".yml", "content": e.content, "variables": e.variables, "counts": e.counts,
                     "summary": summary_line(e)} for e in exports],
        "inventory": inventory,
        "refused": [item._asdict() for item in refused],
        "summary": summary,
        "warnings": warnings,
    }
