# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the live check of mailcow_dns_records (resolve and compare).

Resolving needs dnspython, which is optional: without it the check says so and resolves nothing.
``found`` answers are kept in one text form per type so that the comparison (``compare``) is plain
data: MX ``"<priority> <host>"``, SRV ``"<priority> <weight> <port> <host>"``, CNAME ``"<host>"``
(host names lower-case, without the final dot), TXT the strings of one record joined.
"""

from __future__ import annotations

import re
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
Found = t.Dict[t.Tuple[str, str], t.List[str]]


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


def expected_form(entry: dict[str, t.Any]) -> str:
    """A wanted record in the text form of ``found``."""
    if entry["type"] == "MX":
        return "%d %s" % (entry["priority"], entry["value"])
    if entry["type"] == "SRV":
        return "%d %d %d %s" % (entry["priority"], entry["weight"], entry["port"], entry["value"])
    return str(entry["value"])


def _same_purpose(entry: dict[str, t.Any], answer: str) -> bool:
    """Answers that compete with the wanted record: the SPF, DMARC or DKIM TXT record among other TXT records."""
    if entry["type"] != "TXT":
        return True
    tag = entry["value"].split(";", 1)[0].split(" ", 1)[0].lower()
    return answer.lower().replace(" ", "").startswith(tag)


def _matches(entry: dict[str, t.Any], answer: str) -> bool:
    wanted = expected_form(entry)
    if entry["type"] == "TXT" and entry["value"].startswith("v=DKIM1"):
        # As Mailcow's check page does: the public key (p=) decides.
        key = re.search(r"(?:^|;)\s*p=([^;]*)", answer.replace(" ", ""))
        return key is not None and key.group(1) == wanted.rsplit("p=", 1)[1]
    if entry["type"] == "TXT":
        return answer == wanted
    return answer.lower() == wanted.lower()


def compare(entries: t.Sequence[dict[str, t.Any]], found: Found, errors: dict[tuple[str, str], str] | None = None) -> dict[str, t.Any]:
    """Each record's ``status`` (ok / missing / different / unresolved) with what DNS answered, and the summary lists."""
    checked: list[dict[str, t.Any]] = []
    lists: dict[str, list[str]] = {"missing": [], "different": [], "unresolved": []}
    for entry in entries:
        key = (entry["name"].lower(), entry["type"])
        answers = [a for a in found.get(key, []) if _same_purpose(entry, a)]
        status = "ok" if any(_matches(entry, a) for a in answers) else "different" if answers else "missing"
        item = {"type": entry["type"], "name": entry["name"], "status": status, "expected": expected_form(entry), "found": answers}
        if errors and key in errors:
            item.update(status="unresolved", error=errors[key])
        checked.append(item)
        if item["status"] != "ok":
            lists[item["status"]].append("%s %s" % (entry["type"], entry["name"]))
    return dict(lists, available=True, records=checked, ok=not any(lists.values()))


def unavailable() -> dict[str, t.Any]:
    return {"available": False, "message": MISSING_LIBRARY, "records": [], "missing": [], "different": [], "unresolved": [], "ok": None}


def _answer_text(rtype: str, rdata: t.Any) -> str:
    if rtype == "MX":
        return "%d %s" % (rdata.preference, str(rdata.exchange).rstrip(".").lower())
    if rtype == "SRV":
        return "%d %d %d %s" % (rdata.priority, rdata.weight, rdata.port, str(rdata.target).rstrip(".").lower())
    if rtype == "TXT":
        return "".join(part.decode("utf-8", "replace") for part in rdata.strings)
    return str(rdata.target).rstrip(".").lower()


def resolve(entries: t.Sequence[dict[str, t.Any]], nameservers: list[tuple[str, int]], timeout: float) -> tuple[Found, dict[tuple[str, str], str]]:
    """Ask DNS for each wanted (name, type) once; a name without such records gives an empty list, a failed query an error."""
    resolver = dns.resolver.Resolver(configure=not nameservers)
    if nameservers:
        resolver.nameservers = [host for host, _port in nameservers]
        resolver.nameserver_ports = dict(nameservers)
    resolver.lifetime = timeout
    found: Found = {}
    errors: dict[tuple[str, str], str] = {}
    for entry in entries:
        key = (entry["name"].lower(), entry["type"])
        if key in found:
            continue
        try:
            answer = resolver.resolve(entry["name"] + ".", entry["type"], raise_on_no_answer=False)
            found[key] = [_answer_text(entry["type"], rdata) for rdata in (answer.rrset or [])]
        except dns.resolver.NXDOMAIN:
            found[key] = []
        except dns.exception.DNSException as exc:
            found[key], errors[key] = [], "%s: %s" % (type(exc).__name__, exc)
    return found, errors


def live_check(entries: t.Sequence[dict[str, t.Any]], nameservers: list[tuple[str, int]], timeout: float) -> dict[str, t.Any]:
    if not HAS_DNSPYTHON:
        return unavailable()
    found, errors = resolve(entries, nameservers, timeout)
    return compare(entries, found, errors)
