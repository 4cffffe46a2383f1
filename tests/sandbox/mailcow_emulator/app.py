# SPDX-License-Identifier: GPL-3.0-or-later
"""Wires the parts together and decides, per request, what happens before Mailcow's code runs:
fail2ban, injected faults, the php-fpm worker pool and the latency model."""
from __future__ import annotations

import time

from . import control
from .auth import ApiKeys, Fail2Ban
from .config import Config
from .faults import NGINX_PAGE, Fault, FaultQueue
from .latency import LatencyModel, WorkerPool, sleep_until
from .mailsync import MailSync
from .races import InFlight, object_key
from .model import Store
from .reqlog import RequestLog
from .router import MailcowApi, is_api_path, is_bad_request, parse_route
from .stats import Stats, route_pattern
from .logs import Logs
from .queue import MailQueue
from .status import Status
from .wire import Request, Response

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
            504: "Gateway Time-out", 404: "Not Found", 400: "Bad Request"}


class App:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.store = Store()
        self.keys = ApiKeys(config.rw_key, config.ro_key, {k: list(v) for k, v in config.allow_from.items()})
        self.fail2ban = Fail2Ban(config.f2b_max, config.f2b_window, config.f2b_ban)
        self.mailsync = MailSync(config.mail_dir, config.vmail_dir, config.mail_uid, config.mail_gid)
        self.status = Status()
        self.logs = Logs()
        self.queue = MailQueue(config.postfix_dir)
        self.api = MailcowApi(self.store, self.keys, self.fail2ban, config.version, config.hostname,
                              on_mail_change=self.sync_mail, collect_maildir=self.mailsync.collect_maildir,
                              maildir_usage=self.mailsync.usage, status=self.status, logs=self.logs,
                              queue=self.queue, postfix_port=config.postfix_port)
        self.faults = FaultQueue()
        self.in_flight = InFlight()
        for item in config.faults:
            self.faults.add(Fault.from_json(item))
        self.stats = Stats()
        self.latency = LatencyModel(config.latency)
        self.pool = WorkerPool(config.workers)
        self.log = RequestLog(config.log_file)

    def sync_mail(self) -> None:
        self.mailsync.write(self.store)

    def reset_objects(self) -> None:
        self.store.reset()
        self.api.sessions.clear()
        self.status.reset()
        self.logs.reset()
        self.queue.reset()
        self.fail2ban.reset_settings()
        self.sync_mail()

    # -- one request ---------------------------------------------------------------------------
    def dispatch(self, req: Request) -> Response:
        started = time.monotonic()
        note = ""
        try:
            response, note = self._dispatch(req)
        except Exception:  # a bug here must not kill the connection thread silently
            self.log.exception(f"{req.method} {req.path}")
            response = Response.text(500, _nginx_page(500), "text/html")
        status = "dropped" if response.drop else response.status
        self.log.request(req.client_ip, req.method, req.path, status, (time.monotonic() - started) * 1000, note)
        return response

    def _dispatch(self, req: Request) -> tuple[Response, str]:
        if req.path == "/_sandbox" or req.path.startswith("/_sandbox/"):
            return control.handle(self, req), "control"
        if is_api_path(req.path):
            self.stats.arrived(time.time())
        if is_bad_request(req.path):
            return Response.text(400, _nginx_page(400), "text/html"), ""
        if self.fail2ban.is_banned(req.client_ip):
            # Banned on every port, as by a firewall rule: the connection is reset.
            if is_api_path(req.path):
                self.stats.count(self._pattern(req), "banned")
            return Response(drop=True), "banned"
        if not is_api_path(req.path):
            return Response.text(404, _nginx_page(404), "text/html"), ""
        response, note = self._api(req)
        self.stats.count(self._pattern(req), "dropped" if response.drop else response.status)
        return response, note

    def _api(self, req: Request) -> tuple[Response, str]:
        fault = self.faults.take(req.method, req.path)
        if fault is not None and (fault.kind in ("status", "html", "huge") or (fault.kind == "drop" and not fault.process)):
            return _with_retry_after(fault, _fault_response(fault)), f"fault:{fault.kind}"
        race = self._race_key(req)
        with self.pool:  # php-fpm: processing, and its latency, holds a worker
            lost = race is not None and not self.in_flight.claim(race)
            try:
                response = self._process(req, fault, race if lost else None)
            finally:
                if race is not None and not lost:
                    self.in_flight.release(race)
        if lost:
            return response, "race:lost"
        if fault is not None and fault.kind == "drop":
            return Response(drop=True), "fault:drop(processed)"
        if fault is not None and fault.kind == "trickle":
            response.pace = fault.delay
        return response, f"fault:{fault.kind}" if fault else ""

    def _process(self, req: Request, fault: Fault | None, lost_race: str | None) -> Response:
        """Mailcow's PHP, padded to the latency model's cost (and an injected delay)."""
        started = time.monotonic()
        delay = fault.delay if fault is not None and fault.kind == "slow" else 0.0
        time.sleep(delay)
        charges: list[tuple[str, int]] = []
        if lost_race is not None:
            # The loser of a racing add: its duplicate INSERT throws, PHP prints nothing.
            charges.append((lost_race.split(":", 1)[0] + "_add", 1))
            response = Response.text(200, "")
        elif fault is not None and fault.kind == "empty":
            response = Response.text(200, "")
        else:
            response = self.api.handle(req, charges)
        sleep_until(started + delay, self.latency.cost(charges))
        return response

    def _race_key(self, req: Request) -> str | None:
        """The object an authorised read-write add names (see races.py), else None."""
        key = object_key(req)
        access = self.keys.match(req.header("X-API-Key") or "")
        if key is None or access != "rw" or not self.keys.ip_allowed(access, req.client_ip):
            return None
        return key

    def _pattern(self, req: Request) -> str:
        return route_pattern(req.method, parse_route(req).segments)


def _fault_response(fault: Fault) -> Response:
    if fault.kind == "drop":
        return Response(drop=True)
    if fault.kind == "huge":
        return Response(status=200, size=fault.size, announce=fault.announce)
    if fault.kind == "html":
        return Response.text(fault.status, _nginx_page(fault.status), "text/html")
    if fault.body == "empty":
        return Response(status=fault.status, content_type="application/json")
    reason = _REASONS.get(fault.status, "Server Error")
    return Response.text(fault.status, '{"type":"error","msg":"' + reason + '"}')


def _with_retry_after(fault: Fault, response: Response) -> Response:
    if fault.retry_after is not None:
        response.headers.append(("Retry-After", str(fault.retry_after)))
    return response


def _nginx_page(status: int) -> str:
    return NGINX_PAGE.format(status=status, reason=_REASONS.get(status, "Error"))
