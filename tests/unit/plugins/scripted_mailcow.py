# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted Mailcow over a real loopback socket.

A test lists the exact HTTP conversation it expects (method, path, JSON body) with the canned reply
for each step, taken from the recordings in tests/fixtures/mailcow-api. Any unexpected call fails the test,
and so does any scripted call that was never made.
"""

from __future__ import annotations

import json
import threading
import time
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Recorded from a real Mailcow (tests/fixtures/mailcow-api/README.md).
TRANSCRIPTS = Path(__file__).resolve().parents[2] / "fixtures" / "mailcow-api" / "transcripts.jsonl"
LIFECYCLE = TRANSCRIPTS.with_name("transcripts-lifecycle.jsonl")
ANY = object()


class Step(t.NamedTuple):
    method: str
    path: str
    body: t.Any
    status: int
    reply: t.Any
    content_type: str
    delay: float = 0.0


class ScriptedMailcow:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.seen: list[tuple[str, str, t.Any, dict[str, str]]] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def expect(
        self, method: str, path: str, body: t.Any = None, *, reply: t.Any = None, status: int = 200, content_type: str = "application/json",
        delay: float = 0.0,
    ) -> "ScriptedMailcow":
        """``delay``: seconds to wait before answering (a client with a shorter timeout gives up)."""
        self.steps.append(Step(method, path, body, status, reply, content_type, delay))
        return self

    def _next(self, method: str, path: str, body: t.Any, headers: dict[str, str]) -> Step | None:
        with self.lock:
            self.seen.append((method, path, body, headers))
            for index, step in enumerate(self.steps):
                if step.method == method and step.path == path and (step.body is ANY or step.body == body):
                    return self.steps.pop(index)
            self.errors.append("unexpected %s %s %s" % (method, path, json.dumps(body)))
            return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: t.Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                step = scripted._next(self.command, self.path, body, dict(self.headers))
                if step is not None and step.delay:
                    time.sleep(step.delay)
                if step is None:
                    self._reply(599, "application/json", {"type": "error", "msg": "unexpected call"})
                elif step.reply is DROP:
                    self.close_connection = True
                    self.connection.close()
                else:
                    self._reply(step.status, step.content_type, step.reply)

            def _reply(self, status: int, content_type: str, reply: t.Any) -> None:
                data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Set-Cookie", "MCSESSID=secretsession; path=/")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        return Handler

    def verify(self) -> None:
        assert not self.errors, self.errors
        assert not self.steps, "scripted calls never made: %s" % [(s.method, s.path) for s in self.steps]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


DROP = object()


def transcript(case: str, source: Path | str | None = None) -> dict[str, t.Any]:
    """The recorded reply of one transcript case: of ``source`` (a path, or a file name in tests/fixtures/mailcow-api),
    by default of transcripts.jsonl, then of the life-cycle recording."""
    paths = (TRANSCRIPTS.parent / source,) if isinstance(source, str) else (source,) if source else (TRANSCRIPTS, LIFECYCLE)
    for path in paths:
        with path.open() as handle:
            for line in handle:
                record = json.loads(line)
                if record["case"] == case:
                    return record["response"]
    raise KeyError(case)


def recorded_request(case: str, source: str) -> dict[str, t.Any]:
    """The recorded request of one case of ``source`` (a file name in tests/fixtures/mailcow-api): method, path, headers, body."""
    with (TRANSCRIPTS.parent / source).open() as handle:
        for line in handle:
            record = json.loads(line)
            if record["case"] == case:
                return record["request"]
    raise KeyError(case)


def domain_read(server: ScriptedMailcow, name: str = "example.org", **fields: t.Any) -> None:
    """Expect the one read of a domain's limits that precedes adds and quota changes: its recorded object, renamed to ``name``."""
    body = dict(transcript("get_domain_single")["body"], domain_name=name, domain_h_name=name, **fields)
    server.expect("GET", "/api/v1/get/domain/" + name, reply=body)


def policy_read(server: ScriptedMailcow, **rules: str) -> None:
    """Expect the one read of the password policy that precedes a run writing passwords: the recorded default
    (length 6, no character class), with ``rules`` (strings, as Mailcow answers them) changed."""
    body = dict(transcript("get_passwordpolicy", "transcripts-password-policy.jsonl")["body"], **rules)
    server.expect("GET", "/api/v1/get/passwordpolicy", reply=body)
