# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_queue and mailcow_queue_info in-process against the emulator over HTTPS, on its modelled mail queue.

The emulator of these tests runs no Postfix, so its queue is the model the control API fills
(tests/sandbox/mailcow_emulator/queue.py); the integration tests act on the sandbox Postfix's real queue.
"""

from __future__ import annotations

import json
import time
import typing as t

from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow, RunModule

NOW = int(time.time())
# Three deferred (two to remote.example, one bounce) and one held; C's next hop is up, the others' are down.
SEED = [
    {"queue_id": "A1A1A1A1A1", "sender": "alice@rb.example", "arrival_time": NOW - 3 * 86400,
     "recipients": [{"address": "x@remote.example", "delay_reason": "connect to mx.remote.example[192.0.2.5]:25: Connection refused"}]},
    {"queue_id": "B2B2B2B2B2", "sender": "", "arrival_time": NOW - 7200, "recipients": ["alice@rb.example"]},
    {"queue_id": "C3C3C3C3C3", "sender": "bob@rb.example", "arrival_time": NOW - 60, "recipients": ["y@up.example", "z@remote.example"],
     "deliverable": True},
    {"queue_id": "D4D4D4D4D4", "sender": "bob@rb.example", "arrival_time": NOW - 30, "queue_name": "hold", "recipients": ["w@remote.example"]},
]


def seed(emulated: Mailcow) -> None:
    emulated.emulator.control("POST", "mailq", {"entries": SEED})


def queue(emulated: Mailcow) -> dict[str, str]:
    return {entry["queue_id"]: entry["queue_name"] for entry in emulated.emulator.control("GET", "mailq")["entries"]}


def requests(emulated: Mailcow) -> int:
    return int(emulated.emulator.control("GET", "stats")["requests"])


def test_info_selects_and_normalises(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    every = run_module("mailcow_queue_info", emulated.conn(RO_KEY))
    assert every["rc"] == 0 and not every["changed"] and every["total"] == 4, every
    assert every["counts"] == {"active": 0, "deferred": 3, "hold": 1, "incoming": 0, "maildrop": 0}
    first = every["queue"][0]
    assert first["queue_id"] == "A1A1A1A1A1" and first["status"] == "deferred" and first["sender"] == "alice@rb.example"
    assert first["recipients"] == [{"address": "x@remote.example", "delay_reason": "connect to mx.remote.example[192.0.2.5]:25: Connection refused"}]
    assert first["arrival_time"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - 3 * 86400)) and first["timestamp"] == NOW - 3 * 86400
    assert 3 * 86400 <= first["age_seconds"] <= int(time.time()) - NOW + 3 * 86400 and first["size"] == 1024 and first["forced_expire"] is False

    def ids(**selection: t.Any) -> list[str]:
        result = run_module("mailcow_queue_info", dict(emulated.conn(RO_KEY), **selection))
        assert result["rc"] == 0 and result["total"] == 4, result
        return [entry["queue_id"] for entry in result["queue"]]

    assert ids(sender="BOB@rb.example") == ["C3C3C3C3C3", "D4D4D4D4D4"]
    assert ids(sender="<>") == ["B2B2B2B2B2"]
    assert ids(recipient="@remote.example") == ids(recipient="remote.example") == ["A1A1A1A1A1", "C3C3C3C3C3", "D4D4D4D4D4"]
    assert ids(older_than="1h") == ["A1A1A1A1A1", "B2B2B2B2B2"] and ids(older_than="1d", status=["deferred"]) == ["A1A1A1A1A1"]
    assert ids(status=["hold"]) == ["D4D4D4D4D4"] and ids(queue_ids=["c3c3c3c3c3"], sender="bob@rb.example") == ["C3C3C3C3C3"]


def test_hold_check_mode_then_change_then_unchanged(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    args = dict(emulated.conn(), action="hold", recipient="remote.example")
    predicted = run_module("mailcow_queue", args, check_mode=True, diff=True)
    assert predicted["rc"] == 0 and predicted["changed"] and predicted["queue_ids"] == ["A1A1A1A1A1", "C3C3C3C3C3"], predicted
    assert predicted["diff"]["before"]["queue"]["A1A1A1A1A1"] == {"status": "deferred", "sender": "alice@rb.example", "recipients": ["x@remote.example"]}
    assert predicted["diff"]["after"]["queue"]["C3C3C3C3C3"]["status"] == "hold" and "D4D4D4D4D4" not in predicted["diff"]["before"]["queue"]
    assert queue(emulated)["A1A1A1A1A1"] == "deferred"  # check mode wrote nothing
    held = run_module("mailcow_queue", args, diff=True)
    assert held["changed"] and held["queue_ids"] == predicted["queue_ids"] and held["diff"] == predicted["diff"], held
    assert queue(emulated) == {"A1A1A1A1A1": "hold", "B2B2B2B2B2": "deferred", "C3C3C3C3C3": "hold", "D4D4D4D4D4": "hold"}
    again = run_module("mailcow_queue", args, diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["queue_ids"] == [] and again["diff"]["before"] == {"queue": {}}
    assert not run_module("mailcow_queue", args, check_mode=True)["changed"]
    released = run_module("mailcow_queue", dict(emulated.conn(), action="release", queue_ids=["A1A1A1A1A1", "B2B2B2B2B2"]))
    assert released["changed"] and released["queue_ids"] == ["A1A1A1A1A1"] and queue(emulated)["A1A1A1A1A1"] == "deferred"
    assert not run_module("mailcow_queue", dict(emulated.conn(), action="release", queue_ids=["A1A1A1A1A1"]))["changed"]


def test_flush_delivers_what_can_be_delivered(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    flushed = run_module("mailcow_queue", dict(emulated.conn(), action="flush"), diff=True)
    assert flushed["changed"] and flushed["queue_ids"] == ["A1A1A1A1A1", "B2B2B2B2B2", "C3C3C3C3C3"], flushed
    assert flushed["diff"]["after"]["queue"]["B2B2B2B2B2"] == {"status": "flushed", "sender": "<>", "recipients": ["alice@rb.example"]}
    assert queue(emulated) == {"A1A1A1A1A1": "deferred", "B2B2B2B2B2": "deferred", "D4D4D4D4D4": "hold"}  # C delivered; held mail stays
    one = run_module("mailcow_queue", dict(emulated.conn(), action="flush", queue_ids=["B2B2B2B2B2"]))
    assert one["changed"] and one["queue_ids"] == ["B2B2B2B2B2"]
    assert not run_module("mailcow_queue", dict(emulated.conn(), action="flush", status=["hold"]))["changed"]


def test_delete_named_then_gone_is_unchanged(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    args = dict(emulated.conn(), action="delete", queue_ids=["A1A1A1A1A1", "B2B2B2B2B2", "C3C3C3C3C3"])
    predicted = run_module("mailcow_queue", args, check_mode=True, diff=True)
    assert predicted["changed"] and predicted["diff"]["after"] == {"queue": {}} and len(queue(emulated)) == 4, predicted
    deleted = run_module("mailcow_queue", args, diff=True)
    assert deleted["changed"] and deleted["queue_ids"] == ["A1A1A1A1A1", "B2B2B2B2B2", "C3C3C3C3C3"] and deleted["total"] == 4
    assert queue(emulated) == {"D4D4D4D4D4": "hold"}
    again = run_module("mailcow_queue", args)
    assert again["rc"] == 0 and not again["changed"] and again["missing"] == ["A1A1A1A1A1", "B2B2B2B2B2", "C3C3C3C3C3"], again


def test_delete_guards(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    before = requests(emulated)
    everything = run_module("mailcow_queue", dict(emulated.conn(), action="delete"), check_mode=True)
    assert everything["rc"] == 1 and "allow_delete_all=true" in everything["msg"] and "would delete 4 of the 4 messages" in everything["msg"]
    share = run_module("mailcow_queue", dict(emulated.conn(), action="delete", recipient="remote.example"))
    assert share["rc"] == 1 and "more than delete_max_share=50% of the queue" in share["msg"], share
    assert "A1A1A1A1A1, C3C3C3C3C3, D4D4D4D4D4" in share["msg"]
    assert requests(emulated) == before + 2 and len(queue(emulated)) == 4  # one read each, nothing written
    half = run_module("mailcow_queue", dict(emulated.conn(), action="delete", sender="bob@rb.example"))
    assert half["changed"] and sorted(queue(emulated)) == ["A1A1A1A1A1", "B2B2B2B2B2"], half  # 2 of 4: within 50 %
    only_all = run_module("mailcow_queue", dict(emulated.conn(), action="delete", allow_delete_all=True))
    assert only_all["rc"] == 1 and "delete_max_share=50%" in only_all["msg"], only_all
    emptied = run_module("mailcow_queue", dict(emulated.conn(), action="delete", allow_delete_all=True, delete_max_share=100))
    assert emptied["changed"] and queue(emulated) == {}


def test_unknown_queue_id_fails_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    for action in ("hold", "release", "flush"):
        before = requests(emulated)
        result = run_module("mailcow_queue", dict(emulated.conn(), action=action, queue_ids=["A1A1A1A1A1", "EEEEEEEEEE"]))
        assert result["rc"] == 1 and "queue_ids: EEEEEEEEEE is not in the mail queue" in result["msg"], result
        assert result["error_type"] == "MailcowNotFoundError" and requests(emulated) == before + 1  # the read only
    assert queue(emulated)["A1A1A1A1A1"] == "deferred"


def test_read_only_key_cannot_act(run_module: RunModule, emulated: Mailcow) -> None:
    seed(emulated)
    result = run_module("mailcow_queue", dict(emulated.conn(RO_KEY), action="hold", queue_ids=["A1A1A1A1A1"]))
    assert result["rc"] == 1 and "read-only" in result["msg"] and RO_KEY not in json.dumps(result), result
    assert queue(emulated)["A1A1A1A1A1"] == "deferred"
    predicted = run_module("mailcow_queue", dict(emulated.conn(RO_KEY), action="hold", queue_ids=["A1A1A1A1A1"]), check_mode=True)
    assert predicted["rc"] == 0 and predicted["changed"]  # check mode only reads, which the read-only key may


def test_bad_input_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    before = requests(emulated)
    cases = [
        ({"action": "hold", "queue_ids": ["4F2A91C0D3", "4F2A-91C0"]}, "queue_ids: '4F2A-91C0' is not a Postfix queue id Mailcow can act on"),
        ({"action": "delete", "older_than": "two days"}, "older_than must be an age such as 30m, 2h or 1d (s, m, h, d, w), got 'two days'"),
        ({"action": "hold", "sender": "not an address"}, "sender"),
        ({"action": "delete", "sender": "a@b.example", "delete_max_share": 150}, "delete_max_share must be a percentage from 0 to 100, got 150"),
        ({"action": "hold", "status": ["frozen"]}, "status"),
    ]
    for args, message in cases:
        result = run_module("mailcow_queue", dict(emulated.conn(), **args))
        assert result["rc"] == 1 and message in result["msg"], (args, result)
    info = run_module("mailcow_queue_info", dict(emulated.conn(RO_KEY), recipient="@"))
    assert info["rc"] == 1 and "recipient" in info["msg"], info
    assert requests(emulated) == before


def test_api_down_names_api_url(run_module: RunModule) -> None:
    for name, args in (("mailcow_queue", {"action": "flush"}), ("mailcow_queue_info", {})):
        result = run_module(name, dict(args, api_url="https://127.0.0.1:1", api_key=RW_KEY, retries=0))
        assert result["rc"] == 1 and "could not connect" in result["msg"] and "MAILCOW_API_URL" in result["msg"], result
