# SPDX-License-Identifier: GPL-3.0-or-later
"""_names: the one address and domain parser, the units and the bounds every model uses."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _names
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import (
    MAX_QUOTA_MIB,
    MIB,
    ascii_domain,
    check_password,
    check_text,
    count,
    parse_address,
    quota_mib,
    split_address,
    unicode_domain,
)


@pytest.mark.parametrize(
    "address, local_part, domain, catch_all, expected",
    [("Alice@Example.ORG", None, None, False, ("Alice", "example.org")),
     (None, "bob", "example.org", False, ("bob", "example.org")),
     ("a.b+tag@sub.example.org", None, None, False, ("a.b+tag", "sub.example.org")),
     ("alice@müller.de", None, None, False, ("alice", "xn--mller-kva.de")),
     ("alice@MÜLLER.de.", None, None, False, ("alice", "xn--mller-kva.de")),
     (None, "info", "bücher.example", False, ("info", "xn--bcher-kva.example")),
     ("alice@xn--mller-kva.de", None, None, False, ("alice", "xn--mller-kva.de")),
     ("@example.org", None, None, True, ("", "example.org")),
     (" x@example.org ", None, None, False, ("x", "example.org")),
     ("a" * 64 + "@example.org", None, None, False, ("a" * 64, "example.org"))],
)
def test_split_address(address, local_part, domain, catch_all, expected) -> None:
    assert split_address(address, local_part, domain, catch_all=catch_all) == expected


@pytest.mark.parametrize(
    "address, local_part, domain, catch_all, words",
    [("alice", None, None, False, "address must be local_part@domain, got 'alice'"),
     ("info", None, None, True, "address must be local_part@domain, or @domain for a catch-all"),
     (None, "bob", None, False, r"domain is required with local_part \(or set MAILCOW_DOMAIN\)"),
     (None, None, None, False, "one of address or local_part is required"),
     ("a b@example.org", None, None, False, "local part 'a b' is not valid: letters, digits"),
     ("a..b@example.org", None, None, False, "local part 'a..b' is not valid"),
     (".a@example.org", None, None, False, "local part '.a' is not valid"),
     ("a.@example.org", None, None, False, "local part 'a.' is not valid"),
     ("ä@example.org", None, None, False, "local part 'ä' is not valid"),
     ("a\nb@example.org", None, None, False, "local part 'a\\\\nb' is not valid"),
     ("a" * 65 + "@example.org", None, None, False, "local part 'a{65}' is not valid"),
     ("@example.org", None, None, False, "local part '' is not valid"),
     ("alice@localhost", None, None, False, "domain 'localhost' is not a valid domain name"),
     ("a@b@example.org", None, None, False, "address must be"),
     ("alice@exa mple.org", None, None, False, "domain 'exa mple.org' is not a valid domain name"),
     ("alice@-bad.example", None, None, False, "domain '-bad.example' is not a valid domain name"),
     ("alice@" + "a" * 64 + ".example", None, None, False, "is not a valid domain name"),
     ("alice@" + ".".join(["abcdefghi"] * 26) + ".org", None, None, False, "is not a valid domain name"),
     ("alice@exa\u0000mple.org", None, None, False, "is not a valid domain name")],
)
def test_split_address_rejects(address, local_part, domain, catch_all, words) -> None:
    with pytest.raises(MailcowOptionError, match=words):
        split_address(address, local_part, domain, catch_all=catch_all)


def test_where_prefixes_every_message() -> None:
    with pytest.raises(MailcowOptionError, match=r"^mailboxes\[2\] \(x\): domain 'nodot' is not a valid domain name$"):
        split_address("x@nodot", None, None, where="mailboxes[2] (x)")


@pytest.mark.parametrize(
    "text, expected",
    [("Bob@Example.org", ("Bob", "example.org")), ("ivan@müller.de", ("ivan", "xn--mller-kva.de")), ("a+b@x.example", ("a+b", "x.example"))],
)
def test_parse_address(text, expected) -> None:
    assert parse_address(text, option="goto") == expected


@pytest.mark.parametrize("text", ["nope", "@example.org", "a b@example.org", "a..b@example.org", "bob@nodot", ""])
def test_parse_address_rejects(text) -> None:
    with pytest.raises(MailcowOptionError, match="^goto: "):
        parse_address(text, option="goto")


def test_unicode_domain_round_trip() -> None:
    assert unicode_domain(ascii_domain("Müller.DE")) == "müller.de"
    assert unicode_domain("example.org") == "example.org"


@pytest.mark.parametrize(
    "value, ok",
    [(0, True), (1, True), (MAX_QUOTA_MIB, True), (MAX_QUOTA_MIB + 1, False), (2**63 - 1, False), (-1, False), (True, False), ("5", False), (1.5, False)],
)
def test_quota_fits_in_64_bits_of_bytes(value, ok) -> None:
    assert MAX_QUOTA_MIB * MIB <= 2**63 - 1 < (MAX_QUOTA_MIB + 1) * MIB
    if ok:
        assert quota_mib(value, "quota") == value
    else:
        with pytest.raises(MailcowOptionError, match=r"^quota must be a whole number of MiB from 0 to 8796093022207, got "):
            quota_mib(value, "quota")


@pytest.mark.parametrize("value, ok", [(0, True), (2**31 - 1, True), (2**31, False), (-1, False)])
def test_counts_fit_in_32_bits(value, ok) -> None:
    if ok:
        assert count(value, "max_mailboxes") == value
    else:
        with pytest.raises(MailcowOptionError, match=r"^max_mailboxes must be a whole number from 0 to 2147483647"):
            count(value, "max_mailboxes")


@pytest.mark.parametrize("text", ["a\rb", "a\nb", "a\x00b", "a\tb", "a\x1bb", "a\x85b", "a\u2028b", "a\x7fb"])
def test_text_refuses_control_characters(text) -> None:
    with pytest.raises(MailcowOptionError, match=r"^name must not contain control characters \(line breaks, tabs, NUL ...\), found .* at position 1$"):
        check_text(text, "name")


def test_text_keeps_everything_else() -> None:
    assert check_text("Jürgen O'Brien – ☃", "name") == "Jürgen O'Brien – ☃"


@pytest.mark.parametrize(
    "password, words",
    [("", "must not be empty or only white space"), ("      ", "must not be empty or only white space"),
     ("\t \n", "must not be empty or only white space"), ("Secret\n", "must not contain control characters"),
     ("Sec\x00ret", "must not contain control characters")],
)
def test_password_is_refused_without_showing_it(password, words) -> None:
    with pytest.raises(MailcowOptionError, match=words) as info:
        check_password(password, "mailboxes[0]: password")
    assert str(info.value).startswith("mailboxes[0]: password ")
    assert "Secret" not in str(info.value) and "Sec" not in str(info.value)


def test_flag_and_int_conversions() -> None:
    assert [_names.flag(v) for v in (1, "1", 0, "0", None, "x", True)] == [True, True, False, False, False, False, True]
    assert [_names.to_int(v) for v in ("12", 3, None, "x")] == [12, 3, 0, 0]
    assert [_names.api_value(v) for v in (True, False, 5, "s")] == [1, 0, 5, "s"]


@pytest.mark.parametrize("value, expected", [
    ("Alice@Example.ORG", "alice@example.org"), ("Example.ORG", "example.org"), ("@example.org", "example.org"),
    (" bücher.example ", "xn--bcher-kva.example"),
])
def test_address_or_domain_is_the_lower_case_form_address_maps_store(value: str, expected: str) -> None:
    assert _names.address_or_domain(value, option="old_recipient", what="an address or a domain") == expected
    assert _names.without_at("@" + expected if "@" not in expected else expected) == expected


@pytest.mark.parametrize("value, message", [
    ("", "old_recipient is required: an address or a domain"), ("bad old!", "old_recipient 'bad old!' is not a valid domain name"),
    ("a b@example.org", "old_recipient: 'a b@example.org' is not a valid address"),
])
def test_address_or_domain_refuses_naming_the_option(value: str, message: str) -> None:
    with pytest.raises(MailcowOptionError, match=message):
        _names.address_or_domain(value, option="old_recipient", what="an address or a domain")


@pytest.mark.parametrize("value, seconds", [
    ("30s", 30), ("30m", 1800), (" 2h ", 7200), ("1d", 86400), ("2 w", 1209600), ("0m", 0),
    ("1y", None), ("1.5h", None), ("-1h", None), ("h", None), ("", None), ("2026-12-07T08:00:00Z", None),
])
def test_age_seconds(value: str, seconds: int | None) -> None:
    assert _names.age_seconds(value) == seconds
