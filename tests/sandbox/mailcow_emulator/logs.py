# SPDX-License-Identifier: GPL-3.0-or-later
"""get/logs/<log>[/<count or from-to>]: Mailcow's logs, newest first, as get_logs() reads them.

The API log is kept as json_api.php's api_log() writes it: every authenticated request, before it is
answered (a read of the API log lists itself first), with the POST fields (JSON values re-encoded,
members whose name holds "pass" masked as "*"). The others (written by Mailcow's containers or by
parts the emulator does not run) are empty, as on a fresh install, until the control API
(/_sandbox/logs) pushes entries; the UI log also gets the row Mailcow's logger() writes for a queue cat
(get/postcat), the one row the recording's UI log holds. What the recording (transcripts-logs.jsonl) shows: an unknown log
is 404 "route not found"; an empty log, and a range ``a-b`` with a > b or a < 1, answer ``{}``;
a count of N gives the N newest entries, a range ``a-b`` the a-th to the b-th newest.
"""
from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from typing import Any

from . import php, phpjson

# The logs json_api.php routes (its `case "logs"`), and how many lines it reads when no count is given (LOG_LINES).
LOGS = ("dovecot", "netfilter", "postfix", "autodiscover", "sogo", "ui", "sasl", "watchdog", "acme", "api", "ratelimited", "cron",
        "rspamd-history", "rspamd-stats")
LOG_LINES = 9999
KEPT = 10000  # entries kept per log (Mailcow trims its Redis lists likewise)


def api_log_data(post: dict[str, str]) -> str:
    """api_log($_POST)'s data: ``key='value'`` pairs, JSON values re-encoded with password members masked."""
    parts = []
    for key, value in post.items():
        if key == "csrf_token":
            continue
        decoded = phpjson.decode(value) if isinstance(value, str) else value
        if decoded is not phpjson.INVALID and decoded:
            if isinstance(decoded, dict):
                decoded.pop("csrf_token", None)
                decoded = {k: ("*" if re.search("pass", str(k), re.IGNORECASE) else v) for k, v in decoded.items()}
            value = phpjson.encode_compact(decoded) if not isinstance(decoded, (int, float, bool)) else value
        parts.append("%s='%s'" % (key, value if isinstance(value, str) else "Array"))
    return ", ".join(parts)


class Logs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logs: dict[str, deque[dict[str, Any]]] = {name: deque(maxlen=KEPT) for name in LOGS}

    def reset(self) -> None:
        with self._lock:
            for entries in self._logs.values():
                entries.clear()

    def api_request(self, uri: str, method: str, remote: str, post: dict[str, str]) -> None:
        entry = {"time": int(time.time()), "uri": uri, "method": method, "remote": remote,
                 "data": api_log_data(post)}
        with self._lock:
            self._logs["api"].appendleft(entry)

    def ui_row(self, call: list[Any], msg: str, remote: str) -> None:
        """logger(): a row of the UI log (table logs), msg and call JSON-encoded. Mailcow writes one for a
        queue cat (get/postcat), which the recording's UI log shows (get_logs_ui_10)."""
        with self._lock:
            rows = self._logs["ui"]
            row = {"id": (rows[0]["id"] + 1) if rows and isinstance(rows[0].get("id"), int) else 1,
                   "task": "%06X" % random.getrandbits(24), "type": "success", "msg": phpjson.encode_compact(msg),
                   "call": phpjson.encode_compact(call), "user": "API", "role": "admin", "remote": remote, "time": int(time.time())}
            rows.appendleft(row)

    def push(self, log: str, entries: list[dict[str, Any]]) -> int:
        """Control API: entries, oldest first, become the newest of ``log``."""
        if log not in self._logs:
            raise ValueError("no log %r (known: %s)" % (log, ", ".join(LOGS)))
        with self._lock:
            for entry in entries:
                if not isinstance(entry, dict):
                    raise ValueError("each entry must be a JSON object")
                self._logs[log].appendleft(dict(entry))
            return len(self._logs[log])

    def answer(self, log: str | None, extra: str | None) -> str | None:
        """The body of get/logs/<log>[/<extra>]; None for a log json_api.php does not route (404)."""
        if log not in self._logs:
            return None
        with self._lock:
            entries = list(self._logs[log])
        picked = _lines(entries, extra)
        # json_api.php: echo (isset($logs) && !empty($logs)) ? json_encode($logs, JSON_PRETTY_PRINT) : '{}';
        return phpjson.encode_pretty(picked) if picked else "{}"


def _lines(entries: list[dict[str, Any]], extra: str | None) -> list[dict[str, Any]] | None:
    """get_logs($application, $lines): a count (the newest N), a range 'from-to' (1-based, inclusive), or LOG_LINES."""
    if extra is None:
        return entries[:LOG_LINES]
    extra = re.sub(r"[^\d\-]", "", extra)
    if php.is_numeric(extra) and php.intval(extra) >= 1:
        return entries[:abs(php.intval(extra) - 1) + 1]
    parts = extra.split("-")
    first = php.intval(parts[0])
    last = php.intval(parts[1]) if len(parts) > 1 else 0
    if first < 1 or last < first:
        return None
    return entries[first - 1:last]
