# SPDX-License-Identifier: GPL-3.0-or-later
"""get/mailq/all, edit/mailq, delete/mailq, get/postcat: Postfix's mail queue, as Mailcow reaches it.

Mailcow's PHP (functions.mailq.inc.php) asks its dockerapi container to run Postfix's tools in the
postfix container: ``postqueue -j`` (list), ``postsuper -h`` / ``-H`` / ``-d`` (hold, unhold, delete;
every queue id in one command), ``postqueue -i <id>`` (deliver, one call per id), ``postqueue -f``
(flush the whole queue), ``postsuper -d ALL`` (super_delete) and ``postcat -q`` (cat). dockerapi drops
every queue id that is not hexadecimal before it builds the command line, and answers
``{"type": "success"}`` when the command exits 0 (postsuper does for an id that is not in the queue:
"Deleted: 0 messages"), else ``{"type": "danger", "msg": "command failed: <output>"}``; Mailcow turns
those into ``queue_command_success`` or ``Error: command failed: ...``, logged as
``process_mailq_output``. An unknown action does nothing: the generic ``Task completed``.

Where the emulator finds them: with ``postfix_dir`` in its configuration (the sandbox's Postfix config
directory; tests/sandbox/sandbox.py sets it when it runs the mail stack) and that Postfix's master
running, every call runs the real tools on that Postfix's queue (``-c <postfix_dir>``). Otherwise
(emulator-only tests) a modelled queue answers the same way; the control API (/_sandbox/mailq) fills
it. A modelled message is delivered by a flush or deliver only when it was seeded ``deliverable``
(its next hop is up); otherwise it stays deferred, as behind a next hop that is down.
"""
from __future__ import annotations

import os
import random
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from . import php, phpjson
from .context import Call

QUEUE_ID = re.compile(r"^[0-9a-fA-F]+$")  # dockerapi's filter
QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")
MAX_LINES = 10000  # functions.mailq.inc.php: "Hard limit to 10000 items"
TOOLS = {"postqueue": "/usr/sbin/postqueue", "postsuper": "/usr/sbin/postsuper", "postcat": "/usr/sbin/postcat",
         "postconf": "/usr/sbin/postconf"}
SUPER_FLAGS = {"hold": "-h", "unhold": "-H", "delete": "-d"}


def _hex_ids(qids: list[Any]) -> list[str]:
    return [qid for qid in qids if isinstance(qid, str) and QUEUE_ID.match(qid)]


def _exec_result(code: int, output: str) -> dict[str, Any]:
    """dockerapi's exec_run_handler('generic', ...)."""
    if code == 0:
        return {"type": "success", "msg": "command completed successfully"}
    return {"type": "danger", "msg": "command failed: " + output}


class PostfixQueue:
    """The real queue of the Postfix whose config directory is ``postfix_dir``."""

    def __init__(self, postfix_dir: str) -> None:
        self.postfix_dir = postfix_dir
        self._queue_dir: str | None = None

    def _run(self, tool: str, *args: str) -> tuple[int, str]:
        """stdout and stderr together, as docker exec gives them."""
        proc = subprocess.run([TOOLS[tool], "-c", self.postfix_dir, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, check=False, timeout=30)
        return proc.returncode, proc.stdout.decode("utf-8", errors="replace")

    def running(self) -> bool:
        """The master of that Postfix runs (its pid file names a live process)."""
        if self._queue_dir is None:
            # Without its main.cf there is no such Postfix: postconf would say so only after the second that Postfix's
            # fatal errors wait, on every request of an emulator that runs without a mail stack.
            if not Path(TOOLS["postconf"]).exists() or not Path(self.postfix_dir, "main.cf").exists():
                return False
            code, out = self._run("postconf", "-h", "queue_directory")
            if code != 0:
                return False
            self._queue_dir = out.strip()
        try:
            pid = int(Path(self._queue_dir, "pid", "master.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return False
        return True

    def lines(self) -> str:
        return self._run("postqueue", "-j")[1]

    def task(self, task: str, qids: list[Any]) -> dict[str, Any]:
        if task in SUPER_FLAGS:
            args = [part for qid in _hex_ids(qids) for part in (SUPER_FLAGS[task], qid)]
            return _exec_result(*self._run("postsuper", *args))
        if task == "deliver":
            for qid in _hex_ids(qids):
                self._run("postqueue", "-i", qid)  # dockerapi: "todo: check each exit code"
            return {"type": "success", "msg": "Scheduled immediate delivery"}
        if task == "flush":
            return _exec_result(*self._run("postqueue", "-f"))
        return _exec_result(*self._run("postsuper", "-d", "ALL"))  # super_delete

    def cat(self, qids: list[Any]) -> str:
        return self._run("postcat", "-q", *_hex_ids(qids))[1]


class ModelQueue:
    """A queue of entries in postqueue -j's form, for an emulator without a running Postfix."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.deliverable: set[str] = set()

    def seed(self, given: dict[str, Any]) -> dict[str, Any]:
        queue_id = str(given.get("queue_id") or "%010X" % random.getrandbits(40))
        if not QUEUE_ID.match(queue_id) or queue_id in self.entries:
            raise ValueError("queue_id must be new and hexadecimal, got %r" % queue_id)
        queue_name = given.get("queue_name", "deferred")
        if queue_name not in QUEUES:
            raise ValueError("queue_name must be one of %s, got %r" % (", ".join(QUEUES), queue_name))
        recipients = [{"address": r} if isinstance(r, str) else dict(r) for r in given.get("recipients") or []]
        if not recipients or not all(isinstance(r.get("address"), str) for r in recipients):
            raise ValueError("recipients must be a list of addresses or of {\"address\", \"delay_reason\"}")
        entry = {"queue_name": queue_name, "queue_id": queue_id, "arrival_time": int(given.get("arrival_time") or time.time()),
                 "message_size": int(given.get("message_size") or 1024), "forced_expire": False,
                 "sender": str(given.get("sender", "")), "recipients": recipients}
        self.entries[queue_id] = entry
        if given.get("deliverable"):
            self.deliverable.add(queue_id)
        return entry

    def clear(self) -> None:
        self.entries.clear()
        self.deliverable.clear()

    def lines(self) -> str:
        return "".join(phpjson.encode_compact(entry) + "\n" for entry in self.entries.values())

    def _deliver(self, qids: list[str]) -> None:
        for qid in qids:
            entry = self.entries.get(qid)
            if entry is not None and entry["queue_name"] != "hold" and qid in self.deliverable:
                del self.entries[qid]

    def task(self, task: str, qids: list[Any]) -> dict[str, Any]:
        found = [qid for qid in _hex_ids(qids) if qid in self.entries]
        if task == "delete":
            for qid in found:
                del self.entries[qid]
        elif task in ("hold", "unhold"):
            # postsuper -H moves a held message to the deferred queue; -h leaves a held one alone.
            for qid in found:
                if (task == "hold") != (self.entries[qid]["queue_name"] == "hold"):
                    self.entries[qid]["queue_name"] = "hold" if task == "hold" else "deferred"
        elif task == "deliver":
            self._deliver(found)
            return {"type": "success", "msg": "Scheduled immediate delivery"}
        elif task == "flush":
            self._deliver(list(self.entries))
        else:  # super_delete
            self.clear()
        return _exec_result(0, "")

    def cat(self, qids: list[Any]) -> str:
        """postcat -q's text for the modelled messages: envelope records and a minimal message."""
        ids = _hex_ids(qids)
        if not ids:
            return "postcat: fatal: usage: postcat [-bdehnoqv] [-c config_dir] [file(s)...]\n"
        out = []
        for qid in ids:
            entry = self.entries.get(qid)
            if entry is None:
                return "".join(out) + "postcat: fatal: open queue file %s: No such file or directory\n" % qid
            where = "%s/%s/%s" % (entry["queue_name"], qid[0], qid)
            arrival = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(entry["arrival_time"]))
            out.append("*** ENVELOPE RECORDS %s ***\nmessage_size: %21d\nmessage_arrival_time: %s\nsender: %s\n%s"
                       "*** MESSAGE CONTENTS %s ***\nFrom: <%s>\nSubject: modelled message\n\n(modelled by the sandbox)\n"
                       "*** HEADER EXTRACTED %s ***\n*** MESSAGE FILE END %s ***\n"
                       % (where, entry["message_size"], arrival, entry["sender"],
                          "".join("recipient: %s\n" % r["address"] for r in entry["recipients"]), where, entry["sender"], where, where))
        return "".join(out)


class MailQueue:
    """Mailcow's mailq() over the real queue when the sandbox's Postfix runs, else over the model."""

    def __init__(self, postfix_dir: str | None) -> None:
        self.postfix = PostfixQueue(postfix_dir) if postfix_dir else None
        self.model = ModelQueue()
        self._lock = threading.Lock()

    def _backend(self) -> PostfixQueue | ModelQueue:
        return self.postfix if self.postfix is not None and self.postfix.running() else self.model

    @property
    def source(self) -> str:
        return "postfix" if isinstance(self._backend(), PostfixQueue) else "model"

    # -- the control API -------------------------------------------------------------------------
    def view(self) -> dict[str, Any]:
        with self._lock:
            lines = self._backend().lines()
        entries = [phpjson.decode(line) for line in lines.splitlines() if line.strip()]
        return {"source": self.source, "entries": [e for e in entries if isinstance(e, dict)]}

    def seed(self, entries: list[Any]) -> dict[str, Any]:
        if self.source == "postfix":
            raise ValueError("the sandbox's Postfix is running and its queue is the real one: queue mail over SMTP "
                             "(to an address at the unreachable domain, sandbox.json's unreachable_domain)")
        with self._lock:
            for given in entries:
                if not isinstance(given, dict):
                    raise ValueError("each entry must be a JSON object")
                self.model.seed(given)
        return self.view()

    def reset(self) -> None:
        with self._lock:
            self.model.clear()

    # -- Mailcow's mailq() -----------------------------------------------------------------------
    def get_all(self) -> str:
        """mailq('get') as json_api.php prints it: recipients as "address (delay reason)", ``[]`` when empty."""
        with self._lock:
            text = self._backend().lines()
        found = []
        for number, line in enumerate(re.split(r"\r?\n|\r", text)):
            if number >= MAX_LINES:
                break
            if php.empty(line) or line == "1":
                continue
            item = phpjson.decode(line)
            if not isinstance(item, dict):
                continue
            rcpts = [r["address"] + " (" + r["delay_reason"] + ")" if "delay_reason" in r else r["address"]
                     for r in item.get("recipients") or [] if isinstance(r, dict)]
            if rcpts:
                item["recipients"] = rcpts
            found.append(item)
        return phpjson.encode_compact(found) if found else "[]"

    def _output(self, call: Call, action: str, data: Any, answer: dict[str, Any] | None) -> None:
        """process_mailq_output()."""
        log = ["process_mailq_output", action, data]
        if answer is None:
            call.push("danger", log, "unknown")
        elif answer.get("type") == "danger":
            call.push("danger", log, "Error: " + str(answer.get("msg")))
        elif answer.get("type") == "success":
            call.push("success", log, "queue_command_success")

    def edit(self, call: Call, data: dict[str, Any]) -> bool:
        """mailq('edit', array_merge(array('qid' => $items), $attr))."""
        action = data.get("action")
        qids = data.get("qid") if isinstance(data.get("qid"), list) else [data.get("qid")]
        with self._lock:
            if action in ("hold", "unhold", "deliver") and qids:
                self._output(call, "edit", data, self._backend().task(action, qids))
            if action in ("flush", "super_delete"):
                self._output(call, "edit", data, self._backend().task(action, []))
        return True

    def delete(self, call: Call, data: dict[str, Any]) -> bool:
        """mailq('delete', array('qid' => $items))."""
        qids = data.get("qid") if isinstance(data.get("qid"), list) else [data.get("qid")]
        with self._lock:
            self._output(call, "delete", data, self._backend().task("delete", qids))
        return True

    def cat(self, qid: str | None) -> str:
        """mailq('cat', array('qid' => $object)): postcat's text, printed as it is."""
        with self._lock:
            return self._backend().cat([qid])
