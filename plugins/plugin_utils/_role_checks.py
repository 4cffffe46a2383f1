# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the roles' checks of their variables (mailboxes, server), run on the controller.

Each check returns short sentences (empty when all is well) that name the variable, the entry
(index and address) and the field, so that a typo reads as one line instead of a spec dump.
Secrets (no_log fields such as passwords) are never echoed.
"""

from __future__ import annotations

import difflib
import functools
import typing as t
from pathlib import Path

from ansible.module_utils.common.parameters import DEFAULT_TYPE_VALIDATORS
from ansible.module_utils.common.yaml import yaml_load  # libyaml's safe loader when PyYAML has it (fast), else the pure Python one

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain import model as _alias_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map import model as _bcc_map
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map import model as _recipient_map
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy import model as _spam_policy
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin import model as _domain_admin
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host import model as _forwarding_host
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template import model as _mailbox_template
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client import model as _oauth2_client
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost import model as _relayhost
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource import model as _resource
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map import model as _tls_policy_map
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map import model as _transport_map
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.argspec import alias_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import url_userinfo
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.argspec import alias_domain_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.argspec import app_password_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.argspec import bcc_map_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.argspec import domain_admin_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.argspec import domain_template_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.model import DOMAIN
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.argspec import forwarding_host_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.argspec import mailbox_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.argspec import mailbox_template_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.argspec import oauth2_client_entry_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.argspec import recipient_map_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.argspec import relayhost_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.argspec import resource_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.argspec import sieve_filter_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.argspec import syncjob_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.argspec import tls_policy_map_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.argspec import transport_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain

# The collection's roles, from plugins/plugin_utils/.
ROLES = Path(__file__).resolve().parents[2] / "roles"
STATE_SPEC = {"type": "str", "choices": ["present", "absent"]}


def _alias_domain_entry() -> dict[str, dict[str, t.Any]]:
    """An alias domain of the role's domain: its target is mailcow_domain, and it cannot be renamed."""
    spec = alias_domain_argspec()
    return {key: spec[key] for key in ("alias_domain", "active")}


def _resource_entry(entry: dict[str, t.Any], domain: str = "") -> None:
    """A resource of the role's domain, parsed as mailcow_resource's bulk form parses it (the address made of a
    description alone needs the domain)."""
    desired = _resource.desired_from_params(entry, domain=domain or None)
    if domain and desired.domain != ascii_domain(domain):
        raise MailcowOptionError("%s is not in the domain %s" % (desired.address, domain))


ENTRY_SPECS: dict[str, t.Callable[[], dict[str, dict[str, t.Any]]]] = {
    "mailboxes": mailbox_attr_argspec, "aliases": alias_attr_argspec, "app_passwords": app_password_attr_argspec,
    "syncjobs": syncjob_attr_argspec, "bcc_maps": bcc_map_attr_argspec, "recipient_maps": recipient_map_attr_argspec,
    "sieve_filters": sieve_filter_attr_argspec, "resources": lambda: {k: v for k, v in resource_argspec()["resources"]["options"].items() if k != "state"},
    "alias_domains": _alias_domain_entry, "domain_admins": lambda: {k: v for k, v in domain_admin_argspec().items() if k != "state"},
    # The server role's lists (the bulk options of the server-wide modules).
    "relayhosts": relayhost_attr_argspec, "transport_maps": transport_attr_argspec,
    "forwarding_hosts": forwarding_host_attr_argspec, "tls_policy_maps": tls_policy_map_attr_argspec,
    "domain_templates": domain_template_attr_argspec, "mailbox_templates": mailbox_template_attr_argspec,
    "oauth2_clients": oauth2_client_entry_argspec,
}
# The fields that name an entry in messages, and those an entry must have (the modules check the rest).
NAMED_BY = {"app_passwords": ("name",), "alias_domains": ("alias_domain",), "domain_admins": ("username",), "bcc_maps": ("local_dest",),
            "recipient_maps": ("old_recipient",), "sieve_filters": ("description", "mailbox"), "resources": ("address", "local_part", "description"),
            "relayhosts": ("hostname",), "transport_maps": ("destination",), "forwarding_hosts": ("host",), "tls_policy_maps": ("destination",),
            "domain_templates": ("name",), "mailbox_templates": ("name",), "oauth2_clients": ("redirect_uri",)}
REQUIRED = {"app_passwords": ("name",), "sieve_filters": ("mailbox", "filter_type", "description")}
# Entries checked as their module will parse them, so that a bad entry fails before the first entry is written: those
# the mailboxes role hands one by one to a single-object module or to a module whose entries are checked only after other
# steps of the role wrote, and the server role's, whose types are applied one after another (a bad TLS policy map must
# fail before the relayhosts are written).
SINGLE_ENTRIES: dict[str, t.Callable[..., t.Any]] = {
    "alias_domains": _alias_domain.desired_from_params,
    "domain_admins": _domain_admin.desired_from_params,
    "bcc_maps": _bcc_map.desired_from_params,
    "recipient_maps": _recipient_map.desired_from_params,
    "resources": _resource_entry,
    "relayhosts": _relayhost.desired_from_params,
    "transport_maps": _transport_map.desired_from_params,
    "forwarding_hosts": _forwarding_host.desired_from_params,
    "tls_policy_maps": _tls_policy_map.desired_from_params,
    "domain_templates": functools.partial(_mailbox_template.desired_from_params, DOMAIN),
    "mailbox_templates": functools.partial(_mailbox_template.desired_from_params, _mailbox_template.MAILBOX),
    "oauth2_clients": _oauth2_client.desired_from_params,
}
# Of those, the ones whose entries are parsed within the role's domain (given as ``domain``).
IN_THE_DOMAIN = frozenset(("resources",))
EXPECTED = {
    "int": "a whole number",
    "bool": "true or false",
    "str": "a string",
    "list": "a list",
    "dict": "a mapping",
}


def closest(name: str, known: t.Iterable[str], prefix: str = "") -> str:
    """`` (did you mean X?)`` for the known name closest to ``name``, or "" when none is close.

    A common ``prefix`` is left out of the comparison, so that it does not make every name look close.
    """
    by_rest = {k[len(prefix):]: k for k in known if k.startswith(prefix)}
    matches = difflib.get_close_matches(name[len(prefix):], sorted(by_rest), n=1, cutoff=0.6)
    return " (did you mean %s?)" % by_rest[matches[0]] if matches else ""


@functools.lru_cache(maxsize=1)
def roles_variables() -> frozenset[str]:
    """The variables of every role of this collection (the options of each ``roles/*/meta/argument_specs.yml``), read once
    per process (each host's worker inherits them from ansible-playbook's main process)."""
    names: set[str] = set()
    for specs in sorted(ROLES.glob("*/meta/argument_specs.yml")):
        for entry in (yaml_load(specs.read_text(encoding="utf-8")) or {}).get("argument_specs", {}).values():
            names.update((entry or {}).get("options") or {})
    return frozenset(names)


def unknown_vars(names: t.Iterable[str], known: t.Iterable[str], prefix: str = "mailcow_", roles: bool = False) -> list[str]:
    """Each name that starts with ``prefix`` and is not ``known`` (nor, with ``roles``, a variable of one of the collection's
    roles), with the closest known name."""
    known = set(known) | (roles_variables() if roles else set())
    return ["%s%s" % (name, closest(name, known, prefix)) for name in sorted(set(names)) if name.startswith(prefix) and name not in known]


def _spam_policy_errors(given: t.Any, variable: str) -> list[str]:
    """The domain's lists ``{allow: [...], deny: [...]}``: their keys, each sender as the module checks it, none on both lists."""
    if not isinstance(given, dict):
        return ["%s must be a mapping such as {allow: [...], deny: [...]}, got %s" % (variable, type(given).__name__)]
    errors = ["%s: unknown key %s%s (allow and deny only)" % (variable, key, closest(str(key), _spam_policy.LISTS))
              for key in sorted(set(given) - set(_spam_policy.LISTS))]
    errors += ["%s.%s must be a list of senders, got %s" % (variable, which, type(given[which]).__name__)
               for which in _spam_policy.LISTS if given.get(which) is not None and not isinstance(given[which], list)]
    if not errors:
        try:
            _spam_policy.desired_lists(given)
        except MailcowOptionError as exc:
            errors.append("%s.%s" % (variable, exc))
    return errors


def entry_errors(entries: t.Any, kind: str, variable: str = "", domain: str = "") -> list[str]:
    """What is wrong with the entries of a bulk list (``kind``: a key of ENTRY_SPECS), one line per problem; ``domain``
    the role's domain (entries of the kinds IN_THE_DOMAIN must be in it).

    For app_passwords, ``entries`` may also be a mapping of mailbox (local part or address) to its list.
    """
    variable = variable or "mailcow_%s" % kind
    if entries is None:
        return []
    if kind == "spam_policy":
        return _spam_policy_errors(entries, variable)
    if kind == "app_passwords" and isinstance(entries, dict):
        return _per_mailbox_errors(entries, variable)
    if not isinstance(entries, list):
        return ["%s must be a list of mappings, got %s" % (variable, type(entries).__name__)]
    specs = dict(ENTRY_SPECS[kind](), state=STATE_SPEC)
    errors: list[str] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            errors.append("%s[%d]: must be a mapping (e.g. {local_part: ..., ...}), got %s" % (variable, index, type(entry).__name__))
            continue
        name = str(next((entry[k] for k in NAMED_BY.get(kind, ("address", "local_part", "mailbox")) if entry.get(k)), "?"))
        userinfo = url_userinfo(name) if "://" in name else ""  # a URL's user:password (a redirect URI's) is never echoed
        where = "%s[%d] (%s)" % (variable, index, name.replace(userinfo, "(hidden)") if userinfo else name)
        errors.extend("%s: %s is required" % (where, field) for field in REQUIRED.get(kind, ()) if entry.get(field) in (None, ""))
        problems = _field_problems(entry, specs)
        if not problems and kind in SINGLE_ENTRIES:
            problems = _parse_problems(entry, kind, domain)
        errors.extend("%s: %s" % (where, problem) for problem in problems)
    return errors


def _parse_problems(entry: dict[str, t.Any], kind: str, domain: str = "") -> list[str]:
    """The module's own option checks (names, domains, passwords), which never show a secret."""
    if not any(entry.get(name) for name in NAMED_BY[kind]):
        return ["%s is required" % " or ".join(NAMED_BY[kind])]
    try:
        if kind in IN_THE_DOMAIN:
            SINGLE_ENTRIES[kind](entry, domain=domain)
        else:
            SINGLE_ENTRIES[kind](entry)
    except MailcowOptionError as exc:
        return [str(exc)]
    return []


def _per_mailbox_errors(lists: dict[t.Any, t.Any], variable: str) -> list[str]:
    errors: list[str] = []
    for mailbox, entries in lists.items():
        if not isinstance(mailbox, str) or not mailbox.strip() or mailbox.count("@") > 1:
            errors.append("%s: %r is not a mailbox (give its local part or its address)" % (variable, mailbox))
        elif not isinstance(entries, list):
            errors.append("%s[%s] must be a list of app passwords, got %s" % (variable, mailbox, type(entries).__name__))
        else:
            errors.extend(entry_errors(entries, "app_passwords", "%s[%s]" % (variable, mailbox)))
    return errors


def _field_problems(entry: dict[str, t.Any], specs: dict[str, dict[str, t.Any]]) -> list[str]:
    problems = []
    for key, value in entry.items():
        spec = specs.get(key)
        if spec is None:
            problems.append("unknown field %s%s" % (key, closest(str(key), specs)))
        elif value is not None:
            problem = _value_problem(key, value, spec)
            if problem:
                problems.append(problem)
    return problems


def _value_problem(key: str, value: t.Any, spec: dict[str, t.Any]) -> str:
    kind = spec.get("type", "str")
    shown = "(hidden)" if spec.get("no_log") else repr(value)
    if kind == "str" and isinstance(value, (dict, list)):
        return "%s must be a string, got %s" % (key, shown)
    if kind != "raw":
        try:
            value = DEFAULT_TYPE_VALIDATORS[kind](value)
        except (TypeError, ValueError):
            unit = " of MiB (e.g. 1024 for 1 GiB)" if key.endswith("quota") else ""
            return "%s must be %s%s, got %s" % (key, EXPECTED.get(kind, kind), unit, shown)
    if kind == "list" and any(not isinstance(item, str) for item in value):
        return "%s must be a list of strings, got %s" % (key, shown)
    if kind == "list" and spec.get("choices"):
        wrong = [item for item in value if item not in spec["choices"]]
        return "%s: each must be one of %s, got %s" % (key, ", ".join(spec["choices"]), "(hidden)" if spec.get("no_log") else repr(wrong)) if wrong else ""
    if spec.get("choices") and value not in spec["choices"]:
        return "%s must be one of %s, got %s" % (key, ", ".join(str(choice) for choice in spec["choices"]), shown)
    if kind == "dict" and spec.get("options"):
        return _suboption_problem(key, value, spec["options"])
    return ""


def _suboption_problem(key: str, value: dict[str, t.Any], options: dict[str, dict[str, t.Any]]) -> str:
    """The first problem of a mapping with sub-options (e.g. rate_limit: {value, frame}), named key.sub."""
    missing = [name for name, spec in options.items() if spec.get("required") and value.get(name) is None]
    if missing:
        return "%s.%s is required" % (key, missing[0])
    problems = [("%s has %s" if problem.startswith("unknown field") else "%s.%s") % (key, problem) for problem in _field_problems(value, options)]
    return problems[0] if problems else ""


def known_options(argument_specs_path: str) -> list[str]:
    """The names of the role's variables: the options of its entry point ``main`` in meta/argument_specs.yml."""
    with open(argument_specs_path, encoding="utf-8") as handle:
        return list(yaml_load(handle)["argument_specs"]["main"]["options"])


def first_problem(names: t.Iterable[str], known: t.Iterable[str], lists: dict[str, t.Any], *, domain: str, purge: bool,
                  purge_allow_empty: bool) -> str:
    """The role's first problem with its variables, in this order, or "": a ``mailcow_`` variable that is not one of
    ``known`` (a typo), a purge with both mailcow_mailboxes and mailcow_aliases empty, the malformed entries of ``lists``
    ({kind: the role's list of it}; the first 10 problems and how many more)."""
    unknown = unknown_vars(names, known, roles=True)
    if unknown:
        return ("Unknown variable%s for the role glassdome.mailcow.mailboxes: %s. Fix the name, or list variables of other roles in "
                "mailcow_mailboxes_ignore_vars." % ("s" if len(unknown) > 1 else "", ", ".join(unknown)))
    if purge and not purge_allow_empty and not lists.get("mailboxes") and not lists.get("aliases"):
        return ("mailcow_mailboxes_purge is true but mailcow_mailboxes and mailcow_aliases are both empty: this would delete every mailbox "
                "and alias of %s. Check the names of those variables, or set mailcow_mailboxes_purge_allow_empty: true to empty the domain "
                "on purpose." % domain)
    errors = [error for kind, entries in lists.items() for error in entry_errors(entries, kind, domain=domain)]
    return _first_ten(errors)


def server_first_problem(names: t.Iterable[str], known: t.Iterable[str], lists: dict[str, t.Any], *, purges: dict[str, bool],
                         purge_allow_empty: bool) -> str:
    """The server role's first problem with its variables, in this order, or "": a ``mailcow_`` variable that is not one
    of ``known`` (a typo), a type whose purge (``purges``, {kind: mailcow_<kind>_purge}) is on with its list empty, the
    malformed entries of ``lists`` ({kind: the role's list of it}; the first 10 problems and how many more)."""
    unknown = unknown_vars(names, known, roles=True)
    if unknown:
        return ("Unknown variable%s for the role glassdome.mailcow.server: %s. Fix the name, or list variables of other roles in "
                "mailcow_server_ignore_vars." % ("s" if len(unknown) > 1 else "", ", ".join(unknown)))
    empty = [kind for kind in lists if purges.get(kind) and not lists[kind]]
    if empty and not purge_allow_empty:
        return ("%s: this would delete every one of them on the server. Check the names of those variables, or set "
                "mailcow_server_purge_allow_empty: true to delete them all on purpose."
                % "; ".join("mailcow_%s_purge is true but mailcow_%s is empty" % (kind, kind) for kind in empty))
    return _first_ten([error for kind, entries in lists.items() for error in entry_errors(entries, kind)])


def _first_ten(errors: list[str]) -> str:
    return "; ".join(errors[:10]) + ("; and %d more" % (len(errors) - 10) if len(errors) > 10 else "")
