# SPDX-License-Identifier: GPL-3.0-or-later
"""json_api.php: routing, body decoding and the order of its checks, as the transcripts show.

Order matters and is Mailcow's: API key (401) -> CORS preflight -> Sec-Fetch-Dest (403) ->
invalid JSON (400) -> per action: read-only/no session (403), missing attr/items (200 "Cannot
find attributes in post data"), wrong method (405), unknown category (404).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import unquote, unquote_plus

from . import (alias_domains, aliases, apppasswords, bcc, dkim, domain_admins, domains, filters, fwdhosts, mailbox_edit, mailboxes, oauth2, passwords,
               php, phpjson, policies, quarantine, reads, spamaliases, relayhosts, recipient_maps, resources, sideeffects, syncjobs, templates,
               tls_policy_maps, transports)
from .auth import ApiKeys, Fail2Ban
from .context import Call
from .model import Store
from .logs import Logs
from .queue import MailQueue
from .status import Status
from .sessions import Session, SessionStore, cookie_from, cookie_header
from .wire import JSON, PHP_DEFAULT, Request, Response

API_PREFIX = "/api/v1/"
CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
Business = Callable[[Call, Any], bool]


def error(status: int, msg: str, content_type: str = JSON) -> Response:
    return Response.text(status, phpjson.encode_compact({"type": "error", "msg": msg}), content_type)


INCOMPLETE = "Cannot find attributes in post data"
POLICY_READS = ("policy_wl_domain", "policy_bl_domain", "policy_wl_mailbox", "policy_bl_mailbox")


@dataclass
class Route:
    action: str
    category: str | None
    obj: str | None
    extra: str | None
    args: dict[str, str]

    @property
    def segments(self) -> list[str | None]:
        return [self.action, self.category, self.obj, self.extra]


def normalized_uri(path: str) -> str | None:
    """The URI nginx matches locations against: percent-decoded once, slashes merged, '.' and '..' steps resolved.

    None where nginx answers 400 itself: a '..' step above the root.
    """
    steps: list[str] = []
    segments = re.sub(r"/{2,}", "/", unquote(path)).split("/")[1:]
    for segment in segments:
        if segment == "..":
            if not steps:
                return None
            steps.pop()
        elif segment != ".":
            steps.append(segment)
    trailing = "/" if segments and segments[-1] in (".", "..") else ""
    return "/" + "/".join(steps) + (trailing if steps else "")


def is_bad_request(path: str) -> bool:
    """nginx refuses the URI before any location: a '..' step above the root."""
    return normalized_uri(path) is None


def is_api_path(path: str) -> bool:
    """nginx's `location ~ ^/api/v1/(.*)$`: everything else never reaches json_api.php."""
    return (normalized_uri(path) or "").startswith(API_PREFIX)


def parse_route(req: Request) -> Route:
    """nginx: try_files ... /json_api.php?query=$1&$args, $1 taken from the decoded URI.

    PHP then url-decodes the query string once more, so '+' becomes a space and %2540 an '@'.
    """
    uri = normalized_uri(req.path) or "/"
    args = _parse_str("query=" + uri[len(API_PREFIX):] + "&" + req.query)
    parts = args.get("query", "").split("/")
    padded = parts + [None] * (4 - len(parts))
    return Route(action=parts[0], category=padded[1], obj=padded[2], extra=padded[3], args=args)


def _parse_str(query: str) -> dict[str, str]:
    """parse_str(): '&'-separated pairs, later keys win, '+' and %XX decoded."""
    args: dict[str, str] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        key, _sep, value = pair.partition("=")
        args[unquote_plus(key)] = unquote_plus(value)
    return args


class MailcowApi:
    """One Mailcow: keys, sessions, state. handle() is thread-safe."""

    def __init__(self, store: Store, keys: ApiKeys, fail2ban: Fail2Ban, version: str,
                 hostname: str, on_mail_change: Callable[[], None],
                 collect_maildir: Callable[[str, str], None] | None = None,
                 maildir_usage: Callable[[str, str], tuple[int, int] | None] | None = None,
                 status: Status | None = None, logs: Logs | None = None, queue: MailQueue | None = None,
                 postfix_port: int = 0) -> None:
        self.store, self.keys, self.fail2ban = store, keys, fail2ban
        self.status = status or Status()
        self.logs = logs or Logs()
        self.queue = queue or MailQueue(None)
        self.sessions = SessionStore()
        self.postfix_port = postfix_port
        self.version, self.hostname = version, hostname
        self.on_mail_change, self.collect_maildir, self.maildir_usage = on_mail_change, collect_maildir, maildir_usage

    def handle(self, req: Request, charges: list[tuple[str, int]]) -> Response:
        session = self.sessions.attach(cookie_from(req.header("Cookie")))
        response = self._handle(req, session, charges)
        # session_start() ran before anything could fail: every answer carries the cookie.
        response.headers.append(("Set-Cookie", cookie_header(session.id, req.https)))
        return response

    def _handle(self, req: Request, session: Session, charges: list[tuple[str, int]]) -> Response:
        denied = self._authenticate(req, session)
        if denied is not None:
            return denied
        cors = _cors_headers(req)
        preflight = _preflight(req)
        if preflight is not None:
            preflight.headers.extend(cors)
            return preflight
        response = self._route(req, session, charges)
        response.headers.extend(cors)
        return response

    def _authenticate(self, req: Request, session: Session) -> Response | None:
        """sessions.inc.php: only a non-empty X-API-Key triggers API auth at all."""
        presented = req.header("X-API-Key")
        if php.empty(presented):
            return None
        access = self.keys.match(presented or "")
        if access is None:
            self.fail2ban.record_failure(req.client_ip)
            # Echoed before json_api.php sets its JSON header: PHP's default text/html.
            return error(401, "authentication failed", PHP_DEFAULT)
        if not self.keys.ip_allowed(access, req.client_ip):
            self.fail2ban.record_failure(req.client_ip)
            return error(401, f"api access denied for ip {req.client_ip}", PHP_DEFAULT)
        session.authorise(access)
        return None

    def _route(self, req: Request, session: Session, charges: list[tuple[str, int]]) -> Response:
        dest = req.header("Sec-Fetch-Dest")
        if dest is not None and dest != "empty":
            return Response(status=403)
        route = parse_route(req)
        post = _post_fields(req, route.action)
        if isinstance(post, Response):
            return post
        if session.role is not None:
            # api_log($_POST): every authenticated request, before it is carried out.
            self.logs.api_request(req.path + ("?" + req.query if req.query else ""), req.method, req.client_ip, post)
        call = Call(store=self.store, returns=session.returns, role=session.role,
                    username=session.username, hostname=self.hostname,
                    charges=charges, collect_maildir=self.collect_maildir, maildir_usage=self.maildir_usage,
                    postfix_port=self.postfix_port)
        handler = {"get": self._get, "add": self._add, "edit": self._edit, "delete": self._delete}
        if route.action not in handler:
            return error(404, "route not found")
        return handler[route.action](req, session, route, post, call)

    # -- get ---------------------------------------------------------------------------------
    def _get(self, req: Request, session: Session, route: Route, post: dict[str, str], call: Call) -> Response:
        if req.method != "GET":
            return error(405, "only GET method is allowed")
        if session.role is None:
            return Response.text(200, "")  # the category switch only runs with a session role
        readers = {"domain": reads.get_domain, "mailbox": reads.get_mailbox, "alias": reads.get_alias, "app-passwd": apppasswords.get,
                   "alias-domain": alias_domains.get, "domain-admin": domain_admins.get, "relayhost": relayhosts.get,
                   "transport": transports.get, "fwdhost": fwdhosts.get, "tls-policy-map": tls_policy_maps.get, "bcc": bcc.get,
                   "recipient_map": recipient_maps.get, "quarantine": quarantine.get, "resource": resources.get,
                   "filters": filters.get, "active-user-sieve": filters.get_active_user_sieve, "oauth2-client": oauth2.get}
        with self.store.lock:
            if route.category in readers:
                body = readers[route.category](call, route.obj, route.extra, route.args)
            elif route.category in POLICY_READS:
                body = policies.get(call, route.category, route.obj)
            elif route.category == "time_limited_aliases":
                body = spamaliases.get(call, route.obj)
            elif route.category == "spam-score":
                body = policies.get_spam_score(call, route.obj)
            elif route.category == "syncjobs":
                body = syncjobs.get(call, route.obj, route.extra)
            elif route.category == "status":
                body = self.status.answer(route.obj, self.version)
            elif route.category == "logs":
                logged = self.logs.answer(route.obj, route.extra)
                if logged is None:
                    return error(404, "route not found")
                body = logged
            elif route.category == "mailq":
                body = self.queue.get_all() if route.obj == "all" else ""  # json_api.php has a case for "all" only
            elif route.category == "postcat":
                body = self.queue.cat(route.obj)
                self.logs.ui_row(["process_mailq_output", "cat", {"qid": route.obj}], "queue_cat_success", req.client_ip)
            elif route.category == "passwordpolicy":
                policy = self.store.password_policy
                body = phpjson.encode_compact(passwords.policy_html(policy) if route.obj == "html" else dict(policy))
            elif route.category == "fail2ban":
                body = phpjson.encode_compact(self.fail2ban.get())  # get/fail2ban/<anything> is get/fail2ban
            elif route.category in ("rl-domain", "rl-mbox"):
                body = reads.get_ratelimit(call, "domain" if route.category == "rl-domain" else "mailbox", route.obj)
            elif route.category == "dkim":
                body = reads.process_get_return(dkim.details(call, route.obj))
            else:
                return error(404, "route not found")
        _finish(session)
        return Response.text(200, body)

    # -- add / edit / delete -----------------------------------------------------------------
    def _add(self, req: Request, session: Session, route: Route, post: dict[str, str], call: Call) -> Response:
        if session.api_access == "ro":
            return error(403, "API read/write access denied")
        if "attr" not in post:
            return error(200, INCOMPLETE)
        if req.method != "POST":
            return error(405, "only POST method is allowed")
        attr = _without_csrf(php.to_array(_decode(post["attr"])))
        targets: dict[str, Business] = {"mailbox": mailboxes.add, "domain": domains.add, "alias": aliases.add, "app-passwd": apppasswords.add,
                                        "dkim": dkim.add_request, "dkim_duplicate": dkim.duplicate,
                                        "alias-domain": alias_domains.add, "domain-admin": domain_admins.add, "syncjob": syncjobs.add,
                                        "relayhost": relayhosts.add, "transport": transports.add,
                                        "fwdhost": fwdhosts.add, "tls-policy-map": tls_policy_maps.add, "bcc": bcc.add,
                                        "recipient_map": recipient_maps.add, "resource": resources.add,
                                        "filter": filters.add, "oauth2-client": oauth2.add,
                                        "domain-policy": lambda call, data: policies.add(call, data, "domain"),
                                        "mailbox-policy": lambda call, data: policies.add(call, data, "mailbox"),
                                        "time_limited_alias": spamaliases.add}
        if route.category in ("mailbox", "domain") and route.obj == "template":
            return self._write(session, call, templates.add if route.category == "mailbox" else templates.add_domain, attr, "Cannot add item")
        if route.category not in targets or route.obj == "template":
            return error(404, "route not found")
        return self._write(session, call, targets[route.category], attr, "Cannot add item")

    def _edit(self, req: Request, session: Session, route: Route, post: dict[str, str], call: Call) -> Response:
        if session.api_access == "ro" or session.username is None:
            return error(403, "API read/write access denied")
        if "attr" not in post:
            return error(200, INCOMPLETE)
        attr = _without_csrf(php.to_array(_decode(post["attr"])))
        items = php.to_array(_decode(post["items"])) if "items" in post else None
        if req.method != "POST":
            return error(405, "only POST method is allowed")
        targets: dict[str, tuple[str, Business]] = {
            "mailbox": ("username", mailbox_edit.edit), "domain": ("domain", domains.edit),
            "alias": ("id", aliases.edit), "syncjob": ("id", syncjobs.edit), "tls_policy": ("username", mailboxes.edit_tls_policy),
            "rl-domain": ("object", sideeffects.edit_ratelimit_domain), "rl-mbox": ("object", sideeffects.edit_ratelimit_mailbox),
            "app-passwd": ("id", apppasswords.edit),
            "alias-domain": ("alias_domain", alias_domains.edit), "domain-admin": ("username", domain_admins.edit),
            "da-acl": ("username", domain_admins.edit_acl), "relayhost": ("id", relayhosts.edit),
            "transport": ("id", transports.edit), "fwdhost": ("fwdhost", fwdhosts.edit),
            "tls-policy-map": ("id", tls_policy_maps.edit), "bcc": ("id", bcc.edit),
            "recipient_map": ("id", recipient_maps.edit), "qitem": ("id", quarantine.edit),
            "spam-score": ("username", policies.edit_spam_score),
            "time_limited_alias": ("address", spamaliases.edit), "resource": ("name", resources.edit),
            "filter": ("id", filters.edit), "oauth2-client": ("id", oauth2.edit),
        }
        if route.category == "fail2ban":
            # Only edit/fail2ban itself is routed: edit/fail2ban/<anything> is Mailcow's 404 "Cannot edit item".
            if route.obj is not None:
                return error(404, "Cannot edit item")
            return self._write(session, call, self.fail2ban.edit, _merge("network", items, attr), "Cannot edit item")
        if route.category == "passwordpolicy":
            return self._write(session, call, passwords.edit_policy, attr, "Cannot edit item")  # items are ignored
        if route.category == "mailq":
            return self._write(session, call, self.queue.edit, _merge("qid", items, attr), "Cannot edit item")
        if route.category == "quarantine":
            return self._write(session, call, quarantine.edit_settings, attr, "Cannot edit item")  # items are ignored
        if route.category in ("mailbox", "domain") and route.obj == "template":
            edit = templates.edit if route.category == "mailbox" else templates.edit_domain
            return self._write(session, call, edit, _merge("ids", items, attr), "Cannot edit item")
        unemulated = {"mailbox": ("custom-attribute",), "domain": ("footer",)}
        if route.category not in targets or route.obj in unemulated.get(route.category or "", ()):
            return error(404, "route not found")
        key, func = targets[route.category]
        return self._write(session, call, func, _merge(key, items, attr), "Cannot edit item")

    def _delete(self, req: Request, session: Session, route: Route, post: dict[str, str], call: Call) -> Response:
        if session.api_access == "ro" or session.username is None:
            return error(403, "API read/write access denied")
        if "items" not in post:
            return error(200, INCOMPLETE)
        items = php.to_array(_decode(post["items"]))
        if req.method != "POST":
            return error(405, "only POST method is allowed")
        target = (self.queue.delete, {"qid": items}) if route.category == "mailq" else _delete_target(route, items)
        if target is None:
            return error(404, "route not found")
        return self._write(session, call, target[0], target[1], "Cannot delete item")

    def _write(self, session: Session, call: Call, func: Business, data: Any, failure: str) -> Response:
        """process_*_return(): the queued entries, else a generic object; empty on a crash."""
        try:
            with self.store.lock:
                ok = func(call, data)
        except php.Uncaught:
            return Response.text(200, "")  # the exception handler prints nothing (docs/mailcow-api.md#failure-shapes)
        finally:
            if call.mail_changed:
                self.on_mail_change()
        if call.returns:
            body = phpjson.encode_compact(call.returns)
        else:
            body = phpjson.encode_compact({"type": "success", "msg": "Task completed"} if ok
                                          else {"type": "error", "msg": failure})
        _finish(session)
        return Response.text(200, body)


def _finish(session: Session) -> None:
    """json_api.php's last lines: API sessions forget their messages once a reply is printed."""
    if session.is_api:
        session.returns.clear()


def _delete_target(route: Route, items: Any) -> tuple[Business, Any] | None:
    if route.category == "alias":
        return aliases.delete, {"id": items}
    if route.category == "app-passwd":
        return apppasswords.delete, {"id": items}
    if route.category == "dkim":
        return dkim.delete, {"domains": items}
    if route.category == "alias-domain":
        return alias_domains.delete, {"alias_domain": items}
    if route.category == "domain-admin":
        return domain_admins.delete, {"username": items}
    if route.category == "syncjob":
        return syncjobs.delete, {"id": items}
    if route.category == "relayhost":
        return relayhosts.delete, {"id": items}
    if route.category == "transport":
        return transports.delete, {"id": items}
    if route.category == "fwdhost":
        return fwdhosts.delete, {"forwardinghost": items}
    if route.category == "tls-policy-map":
        return tls_policy_maps.delete, {"id": items}
    if route.category == "bcc":
        return bcc.delete, {"id": items}
    if route.category == "recipient_map":
        return recipient_maps.delete, {"id": items}
    if route.category == "qitem":
        return quarantine.delete, {"id": items}
    if route.category == "time_limited_alias":
        return spamaliases.delete, {"address": items}
    if route.category in ("domain-policy", "mailbox-policy"):
        scope = route.category.split("-")[0]
        return (lambda call, data: policies.delete(call, data, scope)), {"prefid": items}
    if route.category == "resource":
        return resources.delete, {"name": items}
    if route.category == "domain" and route.obj == "template":
        return templates.delete_domain, {"ids": items}
    if route.category == "mailbox" and route.obj == "template":
        return templates.delete, {"ids": items}
    if route.category == "filter":
        return filters.delete, {"id": items}
    if route.category == "oauth2-client":
        return oauth2.delete, {"id": items}
    if route.category == "domain" and route.obj == "tag":
        return domains.delete_tags, {"tags": items, "domain": route.extra}
    if route.category == "domain" and route.obj != "template":
        return domains.delete, {"domain": items}
    if route.category == "mailbox" and route.obj == "tag":
        return mailboxes.delete_tags, {"tags": items, "username": route.extra}
    if route.category == "mailbox" and route.obj != "template":
        return mailboxes.delete, {"username": items}
    return None


def _decode(text: str) -> Any:
    value = phpjson.decode(text)
    return None if value is phpjson.INVALID else value


def _without_csrf(attr: Any) -> Any:
    if isinstance(attr, dict):
        attr.pop("csrf_token", None)
    return attr


def _merge(key: str, items: Any, attr: Any) -> dict[str, Any]:
    """array_merge(array($key => $items), $attr): attr keys win but 'key' keeps first place."""
    data: dict[str, Any] = {key: items}
    if isinstance(attr, dict):
        data.update(attr)
    else:
        data.update({str(i): v for i, v in enumerate(attr)})
    return data


def _post_fields(req: Request, action: str) -> dict[str, str] | Response:
    """$_POST as json_api.php leaves it: JSON bodies are mapped onto the legacy form fields."""
    content_type = req.header("Content-Type") or ""
    body = req.body.decode("utf-8", errors="surrogateescape")
    if "application/json" in content_type:
        decoded = _decode(body)
        if action != "get" and decoded is None:
            return error(400, "Request body doesn't contain valid json!")
        return _json_fields(action, body, decoded)
    if req.method == "POST" and content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        return _parse_str(body)
    return {}


def _json_fields(action: str, body: str, decoded: Any) -> dict[str, str] | Response:
    if action == "add":
        return {"attr": body}
    if action == "delete":
        return {"items": body}
    if action == "edit":
        if isinstance(decoded, str):
            return Response.text(200, "")  # $string['attr'] throws in PHP 8: empty body
        attr = decoded.get("attr") if isinstance(decoded, dict) else None
        items = decoded.get("items") if isinstance(decoded, dict) else None
        return {"attr": phpjson.encode_compact(attr), "items": phpjson.encode_compact(items)}
    return {}


def _cors_headers(req: Request) -> list[tuple[str, str]]:
    headers = []
    origin = req.header("Origin")
    own = f"{'https' if req.https else 'http'}://{req.header('Host') or ''}".lower()
    if origin and origin.rstrip("/").lower() == own:
        headers.append(("Access-Control-Allow-Origin", origin))
    headers.append(("Vary", "Origin"))
    headers.append(("Access-Control-Allow-Methods", CORS_METHODS))
    headers.append(("Access-Control-Allow-Headers", "Accept, Content-Type, X-Api-Key, Origin"))
    return headers


def _preflight(req: Request) -> Response | None:
    if req.method != "OPTIONS" or req.header("Access-Control-Request-Method") is None \
            or req.header("Access-Control-Request-Headers") is None:
        return None
    allowed = req.header("Access-Control-Request-Method") in CORS_METHODS.split(", ")
    return Response(status=200 if allowed else 405, content_type=PHP_DEFAULT)
