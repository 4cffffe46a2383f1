# SPDX-License-Identifier: GPL-3.0-or-later
"""The event sources' decisions without a server: arguments, events from recorded answers, once-only memory, the bridge to asyncio."""

from __future__ import annotations

import asyncio
import datetime
import logging
import os
import stat
import threading

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError, MailcowTransportError
from ansible_collections.glassdome.mailcow.plugins.module_utils._events.manager import (
    Backoff,
    StateFile,
    events_params,
    keep_running,
    mailbox_params,
    run_events,
    serve,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._events.model import (
    Seen,
    ban_events,
    container_events,
    quarantine_events,
    queue_events,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.watch import FolderMark
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine import model as quarantine_model
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue import model as queue_model
from ...scripted_mailcow import transcript

OPS, EVENTS = "transcripts-operations.jsonl", "transcripts-events.jsonl"
EDITED = transcript("get_fail2ban_after_edit", OPS)["body"]  # allow list 192.0.2.0/24
CONTAINERS = transcript("get_status_containers", OPS)["body"]
NOW = datetime.datetime(2026, 12, 7, 10, 0, 0, tzinfo=datetime.timezone.utc)
MAILBOX = {"username": "shared@example.org", "password": "Pa55-secret-word"}


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sources read the same environment variables as the modules: none of the developer's here."""
    for name in list(os.environ):
        if name.startswith("MAILCOW_") or name == "MAIL_API":
            monkeypatch.delenv(name)


def banned(*bans: dict) -> dict:
    return dict(EDITED, active_bans=list(bans))


def test_mailbox_arguments_get_the_modules_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCOW_IMAP_PORT", "10993")
    monkeypatch.setenv("MAILCOW_VERIFY_SSL", "false")
    params = mailbox_params(MAILBOX)
    assert (params["folder"], params["imap_port"], params["validate_certs"], params["include_body"], params["max_body_size"]) == (
        "INBOX", 10993, False, False, 8192)
    assert (params["wait_method"], params["include_existing"], params["reconnect_delay"], params["max_reconnect_delay"]) == ("auto", False, 1.0, 60.0)


@pytest.mark.parametrize("args, message", [
    (dict(MAILBOX, port=993), r"unknown argument\(s\) port; it takes .*imap_port"),
    (dict(MAILBOX, wait_method="push"), r"wait_method.*auto, idle, poll"),
    (dict(MAILBOX, max_body_size=0), r"max_body_size must be at least 1, got 0"),
    (dict(MAILBOX, folder="In\nbox"), r"folder .* control characters"),
    ({"password": "x"}, r"missing required arguments: username"),
    ("user@example.org", r"must be a mapping"),
])
def test_mailbox_arguments_are_refused_before_connecting_naming_the_argument(args: object, message: str) -> None:
    with pytest.raises(MailcowOptionError, match=message) as caught:
        mailbox_params(args)
    assert str(caught.value).startswith("glassdome.mailcow.")


def test_a_refused_argument_never_shows_the_password() -> None:
    secret = "Pa55-secret-word"
    with pytest.raises(MailcowOptionError) as caught:
        mailbox_params(dict(MAILBOX, password=secret, max_body_size=secret))
    assert "max_body_size" in str(caught.value) and secret not in str(caught.value) and "********" in str(caught.value)


def test_events_arguments_check_networks_containers_and_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCOW_API_URL", "https://mail.example.org")
    monkeypatch.setenv("MAIL_API", "KEY-FROM-ENV")
    params = events_params({"allowlist": ["192.0.2.0/24"], "ignore_containers": ["clamd"]})
    assert (params["api_url"], params["api_key"], params["ignore_containers"]) == ("https://mail.example.org", "KEY-FROM-ENV", ["clamd-mailcow"])
    assert params["checks"] == ["bans", "quarantine", "queue", "containers"] and params["interval"] == 60.0
    with pytest.raises(MailcowOptionError, match=r"allowlist: 'office' is not an IP address or a network"):
        events_params({"allowlist": ["office"]})
    with pytest.raises(MailcowOptionError, match=r"checks.*bans, quarantine, queue, containers"):
        events_params({"checks": ["bans", "spam"]})


def test_a_ban_is_allowlisted_by_the_argument_or_by_mailcows_own_list() -> None:
    raw = banned({"queued_for_unban": 0, "network": "192.0.2.17/32", "ip": "192.0.2.17", "banned_until": "00h 29m 59s"},
                 {"queued_for_unban": 0, "network": "198.51.100.0/24", "ip": "198.51.100.0", "banned_until": "00h 10m 00s"},
                 {"queued_for_unban": 0, "network": "203.0.113.9/32", "ip": "203.0.113.9", "banned_until": "00h 00m 05s"})
    found = ban_events(raw, NOW, ["198.51.100.128/25"])
    assert sorted(found) == ["192.0.2.17/32", "198.51.100.0/24", "203.0.113.9/32"]
    assert found["192.0.2.17/32"]["ban"]["allowlist_entries"] == ["192.0.2.0/24"]  # Mailcow's own allow list
    assert found["198.51.100.0/24"]["ban"]["allowlist_entries"] == ["198.51.100.128/25"]  # overlaps the argument's network
    assert found["203.0.113.9/32"]["ban"] == {
        "network": "203.0.113.9/32", "ip": "203.0.113.9", "permanent": False, "banned_until": "2026-12-07T10:00:05Z", "seconds_left": 5,
        "queued_for_unban": False, "allowlisted": False, "allowlist_entries": []}


def test_quarantine_items_from_the_recorded_listing_under_the_identity_mailcow_quarantine_takes() -> None:
    items = [quarantine_model.normalize(raw) for raw in transcript("get_quarantine_all", EVENTS)["body"]]
    found = quarantine_events(items)
    assert len(found) == 3 and all(event["type"] == "quarantine" for event in found.values())
    second = next(raw for raw in transcript("get_quarantine_all", EVENTS)["body"] if str(raw["id"]) == "2")
    event = found[quarantine_model.identity(second["qid"], second["rcpt"], second["created"])]
    assert event["item"]["subject"] == "Win now 2" and event["item"]["sender"] == "spammer@bad.example"
    assert event["item"]["recipient"] == "alice@rb.example" and event["item"]["score"] == 7.2 and event["item"]["virus"] is False
    assert event["item"]["time"] == "2026-12-07T01:49:07Z" and event["item"]["queue_id"] == "QID2"
    assert quarantine_events([]) == {}


def test_the_queue_is_an_event_from_its_threshold_on() -> None:
    now = datetime.datetime(2026, 12, 7, tzinfo=datetime.timezone.utc)
    assert queue_events(queue_model.normalize_all(transcript("get_mailq_all", EVENTS)["body"], now), 1) == {}
    raw = [{"queue_name": "deferred", "queue_id": "A%d" % n, "arrival_time": 1796600000} for n in range(3)]
    entries = queue_model.normalize_all(raw + [{"queue_name": "active", "queue_id": "B1", "arrival_time": 1796600000}], now)
    assert queue_events(entries, 5) == {}
    assert queue_events(entries, 4) == {"queue": {"type": "queue", "queue": {"size": 4, "threshold": 4, "by_queue": {"deferred": 3, "active": 1}}}}


def test_stopped_containers_less_the_ignored_ones() -> None:
    raw = {key: dict(value) for key, value in CONTAINERS.items()}
    assert container_events(raw, []) == {}
    for key in list(raw)[:2]:
        raw[key]["state"] = "exited"
    down = container_events(raw, [])
    assert len(down) == 2 and all(event["container"]["state"] == "exited" for event in down.values())
    assert len(container_events(raw, [sorted(down)[0]])) == 1


def test_each_thing_is_reported_once_and_again_only_after_it_went_away() -> None:
    seen = Seen()
    one = {"198.51.100.7/32": {"type": "ban", "n": 1}}
    two = dict(one, **{"203.0.113.9/32": {"type": "ban", "n": 2}})
    assert seen.new("bans", one, include_existing=False) == []  # there at the first answer: known
    assert seen.new("bans", two, include_existing=False) == [{"type": "ban", "n": 2}]
    assert seen.new("bans", two, include_existing=False) == []
    assert seen.new("bans", {}, include_existing=False) == []  # lifted
    assert seen.new("bans", one, include_existing=False) == [{"type": "ban", "n": 1}]  # banned anew
    # Conditions are reported at the first answer; with include_existing, items too.
    assert Seen().new("containers", {"clamd-mailcow": {"n": 3}}, include_existing=False) == [{"n": 3}]
    assert Seen().new("quarantine", {"1": {"n": 4}}, include_existing=True) == [{"n": 4}]
    # What a state file kept counts as reported.
    again = Seen.from_dict(seen.as_dict())
    assert again.new("bans", two, include_existing=False) == [{"type": "ban", "n": 2}]
    assert Seen.from_dict("garbage").as_dict() == {}


def test_state_file_round_trip_is_private(tmp_path) -> None:
    path = tmp_path / "state.json"
    state = StateFile(str(path))
    assert state.load() is None
    state.save({"shared@example.org/INBOX": FolderMark(7, 42).as_dict()})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert FolderMark.from_dict(state.load()["shared@example.org/INBOX"]) == FolderMark(7, 42)
    assert FolderMark.from_dict({"uid_validity": 7, "last_uid": -1}) is None
    path.write_text("{not json")
    with pytest.raises(MailcowOptionError, match="state_file .* cannot be read"):
        state.load()


def test_backoff_doubles_up_to_its_most_and_resets() -> None:
    backoff = Backoff(1, 5)
    assert [backoff.next() for _attempt in range(5)] == [1, 2, 4, 5, 5]
    backoff.reset()
    assert backoff.next() == 1


def test_keep_running_retries_what_waiting_may_mend_and_ends_on_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    stop, calls = threading.Event(), []

    def attempt() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise MailcowTransportError("connection refused")
        stop.set()

    with caplog.at_level(logging.WARNING):
        keep_running(attempt, stop, Backoff(0.01, 0.02), logging.getLogger("test"), "shared@example.org/INBOX")
    assert len(calls) == 3 and caplog.text.count("connection refused; trying again in") == 2

    def refused() -> None:
        raise MailcowOptionError("bad")

    with pytest.raises(MailcowOptionError):
        keep_running(refused, threading.Event(), Backoff(0.01, 0.02), logging.getLogger("test"), "x")


def test_serve_hands_events_to_the_queue_and_raises_what_the_work_raised() -> None:
    async def run(work) -> list:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1)  # a full queue makes emit wait
        got: list = []

        async def drain() -> None:
            while True:
                got.append(await queue.get())

        drainer = asyncio.create_task(drain())
        try:
            await serve(queue, work, "test")
        finally:
            await asyncio.sleep(0.05)
            drainer.cancel()
        return got

    assert asyncio.run(run(lambda emit, stop: [emit({"n": n}) for n in range(5)])) == [{"n": n} for n in range(5)]

    def failing(emit, stop) -> None:
        raise MailcowError("gone")

    with pytest.raises(MailcowError, match="gone"):
        asyncio.run(run(failing))


def test_cancelling_the_source_stops_the_work() -> None:
    stopped = threading.Event()

    def work(emit, stop) -> None:
        stop.wait(30)
        stopped.set()

    async def run() -> None:
        task = asyncio.create_task(serve(asyncio.Queue(), work, "test"))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert stopped.wait(5)


def test_events_source_without_a_connection_names_the_variables() -> None:
    with pytest.raises(MailcowOptionError, match=r"glassdome.mailcow.events: api_url \(or MAILCOW_API_URL\) and api_key \(or MAILCOW_API_KEY, MAIL_API\)"):
        run_events(events_params({}), lambda event: None, threading.Event(), logging.getLogger("test"))
