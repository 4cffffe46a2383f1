# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the bulk forms' shared steps (entries in, results out).

mailcow_mailbox ``mailboxes:`` and mailcow_alias ``aliases:`` take a whole domain's objects: every
entry is validated and planned before anything is written, errors name the entry and the field,
and the result counts every action while listing only the objects that change.
"""

from __future__ import annotations

import json
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import PURGE_MAX_SHARE_DEFAULT
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import Masker, run_api_module, secret_forms, userinfo_parts

ACTION_WORDS = {"create": "created", "update": "updated", "delete": "deleted", "none": "unchanged"}


def single_result(
    the_plan: t.Any, kind: str, after: t.Any, *, outcome: str | None, diff: dict[str, t.Any] | None, words: dict[str, str] | None = None
) -> dict[str, t.Any]:
    """What a single-object run returns: changed, the action's word (``words``, default ACTION_WORDS), the object
    under ``kind``, how an undecided write was settled (``outcome``), and the diff when one was asked for."""
    result: dict[str, t.Any] = {"changed": the_plan.changed, "action": (words or ACTION_WORDS)[the_plan.action], kind: after}
    if outcome:
        result["outcome"] = outcome
    if diff is not None:
        result["diff"] = diff
    return result


def _address(desired: t.Any) -> t.Any:
    return desired.address


def _what_is_outside(desired: t.Any) -> str:
    return "address"


def validate_entries(
    entries: list[dict[str, t.Any]], domain: str | None, *, kind: str, parse: t.Callable[..., t.Any], key: t.Callable[[t.Any], t.Any] = _address,
    named_by: tuple[str, ...] = ("address", "local_part"), outside: t.Callable[[t.Any], str] = _what_is_outside,
) -> list[t.Any]:
    """Each entry parsed with ``parse(entry, where=)`` and named once, before anything is read or written.

    ``named_by``: the fields that name an entry in messages; with ``domain``, each entry must be in it
    (``outside(desired)`` names what is not).
    """
    desireds = []
    seen: dict[t.Any, int] = {}
    for index, entry in enumerate(entries):
        where = "%s[%d] (%s)" % (kind, index, next((entry[field] for field in named_by if entry.get(field)), "?"))
        if entry.get("address") and entry.get("local_part"):
            raise MailcowOptionError("%s: give address or local_part, not both" % where)
        desired = parse(entry, where=where)
        if domain is not None and desired.domain != domain:
            raise MailcowOptionError("%s: %s is not in domain %s" % (where, outside(desired), domain))
        if key(desired) in seen:
            raise MailcowOptionError("%s: %s is listed twice (also %s[%d])" % (where, desired.address, kind, seen[key(desired)]))
        seen[key(desired)] = index
        desireds.append(desired)
    return desireds


def plan_entries(
    desireds: list[t.Any], existing: dict[t.Any, t.Any], plan: t.Callable[[t.Any, t.Any], t.Any], *, kind: str,
    key: t.Callable[[t.Any], t.Any] = _address,
) -> list[t.Any]:
    """One plan per entry; every entry is planned before anything is written, so nothing is half-done."""
    plans = []
    for index, desired in enumerate(desireds):
        try:
            plans.append(plan(desired, existing.get(key(desired))))
        except MailcowOptionError as exc:
            raise MailcowOptionError("%s[%d]: %s" % (kind, index, exc)) from None
    return plans


# The role variables that set purge_allow_empty and purge_max_share: the role that passes them, and their names there.
MAILBOXES_ROLE_PURGE = ("glassdome.mailcow.mailboxes", "mailcow_mailboxes_purge_allow_empty", "mailcow_mailboxes_purge_max_share")
SERVER_ROLE_PURGE = ("glassdome.mailcow.server", "mailcow_server_purge_allow_empty", "mailcow_server_purge_max_share")


def guard_purge(purged: list[str], existing: int, params: dict[str, t.Any], *, kind: str, domain: str, scope: str = "domain",
                role: tuple[str, str, str] = MAILBOXES_ROLE_PURGE) -> None:
    """Refuse, before any write (and in check mode alike), a purge that looks like a mistake.

    ``domain`` names what holds the objects, a ``scope`` (a domain, or a mailbox for its app passwords).

    An empty ``kind`` list deletes the whole domain: only with purge_allow_empty. Deleting more than
    purge_max_share percent of the domain's ``existing`` objects in one run: only with that raised,
    whatever the list (so emptying a domain takes both options, and one of them alone never does).
    The message names what would be deleted (the first 10 and the count) and the option to change, with
    the variable that sets it in the ``role`` that passes it (the mailboxes role by default), where the user meets it under that name.
    """
    shown = ", ".join(purged[:10]) + (" and %d more" % (len(purged) - 10) if len(purged) > 10 else "")
    would = "would delete %d of the %d %s of %s%s" % (len(purged), existing, kind, domain, ": %s" % shown if purged else "")
    if not params[kind] and not params.get("purge_allow_empty"):
        raise MailcowOptionError(
            "purge=true with an empty %s list %s. Refused because an empty or misspelt list would empty the %s: "
            "set purge_allow_empty=true (and purge_max_share=100) if that is what you want (in the %s "
            "role: %s and %s)" % (kind, would, scope, *role)
        )
    limit = params.get("purge_max_share")
    limit = PURGE_MAX_SHARE_DEFAULT if limit is None else limit
    if purged and len(purged) * 100 > limit * existing:
        raise MailcowOptionError(
            "purge=true %s, which is more than purge_max_share=%d%% of them in one run. Check the %s list, or raise "
            "purge_max_share (up to 100; in the %s role: %s) "
            "to allow it" % (would, limit, kind, role[0], role[2])
        )


def bulk_result(
    plans: list[t.Any], *, kind: str, diff: bool, before_view: t.Callable[[t.Any], t.Any], after_view: t.Callable[[t.Any], t.Any],
    check_mode: bool = False, outcomes: dict[str, str] | None = None, named: str = "address",
) -> dict[str, t.Any]:
    """``changed``, per-object results for what changes, ``summary`` counts, ``msg`` in words, and one diff per changed object.

    ``named``: the key that names each object in the per-object results (an address, or a relayhost's host name).

    ``outcomes``: writes whose answer was lost or ambiguous and that re-reading decided
    (``created_concurrently``, ``deleted_concurrently``, ``confirmed``, ``retried``), shown as each object's ``outcome``.
    """
    changed_plans = [p for p in plans if p.changed]
    summary = {word: 0 for word in ACTION_WORDS.values()}
    for p in plans:
        summary[ACTION_WORDS[p.action]] += 1
    # Unchanged objects are only counted: Ansible masks every no_log value (each mailbox's password)
    # in every returned string, which costs N x N on a domain of thousands and reads as noise.
    items = [{named: p.address, "action": ACTION_WORDS[p.action], "changed": True} for p in changed_plans]
    for item in items:
        if outcomes and item[named] in outcomes:
            item["outcome"] = outcomes[item[named]]
    result: dict[str, t.Any] = {"changed": bool(changed_plans), kind: items, "summary": summary, "msg": summary_sentence(plans, check_mode=check_mode)}
    if diff:
        # A list of diffs, one per object, each headed by the object's address: Ansible shows each as its own hunk.
        result["diff"] = [
            {"before_header": p.address, "after_header": p.address, "before": before_view(p) if p.before else {}, "after": after_view(p) if p.after else {}}
            for p in changed_plans
        ]
    return result


SENTENCE_VERBS = (("create", "created", "would create"), ("update", "updated", "would update"), ("delete", "deleted", "would delete"))
NAMED_IN_SENTENCE = 10


def summary_sentence(plans: list[t.Any], *, check_mode: bool = False) -> str:
    """What a bulk run did (or, in check mode, would do), in words: "created 2 (dave, erin), deleted 1 (old), 9 unchanged".

    Objects are named by local part (the domain is the module's), the first ten of each action, then "and N more".
    """
    parts = []
    for action, done, would in SENTENCE_VERBS:
        names = [_short_name(p.address) for p in plans if p.action == action]
        if names:
            shown = ", ".join(names[:NAMED_IN_SENTENCE]) + (", and %d more" % (len(names) - NAMED_IN_SENTENCE) if len(names) > NAMED_IN_SENTENCE else "")
            parts.append("%s %d (%s)" % (would if check_mode else done, len(names), shown))
    unchanged = sum(1 for p in plans if p.action == "none")
    if not parts:
        return "no change (%d unchanged)" % unchanged if unchanged else "no change (none listed)"
    return ", ".join(parts) + (", %d unchanged" % unchanged if unchanged else "")


def _short_name(address: str) -> str:
    """The local part of an address; the whole address for a catch-all (@domain)."""
    local = address.rpartition("@")[0]
    return local or address


def counted_entries(params: dict[str, t.Any], what: str) -> dict[str, t.Any]:
    """The options with each bulk list counted, not written out: ``"(N entries, not <what>)"``.

    Ansible echoes every option back (``invocation``) and logs it, each with every no_log value
    masked: for thousands of entries with passwords that is hundreds of KiB no one reads.
    """
    return {name: "(%d entries, not %s)" % (len(value), what) if _is_entry_list(value) else value for name, value in params.items()}


class BulkModule(AnsibleModule):
    """The AnsibleModule of a single-or-bulk module: a bulk list is counted, not logged or echoed, and secrets are masked once.

    AnsibleModule logs every invocation (syslog or journal) with each value scrubbed of every no_log
    value: for a list of thousands of entries with a password each that is thousands of string
    replacements over a text of hundreds of KiB (~0.26 s at 1000 mailboxes), for a log line no one
    can read. The list's entries are counted instead, as in the returned ``invocation``.

    Its result goes out the same way: ansible-core replaces every no_log value in every returned
    string, one after the other, which is entries x entries (5,000 mailboxes: 25 million
    replacements, 50,000: minutes). So the result is masked here once, against every no_log value,
    by Masker (linear in the result), and ansible-core's own pass that follows is left with the
    few secrets of the top-level options (api_key, a top-level password, api_url's userinfo).
    """

    def _log_invocation(self) -> None:
        # AnsibleModule sets params in __init__ without a type mypy can see. Its log line scrubs each option of every
        # no_log value, sorting all of them once per option: masked here in one pass instead, as the result is.
        params: dict[str, t.Any] = self.params  # type: ignore[has-type]
        every: set[str] = self.no_log_values  # type: ignore[has-type]
        self.params = Masker(every).value(counted_entries(params, "logged"))
        self.no_log_values = self._top_level_secrets() & every
        try:
            super()._log_invocation()
        finally:
            self.params = params
            self.no_log_values = every

    def _return_formatted(self, kwargs: dict[str, t.Any]) -> None:
        # The one step exit_json and fail_json (also a failed argument check in __init__) share,
        # after fail_json has added its traceback and before ansible-core masks and prints.
        params: dict[str, t.Any] = self.params
        kwargs.setdefault("invocation", {"module_args": counted_entries(params, "echoed")})
        every: set[str] = self.no_log_values
        masked = Masker(every).value(kwargs)
        self.no_log_values = self._top_level_secrets() & every
        try:
            super()._return_formatted(masked)
        finally:
            self.no_log_values = every

    def warn(self, warning: str, *args: t.Any, **kwargs: t.Any) -> None:
        # ansible-core 2.19 returns warnings as objects that its masking passes over: masked here.
        every: set[str] = self.no_log_values
        if getattr(self, "_warning_masker", (None, -1))[1] != len(every):
            self._warning_masker = (Masker(every), len(every))
        super().warn(self._warning_masker[0].text(str(warning)), *args, **kwargs)

    def _top_level_secrets(self) -> set[str]:
        """Every form of the values of the top-level no_log options and of api_url's userinfo."""
        params: dict[str, t.Any] = self.params
        values = [str(params[name]) for name, spec in self.argument_spec.items() if spec.get("no_log") and params.get(name) not in (None, "")]
        values += userinfo_parts(params.get("api_url"))
        forms = {form for value in values for form in secret_forms(value)}
        return forms | {form for value in forms for form in (repr(value)[1:-1], json.dumps(value)[1:-1])}


def _is_entry_list(value: t.Any) -> bool:
    return isinstance(value, list) and any(isinstance(entry, dict) for entry in value)


def run(module: AnsibleModule, kind: str, manage_one: t.Callable[..., dict[str, t.Any]], manage_many: t.Callable[..., dict[str, t.Any]]) -> None:
    """main() of a single-or-bulk module: the form the options ask for (a BulkModule counts the entries in ``invocation``)."""
    manage = manage_many if module.params[kind] is not None else manage_one

    def task(client: t.Any, params: dict[str, t.Any]) -> dict[str, t.Any]:
        return manage(client, params, check_mode=module.check_mode, diff=module._diff)

    run_api_module(module, task)
