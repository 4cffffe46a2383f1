# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the one lookup of the address-or-domain ``*_info`` modules."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.api import missing_domain_warning
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, split_address

Raw = t.Dict[str, t.Any]


class Lookup(t.NamedTuple):
    """How one object type is read: one object by address, or a domain's (or every) object."""

    get_one: t.Callable[[MailcowClient, str], t.Optional[Raw]]
    list_some: t.Callable[[MailcowClient, t.Optional[str]], t.List[Raw]]
    normalize: t.Callable[..., Raw]
    sort_key: t.Callable[[Raw], str]
    catch_all: bool = False


def find_objects(client: MailcowClient, params: dict[str, t.Any], lookup: Lookup, warnings: list[str] | None = None) -> list[Raw]:
    """The objects ``params`` ask for (``address`` or ``domain``, ``include_raw``), normalised and sorted.

    When none is found, a warning in ``warnings`` if their domain does not exist (one more read).
    """
    domain = None
    if params["address"]:
        local_part, domain = split_address(params["address"], None, None, catch_all=lookup.catch_all)
        raws = [raw for raw in [lookup.get_one(client, "%s@%s" % (local_part, domain))] if raw]
    else:
        domain = ascii_domain(params["domain"]) if params["domain"] else None
        raws = lookup.list_some(client, domain)
    if domain and not raws and warnings is not None:
        warnings.extend(filter(None, [missing_domain_warning(client, domain)]))
    found = [lookup.normalize(raw, include_raw=params["include_raw"]) for raw in raws]
    return sorted(found, key=lookup.sort_key)
