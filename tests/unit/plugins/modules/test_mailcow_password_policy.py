# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_password_policy and mailcow_password_policy_info in-process against the emulator over HTTPS, and the password check
of mailcow_mailbox, mailcow_app_password and mailcow_domain_admin against the policy the emulator holds."""

from __future__ import annotations

import json
import re

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

DOMAIN = "pp.example"
STRICT = {"length": 10, "chars": True, "special_chars": True, "lowerupper": True, "numbers": True}
WEAK = "short1"  # 6 bytes, no upper case, no special character: the default policy takes it, STRICT does not
GOOD = "Long-enough-9"


def stored(emulated: Mailcow) -> dict:
    return emulated.emulator.request("GET", "/api/v1/get/passwordpolicy").json()


def writes(emulated: Mailcow) -> int:
    """API writes (add, edit, delete) since the last call."""
    routes = emulated.emulator.control("GET", "stats")["by_route"]
    emulated.emulator.control("POST", "stats/reset")
    return sum(count for route, count in routes.items() if re.search(r"POST /api/v1/(add|edit|delete)/", route))


def test_check_mode_then_change_then_unchanged(run_module: RunModule, emulated: Mailcow) -> None:
    fresh = stored(emulated)
    assert fresh == {"length": "6", "chars": "0", "special_chars": "0", "lowerupper": "0", "numbers": "0"}
    predicted = run_module("mailcow_password_policy", dict(emulated.conn(), **STRICT), check_mode=True, diff=True)
    assert predicted["rc"] == 0 and predicted["changed"] and stored(emulated) == fresh, predicted
    assert predicted["changes"] == ["length", "chars", "special_chars", "lowerupper", "numbers"]
    changed = run_module("mailcow_password_policy", dict(emulated.conn(), **STRICT), diff=True)
    assert changed["rc"] == 0 and changed["changed"] and changed["password_policy"] == STRICT == predicted["password_policy"], changed
    assert changed["diff"] == {"before": {"length": 6, "chars": False, "special_chars": False, "lowerupper": False, "numbers": False},
                               "after": STRICT}
    assert stored(emulated) == {"length": "10", "chars": "1", "special_chars": "1", "lowerupper": "1", "numbers": "1"}
    again = run_module("mailcow_password_policy", dict(emulated.conn(), **STRICT), diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["changes"] == [] and again["diff"]["before"] == again["diff"]["after"]
    partly = run_module("mailcow_password_policy", dict(emulated.conn(), chars=False))
    assert partly["changed"] and partly["password_policy"] == dict(STRICT, chars=False) and stored(emulated)["length"] == "10"
    seen = run_module("mailcow_password_policy_info", emulated.conn(RO_KEY))
    assert seen["rc"] == 0 and not seen["changed"] and seen["password_policy"] == dict(STRICT, chars=False), seen


def test_read_only_key_cannot_write_and_nothing_changes(run_module: RunModule, emulated: Mailcow) -> None:
    fresh = stored(emulated)
    result = run_module("mailcow_password_policy", dict(emulated.conn(RO_KEY), length=12))
    assert result["rc"] == 1 and "read-only" in result["msg"] and RO_KEY not in json.dumps(result), result
    assert stored(emulated) == fresh


def test_bad_input_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    before = emulated.emulator.control("GET", "stats")["requests"]
    result = run_module("mailcow_password_policy", dict(emulated.conn(), length=2))
    assert result["rc"] == 1 and result["msg"].startswith("length must be a whole number of characters"), result
    assert "from 3 to 2147483647, got 2" in result["msg"]
    assert emulated.emulator.control("GET", "stats")["requests"] == before


def _strict_with_a_domain(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["rc"] == 0
    assert run_module("mailcow_mailbox", dict(emulated.conn(), address="alice@" + DOMAIN, password=GOOD))["changed"]
    assert run_module("mailcow_password_policy", dict(emulated.conn(), **STRICT))["changed"]
    writes(emulated)


def _refused(result: dict, entry: str, *rules: str) -> None:
    assert result["rc"] == 1 and "password policy would refuse the password of %s" % entry in result["msg"], result
    for rule in rules:
        assert "%s: " % rule in result["msg"], (rule, result["msg"])
    assert WEAK not in json.dumps(result) and result["msg_key"] == "password_complexity"


def test_a_weak_mailbox_password_is_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    _strict_with_a_domain(run_module, emulated)
    for check_mode in (True, False):
        one = run_module("mailcow_mailbox", dict(emulated.conn(), address="bob@" + DOMAIN, password=WEAK), check_mode=check_mode)
        _refused(one, "mailbox bob@" + DOMAIN, "length", "special_chars", "lowerupper")
        entries = [{"local_part": "carol", "password": GOOD}, {"local_part": "dave", "password": WEAK}]
        bulk = run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries), check_mode=check_mode)
        _refused(bulk, "mailbox dave@" + DOMAIN, "length")
        assert "carol" not in bulk["msg"]
        changed = run_module("mailcow_mailbox", dict(emulated.conn(), address="alice@" + DOMAIN, password=WEAK, update_password="always"),
                             check_mode=check_mode)
        _refused(changed, "mailbox alice@" + DOMAIN, "length")
    assert writes(emulated) == 0
    assert emulated.emulator.request("GET", "/api/v1/get/mailbox/carol@" + DOMAIN).json() == {}
    assert run_module("mailcow_mailbox", dict(emulated.conn(), address="bob@" + DOMAIN, password=GOOD))["changed"]


def test_a_weak_app_password_is_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    _strict_with_a_domain(run_module, emulated)
    args = dict(emulated.conn(), mailbox="alice@" + DOMAIN, name="Phone", protocols=["imap_access"], password=WEAK)
    for check_mode in (True, False):
        _refused(run_module("mailcow_app_password", args, check_mode=check_mode), "app password 'Phone' of mailbox alice@" + DOMAIN, "length")
    assert writes(emulated) == 0
    assert run_module("mailcow_app_password", dict(args, password=GOOD))["changed"]


def test_a_weak_domain_admin_password_is_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    _strict_with_a_domain(run_module, emulated)
    args = dict(emulated.conn(), username="ppadmin", domains=[DOMAIN], password=WEAK)
    for check_mode in (True, False):
        _refused(run_module("mailcow_domain_admin", args, check_mode=check_mode), "domain administrator ppadmin", "length", "lowerupper")
    assert writes(emulated) == 0
    assert run_module("mailcow_domain_admin", dict(args, password=GOOD))["changed"]


def test_no_policy_read_when_no_password_is_written(run_module: RunModule, emulated: Mailcow) -> None:
    _strict_with_a_domain(run_module, emulated)
    emulated.emulator.control("POST", "stats/reset")
    unchanged = run_module("mailcow_mailbox", dict(emulated.conn(), address="alice@" + DOMAIN, password=WEAK))  # on_create: not written
    assert unchanged["rc"] == 0 and not unchanged["changed"], unchanged
    routes = emulated.emulator.control("GET", "stats")["by_route"]
    assert not [route for route in routes if "passwordpolicy" in route], routes
