# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_domain does, as a function of its options.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plan, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.model import CREATE_DEFAULTS, Desired, desired_from_params, diff_view, plan
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.model import DOMAIN_TEMPLATE
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowNotFoundError
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.api import RelayhostNames
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.api import read_current as read_resources
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import only_row, read_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.api import carry_out, get_normalized, mailbox_addresses


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    before = get_normalized(client, desired.domain)
    if "relayhost" in desired.attrs and desired.state == "present":
        desired, before = name_relayhost(client, desired, before)
    if desired.template and desired.state == "present" and before is None:
        desired = with_template(client, desired)
    mailboxes = resources = None
    if desired.state == "absent" and desired.force and before:
        if before["mailboxes"]:
            mailboxes = mailbox_addresses(client, desired.domain)
        resources = [rows[0].item["address"] for rows in read_resources(client, desired.domain).values()]
    the_plan = plan(desired, before, mailboxes=mailboxes, resources=resources)
    outcome = None
    if the_plan.changed and not check_mode:
        outcome = carry_out(client, the_plan, lambda before, now: plan(desired, now, mailboxes=mailboxes, resources=resources))
    result = single_result(the_plan, "domain", the_plan.after or {}, outcome=outcome, diff=diff_view(the_plan) if diff else None)
    if desired.state == "absent":
        result["mailboxes_deleted"] = list(the_plan.mailboxes_delete or [])
        result["resources_deleted"] = list(the_plan.resources_delete or [])
    return result


def name_relayhost(client: MailcowClient, desired: Desired, before: dict[str, t.Any] | None) -> tuple[Desired, dict[str, t.Any] | None]:
    """The id of the wanted relayhost, and the host name of the domain's (one listing of the relayhosts).

    Refused before any write: a host name this Mailcow has no relayhost of, or has more than one of.
    """
    relayhosts = RelayhostNames(client)
    relayhost_id = relayhosts.id_of(desired.attrs["relayhost"], "domain %s" % desired.domain)
    if before is not None:
        before = dict(before, relayhost=relayhosts.name_of(before["relayhost_id"]))
    return desired._replace(relayhost_id=relayhost_id), before


def with_template(client: MailcowClient, desired: Desired) -> Desired:
    """The id and values of the domain template a new domain is made from (one listing of the templates).

    Refused before any write: a name this Mailcow has no domain template of (add/domain would silently use Default
    instead), or has more than one of.
    """
    listed = read_rows(client, DOMAIN_TEMPLATE)
    row = only_row(DOMAIN_TEMPLATE, desired.template or "", listed.get(DOMAIN_TEMPLATE.key_of(desired.template), []))
    if row is None:
        raise MailcowNotFoundError("template: %s is not a domain template of this Mailcow, so domain %s was not created (Mailcow would "
                                   "silently use Default): create it first with mailcow_domain_template (known: %s)"
                                   % (desired.template, desired.domain, ", ".join(rows[0].item["name"] for rows in listed.values()) or "none"))
    return desired._replace(template_id=row.item["id"], template_defaults={key: row.item[key] for key in CREATE_DEFAULTS})
