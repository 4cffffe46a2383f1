# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_alias's decisions as exact HTTP conversations: what is read, what is written."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.manager import manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowExistsError, MailcowOptionError
from ...scripted_mailcow import domain_read, transcript

RAW = transcript("get_alias_by_address")["body"]  # info@example.org, id 189 -> alice@example.org
ADDED = transcript("add_alias_success")["body"]  # ["alias_added", "info@example.org", "189"]
DUPLICATE = transcript("add_alias_same_as_mailbox")["body"]
MODIFIED = transcript("edit_alias_goto")["body"]
REMOVED = transcript("delete_alias")["body"]
GONE = transcript("delete_alias_again")["body"]
LISTING = transcript("get_alias_all")["body"]  # info (189) and team (190) of example.org
GET = "/api/v1/get/alias/info@example.org"


def boxes(server, *names):
    """The one extra read of an add or a goto change: the domain's mailboxes, to warn about gotos that go nowhere."""
    reply = [{"username": "%s@example.org" % name, "domain": "example.org"} for name in names]
    server.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=reply or {})


def params(**kwargs):
    base = {"state": "present", "domain": None}
    base.update(kwargs)
    return base


def run(server, check_mode=False, **kwargs):
    return manage_one(MailcowClient(server.url, "K"), params(**kwargs), check_mode=check_mode, diff=True)


def test_create_then_unchanged(mailcow) -> None:
    domain_read(mailcow)
    body = {"address": "info@example.org", "goto": "alice@example.org", "active": 1, "sogo_visible": 0, "sender_allowed": 0}
    mailcow.expect("GET", GET, reply={})
    mailcow.expect("POST", "/api/v1/add/alias", body, reply=ADDED)
    boxes(mailcow, "alice")
    result = run(mailcow, address="info@example.org", goto=["alice@example.org"])
    assert result["changed"] and result["action"] == "created" and result["alias"]["id"] == 189
    assert result["diff"] == {"before": {}, "after": {"address": "info@example.org", "goto": ["alice@example.org"], "active": True,
                                                      "sogo_visible": False, "sender_allowed": False, "public_comment": "", "private_comment": ""}}
    mailcow.expect("GET", GET, reply=RAW)
    again = run(mailcow, address="info@example.org", goto=["alice@example.org"])
    assert not again["changed"] and again["action"] == "unchanged" and again["alias"]["id"] == 189


def test_check_mode_only_reads(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply=RAW)
    boxes(mailcow, "ivan")
    result = run(mailcow, check_mode=True, address="info@example.org", goto=["ivan@example.org"])
    assert result["changed"] and result["alias"]["goto"] == ["ivan@example.org"]
    mailcow.expect("GET", "/api/v1/get/alias/new@example.org", reply={})
    boxes(mailcow, "ivan")
    created = run(mailcow, check_mode=True, address="new@example.org", goto=["ivan@example.org"])
    assert created["changed"] and created["alias"]["id"] is None
    assert [s[0] for s in mailcow.seen] == ["GET"] * 5  # the add also reads the domain's limits


def test_edit_by_id_sends_only_the_difference(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/alias/INFO@example.org", reply=RAW)
    boxes(mailcow, "ivan")
    mailcow.expect("POST", "/api/v1/edit/alias", {"items": ["189"], "attr": {"goto": "ivan@example.org"}}, reply=MODIFIED)
    result = run(mailcow, address="INFO@Example.org", goto=["ivan@example.org"], active=True)
    assert result["changed"] and result["alias"]["address"] == "info@example.org" and result["alias"]["id"] == 189


def test_edit_of_null_alias_resends_goto_null(mailcow) -> None:
    mailcow.expect("GET", GET, reply=dict(RAW, goto="null@localhost"))
    mailcow.expect("POST", "/api/v1/edit/alias", {"items": ["189"], "attr": {"sogo_visible": 1, "goto_null": 1}}, reply=MODIFIED)
    result = run(mailcow, address="info@example.org", sogo_visible=True)
    assert result["changed"] and result["alias"]["goto_null"] is True


def test_absent_twice(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/delete/alias", ["189"], reply=REMOVED)
    assert run(mailcow, address="info@example.org", state="absent")["changed"]
    mailcow.expect("GET", GET, reply={})
    assert not run(mailcow, address="info@example.org", state="absent")["changed"]


def test_delete_of_an_alias_another_run_deleted_meanwhile_is_decided_by_one_read(mailcow) -> None:
    # Mailcow refuses deleting what is not there with access_denied: two runs deleting it at once.
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/delete/alias", ["189"], reply=GONE)
    mailcow.expect("GET", GET, reply={})
    result = run(mailcow, address="info@example.org", state="absent")
    assert result["changed"] and result["outcome"] == "deleted_concurrently"


def test_delete_refused_while_the_alias_is_still_there_is_an_error(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    mailcow.expect("POST", "/api/v1/delete/alias", ["189"], reply=GONE)
    mailcow.expect("GET", GET, reply=RAW)
    with pytest.raises(MailcowError, match="^info@example.org not deleted: .*access denied, or the object does not exist; re-reading shows it still exists$"):
        run(mailcow, address="info@example.org", state="absent")


def test_address_of_a_mailbox_is_refused_by_mailcow(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/alias/alice@example.org", reply={})
    boxes(mailcow, "ivan")
    mailcow.expect("POST", "/api/v1/add/alias", {"address": "alice@example.org", "goto": "ivan@example.org", "active": 1, "sogo_visible": 0,
                                                 "sender_allowed": 0}, reply=DUPLICATE)
    # "exists" on an add we planned may be a concurrent run: one re-read decides (no such alias: a mailbox).
    mailcow.expect("GET", "/api/v1/get/alias/alice@example.org", reply={})
    with pytest.raises(MailcowExistsError, match="alice@example.org not created: .*alice@example.org is already an alias or a mailbox; "
                                                 "re-reading shows no such object$"):
        run(mailcow, address="alice@example.org", goto=["ivan@example.org"])


def test_add_answered_without_alias_added_is_an_error(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    boxes(mailcow, "alice")
    body = {"address": "info@example.org", "goto": "alice@example.org", "active": 1, "sogo_visible": 0, "sender_allowed": 0}
    # Mailcow's answer when it skipped the address, e.g. one among its gotos (docs/mailcow-api.md#aliases).
    mailcow.expect("POST", "/api/v1/add/alias", body, reply={"type": "success", "msg": "Task completed"})
    with pytest.raises(MailcowError, match="Mailcow did not add alias info@example.org: it answered Task completed"):
        run(mailcow, address="info@example.org", goto=["alice@example.org"])


def test_plus_address_is_read_by_its_path_encoded_twice(mailcow) -> None:
    # Mailcow decodes a path twice (nginx, then PHP's query parser): '+' encoded twice reaches it as '+'.
    plus = dict(RAW, id=7, address="a+b@example.org")
    mailcow.expect("GET", "/api/v1/get/alias/a%252Bb@example.org", reply=plus)
    assert run(mailcow, check_mode=True, address="a+b@example.org", goto=["alice@example.org"])["action"] == "unchanged"


def test_slash_address_is_read_through_the_domain_listing(mailcow) -> None:
    plus = dict(RAW, id=7, address="a/b@example.org")
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=LISTING + [plus])
    assert run(mailcow, check_mode=True, address="a/b@example.org", goto=["alice@example.org"])["action"] == "unchanged"


def test_digit_address_answered_by_id_falls_back_to_listing(mailcow) -> None:
    domain_read(mailcow)
    # Mailcow matches "id = x OR address = x": "189x@example.org" can come back as alias 189 (docs/mailcow-api.md#aliases).
    mailcow.expect("GET", "/api/v1/get/alias/189x@example.org", reply=RAW)
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=LISTING)
    boxes(mailcow, "alice")
    assert run(mailcow, check_mode=True, address="189x@example.org", goto=["alice@example.org"])["action"] == "created"


def test_catch_all(mailcow) -> None:
    catch_all = dict(RAW, id=5, address="@example.org", is_catch_all=1)
    mailcow.expect("GET", "/api/v1/get/alias/@example.org", reply=catch_all)
    mailcow.expect("POST", "/api/v1/delete/alias", ["5"], reply=REMOVED)
    assert run(mailcow, address="@example.org", state="absent")["changed"]


def test_bad_option_fails_before_any_request(mailcow) -> None:
    with pytest.raises(MailcowOptionError, match="goto: alias info@example.org must not forward to itself"):
        run(mailcow, address="info@example.org", goto=["info@example.org"])
    assert mailcow.seen == []


# -- bulk form -------------------------------------------------------------------------------------


def many(server, check_mode=False, **kwargs):
    kwargs = dict({"concurrency": 2, "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "domain": "example.org"}, **kwargs)
    return manage_many(MailcowClient(server.url, "K"), params(**kwargs), check_mode=check_mode, diff=True)


def listing(*entries):
    return [dict(RAW, id=index + 1, address="%s@example.org" % name, goto=goto) for index, (name, goto) in enumerate(entries)]


def added(address, alias_id):
    return [dict(ADDED[0], msg=["alias_added", address, str(alias_id)])]


def test_bulk_reads_once_batches_edits_and_deletes(mailcow) -> None:
    domain_read(mailcow)
    current = listing(("a", "x@example.org"), ("b", "x@example.org"), ("c", "y@example.org"), ("old1", "x@example.org"),
                      ("old2", "x@example.org"), ("trap", "null@localhost"))
    foreign = dict(RAW, id=99, address="z@other.org", domain="other.org")
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=current + [foreign])
    boxes(mailcow, "y")
    mailcow.expect("POST", "/api/v1/delete/alias", ["4", "5"], reply=REMOVED)
    mailcow.expect("POST", "/api/v1/edit/alias", {"items": ["1", "2"], "attr": {"goto": "y@example.org"}}, reply=MODIFIED)
    mailcow.expect("POST", "/api/v1/edit/alias", {"items": ["6"], "attr": {"sender_allowed": 1, "goto_null": 1}}, reply=MODIFIED)
    for index, name in enumerate(("d", "e")):
        mailcow.expect("POST", "/api/v1/add/alias", {"address": "%s@example.org" % name, "goto": "y@example.org", "active": 1, "sogo_visible": 0,
                                                     "sender_allowed": 0}, reply=added("%s@example.org" % name, 10 + index))
    entries = [params(local_part="a", goto=["y@example.org"]), params(address="B@example.org", goto=["y@example.org"]),
               params(local_part="c", goto=["Y@example.org"]), params(local_part="d", goto=["y@example.org"]),
               params(local_part="e", goto=["y@example.org"]), params(local_part="trap", sender_allowed=True)]
    result = many(mailcow, purge=True, aliases=entries)
    assert result["summary"] == {"created": 2, "updated": 3, "deleted": 2, "unchanged": 1}
    assert result["aliases"][1] == {"address": "b@example.org", "action": "updated", "changed": True}
    assert {d["before_header"] for d in result["diff"] if d["before"]} == {"a@example.org", "b@example.org", "trap@example.org", "old1@example.org",
                                                                           "old2@example.org"}
    assert {d["after_header"] for d in result["diff"] if d["after"]} == {"a@example.org", "b@example.org", "trap@example.org", "d@example.org",
                                                                         "e@example.org"}
    assert result["msg"] == "created 2 (d, e), updated 3 (a, b, trap), deleted 2 (old1, old2), 1 unchanged"


def test_bulk_check_mode_only_reads(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=listing(("a", "x@example.org"), ("old", "x@example.org")))
    boxes(mailcow, "y")
    result = many(mailcow, check_mode=True, purge=True, aliases=[params(local_part="a", goto=["y@example.org"]), params(local_part="n", goto_null=True)])
    assert result["changed"] and result["summary"] == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 0}
    assert result["msg"] == "would create 1 (n), would update 1 (a), would delete 1 (old)"
    assert [s[0] for s in mailcow.seen] == ["GET", "GET", "GET"]  # aliases, mailboxes, the domain's limits


def test_bulk_unchanged_makes_one_request(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=LISTING)
    entries = [params(local_part="info", goto=["alice@example.org"]), params(local_part="team", goto=["ivan@example.org", "alice@example.org"])]
    result = many(mailcow, purge=True, aliases=entries)
    assert not result["changed"] and result["summary"]["unchanged"] == 2 and result["diff"] == []
    assert result["msg"] == "no change (2 unchanged)"
    assert len(mailcow.seen) == 1


def test_bulk_empty_domain_reads_curly_braces_as_empty(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply={})
    boxes(mailcow, "alice")
    result = many(mailcow, check_mode=True, aliases=[params(local_part="info", goto=["alice@example.org"])])
    assert result["summary"]["created"] == 1


def test_bulk_partial_failure_names_each_failed_alias(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply={})
    boxes(mailcow, "ivan")
    body = {"goto": "ivan@example.org", "active": 1, "sogo_visible": 0, "sender_allowed": 0}
    mailcow.expect("POST", "/api/v1/add/alias", dict(body, address="alice@example.org"), reply=DUPLICATE)
    mailcow.expect("POST", "/api/v1/add/alias", dict(body, address="ok@example.org"), reply=added("ok@example.org", 11))
    bob_exists = [dict(DUPLICATE[0], msg=["is_alias_or_mailbox", "bob@example.org"])]
    mailcow.expect("POST", "/api/v1/add/alias", dict(body, address="bob@example.org"), reply=bob_exists)
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply={})  # one listing decides both: neither is an alias
    entries = [params(local_part=n, goto=["ivan@example.org"]) for n in ("alice", "ok", "bob")]
    with pytest.raises(MailcowError, match=r"^2 failed \(2 is_alias_or_mailbox, e.g. alice@example.org not created: .*already an alias or a mailbox; "
                                           r"re-reading shows no such object\): alice@example.org, bob@example.org; 1 done") as info:
        many(mailcow, aliases=entries)
    assert [e["item"] for e in info.value.to_result()["failed_entries"]] == ["alice@example.org", "bob@example.org"]


def test_bulk_rejects_bad_entries_naming_them_before_reading(mailcow) -> None:
    with pytest.raises(MailcowOptionError, match=r"aliases\[1\] \(x@other.org\): address is not in domain example.org"):
        many(mailcow, aliases=[params(local_part="a", goto=["b@example.org"]), params(address="x@other.org", goto=["b@example.org"])])
    with pytest.raises(MailcowOptionError, match=r"aliases\[1\] \(A@example.org\): A@example.org is listed twice \(also aliases\[0\]\)"):
        many(mailcow, aliases=[params(local_part="a", goto=["b@example.org"]), params(address="A@example.org", goto=["b@example.org"])])
    with pytest.raises(MailcowOptionError, match=r"aliases\[0\] \(a\): goto: 'nope' is not a valid address"):
        many(mailcow, aliases=[params(local_part="a", goto=["nope"])])
    with pytest.raises(MailcowOptionError, match=r"domain is required with aliases"):
        many(mailcow, domain=None, aliases=[])
    assert mailcow.seen == []


def test_bulk_new_alias_without_goto_fails_before_writing(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=LISTING)
    with pytest.raises(MailcowOptionError, match=r"aliases\[1\]: goto \(or goto_null, goto_spam or goto_ham\) is required to create alias new@example.org"):
        many(mailcow, aliases=[params(local_part="info", active=False), params(local_part="new", active=True)])
    assert [s[0] for s in mailcow.seen] == ["GET"]


# -- warnings about gotos that go nowhere ---------------------------------------------------------


def test_goto_to_a_missing_local_address_warns_once_read(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", GET, reply={})
    boxes(mailcow, "alice")
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=LISTING)  # team@ is an alias: no warning for it
    gotos = ["alice@example.org", "bobb@example.org", "team@example.org", "someone@elsewhere.example"]
    result = run(mailcow, check_mode=True, address="info@example.org", goto=gotos)
    assert result["warnings"] == ["alias info@example.org: goto bobb@example.org is neither a mailbox nor an alias of example.org, so mail "
                                  "sent there will bounce. Check the address, or create the mailbox"]


def test_unchanged_goto_reads_nothing_more(mailcow) -> None:
    mailcow.expect("GET", GET, reply=RAW)
    result = run(mailcow, address="info@example.org", goto=["alice@example.org"], sogo_visible=False)
    assert result["warnings"] == [] and len(mailcow.seen) == 1


def test_bulk_goto_to_an_alias_of_the_same_run_is_known(mailcow) -> None:
    domain_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply={})
    boxes(mailcow, "alice")
    entries = [params(local_part="sales", goto=["team@example.org"]), params(local_part="team", goto=["alice@example.org"]),
               params(local_part="help", goto=["nobody@example.org"])]
    result = many(mailcow, check_mode=True, aliases=entries)
    assert [w.split(":")[0] for w in result["warnings"]] == ["alias help@example.org"]
    assert len(mailcow.seen) == 3  # aliases, mailboxes, the domain's limits
