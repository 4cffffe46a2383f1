# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_mailbox's template, rate_limit and sender_acl through main(), against the emulator over HTTPS.

The emulator's request counters show which listing each run read: the full one only when an entry
sets rate_limit or sender_acl.
"""

from __future__ import annotations

import json
import typing as t

from ..mailcow_inprocess import Mailcow, RunModule

PASSWORD = "In-Process-Pw-2026!"
DOMAIN = "attrs.example"
FULL = "GET /api/v1/get/mailbox/all/{id}"
REDUCED = "GET /api/v1/get/mailbox/reduced/{id}"


def get(emulated: Mailcow, path: str) -> t.Any:
    return emulated.emulator.request("GET", "/api/v1/get/" + path).json()


def listings(emulated: Mailcow) -> dict[str, int]:
    """How often each mailbox listing was read since the last call."""
    routes = emulated.emulator.control("GET", "stats")["by_route"]
    emulated.emulator.control("POST", "stats/reset")
    return {route: routes.get(route, 0) for route in (FULL, REDUCED)}


def run_bulk(run_module: RunModule, emulated: Mailcow, entries: list[dict[str, t.Any]], **kwargs: t.Any) -> dict[str, t.Any]:
    return run_module("mailcow_mailbox", dict(emulated.conn(), domain=DOMAIN, mailboxes=entries), diff=True, **kwargs)


def setup(run_module: RunModule, emulated: Mailcow) -> None:
    domain = run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN, max_quota=2048, default_quota=512))
    assert domain["changed"], domain
    reply = emulated.emulator.request("POST", "/api/v1/add/mailbox/template", {
        "template": "Staff", "quota": 64, "tags": ["staff"], "rl_value": 30, "rl_frame": "m", "protocol_access": ["imap", "smtp"]})
    assert reply.json()[0]["msg"] == ["template_added", "Staff"], reply.text
    listings(emulated)


def test_template_fills_what_the_entry_does_not_set_and_only_the_reduced_listing_is_read(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    entries = [{"local_part": "alice", "password": PASSWORD, "template": "Staff"}, {"local_part": "bob", "password": PASSWORD}]
    planned = run_bulk(run_module, emulated, entries, check_mode=True)
    created = run_bulk(run_module, emulated, entries)
    assert created["changed"] and created["summary"]["created"] == 2 and created["diff"] == planned["diff"]
    alice, bob = get(emulated, "mailbox/all/" + DOMAIN)
    assert (alice["quota"], alice["tags"], alice["rl"], alice["rl_scope"]) == (64 * 1048576, ["staff"], {"value": "30", "frame": "m"}, "mailbox")
    assert alice["attributes"]["imap_access"] == "1" and alice["attributes"]["pop3_access"] == "0"
    # Without a template: the Default template's quota (0, unlimited), not the domain's default quota (512).
    assert bob["quota"] == 0 and bob["rl"] is False
    predicted = {d["after_header"]: d["after"] for d in created["diff"]}
    assert predicted["alice@" + DOMAIN]["quota"] == 64 and predicted["alice@" + DOMAIN]["rate_limit"] == {"value": 30, "frame": "m"}
    assert predicted["bob@" + DOMAIN]["quota"] == 0
    listings(emulated)
    assert not run_bulk(run_module, emulated, entries)["changed"]
    assert listings(emulated) == {FULL: 0, REDUCED: 1}


def test_rate_limit_and_sender_acl_changed_then_ok_reading_the_full_listing(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    run_bulk(run_module, emulated, [{"local_part": name, "password": PASSWORD} for name in ("alice", "bob")])
    listings(emulated)
    entries = [{"local_part": "alice", "sender_acl": ["bob@" + DOMAIN, DOMAIN]}, {"local_part": "bob", "rate_limit": {"value": 5, "frame": "h"}}]
    changed = run_bulk(run_module, emulated, entries)
    assert changed["changed"] and changed["summary"]["updated"] == 2, changed
    assert listings(emulated) == {FULL: 1, REDUCED: 0}
    assert get(emulated, "rl-mbox/bob@" + DOMAIN) == {"value": "5", "frame": "h"}
    assert sorted(get(emulated, "mailbox/alice@" + DOMAIN)["sender_acl"]) == ["@" + DOMAIN, "bob@" + DOMAIN]
    assert not run_bulk(run_module, emulated, entries)["changed"]
    removed = run_module("mailcow_mailbox", dict(emulated.conn(), address="bob@" + DOMAIN, rate_limit={"value": 0}), diff=True)
    assert removed["changed"] and removed["diff"]["before"]["rate_limit"] == {"value": 5, "frame": "h"} and removed["diff"]["after"]["rate_limit"] is None
    assert get(emulated, "rl-mbox/bob@" + DOMAIN) == {}


def test_a_grant_mailcow_refuses_fails_naming_it_and_an_unknown_template_writes_nothing(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    run_bulk(run_module, emulated, [{"local_part": "alice", "password": PASSWORD}])
    refused = run_module("mailcow_mailbox", dict(emulated.conn(), address="alice@" + DOMAIN, sender_acl=["@gmail.com", "@" + DOMAIN]))
    # Mailcow would drop @gmail.com and save the rest: refused before any write, naming the mailbox and the entry.
    assert refused["rc"] == 1 and "alice@%s: sender_acl entry @gmail.com: gmail.com is not a domain" % DOMAIN in refused["msg"], refused
    assert get(emulated, "mailbox/alice@" + DOMAIN)["sender_acl"] == []
    unknown = run_bulk(run_module, emulated, [{"local_part": "carol", "password": PASSWORD, "template": "Staf"}])
    assert unknown["rc"] == 1 and "template 'Staf' is not a mailbox template of this Mailcow (it has: Default, Staff)" in unknown["msg"]
    assert [m["username"] for m in get(emulated, "mailbox/all/" + DOMAIN)] == ["alice@" + DOMAIN]
    assert PASSWORD not in json.dumps(unknown)


def test_a_grant_an_alias_already_gives_stays_unchanged_with_a_warning(run_module: RunModule, emulated: Mailcow) -> None:
    setup(run_module, emulated)
    run_bulk(run_module, emulated, [{"local_part": name, "password": PASSWORD} for name in ("alice", "bob")])
    alias = run_module("mailcow_alias", dict(emulated.conn(), address="sales@" + DOMAIN, goto=["alice@" + DOMAIN, "bob@" + DOMAIN], sender_allowed=True))
    assert alias["changed"], alias
    entries = [{"local_part": "alice", "sender_acl": ["sales@" + DOMAIN, DOMAIN]}]
    first = run_bulk(run_module, emulated, entries)
    assert first["changed"] and first["summary"]["updated"] == 1, first
    assert get(emulated, "mailbox/alice@" + DOMAIN)["sender_acl"] == ["@" + DOMAIN]  # Mailcow keeps no grant the alias gives
    again = run_bulk(run_module, emulated, entries)
    assert not again["changed"], again
    assert any("it may already send as sales@%s through the alias" % DOMAIN in warning for warning in again["warnings"])
    single = run_module("mailcow_mailbox", dict(emulated.conn(), address="alice@" + DOMAIN, sender_acl=["sales@" + DOMAIN, DOMAIN]))
    assert not single["changed"] and single["warnings"], single
