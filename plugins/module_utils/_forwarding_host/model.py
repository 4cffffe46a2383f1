# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the forwarding host model.

A forwarding host is an IP address or network whose mail Mailcow accepts without its spam checks
(a gateway that forwards mail to it). Mailcow knows it by the host as written (there is no id),
accepts anything made of digits, dots and slashes (999.999.1.1 too), and overwrites one added
twice; it reads ``filter_spam`` back inverted as ``keep_spam`` (docs/mailcow-api.md#forwarding-hosts).
The module takes IP addresses and networks only, checked before any request: Mailcow resolves a
host name once, when it is added, so a host name could never be kept in step.
"""

from __future__ import annotations

import ipaddress
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import view
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, delete_all, only_row

HOST_RULE = "an IPv4 or IPv6 address, or a network in CIDR notation (192.0.2.0/24)"


def canonical(value: t.Any) -> str | None:
    """An address or network in its canonical text (IPv6 compressed, lower-case), None when it is neither."""
    text = str(value if value is not None else "").strip()
    try:
        return str(ipaddress.ip_network(text, strict=True)) if "/" in text else str(ipaddress.ip_address(text))
    except ValueError:
        return None


def check_host(value: t.Any, option: str = "host") -> str:
    host = canonical(value)
    if host is None:
        raise MailcowOptionError("%s %r is not valid: give %s (a network without host bits); host names are not taken, because Mailcow "
                                 "resolves them only once, when they are added" % (option, value, HOST_RULE))
    return host


def key_of(host: t.Any) -> str:
    """How hosts compare: canonically when they are addresses (as Mailcow may hold them as written), else as text."""
    return canonical(host) or str(host or "").strip().lower()


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Mailcow forwarding host as users think of it; its host is also its id in writes."""
    host = str(raw.get("host") or "")
    return {"id": host, "host": host, "source": str(raw.get("source") or host), "keep_spam": str(raw.get("keep_spam")).lower() == "yes"}


def row_from_raw(raw: dict[str, t.Any]) -> Row:
    return Row(normalize(raw), "")


FORWARDING_HOST = Kind("fwdhost", row_from_raw, "host", key_of, frozenset(("forwarding_host_added",)), "forwarding host", "forwarding_hosts",
                       "forwarding_host")


def compared_view(fwdhost: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised forwarding host that options manage: what diffs show."""
    return view(fwdhost, ("host", "keep_spam"))


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One forwarding host as a task wants it. ``attrs`` holds only the options the user set."""

    host: str
    state: str
    attrs: dict[str, t.Any]

    @property
    def address(self) -> str:
        return self.host

    @property
    def key(self) -> str:
        return key_of(self.host)


def desired_from_params(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> Desired:
    """Validate options (before anything is sent) and keep only those set. (Forwarding hosts have no password.)"""
    prefix = where + ": " if where else ""
    if not params.get("host"):
        raise MailcowOptionError("%shost is required: %s" % (prefix, HOST_RULE))
    attrs = {"keep_spam": bool(params["keep_spam"])} if params.get("keep_spam") is not None else {}
    return Desired(check_host(params["host"], prefix + "host"), params.get("state") or "present", attrs)


# -- planning ------------------------------------------------------------------------------------


def plan(desired: Desired, found: t.Sequence[Row]) -> Plan:
    """The smallest write from the rows ``found`` of the desired host to ``desired``."""
    if desired.state == "absent":
        return delete_all(FORWARDING_HOST, found) if found else Plan(desired.host, "none", None, None)
    current = only_row(FORWARDING_HOST, desired.host, found)
    if current is None:
        after = {"id": desired.host, "host": desired.host, "source": desired.host, "keep_spam": desired.attrs.get("keep_spam", False)}
        # Mailcow keeps the spam of a host added without filter_spam: always say it (filter_spam is keep_spam inverted).
        body = {"hostname": desired.host, "filter_spam": int(not after["keep_spam"])}
        return Plan(desired.host, "create", None, after, add_body=body)
    before = current.item
    differs = {key: value for key, value in desired.attrs.items() if before[key] != value}
    edit_attr = {"keep_spam": int(differs["keep_spam"])} if differs else None
    return Plan(before["host"], "update" if edit_attr else "none", before, dict(before, **differs), ids=(before["host"],), edit_attr=edit_attr)
