# SPDX-License-Identifier: GPL-3.0-or-later
"""Which mailbox listing each caller reads: reduced wherever its fields suffice, full otherwise.

The replies are the recorded answers of a real Mailcow (tests/fixtures/mailcow-api/transcripts-listing.jsonl):
get/mailbox/reduced/<domain> lacks rl, rl_scope, sender_acl, is_relayed, max_new_quota,
pushover_active and spam_aliases, and lists every mailbox for an unknown domain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import FULL_ONLY, compared_view, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import get_mailbox, list_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.manager import manage_many
from ansible_collections.glassdome.mailcow.plugins.modules.mailcow_mailbox_info import find

LISTING = Path(__file__).resolve().parents[3] / "fixtures" / "mailcow-api" / "transcripts-listing.jsonl"
RECORDED = {c["case"]: c["response"]["body"] for c in (json.loads(line) for line in LISTING.read_text().splitlines() if line.strip())}
REDUCED = RECORDED["get_mailbox_reduced_domain"]  # alice, bob, carol @lc.example
FULL = RECORDED["get_mailbox_all_domain"]
UNKNOWN = RECORDED["get_mailbox_reduced_missing_domain"]
ROUTE_NOT_FOUND = {"type": "error", "msg": "route not found"}
ADDRESSES = ["alice@lc.example", "bob@lc.example", "carol@lc.example"]


def client(server):
    return MailcowClient(server.url, "K")


def addresses(raws):
    return [raw["username"] for raw in raws]


def test_domain_listing_reads_the_reduced_route(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/lc.example", reply=REDUCED)
    raws = list_mailboxes(client(mailcow), "LC.example")
    assert addresses(raws) == ADDRESSES and "sender_acl" not in raws[0]


def test_full_listing_on_request(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/all/lc.example", reply=FULL)
    raws = list_mailboxes(client(mailcow), "lc.example", full=True)
    assert addresses(raws) == ADDRESSES and raws[0]["sender_acl"] == []


def test_unknown_domain_is_filtered_to_nothing(mailcow) -> None:
    # Mailcow lists every mailbox for a domain it does not know.
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/missing.example", reply=UNKNOWN)
    assert list_mailboxes(client(mailcow), "missing.example") == []


def test_every_mailbox_of_the_server(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced", reply=UNKNOWN)
    assert addresses(list_mailboxes(client(mailcow))) == ADDRESSES


def test_route_not_found_falls_back_to_the_full_listing_once(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/lc.example", reply=ROUTE_NOT_FOUND, status=404)
    mailcow.expect("GET", "/api/v1/get/mailbox/all/lc.example", reply=FULL)
    assert addresses(list_mailboxes(client(mailcow), "lc.example")) == ADDRESSES
    assert [path for _m, path, _b, _h in mailcow.seen] == ["/api/v1/get/mailbox/reduced/lc.example", "/api/v1/get/mailbox/all/lc.example"]


def test_full_listing_route_not_found_is_an_error(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/all/lc.example", reply=ROUTE_NOT_FOUND, status=404)
    with pytest.raises(MailcowError, match="route not found"):
        list_mailboxes(client(mailcow), "lc.example", full=True)


def test_empty_reduced_answer_is_confirmed_with_the_full_listing(mailcow) -> None:
    # An older Mailcow reads "reduced" as a mailbox name and answers {}: that must not mean "no mailboxes".
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/lc.example", reply={})
    mailcow.expect("GET", "/api/v1/get/mailbox/all/lc.example", reply=FULL)
    assert addresses(list_mailboxes(client(mailcow), "lc.example")) == ADDRESSES


def test_other_errors_do_not_fall_back(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/lc.example", reply={"type": "error", "msg": "API read/write access denied"}, status=403)
    with pytest.raises(MailcowError, match="access denied"):
        list_mailboxes(client(mailcow), "lc.example")
    assert len(mailcow.seen) == 1


def test_slash_address_is_found_in_the_listing_of_the_kind_asked(mailcow) -> None:
    slash = dict(REDUCED[0], username="a/b@lc.example", local_part="a/b")
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/lc.example", reply=[slash])
    assert get_mailbox(client(mailcow), "a/b@lc.example") == slash
    mailcow.expect("GET", "/api/v1/get/mailbox/all/lc.example", reply=[dict(FULL[0], username="a/b@lc.example")])
    assert get_mailbox(client(mailcow), "a/b@lc.example", full=True)["rl_scope"] == "domain"


def test_bulk_mailbox_module_reads_the_reduced_listing(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/lc.example", reply=REDUCED)
    entries = [{"local_part": n, "quota": 256, "name": n.title(), "state": "present", "update_password": "on_create", "purge_tags": True}
               for n in ("alice", "bob", "carol")]
    params = {"domain": "lc.example", "mailboxes": entries, "purge": True, "purge_tags": True, "concurrency": 2}
    result = manage_many(client(mailcow), params, check_mode=False, diff=False)
    assert not result["changed"] and result["summary"]["unchanged"] == 3


def info(server, **params):
    return find(client(server), dict({"domain": None, "address": None, "include_raw": True}, **params))


def test_info_with_raw_reads_the_full_listing(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/all/lc.example", reply=FULL)
    mailboxes = info(mailcow, domain="lc.example")
    assert [m["address"] for m in mailboxes] == ADDRESSES and mailboxes[0]["raw"]["rl_scope"] == "domain"


def test_reduced_objects_normalise_exactly_like_the_full_ones() -> None:
    """What makes the reduced listing enough: the model and info's normalised view read no missing field,
    except rate_limit and sender_acl, which only the full objects have (and mailcow_mailbox reads them only when compared)."""

    def without_full_only(mailbox):
        return {key: value for key, value in mailbox.items() if key not in FULL_ONLY}

    assert [normalize(raw) for raw in REDUCED] == [without_full_only(normalize(raw)) for raw in FULL]
    assert [compared_view(normalize(raw)) for raw in REDUCED] == [without_full_only(compared_view(normalize(raw))) for raw in FULL]
    assert all(set(FULL_ONLY) <= set(normalize(raw)) for raw in FULL)


def test_info_without_raw_reads_the_reduced_listing(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced", reply=UNKNOWN)
    mailboxes = info(mailcow, include_raw=False)
    assert [m["address"] for m in mailboxes] == ADDRESSES and "raw" not in mailboxes[0]
