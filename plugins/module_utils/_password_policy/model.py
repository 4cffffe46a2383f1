# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the password policy model and Mailcow's password check (no I/O).

get/passwordpolicy answers the five rules as strings (``{"length": "6", "chars": "0", ...}``).
edit/passwordpolicy always answers ``password_policy_saved``, but keeps the old length when the new
one is below 3 or not a number, and stores any other rule as PHP's intval() of what it got
(``"yes"`` becomes 0): so every option is checked here before any request, and the policy is read
back after an edit. A character class is required only when its value is exactly 1.

Mailcow's password_check() refuses a password that is empty for PHP (``""`` and ``"0"``), shorter
in bytes (strlen) than ``length``, or lacking a required class: ``chars`` a letter a-z or A-Z,
``special_chars`` a character other than a-z, A-Z and 0-9, ``numbers`` a digit 0-9, ``lowerupper``
both a lower-case and an upper-case letter a-z / A-Z. check_password() below is that check.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._names import INT32_MAX, to_int, whole

CLASSES = ("chars", "special_chars", "lowerupper", "numbers")
RULES = ("length",) + CLASSES
MIN_LENGTH = 3  # edit/passwordpolicy keeps the old length below this
# Each character class: (what the password needs, PCRE pattern as Mailcow's password_check() uses it on bytes).
CLASS_TESTS = {
    "chars": ("a letter a-z or A-Z", (re.compile(r"[a-zA-Z]"),)),
    "special_chars": ("a character other than a-z, A-Z and 0-9", (re.compile(r"[^a-zA-Z0-9]"),)),
    "lowerupper": ("both a lower-case and an upper-case letter (a-z, A-Z)", (re.compile(r"[a-z]"), re.compile(r"[A-Z]"))),
    "numbers": ("a digit 0-9", (re.compile(r"[0-9]"),)),
}


def normalize(raw: t.Any) -> dict[str, t.Any]:
    """get/passwordpolicy -> ``length`` as an int, each class as whether it is required (its value is 1)."""
    raw = raw if isinstance(raw, dict) else {}
    policy: dict[str, t.Any] = {"length": to_int(raw.get("length"))}
    policy.update((rule, to_int(raw.get(rule)) == 1) for rule in CLASSES)
    return policy


def desired_from_params(params: dict[str, t.Any]) -> dict[str, t.Any]:
    """The rules given, checked before anything is sent; the others stay as Mailcow has them."""
    desired: dict[str, t.Any] = {}
    if params.get("length") is not None:
        desired["length"] = whole(params["length"], "length", MIN_LENGTH, INT32_MAX,
                                  "a whole number of characters (Mailcow keeps its old length below %d)" % MIN_LENGTH)
    desired.update((rule, bool(params[rule])) for rule in CLASSES if params.get(rule) is not None)
    return desired


class Plan(t.NamedTuple):
    before: dict[str, t.Any]
    after: dict[str, t.Any]
    changes: list[str]  # rules that differ

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def edit_body(self) -> dict[str, t.Any]:
        """Every rule, as numbers (Mailcow ignores ``items`` here; the recorded requests send one)."""
        after = self.after
        attr: dict[str, t.Any] = {"length": after["length"]}
        attr.update((rule, 1 if after[rule] else 0) for rule in CLASSES)
        return {"items": ["x"], "attr": attr}


def plan(desired: dict[str, t.Any], before: dict[str, t.Any]) -> Plan:
    after = dict(before, **desired)
    return Plan(before, after, [rule for rule in RULES if after[rule] != before[rule]])


def mismatch(expected: dict[str, t.Any], found: dict[str, t.Any]) -> list[str]:
    """Rules Mailcow kept otherwise than sent, as ``name: kept X instead of Y``."""
    return ["%s: kept %r instead of %r" % (rule, found[rule], expected[rule]) for rule in RULES if found[rule] != expected[rule]]


def failed_rules(policy: dict[str, t.Any], password: str) -> list[tuple[str, str]]:
    """The rules of ``policy`` (normalised) that Mailcow's password_check() would refuse ``password`` by, each with what it needs.

    (rule, what it needs) pairs; never the password itself, only rule names and the policy's values.
    """
    if password in ("", "0"):
        return [("empty", 'a password PHP does not take as empty ("" and "0" are)')]
    failed = []
    if len(password.encode("utf-8")) < policy["length"]:
        failed.append(("length", "at least %d characters, counted in bytes (a non-ASCII character counts 2 to 4)" % policy["length"]))
    for rule in CLASSES:
        what, patterns = CLASS_TESTS[rule]
        if policy[rule] and not all(pattern.search(password) for pattern in patterns):
            failed.append((rule, what))
    return failed
