# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what the event sources do, as functions of their arguments.

A source's work runs in a thread of its own (the IMAP and API clients block), which hands each event
to ansible-rulebook's asyncio queue and ends when the source is cancelled. A failure to reach the
server is logged (never with a password or key: the clients' messages carry neither) and retried
after a delay that doubles up to ``max_reconnect_delay``, back to ``reconnect_delay`` once connected
again; only a wrong argument, a missing folder or a refused login ends the source. What a source has
reported is kept in memory across reconnects, and in ``state_file`` across restarts when one is given.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import os
import sys
import tempfile
import threading
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_client
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, url_shown
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowAuthError,
    MailcowError,
    MailcowNotFoundError,
    MailcowOptionError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._events.api import read_check
from ansible_collections.glassdome.mailcow.plugins.module_utils._events.argspec import events_source_argspec, mailbox_source_argspec, source_params
from ansible_collections.glassdome.mailcow.plugins.module_utils._events.model import (
    Seen,
    ban_events,
    check_allowlist,
    container_events,
    quarantine_events,
    queue_events,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import check_folder, check_login
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.watch import FolderMark, MailboxWatch
from ansible_collections.glassdome.mailcow.plugins.module_utils._status.model import container_name

Emit = t.Callable[[t.Dict[str, t.Any]], None]
# Failures that waiting does not mend: the source ends with them.
FATAL = (MailcowOptionError, MailcowAuthError, MailcowNotFoundError)


class StateFile:
    """A JSON file (mode 0600, replaced whole on each write) holding what a source has reported."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def load(self) -> t.Any:
        if not self.path or not os.path.exists(self.path):
            return None
        try:
            with open(self.path, encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError) as exc:
            raise MailcowOptionError("state_file %s cannot be read as the state of this source: %s. Remove it or point state_file "
                                     "elsewhere" % (self.path, getattr(exc, "strerror", None) or exc)) from None

    def save(self, data: t.Any) -> None:
        if not self.path:
            return
        folder = os.path.dirname(os.path.abspath(self.path))
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".%s." % os.path.basename(self.path))
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, sort_keys=True)
            os.replace(temporary, self.path)
        except BaseException:
            os.unlink(temporary)
            raise


class Backoff:
    """Delays between attempts: ``first``, doubling up to ``most``; ``reset()`` after a success."""

    def __init__(self, first: float, most: float) -> None:
        self.first, self.most = first, max(first, most)
        self.delay = first

    def next(self) -> float:
        delay, self.delay = self.delay, min(self.delay * 2, self.most)
        return delay

    def reset(self) -> None:
        self.delay = self.first


def temporary(exc: MailcowError) -> bool:
    """A refused login that the server says is temporary (Dovecot's ``NO [UNAVAILABLE]`` while its auth process starts)."""
    return isinstance(exc, MailcowAuthError) and "[UNAVAILABLE]" in str(exc)


def keep_running(attempt: t.Callable[[], None], stop: threading.Event, backoff: Backoff, log: logging.Logger, what: str) -> None:
    """Call ``attempt`` until ``stop`` is set; after a MailcowError that waiting may mend, wait and call it again."""
    while not stop.is_set():
        try:
            attempt()
        except MailcowError as exc:
            if isinstance(exc, FATAL) and not temporary(exc):
                raise
            if stop.is_set():
                return
            delay = backoff.next()
            log.warning("%s: %s; trying again in %g s", what, exc, delay)
            stop.wait(delay)


# -- glassdome.mailcow.mailbox --------------------------------------------------------------------


def mailbox_params(args: t.Any) -> dict[str, t.Any]:
    source = "glassdome.mailcow.mailbox"
    params = source_params(source, mailbox_source_argspec(), args)
    try:
        check_login(params["username"])
        params["folder"] = check_folder(params["folder"])
    except MailcowOptionError as exc:
        raise MailcowOptionError("%s: %s" % (source, exc)) from None
    return params


def run_mailbox(params: dict[str, t.Any], emit: Emit, stop: threading.Event, log: logging.Logger) -> None:
    """Watch the folder until ``stop``: every new message once, across reconnects (and restarts, with state_file)."""
    state = StateFile(params.get("state_file"))
    key = "%s/%s" % (params["username"], params["folder"])
    stored = state.load()
    marks = stored if isinstance(stored, dict) else {}
    backoff = Backoff(params["reconnect_delay"], params["max_reconnect_delay"])

    def saved(mark: FolderMark) -> None:
        marks[key] = mark.as_dict()
        state.save(marks)

    watch = MailboxWatch(params, emit, mark=FolderMark.from_dict(marks.get(key)), saved=saved, log=log)
    keep_running(lambda: watch.run(stop, connected=backoff.reset), stop, backoff, log, key)


# -- glassdome.mailcow.events ---------------------------------------------------------------------


def events_params(args: t.Any) -> dict[str, t.Any]:
    source = "glassdome.mailcow.events"
    params = source_params(source, events_source_argspec(), args)
    try:
        params["allowlist"] = check_allowlist(params["allowlist"])
        params["ignore_containers"] = [container_name(name) for name in params["ignore_containers"]]
    except MailcowOptionError as exc:
        raise MailcowOptionError("%s: %s" % (source, exc)) from None
    return params


class EventsPoller:
    """One poll: each check's read, and the events it holds that were not reported before."""

    def __init__(self, client: MailcowClient, params: dict[str, t.Any], seen: Seen, log: logging.Logger) -> None:
        self.client, self.params, self.seen, self.log = client, params, seen, log
        self.failing: dict[str, str] = {}  # check -> the message last logged for it
        self.polled = False  # whether a poll has been logged as done

    def found(self, check: str, raw: t.Any) -> dict[str, dict[str, t.Any]]:
        params = self.params
        if check == "bans":
            return ban_events(raw, datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0), params["allowlist"])
        if check == "quarantine":
            return quarantine_events(raw)
        if check == "queue":
            return queue_events(raw, params["queue_threshold"])
        return container_events(raw, params["ignore_containers"])

    def poll(self) -> list[dict[str, t.Any]]:
        """The new events of every check; a check whose read fails is logged (once while it keeps failing) and keeps its memory."""
        events: list[dict[str, t.Any]] = []
        failures = 0
        for check in self.params["checks"]:
            try:
                raw = read_check(self.client, check)
            except (MailcowOptionError, MailcowAuthError):
                raise
            except MailcowError as exc:
                failures += 1
                if self.failing.get(check) != str(exc):
                    self.log.warning("check %s failed: %s", check, exc)
                self.failing[check] = str(exc)
                continue
            if self.failing.pop(check, None) is not None:
                self.log.info("check %s works again", check)
            events += self.seen.new(check, self.found(check, raw), include_existing=self.params["include_existing"])
        if failures and failures == len(self.params["checks"]):
            raise MailcowError("every check failed (%s)" % "; ".join("%s: %s" % item for item in sorted(self.failing.items())))
        return events


def run_events(params: dict[str, t.Any], emit: Emit, stop: threading.Event, log: logging.Logger) -> None:
    """Poll every ``interval`` seconds until ``stop``; each new ban, quarantine item, queue growth or stopped container once."""
    state = StateFile(params.get("state_file"))
    seen = Seen.from_dict(state.load())
    try:
        client = api_client(params)
    except MailcowOptionError as exc:
        raise MailcowOptionError("glassdome.mailcow.events: %s" % exc) from None
    source = url_shown(client.base_url)
    poller = EventsPoller(client, params, seen, log)
    backoff = Backoff(params["reconnect_delay"], params["max_reconnect_delay"])
    log.info("polling %s every %g s for %s", source, params["interval"], ", ".join(params["checks"]))

    def attempt() -> None:
        while not stop.is_set():
            events = poller.poll()
            backoff.reset()
            if not poller.polled:
                poller.polled = True
                log.info("first poll done: %s", ", ".join("%d %s known" % (len(seen.known.get(check, ())), check) for check in params["checks"]))
            for event in events:
                emit(dict(event, api_url=source))
            state.save(seen.as_dict())
            stop.wait(params["interval"])

    try:
        keep_running(attempt, stop, backoff, log, source)
    finally:
        client.close()


# -- the bridge to ansible-rulebook -----------------------------------------------------------------


async def serve(queue: t.Any, work: t.Callable[[Emit, threading.Event], None], name: str) -> None:
    """Run ``work(emit, stop)`` in a daemon thread; ``emit`` puts an event on ``queue`` (waiting while it is full).

    Returns when the work ends; raises what it raised. When the source is cancelled, ``stop`` is set
    and the thread, left to finish its current wait, ends with the process at the latest.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    stop = threading.Event()

    def emit(event: dict[str, t.Any]) -> None:
        if not stop.is_set():
            asyncio.run_coroutine_threadsafe(queue.put(event), loop).result()

    def settle(error: BaseException | None) -> None:
        if done.done():
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def target() -> None:
        error: BaseException | None = None
        try:
            work(emit, stop)
        except BaseException as exc:  # pylint: disable=broad-exception-caught  # handed to the coroutine, which raises it
            error = exc
        try:
            loop.call_soon_threadsafe(settle, error)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    try:
        await done
    finally:
        stop.set()


SOURCES: dict[str, tuple[t.Callable[[t.Any], dict[str, t.Any]], t.Callable[[dict[str, t.Any], Emit, threading.Event, logging.Logger], None]]] = {
    "mailbox": (mailbox_params, run_mailbox),
    "events": (events_params, run_events),
}


async def serve_source(name: str, queue: t.Any, args: t.Any) -> None:
    """The ``main`` of event source ``glassdome.mailcow.<name>``: its arguments checked, then its work until cancelled."""
    check, run = SOURCES[name]
    params = check(args)
    log = logging.getLogger("glassdome.mailcow." + name)
    await serve(queue, lambda emit, stop: run(params, emit, stop, log), "glassdome.mailcow." + name)


class PrintingQueue(asyncio.Queue):
    """Prints each event as a JSON line instead of queueing it (a source run by hand)."""

    async def put(self, item: t.Any) -> None:
        sys.stdout.write(json.dumps(item, sort_keys=True) + "\n")
        sys.stdout.flush()


def run_locally(main: t.Callable[[t.Any, t.Any], t.Awaitable[None]], argv: list[str]) -> None:
    """``python <source>.py ARGS.json``: the arguments from a JSON file (a password stays out of the command line), events printed."""
    if len(argv) != 2:
        raise SystemExit("usage: %s ARGS.json (the source's arguments as a JSON object)" % argv[0])
    logging.basicConfig(level=logging.INFO)
    with open(argv[1], encoding="utf-8") as handle:
        args = json.load(handle)
    asyncio.run(main(PrintingQueue(), args))  # type: ignore[arg-type]
