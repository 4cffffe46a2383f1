# SPDX-License-Identifier: GPL-3.0-or-later
"""The domain model: normalisation, validation and planning (no I/O)."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.model import (
    ascii_domain,
    desired_from_params,
    diff_view,
    normalize,
    plan,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ...scripted_mailcow import transcript

RAW = transcript("get_domain_single")["body"]  # example.org: quotas 1024/2048/4096 MiB, rl 10/s


def before(**changes):
    return dict(normalize(RAW), **changes)


def desired(**params):
    return desired_from_params(dict({"domain": "example.org"}, **params))


def test_normalize_recorded_domain() -> None:
    domain = normalize(RAW)
    assert domain["domain"] == "example.org" and domain["description"] == "realcow test domain"
    assert (domain["default_quota"], domain["max_quota"], domain["total_quota"]) == (1024, 2048, 4096)
    assert (domain["max_mailboxes"], domain["max_aliases"]) == (10, 400)
    assert domain["rate_limit"] == {"value": 10, "frame": "s"}
    assert domain["active"] is True and domain["gal"] is True and domain["backupmx"] is False
    assert domain["tags"] == [] and domain["mailboxes"] == 0
    assert "raw" not in domain and normalize(RAW, include_raw=True)["raw"] is RAW


@pytest.mark.parametrize("rl, expected", [(False, None), ({"value": "0", "frame": "s"}, None), ({"value": "5", "frame": "h"}, {"value": 5, "frame": "h"})])
def test_normalize_rate_limit(rl, expected) -> None:
    assert normalize(dict(RAW, rl=rl))["rate_limit"] == expected


@pytest.mark.parametrize(
    "given, expected",
    [("Example.ORG", "example.org"), ("example.org.", "example.org"), ("bücher.example", "xn--bcher-kva.example"),
     ("BÜCHER.Example", "xn--bcher-kva.example"), ("xn--bcher-kva.example", "xn--bcher-kva.example")],
)
def test_ascii_domain(given, expected) -> None:
    assert ascii_domain(given) == expected


@pytest.mark.parametrize("given", ["", "not a domain", "localhost", "-bad.example", "a..b.example"])
def test_ascii_domain_rejects(given) -> None:
    with pytest.raises(MailcowOptionError, match="domain .* is not a valid domain name"):
        ascii_domain(given)


@pytest.mark.parametrize(
    "params, words",
    [({"max_mailboxes": -1}, "max_mailboxes must be a whole number from 0 to 2147483647, got -1"),
     ({"max_aliases": "many"}, "max_aliases must be a whole number from 0 to 2147483647"),
     ({"max_aliases": 2**31}, "max_aliases must be a whole number from 0 to 2147483647, got 2147483648"),
     ({"default_quota": 0}, "default_quota must be a whole number of MiB from 1 to 8796093022207, got 0"),
     ({"max_quota": -5}, "max_quota must be a whole number of MiB from 1 to 8796093022207"),
     ({"total_quota": True}, "total_quota must be a whole number of MiB from 1 to 8796093022207"),
     ({"total_quota": 2**63 - 1}, "total_quota must be a whole number of MiB from 1 to 8796093022207, got 9223372036854775807"),
     ({"description": "Example\r\nOrg"}, r"description must not contain control characters \(line breaks, tabs, NUL ...\), found '\\r' at position 7"),
     ({"tags": ["ok", "bad\x00"]}, "tags must not contain control characters"),
     ({"rate_limit": {"value": -1, "frame": "s"}}, r"rate_limit.value must be a whole number of messages \(0 = no limit\) from 0 to 2147483647"),
     ({"rate_limit": {"value": 10, "frame": "w"}}, "rate_limit.frame must be one of s, m, h, d"),
     ({"rate_limit": "10/s"}, "rate_limit must be a dictionary")],
)
def test_option_validation_names_the_option(params, words) -> None:
    with pytest.raises(MailcowOptionError, match=words):
        desired(**params)


@pytest.mark.parametrize(
    "params, words",
    [({"default_quota": 3000}, r"default_quota \(3000 MiB\) must not be more than max_quota \(2048 MiB, current value\)\. Set max_quota too"),
     ({"max_quota": 8192}, r"max_quota \(8192 MiB\) must not be more than total_quota \(4096 MiB, current value\)\. Set total_quota too"),
     ({"total_quota": 1024}, r"max_quota \(2048 MiB, current value\) must not be more than total_quota \(1024 MiB\)\. Set max_quota too"),
     ({"default_quota": 256, "max_quota": 1024, "total_quota": 512}, r"max_quota \(1024 MiB\) must not be more than total_quota \(512 MiB\)\.$"),
     ({"max_aliases": 0}, "max_aliases: Mailcow cannot set the maximum number of aliases of an existing domain to 0"),
     ({"backupmx": False, "relay_all_recipients": True}, "backupmx=false cannot hold while relay_all_recipients is true"),
     ({"relay_all_recipients": False, "relay_unknown_only": True}, "relay_all_recipients=false cannot hold while relay_unknown_only is true")],
)
def test_update_validation_uses_current_values(params, words) -> None:
    with pytest.raises(MailcowOptionError, match=words):
        plan(desired(**params), before())


def test_relay_flag_forced_by_current_value_is_refused() -> None:
    with pytest.raises(MailcowOptionError, match="backupmx=false cannot hold while relay_unknown_only is true.*Set relay_unknown_only=false too"):
        plan(desired(backupmx=False), before(relay_unknown_only=True, relay_all_recipients=True, backupmx=True))


def test_in_use_limits_are_checked_before_writing() -> None:
    with pytest.raises(MailcowOptionError, match="max_mailboxes \\(2\\) must be at least the 3 mailbox\\(es\\) domain example.org holds"):
        plan(desired(max_mailboxes=2), before(mailboxes=3))
    with pytest.raises(MailcowOptionError, match="total_quota \\(3000 MiB\\) must be at least the 3500 MiB"):
        plan(desired(total_quota=3000, max_quota=2048), before(quota_allocated=3500))


def test_create_quota_checks_use_mailcow_defaults() -> None:
    with pytest.raises(MailcowOptionError, match=r"max_quota \(10240 MiB, Mailcow's default for a new domain\) must not be more than total_quota \(1024 MiB\)"):
        plan(desired(total_quota=1024), None)


def test_create_sends_only_given_options_and_predicts_defaults() -> None:
    the_plan = plan(desired(domain="Bücher.example", max_quota=1024, default_quota=512, rate_limit={"value": 10, "frame": "m"}, tags=["b", "a", "a"]), None)
    assert the_plan.action == "create"
    assert the_plan.add_body == {"domain": "xn--bcher-kva.example", "defquota": 512, "maxquota": 1024, "active": 1, "tags": ["a", "b"],
                                 "rl_value": 10, "rl_frame": "m"}
    after = the_plan.after
    assert after["domain"] == "xn--bcher-kva.example" and after["domain_unicode"] == "bücher.example"
    assert after["description"] == "xn--bcher-kva.example" and after["total_quota"] == 10240 and after["max_mailboxes"] == 10
    assert after["gal"] is True and after["rate_limit"] == {"value": 10, "frame": "m"}


def test_create_predicts_and_sends_relay_forcing() -> None:
    the_plan = plan(desired(relay_unknown_only=True), None)
    assert the_plan.add_body == {"domain": "example.org", "active": 1, "backupmx": 1, "relay_all_recipients": 1, "relay_unknown_only": 1}
    assert the_plan.after["backupmx"] and the_plan.after["relay_all_recipients"]


def test_update_predicts_relay_forcing_and_is_then_unchanged() -> None:
    the_plan = plan(desired(relay_all_recipients=True), before())
    assert the_plan.edit_attr == {"backupmx": 1, "relay_all_recipients": 1}
    assert plan(desired(relay_all_recipients=True), the_plan.after).action == "none"


def test_only_set_options_are_compared() -> None:
    assert plan(desired(description="realcow test domain", max_quota=2048, active=True), before()).action == "none"


def test_edit_sends_only_the_difference_and_rate_limit_apart() -> None:
    the_plan = plan(desired(total_quota=8192, max_mailboxes=0, rate_limit={"value": 10, "frame": "h"}), before())
    assert the_plan.edit_attr == {"mailboxes": 0, "quota": 8192}
    assert the_plan.rl_attr == {"rl_value": 10, "rl_frame": "h"}
    removed = plan(desired(rate_limit={"value": 0}), before())
    assert removed.edit_attr is None and removed.rl_attr == {"rl_value": 0, "rl_frame": "s"}
    assert removed.after["rate_limit"] is None


def test_empty_description_means_the_domain_name() -> None:
    the_plan = plan(desired(description=""), before())
    assert the_plan.edit_attr == {"description": "example.org"}
    assert plan(desired(description=""), before(description="example.org")).action == "none"


def test_tags_send_only_missing_ones_and_remove_by_delete() -> None:
    # Re-sending a tag the domain has crashes Mailcow's edit (docs/mailcow-api.md#domains).
    the_plan = plan(desired(tags=["keep", "new"]), before(tags=["keep", "old"]))
    assert the_plan.edit_attr == {"tags": ["new"]}
    assert the_plan.tags_remove == ["old"]
    kept = plan(desired(tags=["keep", "new"], purge_tags=False), before(tags=["keep", "old"]))
    assert kept.tags_remove is None and kept.after["tags"] == ["keep", "new", "old"]
    assert plan(desired(tags=["keep"], purge_tags=False), before(tags=["keep", "old"])).action == "none"


def test_absent() -> None:
    assert plan(desired(state="absent"), None).action == "none"
    assert plan(desired(state="absent"), before()).action == "delete"


def test_absent_with_mailboxes_needs_force() -> None:
    with pytest.raises(MailcowOptionError, match="domain example.org still holds 2 mailbox\\(es\\).*set force=true"):
        plan(desired(state="absent"), before(mailboxes=2))
    forced = plan(desired(state="absent", force=True), before(mailboxes=2), mailboxes=["b@example.org", "a@example.org"])
    assert forced.action == "delete" and forced.mailboxes_delete == ["a@example.org", "b@example.org"]
    view = diff_view(forced)
    assert view["before"]["mailboxes"] == ["a@example.org", "b@example.org"] and view["after"] == {}
