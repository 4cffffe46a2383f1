# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the live check of mailcow_dns_records (resolve and compare).

Resolving needs dnspython, which is optional: without it the check says so and resolves nothing.
``found`` answers are kept in one text form per type so that the comparison (``compare``) is plain
data: MX ``"<priority> <host>"``, SRV ``"<priority> <weight> <port> <host>"``, CNAME ``"<host>"``
(host names lower-case, without the final dot; the root is ``"."``), A and AAAA the address, TXT
the strings of one record joined.

What counts as published follows Mailcow's DNS check page (data/web/inc/ajax/dns_diagnostics.php):
the DKIM record by its public key (``p=``); an autodiscover/autoconfig name without a CNAME by A and
AAAA records with the mail host's addresses; ``_pop3._tcp`` and ``_pop3s._tcp`` by an SRV record
with the target ``.`` (the service is not offered, RFC 6186). The check is stricter than the page
where the page only shows what it found: the MX priority, the SRV priority and weight, and the SPF
and DMARC text (compared without regard to case and spacing) must be as listed.
"""

from __future__ import annotations

import re
import time
import traceback
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError

try:
    import dns.exception
    import dns.resolver
except ImportError:
    HAS_DNSPYTHON = False
    DNSPYTHON_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    HAS_DNSPYTHON = True
    DNSPYTHON_IMPORT_ERROR = None

MISSING_LIBRARY = ("the live check (check=true) needs the Python library dnspython on the host that runs the module "
                   "(pip install dnspython); the records were not resolved")
NAMESERVER_RE = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<v4>[0-9.]+)|(?P<bare6>[0-9A-Fa-f:]+))(?::(?P<port>[0-9]{1,5}))?$")
RESOLV_CONF = "/etc/resolv.conf"
ADDRESS_TYPES = ("A", "AAAA")
# SRV owners whose "service not offered" record (target ".") Mailcow's check page accepts.
NOT_OFFERED_OK = ("_pop3._tcp.", "_pop3s._tcp.")
Key = t.Tuple[str, str]
Found = t.Dict[Key, t.List[str]]
Errors = t.Dict[Key, str]


def parse_nameservers(values: t.Sequence[t.Any] | None) -> list[tuple[str, int]]:
    """``nameservers``: IP addresses, each optionally with a port (``192.0.2.53:5353``, ``[2001:db8::53]:5353``)."""
    servers = []
    for value in values or []:
        match = NAMESERVER_RE.match(str(value).strip())
        port = int(match.group("port")) if match and match.group("port") else 53
        if not match or not 1 <= port <= 65535 or (match.group("bare6") and match.group("port")):
            raise MailcowOptionError("nameservers: %r is not an IP address, optionally with a port (192.0.2.53, 192.0.2.53:5353, "
                                     "[2001:db8::53]:5353)" % (value,))
        servers.append((match.group("v6") or match.group("v4") or match.group("bare6"), port))
    return servers


# -- comparing (plain data) ----------------------------------------------------------------------


def expected_form(entry: dict[str, t.Any]) -> str:
    """A wanted record in the text form of ``found``."""
    if entry["type"] == "MX":
        return "%d %s" % (entry["priority"], entry["value"])
    if entry["type"] == "SRV":
        return "%d %d %d %s" % (entry["priority"], entry["weight"], entry["port"], entry["value"])
    return str(entry["value"])


def _key(entry: dict[str, t.Any]) -> Key:
    return (entry["name"].lower(), entry["type"])


def _same_purpose(entry: dict[str, t.Any], answer: str) -> bool:
    """Answers that compete with the wanted record: the SPF, DMARC or DKIM TXT record among other TXT records."""
    if entry["type"] != "TXT":
        return True
    tag = entry["value"].split(";", 1)[0].split(" ", 1)[0].lower()
    return answer.lower().replace(" ", "").startswith(tag)


def _txt_form(value: str) -> str:
    """SPF terms are separated by any run of spaces, DMARC tags may have spaces around them; both are case-insensitive."""
    lower = value.lower()
    if lower.startswith("v=spf1"):
        return " ".join(lower.split())
    if lower.startswith("v=dmarc1"):
        return "".join(lower.split()).rstrip(";")
    return value


def _matches(entry: dict[str, t.Any], answer: str) -> bool:
    wanted = expected_form(entry)
    if entry["type"] == "TXT" and entry["value"].startswith("v=DKIM1"):
        # As Mailcow's check page does: the public key (p=) decides.
        key = re.search(r"(?:^|;)\s*p=([^;]*)", answer.replace(" ", ""))
        return key is not None and key.group(1) == wanted.rsplit("p=", 1)[1]
    if entry["type"] == "TXT":
        return _txt_form(answer) == _txt_form(wanted)
    if entry["type"] == "SRV" and entry["name"].lower().startswith(NOT_OFFERED_OK) and answer.endswith(" ."):
        return True
    return answer.lower() == wanted.lower()


def _addresses(found: Found, host: str) -> list[str]:
    return ["%s %s" % (rtype, address) for rtype in ADDRESS_TYPES for address in sorted(found.get((host.lower(), rtype), []))]


def address_keys(entry: dict[str, t.Any]) -> list[Key]:
    """The A and AAAA queries that stand in for a CNAME that is not there: the name's and the mail host's."""
    return [(host.lower(), rtype) for host in (entry["name"], entry["value"]) for rtype in ADDRESS_TYPES]


def _by_address(entry: dict[str, t.Any], found: Found, errors: Errors) -> dict[str, t.Any]:
    """A CNAME name with A/AAAA records instead: ok when they are the mail host's addresses (as Mailcow's check page accepts)."""
    own = _addresses(found, entry["name"])
    keys = address_keys(entry)
    failed = [errors[key] for key in keys[:2] if key in errors] or [errors[key] for key in keys[2:] if key in errors and own]
    if failed:
        return {"status": "unresolved", "found": own, "error": failed[0]}
    if not own:
        return {"status": "missing", "found": []}
    host = _addresses(found, entry["value"])
    return {"status": "ok" if own == host else "different", "found": own, "mail_host_addresses": host}


def check_one(entry: dict[str, t.Any], found: Found, errors: Errors) -> dict[str, t.Any]:
    """One record's ``status`` (ok / missing / different / unresolved), what was expected and what DNS answered."""
    key = _key(entry)
    answers = [a for a in found.get(key, []) if _same_purpose(entry, a)]
    item: dict[str, t.Any] = {"type": entry["type"], "name": entry["name"], "expected": expected_form(entry), "found": answers}
    if key in errors:
        item.update(status="unresolved", error=errors[key])
    elif entry["type"] == "CNAME" and not answers:
        item.update(_by_address(entry, found, errors))
    else:
        item["status"] = "ok" if any(_matches(entry, a) for a in answers) else "different" if answers else "missing"
    return item


def compare(entries: t.Sequence[dict[str, t.Any]], found: Found, errors: Errors | None = None) -> dict[str, t.Any]:
    """Each record checked (``check_one``), and the summary lists."""
    checked = [check_one(entry, found, errors or {}) for entry in entries]
    lists: dict[str, list[str]] = {"missing": [], "different": [], "unresolved": []}
    for item in checked:
        if item["status"] != "ok":
            lists[item["status"]].append("%s %s" % (item["type"], item["name"]))
    return dict(lists, available=True, records=checked, ok=not any(lists.values()))


def unavailable() -> dict[str, t.Any]:
    return {"available": False, "message": MISSING_LIBRARY, "records": [], "missing": [], "different": [], "unresolved": [], "ok": None}


# -- resolving (dnspython) -----------------------------------------------------------------------


def _host(name: t.Any) -> str:
    return str(name).rstrip(".").lower() or "."


def _answer_text(rtype: str, rdata: t.Any) -> str:
    if rtype == "MX":
        return "%d %s" % (rdata.preference, _host(rdata.exchange))
    if rtype == "SRV":
        return "%d %d %d %s" % (rdata.priority, rdata.weight, rdata.port, _host(rdata.target))
    if rtype == "TXT":
        return b"".join(rdata.strings).decode("utf-8", "replace")
    if rtype in ADDRESS_TYPES:
        return str(rdata.address)
    return _host(rdata.target)


class Lookup:
    """Asks each (name, type) once, all within one time limit; a name that does not exist is not asked again."""

    def __init__(self, resolver: t.Any, timeout: float) -> None:
        self.resolver, self.timeout = resolver, timeout
        self.deadline = time.monotonic() + timeout
        self.found: Found = {}
        self.errors: Errors = {}
        self.nxdomain: set[str] = set()

    def ask(self, key: Key) -> None:
        name, rtype = key
        remaining = self.deadline - time.monotonic()
        if key in self.found or name in self.nxdomain:
            self.found.setdefault(key, [])
        elif remaining <= 0:
            self.found[key] = []
            self.errors[key] = "not asked: the check's time limit (timeout=%g seconds) had run out" % self.timeout
        else:
            self._query(key, remaining)

    def _query(self, key: Key, lifetime: float) -> None:
        name, rtype = key
        try:
            answer = self.resolver.resolve(name + ".", rtype, raise_on_no_answer=False, lifetime=lifetime)
            self.found[key] = [_answer_text(rtype, rdata) for rdata in (answer.rrset or [])]
        except dns.resolver.NXDOMAIN:
            self.found[key] = []
            self.nxdomain.add(name)
        except dns.exception.DNSException as exc:
            self.found[key], self.errors[key] = [], "%s: %s" % (type(exc).__name__, exc)


def make_resolver(nameservers: list[tuple[str, int]], resolv_conf: str = RESOLV_CONF) -> t.Any:
    """A resolver asking ``nameservers``, or the system's (``resolv_conf``) when none are given."""
    if not nameservers:
        return dns.resolver.Resolver(filename=resolv_conf)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameserver_ports = dict(nameservers)
    resolver.nameservers = [host for host, _port in nameservers]
    return resolver


def resolve(entries: t.Sequence[dict[str, t.Any]], resolver: t.Any, timeout: float) -> tuple[Found, Errors]:
    """Ask DNS for each wanted (name, type), then A and AAAA where a CNAME is not there; all within ``timeout`` seconds."""
    lookup = Lookup(resolver, timeout)
    for entry in entries:
        lookup.ask(_key(entry))
    for entry in entries:
        if entry["type"] == "CNAME" and not lookup.found[_key(entry)] and _key(entry) not in lookup.errors:
            for key in address_keys(entry):
                lookup.ask(key)
    return lookup.found, lookup.errors


def live_check(entries: t.Sequence[dict[str, t.Any]], nameservers: list[tuple[str, int]], timeout: float,
               resolv_conf: str = RESOLV_CONF) -> dict[str, t.Any]:
    """Resolve and compare; every failure is a record's ``unresolved`` status with its reason, never an exception."""
    if not HAS_DNSPYTHON:
        return unavailable()
    try:
        resolver = make_resolver(nameservers, resolv_conf)
    except dns.exception.DNSException as exc:
        reason = "the system's resolver configuration (%s) is not usable, set nameservers: %s: %s" % (resolv_conf, type(exc).__name__, exc)
        return compare(entries, {}, {_key(entry): reason for entry in entries})
    found, errors = resolve(entries, resolver, timeout)
    return compare(entries, found, errors)
