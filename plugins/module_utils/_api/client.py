# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the one HTTP client for Mailcow's REST API.

It owns the session, authentication, TLS, retries and the translation of every Mailcow failure
shape into a MailcowError. It never calls fail_json and never puts the API key into a message.
"""

from __future__ import annotations

import codecs
import http.cookiejar
import ipaddress
import json
import re
import time
import typing as t
from urllib.parse import quote, urlsplit

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.bounded import BoundedAdapter, bounded
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.messages import split_msg, translate
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowAuthError,
    MailcowError,
    MailcowExistsError,
    MailcowForbiddenError,
    MailcowIPNotAllowedError,
    MailcowNotFoundError,
    MailcowOptionError,
    MailcowPathError,
    MailcowTLSError,
    MailcowTransportError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport import Budget, check_ca_path

REQUESTS_IMPORT_ERROR: str | None
try:
    import requests
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
# The largest answer read, in MiB (option max_answer_mib): Mailcow's largest listings are a few MiB.
MAX_ANSWER_MIB = 64
READ_CHUNK = 65536
REDIRECTS = frozenset((301, 302, 303, 307, 308))


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


def as_list(data: t.Any) -> list[dict[str, t.Any]]:
    """Mailcow answers ``{}`` for an empty list and an object for a single hit; any other shape is an error, never empty."""
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return data
    if isinstance(data, dict):
        return [data] if data else []
    raise MailcowError("Mailcow API answered with %s where a list of objects was expected: %s" % (json_kind(data), _snippet(json.dumps(data))))


def json_kind(data: t.Any) -> str:
    """``a JSON string``, ``a list holding a number``...: what an answer is, for messages."""
    if isinstance(data, list):
        odd = [item for item in data if not isinstance(item, dict)]
        return "a list holding %s" % json_kind(odd[0]) if odd else "a list"
    kinds = ((bool, "a JSON boolean"), (str, "a JSON string"), ((int, float), "a JSON number"), (dict, "a JSON object"))
    return next((name for kind, name in kinds if isinstance(data, kind)), "JSON null")


def cleartext_warning(api_url: str) -> str | None:
    """A warning when ``api_url`` sends the API key unencrypted to a host that is not this machine; None otherwise."""
    parts = urlsplit(normalize_base_url(api_url))
    if parts.scheme != "http" or is_loopback(parts.hostname or ""):
        return None
    return ("api_url (MAILCOW_API_URL) %s uses http://: the API key and everything else travel unencrypted to %s. Use https:// "
            "(Mailcow serves its API over HTTPS), or reach Mailcow through a loopback address" % (url_shown(api_url), parts.hostname))


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address)."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def url_shown(url: str) -> str:
    """A URL for a message: scheme, host, port and path only (never user info or a query)."""
    parts = urlsplit(str(url).strip())
    host = parts.hostname or ""
    host = "[%s]" % host if ":" in host else host
    try:
        port = ":%d" % parts.port if parts.port else ""
    except ValueError:
        port = ""
    return "%s://%s%s%s" % (parts.scheme, host, port, parts.path) if parts.scheme else _snippet(parts.path, 200)


# Mailcow's route travels in the URL path, which is decoded twice before json_api.php splits it on
# '/': once by Mailcow's nginx (its URI, then `json_api.php?query=$1`), once by PHP's query-string
# parser ('+' becomes a space, '&' starts another parameter, the last `query=` wins). So every
# segment is percent-encoded twice, and what cannot survive the split is never sent
# (docs/mailcow-api.md#names-in-url-paths).
DOT_SEGMENTS = frozenset((".", ".."))
# Line breaks and other control characters, ASCII and Unicode: no Mailcow name holds one.
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def path_problem(name: t.Any) -> str:
    """Why ``name`` cannot be carried as one segment of an API path; empty when it can."""
    text = str(name)
    if not text:
        return "it is empty"
    if "/" in text:
        return "it contains '/', on which Mailcow splits the API route"
    if text in DOT_SEGMENTS:
        return "'%s' is a path step that the web server resolves before Mailcow sees it" % text
    if CONTROL_RE.search(text):
        return "it contains a line break or another control character"
    return ""


def carried_in_path(name: t.Any) -> bool:
    """Whether ``name`` reaches Mailcow intact as a path segment (see path_segment)."""
    return not path_problem(name)


def path_segment(name: t.Any, category: str = "") -> str:
    """One path segment, percent-encoded for both decodings; '@' stays readable as Mailcow's UI sends it.

    Raises MailcowPathError, before any request, for a name no path can carry.
    """
    text = str(name)
    problem = path_problem(text)
    if problem:
        raise MailcowPathError("%s %r cannot be addressed in a Mailcow API URL: %s. Nothing was sent"
                               % ((category or "name").replace("-", " "), text, problem))
    return quote(quote(text, safe="@"), safe="@")


def api_path(*segments: t.Any) -> str:
    """``/<action>/<category>[/<object>...]``: the one way a request path is built."""
    category = str(segments[1]) if len(segments) > 1 else ""
    return "/" + "/".join(path_segment(segment, category) for segment in segments)


class Answer(t.NamedTuple):
    """One HTTP answer, read whole (within the request's deadline and max_answer_mib)."""

    status_code: int
    headers: t.Mapping[str, str]
    text: str


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
        max_answer_mib: int = MAX_ANSWER_MIB,
    ) -> None:
        if not HAS_REQUESTS:
            raise MailcowError("the Python library requests is required: %s" % REQUESTS_IMPORT_ERROR)
        self.base_url = normalize_base_url(api_url)
        api_key = check_api_key(api_key)
        self.timeout = timeout
        self.retries = retries
        # What a read had to do differently (e.g. a name found by listing); the runner shows each once as a warning.
        self.warnings: list[str] = []
        self.backoff = backoff
        self.max_answer_mib = max_answer_mib
        if validate_certs and ca_path:
            check_ca_path(ca_path)
        self._session = requests.Session()
        # Mailcow's MCSESSID cookie carries the authentication; replaying it would bypass the key.
        self._session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._session.headers.update({"X-API-Key": api_key, "Accept": "application/json", "User-Agent": USER_AGENT})
        self._session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self._session.trust_env = False
        adapter = BoundedAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def close(self) -> None:
        self._session.close()

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    # -- public verbs ---------------------------------------------------------------------------

    def get(self, *segments: str, params: dict[str, str] | None = None, empty_ok: bool = False) -> t.Any:
        """GET /get/<segments>; returns parsed JSON with Mailcow's ``{}``-for-empty left to the caller.

        ``empty_ok``: an empty body is an answer (None), for reads Mailcow has no case for (get/status/solr).
        """
        return self._call("GET", api_path("get", *segments), params=params, empty_ok=empty_ok)

    def get_texts(self, *segments: str) -> list[str]:
        """GET /get/<segments> of a read that answers a list of strings (get/active-user-sieve: ``["<script>"]``), or ``{}`` for none."""
        data = self._call("GET", api_path("get", *segments), texts_ok=True)
        return data if isinstance(data, list) else []

    def get_one(self, *segments: str) -> dict[str, t.Any]:
        """GET /get/<segments> of one object: Mailcow answers it, or ``{}`` when there is none.

        Any other shape (a list, a string, null) is an error naming the request, never "absent".
        """
        path = api_path("get", *segments)
        data = self._call("GET", path)
        if not isinstance(data, dict):
            raise MailcowError("Mailcow API answered GET %s with %s where one object was expected: %s. Is api_url the Mailcow server?"
                               % (path, json_kind(data), _snippet(json.dumps(data))), method="GET", path=path)
        return data

    def write(self, action: str, category: str, body: t.Any, *segments: str) -> list[Entry]:
        """POST /<action>/<category>[/<segments>]; returns the success entries, raises on any danger entry."""
        path = api_path(action, category, *segments)
        answer = self._call("POST", path, body=body)
        return self._entries("POST", path, answer)

    # -- plumbing -------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, body: t.Any = None, params: dict[str, str] | None = None, empty_ok: bool = False,
              texts_ok: bool = False) -> t.Any:
        attempt = 0
        started = time.monotonic()
        while True:
            response: Answer | None = None
            failed: MailcowTransportError | None = None
            try:
                response = self._send(method, path, body, params)
            except MailcowTransportError as exc:
                if not self._may_retry(method, attempt, exc):
                    raise
                failed = exc
            if response is not None and not (method == "GET" and response.status_code in RETRY_STATUSES and attempt < self.retries):
                return self._parse(method, path, response, empty_ok, texts_ok)
            attempt += 1
            delay = self._delay(attempt, response)
            if time.monotonic() - started + delay > self.retry_window:
                if failed is not None or response is None:
                    raise t.cast(MailcowTransportError, failed)
                return self._parse(method, path, response, empty_ok, texts_ok)
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

    def _send(self, method: str, path: str, body: t.Any, params: dict[str, str] | None) -> Answer:
        """One request and its whole answer, within ``timeout`` seconds all told (connecting, headers, body)."""
        url = self.base_url + path
        timeout = (min(CONNECT_TIMEOUT, self.timeout), self.timeout)
        kwargs: dict[str, t.Any] = {"timeout": timeout, "params": params, "allow_redirects": False, "stream": True}
        if body is not None:
            # requests sets Content-Type: application/json; without it Mailcow ignores the body.
            kwargs["json"] = body
        with bounded(Budget(self.timeout)) as budget:
            try:
                response = self._session.request(method, url, **kwargs)
            except requests.exceptions.SSLError as exc:
                raise MailcowTLSError(
                    "TLS verification of %s failed: %s. %s" % (self.base_url, _root_cause(exc), _tls_hint(self.base_url, exc)),
                    method=method, path=path, not_sent=True,
                ) from None
            except requests.exceptions.ConnectTimeout:
                raise MailcowTransportError(
                    "could not connect to Mailcow API at %s within %s seconds (%s %s was not sent)" % (self.base_url, timeout[0], method, path),
                    method=method, path=path, not_sent=True,
                ) from None
            except requests.exceptions.Timeout:
                if budget.exceeded != "time":
                    # The socket timeout of connecting ran out during the TLS handshake: nothing was sent.
                    raise MailcowTransportError(
                        "could not connect to Mailcow API at %s within %s seconds: no TLS handshake (%s %s was not sent)"
                        % (self.base_url, timeout[0], method, path), method=method, path=path, not_sent=True,
                    ) from None
                raise self._timed_out(method, path, budget, None) from None
            except requests.exceptions.ConnectionError as exc:
                if budget.exceeded == "time":
                    raise self._timed_out(method, path, budget, None) from None
                raise _connection_error(self.base_url, method, path, exc) from None
            except requests.exceptions.RequestException as exc:
                raise MailcowTransportError(
                    "request to Mailcow API at %s failed: %s" % (self.base_url, _root_cause(exc)), method=method, path=path
                ) from None
            try:
                return Answer(response.status_code, response.headers, self._read(method, path, response, budget))
            finally:
                response.close()

    def _read(self, method: str, path: str, response: t.Any, budget: Budget) -> str:
        """The body as text, refused past max_answer_mib without being read whole, within the request's deadline."""
        limit = self.max_answer_mib * 1024 * 1024
        length = str(response.headers.get("Content-Length") or "")
        if length.isdigit() and int(length) > limit:
            raise self._too_large(method, path, response.status_code, "an answer of %s bytes (its Content-Length)" % length)
        body = bytearray()
        try:
            for chunk in response.iter_content(READ_CHUNK):
                body += chunk
                if len(body) > limit:
                    raise self._too_large(method, path, response.status_code, "an answer larger than %d MiB" % self.max_answer_mib)
        except requests.exceptions.RequestException as exc:
            if budget.exceeded == "time":
                raise self._timed_out(method, path, budget, budget.received) from None
            raise MailcowTransportError(
                "connection to Mailcow API at %s lost while reading the answer to %s %s (HTTP %s, %d bytes read): %s"
                % (self.base_url, method, path, response.status_code, len(body), _root_cause(exc)), method=method, path=path,
            ) from None
        return body.decode(_charset(response.headers.get("Content-Type", "")), "replace")

    def _timed_out(self, method: str, path: str, budget: Budget, received: int | None) -> MailcowTransportError:
        """The request's deadline passed: before the headers were complete (``received`` None) or while the body came."""
        if received is None:
            text = "no answer from Mailcow API at %s within %s seconds after sending %s %s" % (self.base_url, self.timeout, method, path)
        else:
            text = ("the answer of Mailcow API at %s to %s %s was not complete within %s seconds (%d bytes came in that time)"
                    % (self.base_url, method, path, self.timeout, received))
        return MailcowTransportError(text, method=method, path=path, timed_out=True)

    def _too_large(self, method: str, path: str, status: int, size: str) -> MailcowError:
        text = ("Mailcow API answered %s %s with %s: refused without reading it whole, as max_answer_mib allows %d MiB. Is api_url "
                "the Mailcow server? If an answer this large is right, raise max_answer_mib" % (method, path, size, self.max_answer_mib))
        if method == "POST":
            return MailcowUnknownOutcomeError(text, method=method, path=path, status=status)
        return MailcowError(text, method=method, path=path, status=status)

    def _parse(self, method: str, path: str, response: Answer, empty_ok: bool = False, texts_ok: bool = False) -> t.Any:
        status = response.status_code
        text = response.text
        data = _json_or_none(text)
        if status in (401, 403):
            raise _auth_error(method, path, status, data)
        if status in REDIRECTS:
            raise _redirect_error(self.base_url, method, path, status, response.headers.get("Location", ""))
        if status != 200:
            raise _status_error(method, path, status, data, text, response.headers.get("Content-Type", ""))
        if not text.strip() and empty_ok and method == "GET":
            return None
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
        wanted = (str,) if texts_ok else (dict,)
        if method == "GET" and not (isinstance(data, dict) or (isinstance(data, list) and all(isinstance(item, wanted) for item in data))):
            # Every read answers an object, a list of objects, or {} / [] for nothing: anything else is not Mailcow's answer.
            raise MailcowError(
                "Mailcow API answered %s %s with %s where an object or a list of objects was expected: %s. Is api_url the Mailcow server?"
                % (method, path, json_kind(data), _snippet(text)), method=method, path=path, status=status,
            )
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
    # "certificate verify failed: Hostname mismatch, certificate is not valid for 'mail.example.org'. (_ssl.c:1006)": all of it.
    match = re.search(r"certificate verify failed.*?\(_ssl\.c:\d+\)", text)
    if match:
        return match.group(0)
    match = re.search(r"\[Errno -?\d+\] ([^')\]]+)", text)
    if match:
        return match.group(1).strip()
    match = re.search(r"(certificate verify failed[^\"]*|Connection refused|timed out|Name or service not known)", text)
    return match.group(1).rstrip("')") if match else text


def _tls_hint(base_url: str, exc: BaseException) -> str:
    """What to do about a failed TLS handshake: an http port spoken to with https://, a host name the certificate does not name, a CA."""
    text = repr(exc)
    if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text:
        return "Is the port an HTTPS port? The server did not answer TLS: if it serves plain HTTP, use http:// in api_url (MAILCOW_API_URL)"
    if any(word in text for word in ("Hostname mismatch", "IP address mismatch", "doesn't match")):
        return ("Use the host name the certificate names in api_url (MAILCOW_API_URL), or point ca_path (MAILCOW_CA_PATH) at a CA "
                "whose certificate for this name the server presents")
    return ("Point ca_path (MAILCOW_CA_PATH) at the CA that signed the server certificate, or set validate_certs=false "
            "for a test server")


def _charset(content_type: str) -> str:
    """The charset a Content-Type names, if Python knows it; UTF-8 (JSON's encoding) otherwise."""
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    if match:
        try:
            return codecs.lookup(match.group(1)).name
        except LookupError:
            pass
    return "utf-8"


def _redirect_error(base_url: str, method: str, path: str, status: int, location: str) -> MailcowError:
    """A redirect is refused (following it would send the API key on): the message names where it points."""
    target = url_shown(location) if location else "nowhere (no Location header)"
    hint = "Set api_url (MAILCOW_API_URL) to the Mailcow server's own address"
    if location.startswith("https://") and base_url.startswith("http://"):
        hint = "The server wants HTTPS: use https:// in api_url (MAILCOW_API_URL)"
    return MailcowTransportError(
        "Mailcow API answered %s %s with HTTP %s, a redirect to %s; redirects are not followed, so that the API key goes only to "
        "api_url. %s" % (method, path, status, target, hint), method=method, path=path, status=status,
    )


def _connection_error(base_url: str, method: str, path: str, exc: BaseException) -> MailcowTransportError:
    cause = _root_cause(exc)
    if _never_sent(exc):
        return MailcowTransportError(
            "could not connect to Mailcow API at %s: %s (%s %s was not sent)" % (base_url, cause, method, path),
            method=method, path=path, not_sent=True,
        )
    hint = ""
    if base_url.startswith("http://") and any(word in repr(exc) for word in ("reset", "RemoteDisconnected", "closed connection without response")):
        hint = ". Is the port an HTTPS port? api_url uses http://, and a TLS server drops a plain-text request: use https://"
    return MailcowTransportError(
        "connection to Mailcow API at %s lost after sending %s %s: %s%s" % (base_url, method, path, cause, hint), method=method, path=path
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
