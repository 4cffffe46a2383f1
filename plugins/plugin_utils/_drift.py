# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the drift of one domain, from the mailboxes role's results in check mode with diff.

Each result the role registered is read the same way: a bulk result's per-object diffs (each headed by
the object's address), a single result's diff, a loop's results one by one. An object the run would
create is in the code but not on the server; one it would delete (purge) is on the server but not in
the code; one it would update differs, in the fields whose before and after differ.
"""

from __future__ import annotations

import typing as t

NAME_FIELDS = ("address", "username", "alias_domain", "mailbox", "domain")
SECRET_FIELDS = ("password", "remote_password")


def _label(kind: str, diff: dict[str, t.Any], fallback: t.Any) -> str:
    if diff.get("before_header"):
        return "%s %s" % (kind, diff["before_header"])
    for side in (_mapping(diff.get("before")), _mapping(diff.get("after"))):
        for field in NAME_FIELDS:
            if side.get(field):
                return "%s %s" % (kind, side[field])
    return "%s %s" % (kind, fallback)


def _mapping(side: t.Any) -> dict[str, t.Any]:
    """One side of a diff as a mapping; a text side (mailcow_sieve_filter's: ``key: value`` lines, a multi-line value
    indented under ``key: |``) is read back into one."""
    if not isinstance(side, str):
        return side or {}
    found: dict[str, t.Any] = {}
    key = ""
    for line in side.splitlines():
        if line.startswith("  ") and key:
            found[key] += line[2:] + "\n"
        else:
            key, _sep, value = line.partition(": ")
            found[key] = "" if value == "|" else value
    return found


def _diffs(result: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    diff = result.get("diff")
    if isinstance(diff, list):
        return [d for d in diff if isinstance(d, dict)]
    return [diff] if isinstance(diff, dict) else []


def _fields(before: dict[str, t.Any], after: dict[str, t.Any]) -> list[str]:
    return sorted(key for key in set(before) | set(after) if key not in SECRET_FIELDS and before.get(key) != after.get(key))


def drift(results: dict[str, t.Any], domain: str) -> dict[str, t.Any]:
    """``{kind: registered result}`` -> ``{domain, create, change: {label: [fields]}, not_in_code, drift, summary, report}``.

    ``report`` holds create, change and not_in_code alone, for a machine-readable file.
    """
    create: list[str] = []
    change: dict[str, list[str]] = {}
    not_in_code: list[str] = []

    def read(kind: str, result: t.Any, fallback: t.Any) -> None:
        if not isinstance(result, dict) or result.get("skipped"):
            return
        for index, item in enumerate(result.get("results") or []):
            read(kind, item, item.get("item", index) if isinstance(item, dict) else index)
        if not result.get("changed"):
            return
        diffs = _diffs(result)
        if not diffs:
            # Without --diff only a bulk result names its objects, by action.
            for item in next((v for v in result.values() if isinstance(v, list) and v and isinstance(v[0], dict) and "action" in v[0]), []):
                _sort("%s %s" % (kind, item.get("address") or item.get("filter")), item.get("action"), [])
            if "action" in result and not result.get("results"):
                _sort("%s %s" % (kind, fallback), result["action"], [])
            return
        for diff in diffs:
            before, after = _mapping(diff.get("before")), _mapping(diff.get("after"))
            label = _label(kind, diff, fallback)
            _sort(label, "created" if not before else "deleted" if not after else "updated", _fields(before, after))

    def _sort(label: str, action: t.Any, fields: list[str]) -> None:
        if action == "created":
            create.append(label)
        elif action == "deleted":
            not_in_code.append(label)
        else:
            change[label] = fields

    for kind in sorted(results):
        read(kind, results[kind], domain)
    create.sort()
    not_in_code.sort()
    parts = []
    if create:
        parts.append("%d to create" % len(create))
    if change:
        fields = sorted({field for changed in change.values() for field in changed})
        parts.append("%d to change%s" % (len(change), " (%s)" % ", ".join(fields) if fields else ""))
    if not_in_code:
        parts.append("%d not in code" % len(not_in_code))
    return {
        "domain": domain,
        "create": create,
        "change": dict(sorted(change.items())),
        "not_in_code": not_in_code,
        "drift": bool(parts),
        "report": {"create": create, "change": dict(sorted(change.items())), "not_in_code": not_in_code},
        "summary": "%s: %s" % (domain, ", ".join(parts) if parts else "no drift"),
    }
