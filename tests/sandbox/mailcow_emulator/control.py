# SPDX-License-Identifier: GPL-3.0-or-later
"""The sandbox's own control API under /_sandbox/ (not part of Mailcow; no key, loopback only).

GET  /_sandbox/health             {"ok": true, "version": ...}
GET  /_sandbox/stats              {"requests", "by_route", "by_status", "first_request_at", "workers", "latency", ...}
POST /_sandbox/stats/reset
GET  /_sandbox/faults             pending faults;  POST /_sandbox/faults  one fault or a list
POST /_sandbox/faults/clear
POST /_sandbox/latency            {"model": "zero"|"realistic"}
POST /_sandbox/workers            {"workers": N}
POST /_sandbox/allow_from         {"rw": [...], "ro": [...]}
GET  /_sandbox/f2b                fail2ban state;  POST /_sandbox/f2b {"max", "window", "ban"}
POST /_sandbox/f2b/clear          lift every ban and forget failures
POST /_sandbox/f2b/ban            {"ip"}: ban that address's network as its failed logins would
GET  /_sandbox/status             containers' states and vmail figures;  POST /_sandbox/status
                                  {"containers": {"clamd": "exited"}, "vmail": {"disk", "used", "total", "used_percent"}}
POST /_sandbox/syncjob_run        {"id", "success", "exit_status", "log"}: what imapsync's runner records
POST /_sandbox/logs               {"log": "postfix", "entries": [...]}: entries (oldest first) become the log's newest
GET  /_sandbox/mailq              {"source": "postfix"|"model", "entries": [postqueue -j entries]}: the queue get/mailq reads
POST /_sandbox/mailq              {"entries": [{"sender", "recipients": [address or {"address", "delay_reason"}], "queue_name",
                                  "queue_id", "arrival_time", "message_size", "deliverable"}]}: seed the modelled queue (refused
                                  while the sandbox's Postfix runs: its queue is the real one, filled over SMTP)
GET  /_sandbox/quarantine         the quarantine's rows;  POST /_sandbox/quarantine {"items": [{"qid", "rcpt", "sender",
                                  "subject", "score", "action", "created" (Unix time), "msg", ...}]}: rows as Rspamd writes them
POST /_sandbox/quarantine/services {"postfix": bool, "rspamd": bool}: whether releasing and learning reach them
POST /_sandbox/reset              drop every domain, mailbox, alias, DKIM key, session (keys stay); containers,
                                  vmail and fail2ban settings back to a fresh install's (bans stay: f2b/clear); logs, quarantine and
                                  the modelled mail queue emptied (a real Postfix's queue is left alone)
"""
from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any, Callable

from . import quarantine, syncjobs
from .faults import Fault
from .wire import Request, Response

if TYPE_CHECKING:
    from .app import App


class ControlError(ValueError):
    pass


def handle(app: "App", req: Request) -> Response:
    if not _loopback(req.client_ip):
        return _reply(403, {"error": "the control API answers loopback clients only"})
    route = req.path.rstrip("/")[len("/_sandbox"):] or "/"
    key = f"{req.method} {route}"
    handler = ROUTES.get(key)
    if handler is None:
        known = {r.split(" ", 1)[1] for r in ROUTES}
        return _reply(405 if route in known else 404, {"error": f"no control endpoint {key}"})
    try:
        return _reply(200, handler(app, _body(req)))
    except (ControlError, ValueError, TypeError) as exc:
        return _reply(400, {"error": str(exc)})


def _loopback(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _body(req: Request) -> Any:
    if not req.body.strip():
        return {}
    try:
        return json.loads(req.body.decode("utf-8"))
    except ValueError as exc:
        raise ControlError(f"body is not JSON: {exc}") from exc


def _reply(status: int, data: Any) -> Response:
    return Response.text(status, json.dumps(data))


def _dict(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ControlError("body must be a JSON object")
    return body


# -- endpoints -------------------------------------------------------------------------------
def _health(app: "App", body: Any) -> dict[str, Any]:
    return {"ok": True, "version": app.config.version}


def _stats(app: "App", body: Any) -> dict[str, Any]:
    data = app.stats.snapshot()
    data.update({"workers": app.pool.size, "peak_concurrency": app.pool.peak,
                 "latency": app.latency.model})
    return data


def _stats_reset(app: "App", body: Any) -> dict[str, Any]:
    app.stats.reset()
    app.pool.peak = 0
    return {"ok": True}


def _faults_get(app: "App", body: Any) -> dict[str, Any]:
    return {"faults": app.faults.pending()}


def _faults_add(app: "App", body: Any) -> dict[str, Any]:
    for item in body if isinstance(body, list) else [_dict(body)]:
        app.faults.add(Fault.from_json(item))
    return {"faults": app.faults.pending()}


def _faults_clear(app: "App", body: Any) -> dict[str, Any]:
    app.faults.clear()
    return {"faults": []}


def _latency(app: "App", body: Any) -> dict[str, Any]:
    app.latency.set(str(_dict(body).get("model")))
    return {"latency": app.latency.model}


def _workers(app: "App", body: Any) -> dict[str, Any]:
    workers = int(_dict(body).get("workers", 0))
    if workers < 1:
        raise ControlError("workers must be >= 1")
    app.pool.resize(workers)
    return {"workers": app.pool.size}


def _allow_from(app: "App", body: Any) -> dict[str, Any]:
    for access, entries in _dict(body).items():
        if access not in ("rw", "ro") or not isinstance(entries, list):
            raise ControlError("expected {\"rw\": [...], \"ro\": [...]}")
        app.keys.allow_from[access] = [str(e) for e in entries]
    return {"allow_from": app.keys.allow_from}


def _f2b_get(app: "App", body: Any) -> dict[str, Any]:
    return app.fail2ban.state()


def _f2b_set(app: "App", body: Any) -> dict[str, Any]:
    data = _dict(body)
    app.fail2ban.configure(
        int(data["max"]) if "max" in data else None,
        float(data["window"]) if "window" in data else None,
        float(data["ban"]) if "ban" in data else None,
    )
    return app.fail2ban.state()


def _f2b_clear(app: "App", body: Any) -> dict[str, Any]:
    app.fail2ban.clear()
    return app.fail2ban.state()


def _f2b_ban(app: "App", body: Any) -> dict[str, Any]:
    try:
        app.fail2ban.ban(str(_dict(body).get("ip")))
    except ValueError as exc:
        raise ControlError("expected {\"ip\": <an IPv4 or IPv6 address>}: %s" % exc) from None
    return app.fail2ban.state()


def _status_get(app: "App", body: Any) -> dict[str, Any]:
    return app.status.view()


def _status_set(app: "App", body: Any) -> dict[str, Any]:
    data = _dict(body)
    return app.status.set(data.get("containers"), data.get("vmail"))


def _logs_push(app: "App", body: Any) -> dict[str, Any]:
    data = _dict(body)
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ControlError("expected {\"log\": <name>, \"entries\": [<object>, ...]}")
    return {"log": data.get("log"), "entries": app.logs.push(str(data.get("log")), entries)}


def _mailq_get(app: "App", body: Any) -> dict[str, Any]:
    return app.queue.view()


def _mailq_seed(app: "App", body: Any) -> dict[str, Any]:
    entries = _dict(body).get("entries")
    if not isinstance(entries, list):
        raise ControlError("expected {\"entries\": [{\"sender\": ..., \"recipients\": [...]}, ...]}")
    return app.queue.seed(entries)


def _syncjob_run(app: "App", body: Any) -> dict[str, Any]:
    data = _dict(body)
    return syncjobs.record_run(app.store, int(data["id"]), success=bool(data.get("success", True)),
                               exit_status=str(data.get("exit_status", "EX_OK")), log=str(data.get("log", "")))


def _quarantine_get(app: "App", body: Any) -> dict[str, Any]:
    with app.store.lock:
        return {"items": [app.store.quarantine[key] for key in sorted(app.store.quarantine)], "services": app.store.quarantine_services}


def _quarantine_seed(app: "App", body: Any) -> dict[str, Any]:
    items = _dict(body).get("items")
    if not isinstance(items, list):
        raise ControlError("expected {\"items\": [{\"qid\", \"rcpt\", ...}, ...]}")
    with app.store.lock:
        return {"items": quarantine.seed(app.store, items)}


def _quarantine_services(app: "App", body: Any) -> dict[str, Any]:
    with app.store.lock:
        return {"services": quarantine.set_services(app.store, _dict(body))}


def _reset(app: "App", body: Any) -> dict[str, Any]:
    app.reset_objects()
    return {"ok": True}


ROUTES: dict[str, Callable[["App", Any], dict[str, Any]]] = {
    "GET /health": _health,
    "GET /stats": _stats,
    "POST /stats/reset": _stats_reset,
    "GET /faults": _faults_get,
    "POST /faults": _faults_add,
    "POST /faults/clear": _faults_clear,
    "POST /latency": _latency,
    "POST /workers": _workers,
    "POST /allow_from": _allow_from,
    "GET /f2b": _f2b_get,
    "POST /f2b": _f2b_set,
    "POST /f2b/clear": _f2b_clear,
    "POST /f2b/ban": _f2b_ban,
    "GET /status": _status_get,
    "POST /status": _status_set,
    "POST /logs": _logs_push,
    "POST /syncjob_run": _syncjob_run,
    "GET /mailq": _mailq_get,
    "POST /mailq": _mailq_seed,
    "GET /quarantine": _quarantine_get,
    "POST /quarantine": _quarantine_seed,
    "POST /quarantine/services": _quarantine_services,
    "POST /reset": _reset,
}
