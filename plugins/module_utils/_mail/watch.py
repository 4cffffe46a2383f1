# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: watching one IMAP folder for new mail (the ``glassdome.mailcow.mailbox`` event source).

One connection's life: log in, EXAMINE the folder (read-only: nothing is marked seen), hand every
message newer than the mark to ``emit`` (oldest first), then wait - IDLE where the server offers it,
else polling - and hand on what arrives, until ``stop`` is set or the connection fails (the caller
reconnects). The mark is UIDVALIDITY plus the last UID handed on: it outlives a connection, so a
reconnect hands on only what came meanwhile, never a message again. A changed UIDVALIDITY (the
folder was re-created) means the old UIDs say nothing: the folder's messages at that moment are
taken as seen, and the change is logged.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap import ImapSession
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import REIDLE_SECONDS, imap_session, wait_method

# Messages fetched per FETCH while catching up (a folder that filled while the watcher was away).
BATCH = 50


@dataclasses.dataclass
class FolderMark:
    """Where the watcher is in a folder: its UIDVALIDITY and the last UID handed on."""

    uid_validity: int | None = None
    last_uid: int = 0

    def as_dict(self) -> dict[str, t.Any]:
        return {"uid_validity": self.uid_validity, "last_uid": self.last_uid}

    @classmethod
    def from_dict(cls, data: t.Any) -> FolderMark | None:
        """A mark read back from a state file; None for anything that is not one."""
        if not isinstance(data, dict):
            return None
        validity, last = data.get("uid_validity"), data.get("last_uid")
        if not isinstance(validity, int) or not isinstance(last, int) or isinstance(last, bool) or last < 0:
            return None
        return cls(validity, last)


def mail_event(message: dict[str, t.Any], *, username: str, folder: str, uid_validity: int | None) -> dict[str, t.Any]:
    """The event of one new message: where it is, and its summary as mailcow_message_info returns it."""
    return {"type": "mail", "mailbox": username, "folder": folder, "uid": message["uid"], "uid_validity": uid_validity, "message": message}


class MailboxWatch:
    """Watches ``params["folder"]`` of ``params["username"]``; ``run()`` is one connection, called again after a failure.

    ``params`` are the mailbox source's validated options (the IMAP options of mailcow_message_info
    plus its own); ``emit`` receives each event, ``saved`` the mark after each event.
    """

    def __init__(self, params: dict[str, t.Any], emit: t.Callable[[dict[str, t.Any]], None], *, mark: FolderMark | None = None,
                 saved: t.Callable[[FolderMark], None] | None = None, log: logging.Logger | None = None) -> None:
        self.params = params
        self.emit = emit
        self.mark = mark
        self.saved = saved or (lambda _mark: None)
        self.log = log or logging.getLogger(__name__)
        self.username = params["username"]
        self.folder = params["folder"]
        self.method: str | None = None

    def run(self, stop: threading.Event, connected: t.Callable[[], None] | None = None) -> None:
        """Connect, catch up, then wait for mail until ``stop`` is set; a MailcowError ends it (the connection is gone)."""
        with imap_session(self.params, self.username) as imap:
            imap.login(self.username, self.params["password"])
            imap.select(self.folder, readonly=True)
            self.method = wait_method(imap, self.params)
            self.log.info("watching folder %s of %s on the %s (%s)", self.folder, self.username, imap.endpoint.label,
                          "IMAP IDLE" if self.method == "idle" else "polling every %s s" % self.params["wait_interval"])
            self.catch_up(imap)
            if connected is not None:
                connected()
            while not stop.is_set():
                if self.method == "idle":
                    # Returns at the server's first EXISTS, RECENT or FETCH, or after REIDLE_SECONDS of silence.
                    if imap.idle(REIDLE_SECONDS) and not stop.is_set():
                        self.catch_up(imap)
                elif not stop.wait(self.params["wait_interval"]):
                    imap.noop()  # keeps the connection alive and finds it broken; the search below finds the mail
                    self.catch_up(imap)

    def catch_up(self, imap: ImapSession) -> None:
        """Hand on every message above the mark, oldest first, moving the mark after each."""
        validity = imap.uid_validity
        if self.mark is None or self.mark.uid_validity != validity:
            self.mark = self._new_mark(imap, validity)
            self.saved(self.mark)
        uids = imap.uids_after(self.mark.last_uid)
        for start in range(0, len(uids), BATCH):
            for message in imap.read_messages(uids[start:start + BATCH], include_body=self.params["include_body"],
                                              max_body=self.params["max_body_size"]):
                self.emit(mail_event(message, username=self.username, folder=self.folder, uid_validity=validity))
                self.mark.last_uid = max(self.mark.last_uid, message["uid"])
                self.saved(self.mark)
            # Expunged meanwhile (not read back): passed over all the same.
            last = uids[min(start + BATCH, len(uids)) - 1]
            if last > self.mark.last_uid:
                self.mark.last_uid = last
                self.saved(self.mark)

    def _new_mark(self, imap: ImapSession, validity: int | None) -> FolderMark:
        """The first mark of a folder (or after UIDVALIDITY changed): what is there now counts as seen, unless include_existing."""
        if self.mark is not None:
            self.log.warning("folder %s of %s has a new UIDVALIDITY (%s, was %s): it was re-created or restored, so its UIDs start anew; "
                             "the messages in it now are taken as seen", self.folder, self.username, validity, self.mark.uid_validity)
        elif self.params["include_existing"]:
            return FolderMark(validity, 0)
        if imap.uid_next:
            return FolderMark(validity, imap.uid_next - 1)
        uids = imap.uids_after(0)
        return FolderMark(validity, uids[-1] if uids else 0)
