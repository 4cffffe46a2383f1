# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the one HTTP client for Mailcow's REST API.

It owns the session, authentication, TLS, retries and the translation of every Mailcow failure
shape into a MailcowError. It never calls fail_json and never puts the API key into a message.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import typing as t
from urllib.parse import quote, urlsplit

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.messages import split_msg, translate
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowAuthError,
    MailcowError,
    MailcowExistsError,
    MailcowForbiddenError,
    MailcowIPNotAllowedError,
    MailcowNotFoundError,
    MailcowOptionError,
    MailcowTLSError,
    MailcowTransportError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)

REQUESTS_IMPORT_ERROR: str | None
try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError as exc:  # pragma: no cover - reported by the module via missing_required_lib
    REQUESTS_IMPORT_ERROR = str(exc)
    HAS_REQUESTS = False
else:
    REQUESTS_IMPORT_ERROR = None
    HAS_REQUESTS = True

USER_AGENT = "glassdome.mailcow"
RETRY_STATUSES = frozenset((502, 503, 504))
EXISTS_KEYS = frozenset(("object_exists", "domain_exists", "is_alias_or_mailbox", "is_alias"))
# White space and control characters, ASCII and Unicode: never valid in an API key or a URL.
CONTROL_OR_SPACE_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
# [scheme://]userinfo@ at the start of a URL: everything before the last '@' of the authority.
USERINFO_RE = re.compile(r"^([a-z][a-z0-9+.-]*://)?([^/?#]*)@", re.IGNORECASE)
# Connecting never waits longer than this, whatever ``timeout`` allows for an answer.
CONNECT_TIMEOUT = 5.0
# A read is not retried once this many seconds have passed since its first attempt, so a server
# that is down fails a task in about 15 s by default (3 retries: 0.5 + 1 + 2 s of backoff).
RETRY_WINDOW = 15.0


def normalize_base_url(api_url: str) -> str:
    """``https://mail.example.org[/api[/v1]][/]`` -> ``https://mail.example.org/api/v1``.

    Refuses a URL with a user name or password (``user:pass@``) without printing it: Mailcow
    authenticates with the API key only, and the URL appears in every connection error.
    """
    url = (api_url or "").strip().rstrip("/")
    if url_userinfo(url):
        raise MailcowOptionError("api_url (MAILCOW_API_URL) must not contain a user name or password (user:password@host): "
                                 "Mailcow authenticates with api_key only. Remove them from the URL")
    if CONTROL_OR_SPACE_RE.search(url):
        raise MailcowOptionError("api_url (MAILCOW_API_URL) must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        valid = parts.port is None or parts.port > 0  # .port raises ValueError for a port that is not a number
    except ValueError:
        valid = False
    if not valid:
        raise MailcowOptionError("api_url (MAILCOW_API_URL) is not a valid URL: give one such as https://mail.example.org")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MailcowOptionError("api_url (MAILCOW_API_URL) must be an http(s) URL such as https://mail.example.org, got %r" % url)
    path = re.sub(r"(/api(/v1)?)$", "", parts.path)
    return "%s://%s%s/api/v1" % (parts.scheme, parts.netloc, path)


def url_userinfo(url: t.Any) -> str:
    """The ``user:password`` part of a URL, with or without a scheme (``user:pass@host``); empty when there is none."""
    match = USERINFO_RE.match(str(url or "").strip())
    return match.group(2) if match else ""


def check_api_key(api_key: str) -> str:
    """The key as given, refused (without showing it) when it cannot be a header value."""
    if not api_key or CONTROL_OR_SPACE_RE.search(api_key):
        raise MailcowOptionError("api_key (MAILCOW_API_KEY or MAIL_API) must be the key alone, without spaces, line breaks or other control "
                                 "characters: check for a newline copied from a file (the key is not shown here)")
    return api_key


# Characters that do not survive Mailcow's path-to-query-string rewrite (a '+' becomes a space).
UNSAFE_IN_PATH = set("+&#%?")


def as_list(data: t.Any) -> list[dict[str, t.Any]]:
    """Mailcow answers ``{}`` for an empty list and an object for a single hit."""
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    if isinstance(data, dict) and data:
        return [data]
    return []


def quote_segment(segment: str) -> str:
    """Quote one path segment; '@' stays readable as Mailcow's own UI sends it."""
    return quote(str(segment), safe="@")


class Entry(t.NamedTuple):
    """One entry of a Mailcow write answer."""

    type: str
    key: str
    args: list[t.Any]


class MailcowClient:
    """Talks to one Mailcow server. One requests.Session (keep-alive), no cookies kept."""

    retry_window = RETRY_WINDOW  # seconds after a request's first attempt in which a retry may start

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        validate_certs: bool = True,
        ca_path: str | None = None,
        timeout: float = 30,
        retries: int = 3,
        backoff: float = 0.5,
        pool_size: int = 10,
    ) -> None:
        if not HAS_REQUESTS:
            raise MailcowError("the Python library requests is required: %s" % REQUESTS_IMPORT_ERROR)
        self.base_url = normalize_base_url(api_url)
        api_key = check_api_key(api_key)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._session = requests.Session()
        # Mailcow's MCSESSID cookie carries the authentication; replaying it would bypass the key.
        self._session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._session.headers.update({"X-API-Key": api_key, "Accept": "application/json", "User-Agent": USER_AGENT})
        self._session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self._session.trust_env = False
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def close(self) -> None:
        self._session.close()

    # -- public verbs ---------------------------------------------------------------------------

    def get(self, *segments: str, params: dict[str, str] | None = None) -> t.Any:
        """GET /get/<segments>; returns parsed JSON with Mailcow's ``{}``-for-empty left to the caller."""
        path = "/get/" + "/".join(quote_segment(s) for s in segments)
        return self._call("GET", path, params=params)

    def write(self, action: str, category: str, body: t.Any) -> list[Entry]:
        """POST /<action>/<category>; returns the success entries, raises on any danger entry."""
        path = "/%s/%s" % (action, category)
        answer = self._call("POST", path, body=body)
        return self._entries("POST", path, answer)

    # -- plumbing -------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, body: t.Any = None, params: dict[str, str] | None = None) -> t.Any:
        attempt = 0
        started = time.monotonic()
        while True:
            response, failed = None, None
            try:
                response = self._send(method, path, body, params)
            except MailcowTransportError as exc:
                if not self._may_retry(method, attempt, exc):
                    raise
                failed = exc
            if response is not None and not (method == "GET" and response.status_code in RETRY_STATUSES and attempt < self.retries):
                return self._parse(method, path, response)
            attempt += 1
            delay = self._delay(attempt, response)
            if time.monotonic() - started + delay > self.retry_window:
                if failed is not None:
                    raise failed
                return self._parse(method, path, response)
            time.sleep(delay)

    def _may_retry(self, method: str, attempt: int, exc: MailcowTransportError) -> bool:
        if attempt >= self.retries or isinstance(exc, MailcowTLSError):
            return False
        # Reads are safe to repeat; a write only when it surely never reached the server.
        return method == "GET" or exc.not_sent

    def _delay(self, attempt: int, response: t.Any) -> float:
        delay = self.backoff * (2 ** (attempt - 1))
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        return min(delay, 10.0)

    def _send(self, method: str, path: str, body: t.Any, params: dict[str, str] | None) -> t.Any:
        url = self.base_url + path
        timeout = (min(CONNECT_TIMEOUT, self.timeout), self.timeout)
        kwargs: dict[str, t.Any] = {"timeout": timeout, "params": params, "allow_redirects": False}
        if body is not None:
            # requests sets Content-Type: application/json; without it Mailcow ignores the body.
            kwargs["json"] = body
        try:
            return self._session.request(method, url, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise MailcowTLSError(
                "TLS verification of %s failed: %s. Point ca_path (MAILCOW_CA_PATH) at the CA that signed "
                "the server certificate, or set validate_certs=false for a test server" % (self.base_url, _root_cause(exc)),
                method=method, path=path, not_sent=True,
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise MailcowTransportError(
                "could not connect to Mailcow API at %s within %s seconds (%s %s was not sent)" % (self.base_url, timeout[0], method, path),
                method=method, path=path, not_sent=True,
            ) from None
        except requests.exceptions.Timeout:
            raise MailcowTransportError(
                "no answer from Mailcow API at %s within %s seconds after sending %s %s" % (self.base_url, self.timeout, method, path),
                method=method, path=path, timed_out=True,
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise _connection_error(self.base_url, method, path, exc) from None
        except requests.exceptions.RequestException as exc:
            raise MailcowTransportError(
                "request to Mailcow API at %s failed: %s" % (self.base_url, _root_cause(exc)), method=method, path=path
            ) from None

    def _parse(self, method: str, path: str, response: t.Any) -> t.Any:
        status = response.status_code
        text = response.text
        data = _json_or_none(text)
        if status in (401, 403):
            raise _auth_error(method, path, status, data)
        if status != 200:
            raise _status_error(method, path, status, data, text, response.headers.get("Content-Type", ""))
        if not text.strip():
            # Mailcow prints nothing when the key is missing (GET) or a PHP exception escaped (writes),
            # e.g. the loser of two racing adds of the same object.
            if method == "POST":
                raise MailcowUnknownOutcomeError(
                    "Mailcow API answered %s %s with an empty body (PHP failed part-way: re-read the object to know whether "
                    "the write was carried out)" % (method, path), method=method, path=path, status=status,
                )
            raise MailcowError("Mailcow API answered %s %s with an empty body (no data)" % (method, path), method=method, path=path, status=status)
        if data is _NOT_JSON:
            raise MailcowTransportError(
                "Mailcow API at %s answered %s %s with something that is not JSON (%s): %s. Is api_url the Mailcow "
                "server and not a proxy or another site?" % (self.base_url, method, path, response.headers.get("Content-Type", "?"), _snippet(text)),
                method=method, path=path, status=status,
            )
        if isinstance(data, dict) and data.get("type") == "error":
            raise _router_error(method, path, status, data)
        return data

    def _entries(self, method: str, path: str, answer: t.Any) -> list[Entry]:
        if isinstance(answer, dict):
            answer = [answer]
        if not isinstance(answer, list):
            raise MailcowError("unexpected answer to %s %s: %s" % (method, path, _snippet(json.dumps(answer))), method=method, path=path)
        entries = []
        for item in answer:
            item = item if isinstance(item, dict) else {"type": "danger", "msg": item}
            key, args = split_msg(item.get("msg"))
            entries.append(Entry(str(item.get("type", "")), key, args))
        failures = [e for e in entries if e.type in ("danger", "error")]
        if failures:
            raise _danger_error(method, path, failures, len(entries) - len(failures))
        return entries


_NOT_JSON = object()


def _json_or_none(text: str) -> t.Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _snippet(text: str, limit: int = 200) -> str:
    flat = re.sub(r"<[^>]+>", " ", text or "")
    flat = re.sub(r"\s+", " ", flat).strip()
    return flat[:limit] + ("..." if len(flat) > limit else "")


def _root_cause(exc: BaseException) -> str:
    """The innermost useful reason (e.g. 'Connection refused', 'Name or service not known')."""
    seen = exc
    for _i in range(6):
        inner = getattr(seen, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in seen.args if isinstance(arg, BaseException)), None)
        if inner is None or inner is seen:
            break
        seen = inner
    text = str(seen)
    match = re.search(r"\[Errno -?\d+\] ([^')\]]+)", text)
    if match:
        return match.group(1).strip()
    match = re.search(r"(certificate verify failed[^')\]]*\)?|Connection refused|timed out|Name or service not known)", text)
    return match.group(1) if match else text


def _connection_error(base_url: str, method: str, path: str, exc: BaseException) -> MailcowTransportError:
    cause = _root_cause(exc)
    if _never_sent(exc):
        return MailcowTransportError(
            "could not connect to Mailcow API at %s: %s (%s %s was not sent)" % (base_url, cause, method, path),
            method=method, path=path, not_sent=True,
        )
    return MailcowTransportError(
        "connection to Mailcow API at %s lost after sending %s %s: %s" % (base_url, method, path, cause), method=method, path=path
    )


def _never_sent(exc: BaseException) -> bool:
    """True when the connection was never established, so a write cannot have reached the server."""
    text = repr(exc)
    return any(marker in text for marker in ("NewConnectionError", "Connection refused", "Name or service not known", "NameResolutionError"))


def _msg_of(data: t.Any) -> str:
    return str(data.get("msg", "")) if isinstance(data, dict) else ""


def _auth_error(method: str, path: str, status: int, data: t.Any) -> MailcowError:
    msg = _msg_of(data)
    if msg.startswith("api access denied for ip"):
        ip = msg.rsplit(" ", 1)[-1]
        return MailcowIPNotAllowedError(
            "Mailcow accepts this API key only from other addresses: it saw this request come from %s. Add that IP to the "
            "key's allowed list (Mailcow admin UI: System > Configuration > Access > API, or API_ALLOW_FROM)" % ip,
            method=method, path=path, status=status, msg_key=msg,
        )
    if status == 403:
        return MailcowForbiddenError(
            "Mailcow refused %s %s: the API key is read-only (HTTP 403 %s). Use the read-write API key for changes"
            % (method, path, msg or "API read/write access denied"),
            method=method, path=path, status=status, msg_key=msg or None,
        )
    return MailcowAuthError(
        "Mailcow rejected the API key (HTTP 401 %s). Check api_key (or MAILCOW_API_KEY); the request was not retried "
        "because Mailcow's fail2ban bans an IP after 10 failed API logins" % (msg or "authentication failed"),
        method=method, path=path, status=status, msg_key=msg or None,
    )


def _status_error(method: str, path: str, status: int, data: t.Any, text: str, content_type: str) -> MailcowError:
    msg = _msg_of(data)
    if status == 404 and msg == "route not found":
        return MailcowNotFoundError(
            "Mailcow has no API route %s %s (route not found): is the server's Mailcow version too old for this feature?" % (method, path),
            method=method, path=path, status=status, msg_key=msg,
        )
    if msg:
        return MailcowError("Mailcow API refused %s %s: HTTP %s %s" % (method, path, status, msg), method=method, path=path, status=status, msg_key=msg)
    return MailcowTransportError(
        "Mailcow API answered %s %s with HTTP %s (%s): %s" % (method, path, status, content_type or "no content type", _snippet(text) or "empty body"),
        method=method, path=path, status=status,
    )


def _router_error(method: str, path: str, status: int, data: dict[str, t.Any]) -> MailcowError:
    key, args = split_msg(data.get("msg"))
    text = "Mailcow API refused %s %s: %s" % (method, path, translate(key, args))
    return MailcowError(text, method=method, path=path, status=status, msg_key=key, msg_args=args)


def _danger_error(method: str, path: str, failures: list[Entry], successes: int) -> MailcowError:
    first = failures[0]
    text = "; ".join(translate(e.key, e.args) for e in failures)
    if successes:
        text += " (%d other part(s) of the request succeeded)" % successes
    cls: type[MailcowError] = MailcowValidationError
    if first.key in EXISTS_KEYS:
        cls = MailcowExistsError
    error = cls("Mailcow refused %s %s: %s" % (method, path, text), method=method, path=path, status=200, msg_key=first.key, msg_args=first.args)
    error.partly_applied = bool(successes)
    return error
