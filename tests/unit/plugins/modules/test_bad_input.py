# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input to every API module, through the module's own main() and argument spec, in-process.

Each case runs a module against the scripted Mailcow of conftest.py with the options a user could
write by mistake, and asserts the message (it names the option, its environment variable when it
has one, and the allowed range) and that no write was made: the scripted server fails the test on
any call that is not listed, and each case lists only the reads it allows.
"""

from __future__ import annotations

import importlib
import json
import socket
import typing as t
from urllib.parse import quote

import pytest
from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ..scripted_mailcow import domain_read, transcript

MODULES = "ansible_collections.glassdome.mailcow.plugins.modules."
MAILBOX = transcript("get_mailbox_single")["body"]  # alice@example.org
ALIAS = transcript("get_alias_by_address")["body"]  # info@example.org
DOMAIN = transcript("get_domain_single")["body"]  # example.org
QUOTA_MAX = "from 0 to 8796093022207"
SECRET_KEY = "Key-7f3a9c-SECRET"


def mailboxes(*names: str, domain: str = "example.org") -> list[dict[str, t.Any]]:
    return [dict(MAILBOX, username="%s@%s" % (n, domain), local_part=n, domain=domain) for n in names]


def aliases(*names: str) -> list[dict[str, t.Any]]:
    return [dict(ALIAS, id=index + 1, address="%s@example.org" % n, goto="alice@example.org") for index, n in enumerate(names)]


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection comes from the case, never from the shell that runs the tests; warnings as on a target host.

    Once anything controller-side is imported (pytest's collection loader does), module warnings go to
    the controller's display instead of the result: the module runs as it does on a host here.
    """
    monkeypatch.setattr(ansible_internal, "is_controller", False)
    monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
    for name in ("MAILCOW_API_URL", "MAILCOW_API_KEY", "MAIL_API", "MAILCOW_DOMAIN", "MAILCOW_CA_PATH", "MAILCOW_VERIFY_SSL"):
        monkeypatch.delenv(name, raising=False)


def run_module(name: str, args: dict[str, t.Any], capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, t.Any], str]:
    """The module's JSON result and its whole output."""
    module = importlib.import_module(MODULES + name)
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    out = capsys.readouterr().out
    result = json.loads(out)
    if "warnings" in result:
        result["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w for w in result["warnings"]]
    return result, out


# (id, module, options, reads the module may make first [(path, reply)], words the message must contain)
Case = t.Tuple[str, str, t.Dict[str, t.Any], t.List[t.Tuple[str, t.Any]], str]
GET_MB = "/api/v1/get/mailbox/reduced/example.org"
GET_AL = "/api/v1/get/alias/all/example.org"
ALICE = {"address": "alice@example.org"}
INFO = {"address": "info@example.org"}

CASES: list[Case] = [
    # -- mailcow_mailbox, single form --------------------------------------------------------------
    ("mailbox-quota-2**63", "mailcow_mailbox", dict(ALICE, quota=2**63), [],
     "quota must be a whole number of MiB (0 = unlimited) %s, got 9223372036854775808" % QUOTA_MAX),
    ("mailbox-quota-one-too-many", "mailcow_mailbox", dict(ALICE, quota=8796093022208), [], "quota must be a whole number of MiB (0 = unlimited) " + QUOTA_MAX),
    ("mailbox-quota-negative", "mailcow_mailbox", dict(ALICE, quota=-1), [], "quota must be a whole number of MiB (0 = unlimited) %s, got -1" % QUOTA_MAX),
    ("mailbox-name-crlf", "mailcow_mailbox", dict(ALICE, name="Alice\r\nBcc: x"), [],
     "name must not contain control characters (line breaks, tabs, NUL ...), found '\\r' at position 5"),
    ("mailbox-name-nul", "mailcow_mailbox", dict(ALICE, name="Al\x00ice"), [], "name must not contain control characters"),
    ("mailbox-password-blank", "mailcow_mailbox", dict(ALICE, password="      "), [], "password must not be empty or only white space"),
    ("mailbox-password-newline", "mailcow_mailbox", dict(ALICE, password="Geheim-123\n"), [], "password must not contain control characters"),
    ("mailbox-address-no-at", "mailcow_mailbox", {"address": "alice"}, [], "address must be local_part@domain, got 'alice'"),
    ("mailbox-local-part-space", "mailcow_mailbox", {"address": "al ice@example.org"}, [], "local part 'al ice' is not valid: letters, digits"),
    ("mailbox-local-part-no-domain", "mailcow_mailbox", {"local_part": "alice"}, [], "domain is required with local_part (or set MAILCOW_DOMAIN)"),
    ("mailbox-bad-domain", "mailcow_mailbox", {"address": "alice@nodot"}, [], "domain 'nodot' is not a valid domain name"),
    ("mailbox-tag-lf", "mailcow_mailbox", dict(ALICE, tags=["ok", "x\ny"]), [], "tags must not contain control characters"),
    ("mailbox-active-maybe", "mailcow_mailbox", dict(ALICE, active="maybe"), [], "active must be one of yes, no, login-disabled"),
    ("mailbox-timeout-0", "mailcow_mailbox", dict(ALICE, timeout=0), [], "timeout must be a whole number of seconds from 1 to 3600, got 0"),
    ("mailbox-timeout-huge", "mailcow_mailbox", dict(ALICE, timeout=86400 * 365), [], "timeout must be a whole number of seconds from 1 to 3600"),
    # -- mailcow_mailbox: template, rate_limit, sender_acl ------------------------------------------
    ("mailbox-rate-frame", "mailcow_mailbox", dict(ALICE, rate_limit={"value": 10, "frame": "w"}), [],
     "value of frame must be one of: s, m, h, d, got: w found in rate_limit"),
    ("mailbox-rate-negative", "mailcow_mailbox", dict(ALICE, rate_limit={"value": -1}), [],
     "rate_limit.value must be a whole number of messages (0 = no limit) from 0 to 2147483647, got -1"),
    ("mailbox-rate-no-value", "mailcow_mailbox", dict(ALICE, rate_limit={"frame": "h"}), [], "missing required arguments: value"),
    ("mailbox-rate-text", "mailcow_mailbox", dict(ALICE, rate_limit={"value": "ten", "frame": "h"}), [],
     "argument 'value' is of type str found in 'rate_limit'. and we were unable to convert to int"),
    ("mailbox-acl-not-address", "mailcow_mailbox", dict(ALICE, sender_acl=["not valid"]), [], "sender_acl: domain 'not valid' is not a valid domain name"),
    ("mailbox-acl-default", "mailcow_mailbox", dict(ALICE, sender_acl=["default"]), [], "sender_acl: give an empty list to remove every grant"),
    ("mailbox-acl-self", "mailcow_mailbox", dict(ALICE, sender_acl=["Alice@Example.org"]), [], "is the mailbox itself"),
    ("mailbox-acl-star-mixed", "mailcow_mailbox", dict(ALICE, sender_acl=["*", "@example.org"]), [], "'*' (any address) cannot be combined"),
    ("mailbox-acl-bad-local", "mailcow_mailbox", dict(ALICE, sender_acl=["a b@example.org"]), [], "sender_acl: 'a b@example.org' is not a valid address"),
    ("mailbox-template-blank", "mailcow_mailbox", dict(ALICE, template="  "), [], "template must be the name of a mailbox template"),
    ("mailbox-template-unknown", "mailcow_mailbox", dict(ALICE, template="Staf", password="Pw-123456"),
     [("/api/v1/get/mailbox/alice@example.org", {}), ("/api/v1/get/mailbox/template/all", [{"id": 2, "template": "Default", "attributes": {}}])],
     "template 'Staf' is not a mailbox template of this Mailcow (it has: Default)"),
    ("mailboxes-entry-template-unknown", "mailcow_mailbox",
     {"domain": "example.org", "mailboxes": [{"local_part": "alice"}, {"local_part": "new", "password": "Pw-123456", "template": "Stuff"}]},
     [(GET_MB, mailboxes("alice")), ("/api/v1/get/mailbox/template/all", [{"id": 2, "template": "Default"}, {"id": 3, "template": "Staff"}])],
     "mailboxes[1]: template 'Stuff' is not a mailbox template of this Mailcow (it has: Default, Staff)"),
    ("mailboxes-entry-acl", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [{"local_part": "a", "sender_acl": ["@"]}]}, [],
     "mailboxes[0] (a): sender_acl: domain '' is not a valid domain name"),
    ("mailboxes-entry-rate", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [{"local_part": "a", "rate_limit": {"value": 2**31}}]}, [],
     "mailboxes[0] (a): rate_limit.value must be a whole number of messages (0 = no limit) from 0 to 2147483647"),
    # -- mailcow_mailbox, bulk form ----------------------------------------------------------------
    ("mailboxes-concurrency-0", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [], "concurrency": 0}, [],
     "concurrency must be a whole number of parallel adds from 1 to 32, got 0"),
    ("mailboxes-concurrency-1000", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [], "concurrency": 1000}, [],
     "concurrency must be a whole number of parallel adds from 1 to 32, got 1000"),
    ("mailboxes-share-101", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [], "purge_max_share": 101}, [],
     "purge_max_share must be a percentage from 0 to 100, got 101"),
    ("mailboxes-purge-empty-list", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [], "purge": True}, [(GET_MB, mailboxes("alice", "bob"))],
     "purge=true with an empty mailboxes list would delete 2 of the 2 mailboxes of example.org: alice@example.org, bob@example.org. "
     "Refused because an empty or misspelt list would empty the domain: set purge_allow_empty=true"),
    ("mailboxes-purge-most", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [{"local_part": "alice"}], "purge": True},
     [(GET_MB, mailboxes("alice", "bob", "carol", "dave"))],
     "purge=true would delete 3 of the 4 mailboxes of example.org: bob@example.org, carol@example.org, dave@example.org, which is more "
     "than purge_max_share=50% of them in one run. Check the mailboxes list, or raise purge_max_share (up to 100; in the "
     "glassdome.mailcow.mailboxes role: mailcow_mailboxes_purge_max_share) to allow it"),
    ("mailboxes-purge-most-check-mode", "mailcow_mailbox",
     {"domain": "example.org", "mailboxes": [{"local_part": "u0"}], "purge": True, "purge_max_share": 10, "_ansible_check_mode": True},
     [(GET_MB, mailboxes(*["u%d" % i for i in range(14)]))],
     "would delete 13 of the 14 mailboxes of example.org: u10@example.org, u11@example.org, u12@example.org, u13@example.org, u1@example.org, "
     "u2@example.org, u3@example.org, u4@example.org, u5@example.org, u6@example.org and 3 more, which is more than purge_max_share=10%"),
    ("mailboxes-entry-quota", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [{"local_part": "a", "quota": 2**63}]}, [],
     "mailboxes[0] (a): quota must be a whole number of MiB (0 = unlimited) " + QUOTA_MAX),
    ("mailboxes-entry-password-blank", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [{"local_part": "a", "password": " \t "}]}, [],
     "mailboxes[0] (a): password must not be empty or only white space"),
    ("mailboxes-entry-name-lf", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [{"local_part": "a"}, {"local_part": "b", "name": "B\nB"}]}, [],
     "mailboxes[1] (b): name must not contain control characters"),
    ("mailboxes-entry-other-domain", "mailcow_mailbox", {"domain": "example.org", "mailboxes": [{"address": "a@example.net"}]}, [],
     "mailboxes[0] (a@example.net): address is not in domain example.org"),
    ("mailboxes-no-domain", "mailcow_mailbox", {"mailboxes": [{"local_part": "a"}]}, [], "domain is required with mailboxes (or set MAILCOW_DOMAIN)"),
    # -- mailcow_alias, single form ----------------------------------------------------------------
    ("alias-goto-invalid", "mailcow_alias", dict(INFO, goto=["not-an-address"]), [], "goto: 'not-an-address' is not a valid address"),
    ("alias-goto-bad-domain", "mailcow_alias", dict(INFO, goto=["bob@exa_mple.org"]), [],
     "goto: domain of bob@exa_mple.org 'exa_mple.org' is not a valid domain name"),
    ("alias-comment-cr", "mailcow_alias", dict(INFO, goto=["a@example.org"], public_comment="x\ry"), [], "public_comment must not contain control characters"),
    ("alias-comment-long", "mailcow_alias", dict(INFO, goto=["a@example.org"], private_comment="é" * 81), [],
     "private_comment must be at most 160 bytes long, got 162"),
    ("alias-address-no-at", "mailcow_alias", {"address": "info", "goto": ["a@example.org"]}, [],
     "address must be local_part@domain, or @domain for a catch-all"),
    ("alias-to-itself", "mailcow_alias", dict(INFO, goto=["INFO@example.org"]), [], "goto: alias info@example.org must not forward to itself"),
    # -- mailcow_alias, bulk form ------------------------------------------------------------------
    ("aliases-purge-empty-list", "mailcow_alias", {"domain": "example.org", "aliases": [], "purge": True}, [(GET_AL, aliases("info", "team"))],
     "purge=true with an empty aliases list would delete 2 of the 2 aliases of example.org: info@example.org, team@example.org. Refused"),
    ("aliases-purge-most", "mailcow_alias", {"domain": "example.org", "aliases": [{"local_part": "info", "goto": ["alice@example.org"]}], "purge": True},
     [(GET_AL, aliases("info", "a", "b"))], "purge=true would delete 2 of the 3 aliases of example.org: a@example.org, b@example.org, which is more than "
     "purge_max_share=50%"),
    ("aliases-concurrency-33", "mailcow_alias", {"domain": "example.org", "aliases": [], "concurrency": 33}, [],
     "concurrency must be a whole number of parallel adds from 1 to 32"),
    ("aliases-entry-comment-nul", "mailcow_alias",
     {"domain": "example.org", "aliases": [{"local_part": "x", "goto": ["a@example.org"], "private_comment": "\x00"}]}, [],
     "aliases[0] (x): private_comment must not contain control characters"),
    ("aliases-entry-goto", "mailcow_alias", {"domain": "example.org", "aliases": [{"local_part": "x", "goto": ["a@@b"]}]}, [],
     "aliases[0] (x): goto: 'a@@b' is not a valid address"),
    # -- mailcow_domain ----------------------------------------------------------------------------
    ("domain-total-quota-int64", "mailcow_domain", {"domain": "example.org", "total_quota": 9223372036854775807}, [],
     "total_quota must be a whole number of MiB from 1 to 8796093022207, got 9223372036854775807"),
    ("domain-max-mailboxes-int32", "mailcow_domain", {"domain": "example.org", "max_mailboxes": 2**31}, [],
     "max_mailboxes must be a whole number from 0 to 2147483647, got 2147483648"),
    ("domain-max-aliases-negative", "mailcow_domain", {"domain": "example.org", "max_aliases": -1}, [],
     "max_aliases must be a whole number from 0 to 2147483647, got -1"),
    ("domain-rate-limit-int32", "mailcow_domain", {"domain": "example.org", "rate_limit": {"value": 2**31}}, [],
     "rate_limit.value must be a whole number of messages (0 = no limit) from 0 to 2147483647"),
    ("domain-default-quota-0", "mailcow_domain", {"domain": "example.org", "default_quota": 0}, [],
     "default_quota must be a whole number of MiB from 1 to 8796093022207, got 0"),
    ("domain-description-lf", "mailcow_domain", {"domain": "example.org", "description": "Example\nOrg"}, [],
     "description must not contain control characters"),
    ("domain-tag-cr", "mailcow_domain", {"domain": "example.org", "tags": ["a\rb"]}, [], "tags must not contain control characters"),
    ("domain-name", "mailcow_domain", {"domain": "not a domain"}, [], "domain 'not a domain' is not a valid domain name"),
    ("domain-timeout-negative", "mailcow_domain", {"domain": "example.org", "timeout": -5}, [],
     "timeout must be a whole number of seconds from 1 to 3600, got -5"),
    # -- the _info modules -------------------------------------------------------------------------
    ("mailbox-info-domain", "mailcow_mailbox_info", {"domain": "bad domain"}, [], "domain 'bad domain' is not a valid domain name"),
    ("mailbox-info-address", "mailcow_mailbox_info", {"address": "alice"}, [], "address must be local_part@domain, got 'alice'"),
    ("mailbox-info-timeout", "mailcow_mailbox_info", {"domain": "example.org", "timeout": 100000}, [],
     "timeout must be a whole number of seconds from 1 to 3600"),
    ("alias-info-address", "mailcow_alias_info", {"address": "a b@example.org"}, [], "local part 'a b' is not valid"),
    ("alias-info-domain", "mailcow_alias_info", {"domain": "-bad.example"}, [], "domain '-bad.example' is not a valid domain name"),
    ("domain-info-domain", "mailcow_domain_info", {"domain": "exa_mple.org"}, [], "domain 'exa_mple.org' is not a valid domain name"),
    ("domain-info-timeout", "mailcow_domain_info", {"timeout": 0}, [], "timeout must be a whole number of seconds from 1 to 3600, got 0"),
    ("mailbox-retries-huge", "mailcow_mailbox", {"address": "alice@example.org", "retries": 1000}, [],
     "retries must be a whole number of retries from 0 to 10, got 1000"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_before_any_write(case: Case, mailcow, capsys) -> None:
    _id, name, options, reads, words = case
    for path, reply in reads:
        mailcow.expect("GET", path, reply=reply)
    result, out = run_module(name, dict({"api_url": mailcow.url, "api_key": "K"}, **options), capsys)
    assert result.get("failed") is True, result
    assert words in result["msg"], result["msg"]
    assert result.get("changed") in (None, False)
    assert [s[:2] for s in mailcow.seen] == [("GET", path) for path, _reply in reads]
    for option in ("password", "api_key"):
        value = options.get(option)
        if value and value.strip():
            assert value.strip() not in out


# -- connection options: named with their environment variables, secrets never shown ---------------

CONNECTION: list[tuple[str, dict[str, t.Any], str, str]] = [
    ("key-missing", {"api_key": None}, "api_key (or MAILCOW_API_KEY, MAIL_API) is required: set the option or its environment variable", ""),
    ("url-missing", {"api_url": None}, "api_url (or MAILCOW_API_URL) is required", ""),
    ("key-newline", {"api_key": SECRET_KEY + "\n"}, "api_key (MAILCOW_API_KEY or MAIL_API) must be the key alone, without spaces, line breaks", SECRET_KEY),
    ("key-inner-space", {"api_key": SECRET_KEY[:5] + " " + SECRET_KEY[5:]}, "api_key (MAILCOW_API_KEY or MAIL_API) must be the key alone", SECRET_KEY[5:]),
    ("key-nul", {"api_key": SECRET_KEY + "\x00"}, "(the key is not shown here)", SECRET_KEY),
    ("url-userinfo", {"api_url": "https://admin:Pa55-Url-Secret@mail.example.org"},
     "api_url (MAILCOW_API_URL) must not contain a user name or password (user:password@host)", "Pa55-Url-Secret"),
    ("url-userinfo-no-scheme", {"api_url": "admin:Pa55-Url-Secret@mail.example.org"},
     "api_url (MAILCOW_API_URL) must not contain a user name or password", "Pa55-Url-Secret"),
    ("url-user-only", {"api_url": "https://Url-User-Secret@mail.example.org"}, "api_url (MAILCOW_API_URL) must not contain a user name", "Url-User-Secret"),
    ("url-scheme", {"api_url": "ftp://mail.example.org"}, "api_url (MAILCOW_API_URL) must be an http(s) URL such as https://mail.example.org", ""),
    ("url-control", {"api_url": "https://mail.exa\nmple.org"}, "api_url (MAILCOW_API_URL) must not contain spaces or control characters", ""),
]


@pytest.mark.parametrize("module", ["mailcow_mailbox", "mailcow_domain_info"])
@pytest.mark.parametrize("case", CONNECTION, ids=[c[0] for c in CONNECTION])
def test_connection_option_errors(case, module: str, mailcow, capsys) -> None:
    _id, options, words, secret = case
    args = dict({"api_url": mailcow.url, "api_key": "K"}, **{k: v for k, v in options.items() if v is not None})
    for key in [k for k, v in options.items() if v is None]:
        args.pop(key)
    if module == "mailcow_mailbox":
        args.update(address="alice@example.org", password="Pw-Conn-Secret")
    result, out = run_module(module, args, capsys)
    assert result["failed"] is True and words in result["msg"], result["msg"]
    assert mailcow.seen == []
    if secret:
        for form in (secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], quote(secret, safe="")):
            assert form not in out
    assert "Pw-Conn-Secret" not in out


def test_missing_key_from_environment_is_used(mailcow, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MAIL_API", "K")
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=[DOMAIN])
    result, _out = run_module("mailcow_domain_info", {"api_url": mailcow.url}, capsys)
    assert not result.get("failed") and [d["domain"] for d in result["domains"]] == ["example.org"]


# -- warnings and IDNA through the modules ----------------------------------------------------------


def test_mailbox_info_finds_an_idn_domain(mailcow, capsys) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/xn--mller-kva.de", reply=mailboxes("alice", domain="xn--mller-kva.de"))
    result, _out = run_module("mailcow_mailbox_info", {"api_url": mailcow.url, "api_key": "K", "domain": "Müller.de"}, capsys)
    assert [m["address"] for m in result["mailboxes"]] == ["alice@xn--mller-kva.de"] and not result.get("warnings")


def test_mailbox_accepts_an_idn_address(mailcow, capsys) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@xn--mller-kva.de", reply=mailboxes("alice", domain="xn--mller-kva.de")[0])
    result, _out = run_module("mailcow_mailbox", {"api_url": mailcow.url, "api_key": "K", "address": "alice@müller.de", "_ansible_check_mode": True}, capsys)
    assert not result.get("failed") and result["mailbox"]["address"] == "alice@xn--mller-kva.de", result


@pytest.mark.parametrize(
    "module, options, reads, warning",
    [("mailcow_mailbox_info", {"domain": "exmaple.org"},
      [("/api/v1/get/mailbox/reduced/exmaple.org", mailboxes("alice")), ("/api/v1/get/domain/exmaple.org", {})],
      "domain exmaple.org does not exist on this Mailcow: check its spelling"),
     ("mailcow_mailbox_info", {"address": "alice@müller.de"}, [("/api/v1/get/mailbox/alice@xn--mller-kva.de", {}),
                                                               ("/api/v1/get/domain/xn--mller-kva.de", {})],
      "domain müller.de (xn--mller-kva.de) does not exist on this Mailcow: check its spelling"),
     ("mailcow_alias_info", {"domain": "alias.example"}, [("/api/v1/get/alias/all/alias.example", {}), ("/api/v1/get/domain/alias.example", DOMAIN)],
      "alias.example is an alias domain of example.org, not a domain: its mailboxes and aliases are listed under example.org"),
     ("mailcow_domain_info", {"domain": "exmaple.org"}, [("/api/v1/get/domain/exmaple.org", {})],
      "domain exmaple.org does not exist on this Mailcow: check its spelling")],
)
def test_info_modules_warn_about_a_missing_domain(module, options, reads, warning, mailcow, capsys) -> None:
    for path, reply in reads:
        mailcow.expect("GET", path, reply=reply)
    result, _out = run_module(module, dict({"api_url": mailcow.url, "api_key": "K"}, **options), capsys)
    assert not result.get("failed") and result["warnings"] == [warning]


def test_info_modules_do_not_read_more_when_something_is_found(mailcow, capsys) -> None:
    mailcow.expect("GET", GET_MB, reply=mailboxes("alice"))
    result, _out = run_module("mailcow_mailbox_info", {"api_url": mailcow.url, "api_key": "K", "domain": "example.org"}, capsys)
    assert not result.get("warnings") and len(mailcow.seen) == 1


def test_alias_warning_reaches_the_user(mailcow, capsys) -> None:
    mailcow.expect("GET", "/api/v1/get/alias/info@example.org", reply={})
    mailcow.expect("GET", GET_MB, reply=mailboxes("alice"))
    mailcow.expect("GET", GET_AL, reply={})
    domain_read(mailcow)
    args = {"api_url": mailcow.url, "api_key": "K", "address": "info@example.org", "goto": ["alcie@example.org"], "_ansible_check_mode": True}
    result, _out = run_module("mailcow_alias", args, capsys)
    assert result["changed"] and result["warnings"] == ["alias info@example.org: goto alcie@example.org is neither a mailbox nor an alias of "
                                                        "example.org, so mail sent there will bounce. Check the address, or create the mailbox"]


def test_purge_allow_empty_and_share_let_a_purge_through(mailcow, capsys) -> None:
    mailcow.expect("GET", GET_MB, reply=mailboxes("alice", "bob"))
    args = {"api_url": mailcow.url, "api_key": "K", "domain": "example.org", "mailboxes": [], "purge": True, "purge_allow_empty": True,
            "purge_max_share": 100, "_ansible_check_mode": True}
    result, _out = run_module("mailcow_mailbox", args, capsys)
    assert result["changed"] and result["summary"]["deleted"] == 2
    mailcow.expect("GET", GET_AL, reply=aliases("info", "a", "b"))
    args = {"api_url": mailcow.url, "api_key": "K", "domain": "example.org", "aliases": [{"local_part": "info"}], "purge": True,
            "purge_max_share": 67, "_ansible_check_mode": True}
    result, _out = run_module("mailcow_alias", args, capsys)
    assert result["changed"] and result["summary"]["deleted"] == 2


def test_purge_allow_empty_alone_keeps_the_share_limit(mailcow, capsys) -> None:
    """Emptying a domain takes both options: purge_allow_empty alone still stops at purge_max_share."""
    mailcow.expect("GET", GET_MB, reply=mailboxes("alice", "bob"))
    args = {"api_url": mailcow.url, "api_key": "K", "domain": "example.org", "mailboxes": [], "purge": True, "purge_allow_empty": True,
            "_ansible_check_mode": True}
    result, _out = run_module("mailcow_mailbox", args, capsys)
    assert result["failed"] and "would delete 2 of the 2 mailboxes of example.org: alice@example.org, bob@example.org" in result["msg"]
    assert "purge_max_share=50%" in result["msg"]


def test_enough_cases() -> None:
    assert len(CASES) >= 40
    assert {c[1] for c in CASES} == {"mailcow_mailbox", "mailcow_alias", "mailcow_domain", "mailcow_mailbox_info", "mailcow_alias_info",
                                     "mailcow_domain_info"}


def test_connection_failure_names_api_url_and_its_variable(capsys) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % closed.getsockname()[1]
    result, _out = run_module("mailcow_domain_info", {"api_url": url, "api_key": "K", "timeout": 2}, capsys)
    assert result["failed"] and "Mailcow API at %s/api/v1" % url in result["msg"]
    # A refused connection is about where, never about how long: no hint at timeout.
    assert result["msg"].endswith("(GET /get/domain/all was not sent). Check api_url (MAILCOW_API_URL)"), result["msg"]
    assert "timeout" not in result["msg"]


def test_surrounding_white_space_of_a_name_is_stripped_not_refused(mailcow, capsys) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply=mailboxes("alice")[0])
    args = {"api_url": mailcow.url, "api_key": "K", "address": "alice@example.org", "name": "Alice Example\n", "_ansible_check_mode": True}
    result, _out = run_module("mailcow_mailbox", args, capsys)
    assert not result.get("failed") and result["mailbox"]["name"] == "Alice Example", result


def test_http_to_another_host_warns_that_the_key_travels_in_clear(capsys) -> None:
    url = "http://mailcow.invalid"  # not this machine; .invalid never resolves, so nothing is sent anywhere
    result, out = run_module("mailcow_domain_info", {"api_url": url, "api_key": "Sekrit-Key-123", "timeout": 2, "retries": 0}, capsys)
    assert result["failed"]
    assert any(warning.startswith("api_url (MAILCOW_API_URL) http://mailcow.invalid uses http://: the API key and everything else travel "
                                  "unencrypted to mailcow.invalid") for warning in result.get("warnings", [])), result
    assert "Sekrit-Key-123" not in out


def test_http_to_this_machine_does_not_warn(capsys) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % closed.getsockname()[1]
        result, _out = run_module("mailcow_domain_info", {"api_url": url, "api_key": "K", "timeout": 2, "retries": 0}, capsys)
    assert result["failed"] and not result.get("warnings"), result


@pytest.mark.parametrize("value", [0, 4097, -1])
def test_max_answer_mib_out_of_range_is_refused_before_any_request(capsys, value: int) -> None:
    result, _out = run_module("mailcow_domain_info", {"api_url": "https://127.0.0.1:9", "api_key": "K", "max_answer_mib": value}, capsys)
    assert result["msg"] == "max_answer_mib must be a whole number of MiB from 1 to 4096, got %d" % value, result


def test_missing_ca_path_is_named_not_an_unexpected_error(capsys, tmp_path) -> None:
    missing = str(tmp_path / "no-such-ca.pem")
    result, _out = run_module("mailcow_domain_info", {"api_url": "https://127.0.0.1:9", "api_key": "K", "ca_path": missing}, capsys)
    assert result["msg"] == ("ca_path (MAILCOW_CA_PATH) %s does not exist: give the path of the PEM file of the CA that signed the server "
                             "certificate" % missing), result
    assert result["error_type"] == "MailcowOptionError"
