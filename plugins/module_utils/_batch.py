# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: carrying out many writes the way Mailcow allows.

Mailcow's edit and delete take a list of items, so plans that send the same attributes share one
request; adds take one object each and run with bounded concurrency. Every independent write is
attempted; the failures are collected and raised once, naming the items of each.
"""

from __future__ import annotations

import json
import typing as t
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError

Failure = t.Tuple[t.List[str], MailcowError]


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


def attempt(failures: list[Failure], items: list[str], call: t.Callable[..., t.Any], *args: t.Any) -> Failure | None:
    """Run one write; record (and return) its failure instead of stopping the others."""
    try:
        call(*args)
    except MailcowError as exc:
        failures.append((items, exc))
        return items, exc
    return None


def attempt_parallel(failures: list[Failure], jobs: t.Sequence[tuple[list[str], t.Callable[[], t.Any]]], *, concurrency: int) -> None:
    """Run independent writes (``(items, call)``) at most ``concurrency`` at a time; failures in job order."""
    if not jobs:
        return
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(jobs)))) as pool:
        outcomes = list(pool.map(lambda job: attempt([], job[0], job[1]), jobs))
    failures.extend(outcome for outcome in outcomes if outcome)


def raise_failures(failures: list[Failure]) -> None:
    """One failure is raised as it is; several as one MailcowError naming the items of each."""
    if len(failures) == 1:
        raise failures[0][1]
    if failures:
        raise MailcowError("%d writes failed: %s" % (len(failures), "; ".join("%s: %s" % (", ".join(items), exc) for items, exc in failures)))
