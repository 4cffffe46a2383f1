# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the OAuth2 client model.

An OAuth2 client is an app that logs Mailcow users in ("Sign in with Mailcow"). It is named by its
redirect URI, what the person setting up the app knows, or picked by its client id (which Mailcow
makes itself, 12 hex digits), never by Mailcow's numeric id. Mailcow checks neither the URI nor
duplicates (docs/mailcow-api.md#oauth2-clients): the URI is checked here, and a URI Mailcow holds more
than once is refused (``state=absent`` deletes them all; ``client_id`` picks one). Mailcow returns
the client secret in clear on every read: it is kept apart from the normalised client, returned only
to the task that creates the client or renews its secret, and never shown in a diff or a message.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import CONTROL_RE, to_int, view
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row

URI_MAX = 2000  # oauth_clients.redirect_uri VARCHAR(2000)
_HIERARCHICAL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)$", re.DOTALL)
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):(?P<rest>.+)$", re.DOTALL)
URI_RULE = ("an absolute URI such as https://app.example.org/oauth/callback (an app on a device may use its own scheme, "
            "com.example.app:/callback), without spaces, user name, password or fragment (#), at most %d characters" % URI_MAX)


def canonical(uri: t.Any) -> str:
    """A redirect URI with its scheme and host lower-case (they are case-insensitive); the rest as given."""
    text = str(uri or "").strip()
    match = _HIERARCHICAL.match(text)
    if match:
        return "%s://%s%s" % (match.group("scheme").lower(), match.group("authority").lower(), match.group("rest"))
    match = _SCHEME.match(text)
    return "%s:%s" % (match.group("scheme").lower(), match.group("rest")) if match else text


def key_of(uri: t.Any) -> str:
    """How redirect URIs compare: scheme and host regardless of case, the rest exactly."""
    return canonical(uri)


def check_redirect_uri(value: t.Any, option: str = "redirect_uri") -> str:
    """A redirect URI as OAuth2 wants it (RFC 6749 3.1.2), canonical; refused (naming ``option``) otherwise."""
    text = str(value if value is not None else "").strip()
    hierarchical = _HIERARCHICAL.match(text)
    problem = ""
    if not text or len(text) > URI_MAX or CONTROL_RE.search(text) or re.search(r"\s", text) or "#" in text:
        problem = "bad"
    elif hierarchical:
        if "@" in hierarchical.group("authority"):
            # Not shown: what comes before the '@' may be a password.
            raise MailcowOptionError("%s is not a valid redirect URI: it must not contain a user name or password (user:password@host)"
                                     % option)
        if not hierarchical.group("authority"):
            problem = "authority"
    elif not _SCHEME.match(text) or text.lower().startswith(("http:", "https:")):
        problem = "scheme"
    if problem:
        raise MailcowOptionError("%s %r is not a valid redirect URI: give %s" % (option, text, URI_RULE))
    return canonical(text)


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow OAuth2 client as users think of it, without its secret (Mailcow returns it in clear)."""
    return {
        "id": to_int(raw.get("id")),
        "client_id": str(raw.get("client_id") or ""),
        "redirect_uri": str(raw.get("redirect_uri") or ""),
        "scope": str(raw.get("scope") or ""),
    }


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    """One listed client: normalised, and its secret apart (only ever handed to the task that made it)."""
    return Row(normalize(raw), str(raw.get("client_secret") or ""))


OAUTH2_CLIENT = Kind("oauth2-client", row_from_raw, "redirect_uri", key_of, frozenset(("Added client access",)), "OAuth2 client",
                     "oauth2_clients", "oauth2_client")


def compared_view(client: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """What diffs show of a client: its redirect URI and client id (never the secret)."""
    return view(client, ("redirect_uri", "client_id"))


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One client as a task wants it. ``client_id`` picks an existing client; the flags are one-off actions."""

    redirect_uri: str | None
    client_id: str | None
    state: str
    renew_secret: bool = False
    revoke_tokens: bool = False

    @property
    def address(self) -> str:
        return self.redirect_uri or "client id %s" % self.client_id

    @property
    def key(self) -> str:
        return key_of(self.redirect_uri) if self.redirect_uri else ""


def desired_from_params(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> Desired:
    """Validate options (before anything is sent). (OAuth2 clients have no password to give: Mailcow makes the secret.)"""
    prefix = where + ": " if where else ""
    state = params.get("state") or "present"
    uri = params.get("redirect_uri")
    client_id = str(params.get("client_id") or "").strip().lower() or None
    if client_id is not None and not re.match(r"^[0-9a-f]{1,80}$", client_id):
        raise MailcowOptionError("%sclient_id %r is not a Mailcow client id (hex digits, such as e952dfd9654b)" % (prefix, client_id))
    if uri is None and client_id is None:
        raise MailcowOptionError("%sredirect_uri is required: %s" % (prefix, URI_RULE))
    redirect_uri = check_redirect_uri(uri, prefix + "redirect_uri") if uri is not None else None
    return Desired(redirect_uri, client_id, state, bool(params.get("renew_secret")), bool(params.get("revoke_tokens")))


# -- planning ------------------------------------------------------------------------------------


def find(desired: Desired, existing: dict[str, list[Row]]) -> list[Row]:
    """The rows the task is about: the one with its client id, else every one with its redirect URI."""
    if desired.client_id is None:
        return existing.get(desired.key, [])
    return [row for rows in existing.values() for row in rows if row.item["client_id"] == desired.client_id]


def plan(desired: Desired, found: t.Sequence[Row]) -> list[Plan]:
    """The writes from the rows ``found`` to ``desired``: one plan per request, since a Mailcow edit does one thing only
    (revoke the tokens, else renew the secret, else set the redirect URI)."""
    if desired.state == "absent":
        return [delete_all(OAUTH2_CLIENT, found)] if found else [Plan(desired.address, "none", None, None)]
    current = only_row(OAUTH2_CLIENT, desired.address, found)
    if current is None:
        if desired.client_id is not None:
            raise MailcowOptionError("there is no OAuth2 client with client_id %s: Mailcow makes the client id itself, so create a "
                                     "client with redirect_uri alone" % desired.client_id)
        predicted = {"id": None, "client_id": None, "redirect_uri": desired.redirect_uri, "scope": "profile"}
        return [Plan(desired.address, "create", None, predicted, add_body={"redirect_uri": desired.redirect_uri})]
    before = current.item
    after = dict(before, redirect_uri=desired.redirect_uri or before["redirect_uri"])
    name = desired.redirect_uri or before["redirect_uri"] or desired.address
    ids = (before["id"],)
    plans = []
    if after["redirect_uri"] != before["redirect_uri"]:
        plans.append(Plan(name, "update", before, after, ids=ids, edit_attr={"redirect_uri": after["redirect_uri"]}))
    if desired.renew_secret:
        plans.append(Plan(name, "update", before, after, ids=ids, edit_attr={"renew_secret": 1}, password_set=True))
    if desired.revoke_tokens:
        plans.append(Plan(name, "update", before, after, ids=ids, edit_attr={"revoke_tokens": 1}))
    return plans or [Plan(name, "none", before, after, ids=ids)]


def plan_one(desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The bulk form's plan of one entry (a redirect URI, present or absent: one write at most)."""
    return plan(desired, found)[0]
