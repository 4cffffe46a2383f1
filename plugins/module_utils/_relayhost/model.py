# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the relayhost model.

A relayhost is named by its host name (Postfix's ``host``, ``host:port``, ``[host]`` or
``[host]:port``), never by Mailcow's numeric id, which only the writes use. Mailcow does not
validate host names and does not refuse duplicates (docs/mailcow-api.md#relayhosts), so the
module checks the name itself and refuses to manage a host name that is there more than once.
Mailcow returns the relayhost's password in clear: it is compared here and never put into a
normalised relayhost, a diff or a message.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_password, check_text, flag, to_int, view
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row as Current, delete_all, only_row

# A DNS label as Postfix takes it (docker service names have no dot, some hosts an underscore).
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
HOST_RE = re.compile(r"^(?=.{1,253}$)%s(?:\.%s)*$" % (_LABEL, _LABEL))
BRACKETED_RE = re.compile(r"^\[(?P<host>[^\[\]]+)\](?::(?P<port>[^:]*))?$")
PLAIN_RE = re.compile(r"^(?P<host>[^\[\]:]+)(?::(?P<port>[^:]*))?$")
HOSTNAME_RULE = ("host, host:port, [host] or [host]:port (brackets: no MX lookup), the host a DNS name or an IP address "
                 "(IPv6 only in brackets), the port from 1 to 65535")
COMPARED = ("username", "active")
CREATE_DEFAULTS: dict[str, t.Any] = {"username": "", "active": True}
_SEPARATORS = re.compile(r"[\s,]+")


def check_hostname(value: t.Any, option: str = "hostname") -> str:
    """A relayhost as Postfix takes it, lower-case; refused (naming ``option``) otherwise."""
    text = str(value if value is not None else "").strip().lower()
    match = BRACKETED_RE.match(text) or PLAIN_RE.match(text)
    if not match or not _host_ok(match.group("host"), bracketed=text.startswith("[")) or not _port_ok(match.group("port")):
        raise MailcowOptionError("%s %r is not a valid relayhost: give %s" % (option, value, HOSTNAME_RULE))
    return text


def _host_ok(host: str, *, bracketed: bool) -> bool:
    address = host[5:] if bracketed and host.startswith("ipv6:") else host
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return bool(HOST_RE.match(host)) and not host.startswith("ipv6:")
    return bracketed or ip.version == 4


def _port_ok(port: str | None) -> bool:
    return port is None or (port.isdigit() and 1 <= int(port) <= 65535 and not port.startswith("0"))


def key_of(hostname: t.Any) -> str:
    """How host names compare: as Mailcow's collation does, regardless of case and surrounding space."""
    return str(hostname or "").strip().lower()


# -- reading -------------------------------------------------------------------------------------


def _names(value: t.Any) -> list[str]:
    return sorted({name for name in _SEPARATORS.split(str(value or "")) if name})


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow relayhost object as users think of it, without its password (Mailcow returns it in clear)."""
    return {
        "id": to_int(raw.get("id")),
        "hostname": str(raw.get("hostname") or ""),
        "username": str(raw.get("username") or ""),
        "active": flag(raw.get("active")),
        "password_set": bool(raw.get("password")),
        "used_by_domains": _names(raw.get("used_by_domains")),
        "used_by_mailboxes": _names(raw.get("used_by_mailboxes")),
    }


def current_from_raw(raw: dict[str, t.Any]) -> Current:
    """One listed relayhost: normalised, and its password only to compare."""
    return Current(normalize(raw), str(raw.get("password") or ""))


RELAYHOST = Kind("relayhost", current_from_raw, "hostname", key_of, frozenset(("relayhost_added",)), "relayhost", "relayhosts")


def compared_view(relayhost: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised relayhost that options manage: what diffs show."""
    return view(relayhost, ("hostname",) + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One relayhost as a task wants it. ``attrs`` holds only the options the user set."""

    hostname: str
    state: str
    attrs: dict[str, t.Any]
    password: str | None
    update_password: str

    @property
    def address(self) -> str:
        """How results and messages name the relayhost (the shared bulk steps call it the address)."""
        return self.hostname

    @property
    def key(self) -> str:
        return key_of(self.hostname)


def desired_from_params(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set. ``update_password``: the module's, for an entry without one."""
    prefix = where + ": " if where else ""
    if not params.get("hostname"):
        raise MailcowOptionError("%shostname is required: the relayhost's %s" % (prefix, HOSTNAME_RULE))
    hostname = check_hostname(params["hostname"], prefix + "hostname")
    attrs: dict[str, t.Any] = {}
    if params.get("username") is not None:
        # Mailcow trims the user name; a line break in it would break Postfix's sasl_passwd map.
        attrs["username"] = check_text(str(params["username"]).strip(), prefix + "username")
    if params.get("active") is not None:
        attrs["active"] = bool(params["active"])
    password = params.get("password")
    if password is not None and password != "":
        password = check_password(password, prefix + "password")
        if password != password.strip():
            raise MailcowOptionError("%spassword must not begin or end with white space: Mailcow would store it trimmed" % prefix)
    state = params.get("state") or "present"
    return Desired(hostname, state, attrs, password, params.get("update_password") or update_password or "on_create")


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Current]) -> Plan:
    """The smallest set of writes from the rows ``found`` with the desired host name to ``desired``."""
    if desired.state == "absent":
        return delete_all(RELAYHOST, found) if found else Plan(desired.hostname, "none", None, None)
    current = only_row(RELAYHOST, desired.hostname, found)
    return _plan_update(desired, current) if current else _plan_create(desired)


def _plan_create(desired: Desired) -> Plan:
    after = dict(CREATE_DEFAULTS, **desired.attrs)
    if after["username"] and not desired.password:
        raise MailcowOptionError("password is required to create relayhost %s with username %s" % (desired.hostname, after["username"]))
    body: dict[str, t.Any] = {"hostname": desired.hostname}
    if after["username"]:
        body["username"] = after["username"]
    if desired.password:
        body["password"] = desired.password
    predicted = dict(after, id=None, hostname=desired.hostname, password_set=bool(desired.password), used_by_domains=[], used_by_mailboxes=[])
    # Mailcow creates every relayhost active, whatever the add says (transcript add_relayhost_active_0).
    after_add = None if after["active"] else {"active": 0}
    return Plan(desired.hostname, "create", None, predicted, add_body=body, after_add=after_add, password_set=bool(desired.password))


def _plan_update(desired: Desired, current: Current) -> Plan:
    before = current.item
    differs = {key: value for key, value in desired.attrs.items() if before[key] != value}
    edit_attr = {key: int(value) if isinstance(value, bool) else value for key, value in differs.items()}
    password_set = desired.update_password == "always" and desired.password is not None and desired.password != current.password
    after = dict(before, **differs)
    if password_set:
        edit_attr["password"] = desired.password
        after["password_set"] = bool(desired.password)
    action = "update" if edit_attr else "none"
    return Plan(before["hostname"], action, before, after, ids=(before["id"],), edit_attr=edit_attr or None, password_set=password_set)
