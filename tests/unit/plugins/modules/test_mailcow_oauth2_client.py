# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_oauth2_client and mailcow_oauth2_client_info in-process against the emulator over HTTPS.

Every write is read back from the emulator's listing (tests/emulator/test_filters_oauth2_transcripts.py replays
the recording it follows). Mailcow's API returns client secrets in clear: every result is searched for each
secret the emulator holds, and only the documented ``client_secret`` of a create or a renewal may carry one.
"""

from __future__ import annotations

import json
import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

URI = "https://wiki.oauth.example/oauth/callback"
LISTING = "/api/v1/get/oauth2-client/all"


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", LISTING).json()
    return data if isinstance(data, list) else []


def secrets_in(result: t.Any, emulated: Mailcow, *, allowed: str | None = None) -> list[str]:
    """The emulator's client secrets found anywhere in ``result`` but its documented ``client_secret``."""
    shown = dict(result)
    if allowed is not None:
        assert shown.pop("client_secret") == allowed
    text = json.dumps(shown)
    return [row["client_secret"] for row in listing(emulated) if row["client_secret"] in text]


def args(emulated: Mailcow, **extra: t.Any) -> dict[str, t.Any]:
    return dict(dict(emulated.conn(), redirect_uri=URI), **extra)


def test_check_mode_then_create_returns_the_secret_once_then_unchanged(run_module: RunModule, emulated: Mailcow) -> None:
    checked = run_module("mailcow_oauth2_client", args(emulated), check_mode=True, diff=True)
    assert checked["changed"] and checked["action"] == "created" and "client_secret" not in checked and listing(emulated) == []
    assert checked["diff"] == {"before": {}, "after": {"redirect_uri": URI, "client_id": None, "client_secret": "(new)"}}
    created = run_module("mailcow_oauth2_client", args(emulated, redirect_uri=URI.replace("wiki.oauth", "WIKI.OAUTH")), diff=True)
    rows = listing(emulated)
    assert len(rows) == 1 and rows[0]["redirect_uri"] == URI  # scheme and host lower-case, as compared
    assert created["changed"] and created["client_secret"] == rows[0]["client_secret"]
    assert created["oauth2_client"] == {"id": rows[0]["id"], "client_id": rows[0]["client_id"], "redirect_uri": URI, "scope": "profile"}
    assert secrets_in(created, emulated, allowed=rows[0]["client_secret"]) == []
    again = run_module("mailcow_oauth2_client", args(emulated), diff=True)
    assert again["rc"] == 0 and not again["changed"] and "client_secret" not in again and secrets_in(again, emulated) == []


def test_renew_secret_returns_the_new_one_and_revoke_tokens_is_its_own_request(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_oauth2_client", args(emulated))["changed"]
    old = listing(emulated)[0]["client_secret"]
    planned = run_module("mailcow_oauth2_client", args(emulated, renew_secret=True, revoke_tokens=True), check_mode=True, diff=True)
    assert planned["changed"] and "client_secret" not in planned and listing(emulated)[0]["client_secret"] == old
    assert planned["diff"]["after"] == {"redirect_uri": URI, "client_id": listing(emulated)[0]["client_id"], "client_secret": "(new)",
                                        "tokens": "(revoked)"}
    renewed = run_module("mailcow_oauth2_client", args(emulated, renew_secret=True, revoke_tokens=True), diff=True)
    new = listing(emulated)[0]["client_secret"]
    assert renewed["changed"] and renewed["action"] == "updated" and new != old and renewed["client_secret"] == new
    assert old not in json.dumps(renewed) and secrets_in(renewed, emulated, allowed=new) == []
    assert renewed["diff"] == planned["diff"]


def test_client_id_picks_a_client_to_move_and_duplicates_are_refused(run_module: RunModule, emulated: Mailcow) -> None:
    # Mailcow adds the same redirect URI twice without complaint.
    emulated.emulator.request("POST", "/api/v1/add/oauth2-client", {"redirect_uri": URI})
    emulated.emulator.request("POST", "/api/v1/add/oauth2-client", {"redirect_uri": URI})
    first, second = listing(emulated)
    refused = run_module("mailcow_oauth2_client", args(emulated, renew_secret=True))
    assert refused["failed"] and "2 times (ids 1, 2)" in refused["msg"] and secrets_in(refused, emulated) == []
    moved = run_module("mailcow_oauth2_client", dict(emulated.conn(), client_id=second["client_id"], redirect_uri="https://docs.oauth.example/cb"),
                       diff=True)
    assert moved["changed"] and moved["diff"] == {"before": {"redirect_uri": URI, "client_id": second["client_id"]},
                                                  "after": {"redirect_uri": "https://docs.oauth.example/cb", "client_id": second["client_id"]}}
    assert [row["redirect_uri"] for row in listing(emulated)] == [URI, "https://docs.oauth.example/cb"] and "client_secret" not in moved
    assert not run_module("mailcow_oauth2_client", dict(emulated.conn(), client_id=second["client_id"],
                                                        redirect_uri="https://docs.oauth.example/cb"))["changed"]
    taken = run_module("mailcow_oauth2_client", dict(emulated.conn(), client_id=first["client_id"], redirect_uri="https://docs.oauth.example/cb"))
    assert taken["failed"] and "is already the redirect URI of client %s" % second["client_id"] in taken["msg"]
    assert [row["redirect_uri"] for row in listing(emulated)] == [URI, "https://docs.oauth.example/cb"]
    gone = run_module("mailcow_oauth2_client", dict(emulated.conn(), client_id=first["client_id"], state="absent"))
    assert gone["changed"] and [row["id"] for row in listing(emulated)] == [second["id"]]
    unknown = run_module("mailcow_oauth2_client", dict(emulated.conn(), client_id="abcdef123456"))
    assert unknown["failed"] and "there is no OAuth2 client with client_id abcdef123456" in unknown["msg"]


def test_bad_input_is_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    for uri in ("not a uri", "https://", "https://user:pw@app.example/cb", "https://app.example/cb#top", "http:app.example", "",
                "https://app.example/" + "x" * 2000):
        result = run_module("mailcow_oauth2_client", args(emulated, redirect_uri=uri))
        assert result["failed"] and "is not a valid redirect URI" in result["msg"] and "pw" not in result["msg"], (uri, result["msg"])
    bad_id = run_module("mailcow_oauth2_client", dict(emulated.conn(), client_id="not-hex"))
    assert bad_id["failed"] and "is not a Mailcow client id" in bad_id["msg"]
    entry = run_module("mailcow_oauth2_client", dict(emulated.conn(), oauth2_clients=[{"redirect_uri": URI}, {"redirect_uri": "bad uri"}]))
    assert entry["failed"] and entry["msg"].startswith("oauth2_clients[1] (bad uri): redirect_uri")
    ro = run_module("mailcow_oauth2_client", args(emulated, api_key=RO_KEY))
    assert ro["failed"] and "read-only" in ro["msg"]
    assert listing(emulated) == []
    native = run_module("mailcow_oauth2_client", args(emulated, redirect_uri="com.example.app:/callback"))
    assert native["changed"] and listing(emulated)[0]["redirect_uri"] == "com.example.app:/callback"


def test_bulk_create_with_secrets_unchanged_then_purge_with_guards(run_module: RunModule, emulated: Mailcow) -> None:
    uris = [URI, "https://git.oauth.example/cb", "https://chat.oauth.example/cb"]
    entries = [{"redirect_uri": uri} for uri in uris]
    checked = run_module("mailcow_oauth2_client", dict(emulated.conn(), oauth2_clients=entries), check_mode=True, diff=True)
    assert checked["summary"]["created"] == 3 and listing(emulated) == [] and "client_secret" not in json.dumps(checked["oauth2_clients"])
    created = run_module("mailcow_oauth2_client", dict(emulated.conn(), oauth2_clients=entries), diff=True)
    rows = {row["redirect_uri"]: row for row in listing(emulated)}
    assert [(i["redirect_uri"], i["client_id"], i["client_secret"]) for i in created["oauth2_clients"]] == [
        (uri, rows[uri]["client_id"], rows[uri]["client_secret"]) for uri in uris]
    assert all(d["after"]["client_secret"] == "(new)" for d in created["diff"])
    assert not any(row["client_secret"] in json.dumps(created["diff"]) + created["msg"] for row in rows.values())
    again = run_module("mailcow_oauth2_client", dict(emulated.conn(), oauth2_clients=entries))
    assert not again["changed"] and secrets_in(again, emulated) == []
    empty = run_module("mailcow_oauth2_client", dict(emulated.conn(), oauth2_clients=[], purge=True))
    assert empty["failed"] and "purge_allow_empty" in empty["msg"] and len(listing(emulated)) == 3
    too_many = run_module("mailcow_oauth2_client", dict(emulated.conn(), oauth2_clients=entries[:1], purge=True))
    assert too_many["failed"] and "would delete 2 of the 3 oauth2_clients of this Mailcow" in too_many["msg"]
    purged = run_module("mailcow_oauth2_client", dict(emulated.conn(), oauth2_clients=entries[:2], purge=True))
    assert purged["oauth2_clients"] == [{"redirect_uri": uris[2], "action": "deleted", "changed": True}]
    assert sorted(row["redirect_uri"] for row in listing(emulated)) == sorted(uris[:2]) and secrets_in(purged, emulated) == []


def test_info_never_shows_secrets(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_oauth2_client", args(emulated))["changed"]
    row = listing(emulated)[0]
    info = run_module("mailcow_oauth2_client_info", dict(emulated.conn(RO_KEY)))
    assert info["oauth2_clients"] == [{"id": row["id"], "client_id": row["client_id"], "redirect_uri": URI, "scope": "profile"}]
    assert secrets_in(info, emulated) == []
    assert run_module("mailcow_oauth2_client_info", dict(emulated.conn(), redirect_uri="https://other.example/cb"))["oauth2_clients"] == []
    assert len(run_module("mailcow_oauth2_client_info", dict(emulated.conn(), client_id=row["client_id"]))["oauth2_clients"]) == 1
    bad = run_module("mailcow_oauth2_client_info", dict(emulated.conn(), redirect_uri="bad uri"))
    assert bad["failed"] and "is not a valid redirect URI" in bad["msg"]
