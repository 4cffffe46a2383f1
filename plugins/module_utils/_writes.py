# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: carrying out many writes the way Mailcow allows, and what failed.

Mailcow's edit and delete take a list of items, so plans that send the same attributes share one
request; adds take one object each and run with bounded concurrency. Every independent write is
attempted, except after a few consecutive connection failures: the server is taken for dead and no
new write is started. A write whose outcome is unknown (answer lost, empty body, or "exists" on
an add we planned) is set aside to be decided by re-reading the object once (see ``resolve``).
The failures are raised once at the end, summarised (count per cause, the first names) with every
entry in the error's ``details``.
"""

from __future__ import annotations

import json
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowBatchError,
    MailcowError,
    MailcowExistsError,
    MailcowNotFoundError,
    MailcowTransportError,
    MailcowUnknownOutcomeError,
)

Failure = t.Tuple[t.List[str], MailcowError]
# Consecutive connection failures (or 502/503/504 answers) after which no new write is started.
STOP_AFTER = 3
# Names listed in a summary message; the result lists them all.
FIRST = 10


def _address(plan: t.Any) -> t.Any:
    return plan.address


def group(plans: t.Sequence[t.Any], field: str, *, item: t.Callable[[t.Any], t.Any] = _address) -> list[tuple[dict[str, t.Any], list[t.Any]]]:
    """Plans whose ``field`` holds the same attributes share one request: ``[(attr, [item, ...])]``.

    ``item`` names a plan in the request (the address by default, Mailcow's numeric id for aliases).
    Plans without attributes in ``field`` are left out.
    """
    groups: dict[str, tuple[dict[str, t.Any], list[t.Any]]] = {}
    for plan in plans:
        attr = getattr(plan, field)
        if attr:
            key = json.dumps(attr, sort_keys=True)
            groups.setdefault(key, (attr, []))[1].append(item(plan))
    return list(groups.values())


# What a proxy in front of Mailcow answers when PHP is down or overloaded: the server looks dead.
GATEWAY_STATUSES = frozenset((502, 503, 504))


# Refusals Mailcow gives alike to an object that already exists and to an invalid one (add/alias-domain
# answers alias_domain_invalid for both; add/domain-policy and add/mailbox-policy policy_list_from_exists
# for a sender on either list): on an add whose own checks passed, as undecided as "exists".
MAYBE_EXISTS_KEYS = frozenset(("alias_domain_invalid", "policy_list_from_exists"))


# Mailcow's refusals to delete an object that is not there (recorded: delete/mailbox, alias,
# alias-domain and syncjob answer access_denied, delete/domain-admin username_invalid,
# delete/app-passwd app_passwd_id_invalid). A delete planned from a read may meet one because
# another run deleted the object meanwhile: undecided until re-read.
GONE_KEYS = frozenset(("access_denied", "username_invalid", "app_passwd_id_invalid"))


def _exists(exc: MailcowError) -> bool:
    return isinstance(exc, MailcowExistsError) or exc.msg_key in MAYBE_EXISTS_KEYS


def _gone(exc: MailcowError) -> bool:
    return exc.msg_key in GONE_KEYS


def answer_lost(exc: MailcowError) -> bool:
    """The write may have been carried out: empty body, the connection broke after sending, or the
    proxy gave up waiting for PHP (504)."""
    if isinstance(exc, MailcowUnknownOutcomeError) or exc.status == 504:
        return True
    return isinstance(exc, MailcowTransportError) and exc.answer_lost


def _connection_failure(exc: MailcowError) -> bool:
    """No answer at all, or only the proxy's: counts towards taking the server for dead."""
    return (isinstance(exc, MailcowTransportError) and exc.status is None) or exc.status in GATEWAY_STATUSES


def _stop_reason(streak: int, proxy: int) -> str:
    """Why the server was taken for dead: no connection, only a proxy's 502/503/504 pages, or both."""
    if not proxy:
        return "%d consecutive connection failures" % streak
    if proxy == streak:
        return "%d consecutive HTTP 502/503/504 answers of a proxy (Mailcow itself not answering)" % streak
    return "%d consecutive connection failures or HTTP 502/503/504 answers of a proxy" % streak


class Writes:
    """The writes of one module run: what was done, what failed, what is undecided, what was skipped."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.failures: list[Failure] = []
        self.unknown: list[Failure] = []
        self.not_attempted: list[str] = []
        self.streak = 0  # consecutive connection failures
        self.proxy_streak = 0  # how many of them were 502/503/504 answers of a proxy
        self.stop_reason = ""  # why writes were not attempted, for the summary
        self._lock = threading.Lock()

    @property
    def stopped(self) -> bool:
        """The server looks dead: start no new write."""
        return self.streak >= STOP_AFTER

    def attempt(self, items: list[str], call: t.Callable[..., t.Any], *args: t.Any, exists_unknown: bool = False, gone_unknown: bool = False) -> bool:
        """Run one write unless the server looks dead; record its outcome. True when it succeeded.

        ``exists_unknown``: an add answered "exists" (or a refusal Mailcow gives alike to an existing
        object, MAYBE_EXISTS_KEYS) is undecided (someone may have added the same object at once)
        rather than a failure. ``gone_unknown``: a delete refused as "not there" (GONE_KEYS) is
        undecided too (another run may have deleted the objects meanwhile).
        """
        if self.stopped:
            with self._lock:
                self.stop_reason = self.stop_reason or _stop_reason(self.streak, self.proxy_streak)
                self.not_attempted.extend(items)
            return False
        try:
            call(*args)
        except MailcowError as exc:
            self._record(items, exc, exists_unknown, gone_unknown)
            return False
        with self._lock:
            self.streak = self.proxy_streak = 0
            self.done.extend(items)
        return True

    def _record(self, items: list[str], exc: MailcowError, exists_unknown: bool, gone_unknown: bool = False) -> None:
        with self._lock:
            if _connection_failure(exc):
                self.streak += 1
                self.proxy_streak += int(exc.status in GATEWAY_STATUSES)
            else:
                self.streak = self.proxy_streak = 0
            if answer_lost(exc) or (exists_unknown and _exists(exc)) or (gone_unknown and _gone(exc)):
                self.unknown.append((items, exc))
            else:
                self.failures.append((items, exc))

    def attempt_parallel(self, jobs: t.Sequence[tuple[list[str], t.Callable[[], t.Any]]], *, concurrency: int, exists_unknown: bool = False) -> None:
        """Run independent writes (``(items, call)``) at most ``concurrency`` at a time."""
        if not jobs:
            return
        marks = (len(self.failures), len(self.unknown))
        with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(jobs)))) as pool:
            list(pool.map(lambda job: self.attempt(job[0], job[1], exists_unknown=exists_unknown), jobs))
        # Outcomes in job order, whatever order the answers came in.
        order = {id(job[0]): index for index, job in enumerate(jobs)}
        self.failures[marks[0]:] = sorted(self.failures[marks[0]:], key=lambda failure: order.get(id(failure[0]), 0))
        self.unknown[marks[1]:] = sorted(self.unknown[marks[1]:], key=lambda failure: order.get(id(failure[0]), 0))

    def merge(self, other: "Writes") -> None:
        """Take over the outcomes of a follow-up round (e.g. the retry of a resolution)."""
        self.done.extend(other.done)
        self.failures.extend(other.failures)
        self.not_attempted.extend(other.not_attempted)
        self.streak, self.proxy_streak = other.streak, other.proxy_streak
        self.stop_reason = self.stop_reason or other.stop_reason
        for items, exc in other.unknown:
            self.failures.append((items, undecided(exc, "after a retry")))

    def raise_failures(self) -> None:
        """Raise what failed, saying what was done, what was refused and what was not attempted.

        The only write of a run, refused, is raised as Mailcow's refusal (named by its entry when the
        message does not name it); anything more (other writes done, skipped, or several refused) as
        one summarised MailcowBatchError with ``changed`` true when any write was carried out.
        """
        self.failures.extend((items, undecided(exc, "")) for items, exc in self.unknown)
        self.unknown = []
        if len(self.failures) == 1 and not self.not_attempted and not self.done:
            items, exc = self.failures[0]
            raise named(exc, items)
        if self.failures or self.not_attempted:
            raise summary_error(self)


def undecided(exc: MailcowError, when: str) -> MailcowError:
    """The error of a write whose outcome no re-read decided."""
    text = "%s; its outcome is unknown%s: the write may have been applied (re-run to converge)" % (exc, " " + when if when else "")
    return MailcowUnknownOutcomeError(text, method=exc.method, path=exc.path, status=exc.status, msg_key=exc.msg_key, msg_args=exc.msg_args)


def named(exc: MailcowError, items: list[str]) -> MailcowError:
    """``exc`` (the only write of a run, nothing else done) with ``failed_entries``; a refusal's with ``changed`` false and its
    message led by the entries it is about when it does not name them."""
    text = str(exc)
    refusal = exc.msg_key is not None and not isinstance(exc, (MailcowTransportError, MailcowUnknownOutcomeError))
    if refusal and not any(item.lower() in text.lower() for item in items):
        text = "%s: %s" % (", ".join(items), text)
    error = type(exc)(text, method=exc.method, path=exc.path, status=exc.status, msg_key=exc.msg_key, msg_args=exc.msg_args)
    if isinstance(exc, MailcowTransportError) and isinstance(error, MailcowTransportError):
        error.not_sent, error.timed_out = exc.not_sent, exc.timed_out
    error.details = dict(exc.details, failed_entries=[{"item": item, "error": str(exc)} for item in items])
    if exc.partly_applied:
        error.details.update(changed=True, partly_done=list(items))
    elif refusal:  # refused: surely not carried out (a write whose answer was lost may have been)
        error.details["changed"] = False
    return error


MISSING_DOMAIN = "domain %s does not exist on this Mailcow (create it with mailcow_domain or the role's mailcow_domain_settings)"


def explain_missing_domain(writes: Writes, path: str, exists: t.Callable[[str], bool]) -> None:
    """Adds refused because their domain does not exist: say so, and how to create it.

    Mailcow answers ``access_denied`` to an add/mailbox in a missing domain (then one read of the
    domain decides) and ``domain_not_found`` to an add/alias (no read needed).
    """
    refused = [(items, exc) for items, exc in writes.failures if exc.path == path and exc.msg_key in ("access_denied", "domain_not_found")]
    if not refused:
        return
    domain = refused[0][0][0].rpartition("@")[2]
    if refused[0][1].msg_key == "access_denied" and exists(domain):
        return
    count = sum(len(items) for items, _exc in refused)
    error = MailcowNotFoundError(
        MISSING_DOMAIN % domain + (": %d not created" % count if count > 1 else ""),
        method="POST", path=path, status=200, msg_key=refused[0][1].msg_key,
    )
    if len(refused) == len(writes.failures) and not writes.not_attempted and not writes.unknown:
        if count > 1:
            each = "domain %s does not exist on this Mailcow" % domain
            error.details = {"failed_entries": [{"item": item, "error": each} for items, _exc in refused for item in items]}
        raise error
    writes.failures = [(items, error if (items, exc) in refused else exc) for items, exc in writes.failures]


def _cause(exc: MailcowError) -> str:
    if isinstance(exc, MailcowTransportError):
        if exc.not_sent:
            return "could not connect"
        if exc.answer_lost:
            return "connection lost after sending"
        return "HTTP %s" % exc.status if exc.status else "transport error"
    if isinstance(exc, MailcowUnknownOutcomeError):
        return "outcome unknown"
    name = type(exc).__name__
    return exc.msg_key or ("error" if name == "MailcowError" else name)


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:FIRST])
    return shown + (", ... (%d more)" % (len(items) - FIRST) if len(items) > FIRST else "")


def summary_error(writes: Writes) -> MailcowBatchError:
    """Count per cause with one example message each, the first names, every entry in ``details``.

    ``done`` lists the entries whose writes were all carried out; an entry of which some writes were
    carried out and another failed (e.g. a mailbox added whose sender_acl edit was refused) is
    ``partly_done``, as is one whose refused request Mailcow partly carried out. ``changed`` is true when any write was carried out.
    """
    by_cause: dict[str, list[Failure]] = {}
    for failure in writes.failures:
        by_cause.setdefault(_cause(failure[1]), []).append(failure)
    failed = [item for items, _exc in writes.failures for item in items]
    done = [item for item in writes.done if item not in set(failed)]
    applied = [item for items, exc in writes.failures if exc.partly_applied for item in items]
    partly = list(dict.fromkeys([item for item in writes.done if item in set(failed)] + applied))
    parts = []
    if failed:
        causes = "; ".join(_cause_part(cause, group_) for cause, group_ in by_cause.items())
        parts.append("%d failed (%s): %s" % (len(failed), causes, _names(failed)))
    if writes.not_attempted:
        reason = writes.stop_reason or _stop_reason(STOP_AFTER, 0)
        parts.append("%d not attempted after %s: %s" % (len(writes.not_attempted), reason, _names(writes.not_attempted)))
    if partly:
        parts.append("%d partly done (some of their writes were carried out): %s" % (len(partly), _names(partly)))
    parts.append("%d done%s" % (len(done), ": " + _names(done) if done else ""))
    error = MailcowBatchError("; ".join(parts) + ". Every entry is listed in failed_entries, not_attempted and done")
    error.details = {
        "changed": bool(writes.done or partly),
        "failed_entries": [{"item": item, "error": str(exc)} for items, exc in writes.failures for item in items],
        "not_attempted": list(writes.not_attempted),
        "done": done,
    }
    if partly:
        error.details["partly_done"] = partly
    return error


def _cause_part(cause: str, failures: list[Failure]) -> str:
    """"2 mailbox_quota_exceeded, e.g. <message>", or for one entry "mailbox_quota_exceeded: <message>"."""
    count = sum(len(items) for items, _exc in failures)
    if count == 1:
        return "%s: %s" % (cause, failures[0][1])
    return "%d %s, e.g. %s" % (count, cause, failures[0][1])


class Resolver(t.NamedTuple):
    """How one kind of object is re-read, planned again and written, for ``resolve``."""

    reread: t.Callable[[list[str]], dict[str, t.Any]]  # items -> current normalised objects by item (absent: missing)
    replan: t.Callable[[t.Any, t.Any], t.Any]  # (original plan, current object or None) -> new plan
    apply: t.Callable[[list[t.Any]], Writes]  # carry out plans, without resolving


def resolve(writes: Writes, plans: dict[str, t.Any], resolver: Resolver) -> dict[str, str]:
    """Decide every undecided write by re-reading its objects once; returns ``{item: outcome}``.

    An object that now matches its plan is a success: outcome ``created_concurrently`` for an add
    answered "exists" or with an empty body (the signature of two runs adding it at once), else
    ``confirmed``. One that differs is written once more through a new plan (outcome ``retried``);
    one that is absent (or still present, for a delete) is a failure saying so.
    """
    if not writes.unknown:
        return {}
    unknown, writes.unknown = writes.unknown, []
    items = [item for entry_items, _exc in unknown for item in entry_items]
    try:
        current = {} if writes.stopped else resolver.reread(items)
    except MailcowError as reread_error:
        writes.failures.extend((entry_items, undecided(error, "(re-reading failed: %s)" % reread_error)) for entry_items, error in unknown)
        return {}
    if writes.stopped:
        writes.failures.extend((entry_items, undecided(error, "(the server stopped answering)")) for entry_items, error in unknown)
        return {}
    outcomes: dict[str, str] = {}
    retries: dict[str, t.Any] = {}
    for entry_items, exc in unknown:
        for item in entry_items:
            before = plans[item]
            again = resolver.replan(before, current.get(item))
            if again.action == "none":
                outcomes[item] = _settled_by(before.action, exc)
                writes.done.append(item)
            elif again.action == "update" and before.action != "delete":
                retries[item] = again
            elif isinstance(exc, MailcowTransportError) and exc.timed_out:
                # Not there (yet): the server may still be working on the request that timed out.
                writes.failures.append(([item], undecided(exc, "(re-reading shows it not done yet; the server may still be carrying it out)")))
            else:
                writes.failures.append(([item], _decided(before, exc)))
    if retries:
        second = resolver.apply(list(retries.values()))
        writes.merge(second)
        outcomes.update((item, "retried") for item, again in retries.items() if name(again) in second.done)
    return outcomes


def _settled_by(action: str, exc: MailcowError) -> str:
    """The outcome of a write a re-read shows done: done by another run at once, or done by this one."""
    if action == "create" and (_exists(exc) or isinstance(exc, MailcowUnknownOutcomeError)):
        return "created_concurrently"
    if action == "delete" and _gone(exc):
        return "deleted_concurrently"
    return "confirmed"


def name(plan: t.Any) -> str:
    """How a plan's object is named in writes and results (a domain plan has no address)."""
    return str(getattr(plan, "address", None) or plan.domain)


def label(plan: t.Any) -> str:
    """How messages name a plan's object: its ``label`` where the name alone is ambiguous, else its name."""
    return str(getattr(plan, "label", None) or name(plan))


def _decided(plan: t.Any, exc: MailcowError) -> MailcowError:
    what = "not created" if plan.action == "create" else "not deleted" if plan.action == "delete" else "not updated"
    # Decided now: an "exists" or other refusal keeps its class, an answer that was lost does not.
    cls = MailcowError if isinstance(exc, (MailcowUnknownOutcomeError, MailcowTransportError)) else type(exc)
    return cls(
        "%s %s: %s; re-reading shows %s" % (label(plan), what, exc, "it still exists" if plan.action == "delete" else "no such object"),
        method=exc.method, path=exc.path, status=exc.status, msg_key=exc.msg_key, msg_args=exc.msg_args,
    )
