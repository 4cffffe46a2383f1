# SPDX-License-Identifier: GPL-3.0-or-later
"""The alias model: normalisation, validation and planning (no I/O)."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import desired_from_params, diff_view, normalize, plan
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ...scripted_mailcow import transcript

RAW = transcript("get_alias_by_address")["body"]  # info@example.org (id 189) -> alice@example.org, active, not visible, not allowed


def before(**changes):
    return dict(normalize(RAW), **changes)


def desired(**params):
    return desired_from_params(dict({"address": "info@example.org"}, **params))


def test_normalize_recorded_alias() -> None:
    alias = normalize(RAW)
    assert alias["id"] == 189 and alias["address"] == "info@example.org" and alias["domain"] == "example.org"
    assert alias["goto"] == ["alice@example.org"]
    assert alias["active"] is True and alias["sogo_visible"] is False and alias["sender_allowed"] is False
    assert alias["public_comment"] == "" and alias["goto_null"] is False and alias["is_catch_all"] is False


@pytest.mark.parametrize("goto, flag", [("null@localhost", "goto_null"), ("spam@localhost", "goto_spam"), ("ham@localhost", "goto_ham")])
def test_normalize_special_goto(goto, flag) -> None:
    alias = normalize(dict(RAW, goto=goto))
    assert alias["goto"] == [goto] and alias[flag] is True


def test_normalize_multi_goto_and_catch_all() -> None:
    alias = normalize(dict(RAW, address="@example.org", goto="a@example.org,b@example.org", is_catch_all=1))
    assert alias["goto"] == ["a@example.org", "b@example.org"] and alias["is_catch_all"] is True


@pytest.mark.parametrize(
    "params, expected",
    [({"address": "Info@Example.ORG"}, ("Info", "example.org")), ({"address": "@example.org"}, ("", "example.org")),
     ({"local_part": "sales", "domain": "bücher.example"}, ("sales", "xn--bcher-kva.example")),
     ({"address": "a.b+c@example.org"}, ("a.b+c", "example.org"))],
)
def test_address_keeps_local_case_and_converts_domain(params, expected) -> None:
    result = desired_from_params(params)
    assert (result.local_part, result.domain) == expected


@pytest.mark.parametrize(
    "params, words",
    [({"address": "info"}, "address must be local_part@domain, or @domain for a catch-all"),
     ({}, "one of address or local_part is required"),
     ({"local_part": "info"}, "domain is required with local_part"),
     ({"address": "a b@example.org"}, "local part 'a b' is not valid: letters, digits and"),
     ({"address": "info@example.org", "public_comment": "a\nb"}, "public_comment must not contain control characters"),
     ({"address": "info@localhost"}, "domain 'localhost' is not a valid domain name"),
     ({"address": "info@example.org", "goto": ["not-an-address"]}, "goto: 'not-an-address' is not a valid address"),
     ({"address": "info@example.org", "goto": ["bob@nodot"]}, "goto: domain of bob@nodot 'nodot' is not a valid domain name"),
     ({"address": "info@example.org", "goto": []}, "goto must name at least one address"),
     ({"address": "info@example.org", "goto": ["Info@example.org"]}, "goto: alias info@example.org must not forward to itself"),
     ({"address": "info@example.org", "goto": ["a@example.org", "null@localhost"]},
      "goto: null@localhost can only be an alias's only target; use goto_null=true"),
     ({"address": "info@example.org", "goto": ["a@example.org"], "goto_null": True},
      "give only one of goto, goto_null, goto_spam and goto_ham, got goto, goto_null"),
     ({"address": "info@example.org", "goto_spam": True, "goto_ham": True}, "give only one of .* got goto_spam, goto_ham"),
     ({"address": "info@example.org", "public_comment": "x" * 161}, "public_comment must be at most 160 bytes long, got 161"),
     ({"address": "info@example.org", "private_comment": "é" * 81}, "private_comment must be at most 160 bytes long, got 162")],
)
def test_option_validation_names_the_option(params, words) -> None:
    with pytest.raises(MailcowOptionError, match=words):
        desired_from_params(params)


def test_goto_compares_as_a_set_and_keeps_order_for_sending() -> None:
    result = desired(goto=["b@example.org", "A@example.org", "a@example.org", "c@example.org,d@example.org"])
    assert result.attrs["goto"] == ["b@example.org", "A@example.org", "c@example.org", "d@example.org"]
    current = before(goto=["d@example.org", "c@example.org", "a@example.org", "b@example.org"])
    assert plan(result, current).action == "none"


def test_goto_special_address_alone_means_the_flag() -> None:
    assert desired(goto=["NULL@localhost"]).attrs["goto"] == ["null@localhost"]
    assert desired(goto_null=True).attrs["goto"] == ["null@localhost"]
    assert plan(desired(goto_null=True), before(goto=["null@localhost"])).action == "none"


def test_create_sends_active_and_flags_explicitly() -> None:
    the_plan = plan(desired(address="Sales@Example.org", goto=["alice@example.org", "bob@example.org"]), None)
    assert the_plan.action == "create"
    assert the_plan.add_body == {"address": "Sales@example.org", "goto": "alice@example.org,bob@example.org",
                                 "active": 1, "sogo_visible": 0, "sender_allowed": 0}
    assert the_plan.after["active"] is True and the_plan.after["address"] == "Sales@example.org" and the_plan.after["id"] is None


def test_create_special_goto_uses_the_flag_and_comments() -> None:
    the_plan = plan(desired(goto_spam=True, active=False, public_comment="trap"), None)
    assert the_plan.add_body == {"address": "info@example.org", "goto_spam": 1, "active": 0, "sogo_visible": 0, "sender_allowed": 0, "public_comment": "trap"}
    assert the_plan.after["goto"] == ["spam@localhost"] and the_plan.after["goto_spam"] is True


def test_create_needs_goto() -> None:
    with pytest.raises(MailcowOptionError, match="goto \\(or goto_null, goto_spam or goto_ham\\) is required to create alias info@example.org"):
        plan(desired(active=True), None)


def test_local_part_case_is_not_a_change() -> None:
    assert plan(desired(address="INFO@example.org", goto=["Alice@Example.org"]), before()).action == "none"


def test_edit_sends_only_the_difference_by_id() -> None:
    the_plan = plan(desired(goto=["ivan@example.org"], sender_allowed=True, active=True, private_comment=""), before())
    assert the_plan.action == "update" and the_plan.id == 189
    assert the_plan.edit_attr == {"goto": "ivan@example.org", "sender_allowed": 1}
    assert diff_view(the_plan)["before"]["goto"] == ["alice@example.org"] and diff_view(the_plan)["after"]["goto"] == ["ivan@example.org"]


@pytest.mark.parametrize("special, flag", [("null@localhost", "goto_null"), ("spam@localhost", "goto_spam"), ("ham@localhost", "goto_ham")])
def test_edit_of_special_alias_resends_its_flag(special, flag) -> None:
    # edit/alias resets goto_* to 0 and then drops the whole edit (docs/mailcow-api.md#aliases).
    the_plan = plan(desired(active=False), before(goto=[special]))
    assert the_plan.edit_attr == {"active": 0, flag: 1}
    assert the_plan.after["goto"] == [special] and the_plan.after[flag] is True


def test_edit_from_special_to_addresses_and_back() -> None:
    leave = plan(desired(goto=["bob@example.org"]), before(goto=["null@localhost"]))
    assert leave.edit_attr == {"goto": "bob@example.org"} and leave.after["goto_null"] is False
    enter = plan(desired(goto_ham=True), before())
    assert enter.edit_attr == {"goto_ham": 1} and enter.after["goto"] == ["ham@localhost"]


def test_flag_false_needs_goto_when_alias_is_special() -> None:
    with pytest.raises(MailcowOptionError, match="goto_null=false: alias info@example.org forwards to null@localhost; give goto"):
        plan(desired(goto_null=False), before(goto=["null@localhost"]))
    assert plan(desired(goto_null=False), before()).action == "none"
    assert plan(desired(goto_null=False, goto=["b@example.org"]), before(goto=["null@localhost"])).edit_attr == {"goto": "b@example.org"}


def test_absent() -> None:
    gone = plan(desired(state="absent"), before())
    assert gone.action == "delete" and gone.id == 189 and gone.after is None
    assert plan(desired(state="absent"), None).action == "none"
