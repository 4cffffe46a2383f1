# SPDX-License-Identifier: GPL-3.0-or-later
"""The mailbox model: normalisation, validation and planning (no I/O)."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import (
    desired_from_params,
    diff_view,
    normalize,
    parse_active,
    plan,
)
from ...scripted_mailcow import transcript

RAW = transcript("get_mailbox_single")["body"]


def test_normalize_recorded_mailbox() -> None:
    mb = normalize(RAW)
    assert mb["address"] == "alice@example.org"
    assert mb["quota"] == 512  # 536870912 bytes
    assert mb["active"] == "yes"
    assert mb["imap_access"] is True and mb["tls_enforce_in"] is False
    assert mb["tags"] == []
    assert "raw" not in mb
    assert normalize(RAW, include_raw=True)["raw"] is RAW


@pytest.mark.parametrize("active, word", [(1, "yes"), ("1", "yes"), (0, "no"), (2, "login-disabled"), ("2", "login-disabled")])
def test_normalize_active(active, word) -> None:
    assert normalize(dict(RAW, active=active, active_int=active))["active"] == word


@pytest.mark.parametrize(
    "value, expected",
    [(True, "yes"), (False, "no"), ("yes", "yes"), ("no", "no"), ("login-disabled", "login-disabled"), ("login_disabled", "login-disabled"),
     (1, "yes"), (0, "no"), (2, "login-disabled"), ("true", "yes"), ("False", "no"), (None, None)],
)
def test_parse_active(value, expected) -> None:
    assert parse_active(value) == expected


@pytest.mark.parametrize("value", ["maybe", 3, "enabled"])
def test_parse_active_rejects(value) -> None:
    with pytest.raises(MailcowOptionError, match="active must be one of yes, no, login-disabled"):
        parse_active(value)


@pytest.mark.parametrize(
    "params, expected",
    [({"address": "Alice@Example.ORG"}, "alice@example.org"), ({"local_part": "Bob", "domain": "example.org"}, "bob@example.org"),
     ({"address": "alice@müller.de"}, "alice@xn--mller-kva.de"), ({"address": "a.b+tag@sub.example.org"}, "a.b+tag@sub.example.org")],
)
def test_address_is_lower_case_with_an_ascii_domain(params, expected) -> None:
    assert desired_from_params(params).address == expected


@pytest.mark.parametrize("quota", [-1, "10", 1.5, True])
def test_quota_must_be_whole_mib(quota) -> None:
    with pytest.raises(MailcowOptionError, match="quota must be a whole number"):
        desired_from_params({"address": "a@example.org", "quota": quota})


def test_only_set_options_are_compared() -> None:
    desired = desired_from_params({"address": "alice@example.org", "name": "Alice Example"})
    assert plan(desired, normalize(RAW)).action == "none"


def test_quota_change_sends_only_quota() -> None:
    desired = desired_from_params({"address": "alice@example.org", "quota": 1024, "name": "Alice Example"})
    the_plan = plan(desired, normalize(RAW))
    assert the_plan.action == "update"
    assert the_plan.edit_attr == {"quota": 1024}
    assert the_plan.after["quota"] == 1024
    assert diff_view(the_plan) == {"before": {**diff_view(the_plan)["before"], "quota": 512}, "after": {**diff_view(the_plan)["before"], "quota": 1024}}


def test_tls_flags_go_to_tls_policy_with_both_values() -> None:
    the_plan = plan(desired_from_params({"address": "alice@example.org", "tls_enforce_in": True}), normalize(RAW))
    assert the_plan.edit_attr is None
    assert the_plan.tls_attr == {"tls_enforce_in": 1, "tls_enforce_out": 0}


def test_tags_add_by_edit_and_remove_by_delete() -> None:
    before = normalize(dict(RAW, tags=["old", "keep"]))
    the_plan = plan(desired_from_params({"address": "alice@example.org", "tags": ["keep", "new"]}), before)
    assert the_plan.edit_attr == {"tags": ["new"]}
    assert the_plan.tags_remove == ["old"]
    kept = plan(desired_from_params({"address": "alice@example.org", "tags": ["keep", "new"]}), before, purge_tags=False)
    assert kept.tags_remove is None and kept.after["tags"] == ["keep", "new", "old"]


def test_booleans_are_sent_as_ints() -> None:
    the_plan = plan(desired_from_params({"address": "alice@example.org", "imap_access": False, "active": "login-disabled"}), normalize(RAW))
    assert the_plan.edit_attr == {"imap_access": 0, "active": 2}


def test_password_on_create_only_by_default() -> None:
    desired = desired_from_params({"address": "alice@example.org", "password": "S3cret-pass"})
    assert plan(desired, normalize(RAW)).action == "none"
    always = desired_from_params({"address": "alice@example.org", "password": "S3cret-pass", "update_password": "always"})
    the_plan = plan(always, normalize(RAW))
    assert the_plan.edit_attr == {"password": "S3cret-pass", "password2": "S3cret-pass"}
    view = diff_view(the_plan)
    assert view["after"]["password"] == "(set)"
    assert "S3cret-pass" not in repr(view)


def test_create_needs_password_and_predicts_defaults() -> None:
    with pytest.raises(MailcowOptionError, match="password is required to create mailbox new@example.org"):
        plan(desired_from_params({"address": "new@example.org"}), None)
    the_plan = plan(desired_from_params({"address": "new@example.org", "password": "S3cret-pass", "quota": 10}), None)
    assert the_plan.action == "create"
    assert the_plan.add_body == {"local_part": "new", "domain": "example.org", "password": "S3cret-pass", "password2": "S3cret-pass", "quota": 10, "active": 1}
    assert the_plan.after["quota"] == 10 and the_plan.after["name"] == "" and the_plan.after["imap_access"] is True


def test_cannot_clear_name() -> None:
    with pytest.raises(MailcowOptionError, match="cannot clear the name"):
        plan(desired_from_params({"address": "alice@example.org", "name": ""}), normalize(RAW))


def test_absent() -> None:
    desired = desired_from_params({"address": "alice@example.org", "state": "absent"})
    assert plan(desired, normalize(RAW)).action == "delete"
    assert plan(desired, None).action == "none"
