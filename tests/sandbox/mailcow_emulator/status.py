# SPDX-License-Identifier: GPL-3.0-or-later
"""get/status: the version, and what Mailcow asks its dockerapi container (containers, vmail).

The containers and mail storage are modelled from the recording (transcripts-operations.jsonl):
the 18 containers of a default install, each ``running`` since the emulator started, and the vmail
answer the recording's dockerapi gave (no disk figures). The control API (/_sandbox/status) sets a
container's state or the storage figures, so a test can see an unhealthy Mailcow; a reset restores
them. get/status/host answers in the recorded form (the recording's dockerapi gave zeros for usage, memory and
uptime): this machine's core count and architecture, the time now. get/status/solr and unknown objects print
nothing here (the recorded solr answer is an empty body).
"""
from __future__ import annotations

import os
import platform
import threading
import time
from typing import Any

from . import phpjson

CONTAINERS = ("unbound", "mysql", "redis", "clamd", "rspamd", "php-fpm", "sogo", "dovecot", "postfix", "postfix-tlspol", "memcached",
              "nginx", "acme", "netfilter", "watchdog", "dockerapi", "olefy", "ofelia")
# What the recorded dockerapi answered for vmail: a disk it could not measure.
VMAIL_UNKNOWN = {"type": "info", "disk": "", "used": None, "total": None, "used_percent": None}


def docker_time(epoch: float) -> str:
    """Docker's StartedAt: RFC 3339 in UTC with nanoseconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + ".%09dZ" % 0


class Status:
    """The containers' states and start times, and the vmail figures."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.time()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.states = {name: "running" for name in CONTAINERS}
            self.started_at = {name: docker_time(self.started) for name in CONTAINERS}
            self.vmail: dict[str, Any] = dict(VMAIL_UNKNOWN)

    def set(self, containers: dict[str, str] | None, vmail: dict[str, Any] | None) -> dict[str, Any]:
        """Control API: ``{"containers": {"clamd": "exited"}, "vmail": {"disk": ..., "used": ..., "total": ..., "used_percent": ...}}``.

        A container that starts running again gets a new start time; an unknown name is refused.
        """
        with self._lock:
            for name, state in (containers or {}).items():
                short = name[: -len("-mailcow")] if name.endswith("-mailcow") else name
                if short not in self.states:
                    raise ValueError("no container %r (known: %s)" % (name, ", ".join(CONTAINERS)))
                if state == "running" and self.states[short] != "running":
                    self.started_at[short] = docker_time(time.time())
                self.states[short] = str(state)
            if vmail is not None:
                self.vmail = dict(VMAIL_UNKNOWN, **{key: vmail[key] for key in ("disk", "used", "total", "used_percent") if key in vmail})
            return self.view()

    def view(self) -> dict[str, Any]:
        return {"containers": dict(self.states), "vmail": dict(self.vmail)}

    def containers(self) -> dict[str, Any]:
        with self._lock:
            return {"%s-mailcow" % name: {"type": "info", "container": "%s-mailcow" % name, "state": self.states[name],
                                          "started_at": self.started_at[name], "image": "ghcr.io/mailcow/%s" % name}
                    for name in CONTAINERS}

    def answer(self, obj: str | None, version: str) -> str:
        """The body of get/status/<obj>."""
        if obj == "version":
            return phpjson.encode_compact({"version": version})  # plain json_encode, not pretty
        if obj == "containers":
            return phpjson.encode_compact(self.containers())
        if obj == "vmail":
            with self._lock:
                return phpjson.encode_compact(self.vmail)
        if obj == "host":
            return phpjson.encode_compact({"cpu": {"cores": os.cpu_count() or 1, "usage": 0}, "memory": {"total": 0, "usage": 0, "swap": []},
                                           "uptime": 0, "system_time": docker_time(time.time()), "architecture": platform.machine()})
        return ""  # solr has no case in Mailcow's status router; unknown objects print nothing
