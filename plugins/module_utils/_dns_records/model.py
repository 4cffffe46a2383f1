# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the DNS records a Mailcow mail domain needs, as data (no I/O).

The list follows Mailcow's own DNS check page (data/web/inc/ajax/dns_diagnostics.php): MX; the
autodiscover and autoconfig CNAMEs and the _autodiscover._tcp SRV record; SPF and DMARC TXT
records; the DKIM TXT record when the domain has a key; and an SRV record for each mail service
whose port differs from its standard one (RFC 6186), or for all of them on request. Each record is
a dict a DNS module can take as it is: ``type``, ``name`` (FQDN), ``prefix`` (relative to the
domain), ``value`` (unquoted), ``rdata`` (zone-file form: TXT quoted in 255-byte strings, host
names with a trailing dot), ``ttl``, and ``priority``/``weight``/``port`` where the type has them.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import DOMAIN_RE, ascii_domain

# A DNS character-string holds at most 255 bytes; longer TXT values are several strings in one record.
TXT_CHUNK = 255
DKIM_TXT_PREFIX = "v=DKIM1;k=rsa;t=s;s=email;p="
TTL_RANGE = (60, 604800)
SPF_ALL = {"fail": "-all", "softfail": "~all", "neutral": "?all"}
# Service -> (SRV owner label, standard port). Mailcow lists an SRV record only for a port that differs.
SERVICES: dict[str, tuple[str, int]] = {
    "imap": ("_imap._tcp", 143),
    "imaps": ("_imaps._tcp", 993),
    "pop3": ("_pop3._tcp", 110),
    "pop3s": ("_pop3s._tcp", 995),
    "submission": ("_submission._tcp", 587),
    "smtps": ("_smtps._tcp", 465),
    "sieve": ("_sieve._tcp", 4190),
}
SPF_TERM_RE = re.compile(r"^[+~?-]?(include|a|mx|ptr|ip4|ip6|exists|redirect=|exp=)[!-~]*$", re.IGNORECASE)
MAILTO_RE = re.compile(r"^[^@\s,;!]+@[^@\s,;!]+$")


# -- TXT values ----------------------------------------------------------------------------------


def txt_strings(value: str) -> list[str]:
    """A TXT value as the 255-byte character-strings DNS stores (DKIM keys of 2048 bits and more need several)."""
    raw = value.encode("utf-8")
    return [raw[i:i + TXT_CHUNK].decode("utf-8", "replace") for i in range(0, len(raw), TXT_CHUNK)] or [""]


def txt_rdata(value: str) -> str:
    """Zone-file form of a TXT value: each 255-byte string quoted, separated by a space (what route53 and nsupdate take)."""
    return " ".join('"%s"' % part.replace("\\", "\\\\").replace('"', '\\"') for part in txt_strings(value))


def dkim_txt_value(public_key: str) -> str:
    """The DKIM TXT value Mailcow shows for a key (its ``dkim_txt``, unsplit)."""
    return DKIM_TXT_PREFIX + public_key


# -- one record ----------------------------------------------------------------------------------


def _prefix(name: str, domain: str) -> str:
    return name[: -len(domain) - 1] if name != domain else ""


def record(rtype: str, name: str, domain: str, value: str, ttl: int, **extra: int) -> dict[str, t.Any]:
    """One record; ``extra``: priority, weight, port. Host names in ``rdata`` end with a dot."""
    if rtype == "TXT":
        rdata = txt_rdata(value)
    elif rtype == "MX":
        rdata = "%d %s." % (extra["priority"], value)
    elif rtype == "SRV":
        rdata = "%d %d %d %s." % (extra["priority"], extra["weight"], extra["port"], value)
    else:
        rdata = value + "."
    entry: dict[str, t.Any] = {"type": rtype, "name": name, "prefix": _prefix(name, domain), "value": value, "rdata": rdata, "ttl": ttl}
    entry.update(extra)
    return entry


def dkim_record(domain: str, selector: str, public_key: str, ttl: int) -> dict[str, t.Any]:
    """The DKIM TXT record of a key: ``<selector>._domainkey.<domain>``, with its 255-byte strings."""
    value = dkim_txt_value(public_key)
    entry = record("TXT", "%s._domainkey.%s" % (selector, domain), domain, value, ttl)
    entry["strings"] = txt_strings(value)
    return entry


# -- options -------------------------------------------------------------------------------------


class Wanted(t.NamedTuple):
    """The validated options of mailcow_dns_records."""

    domain: str
    mail_host: str
    ttl: int
    spf: str | None
    dmarc: str | None
    ports: dict[str, int]
    all_srv: bool
    https_port: int
    mx_priority: int = 10


def mail_host_option(value: t.Any, api_host: str) -> str:
    """``mail_host``, else the host of api_url; an IP address or a bare name is refused (an MX must name a host)."""
    given = value not in (None, "")
    host = str(value if given else api_host).strip().rstrip(".").lower()
    option = "mail_host" if given else "mail_host (not set, so taken from api_url's host %r)" % api_host
    try:
        host = ascii_domain(host, option=option)
    except MailcowOptionError:
        host = ""
    if not host or not DOMAIN_RE.match(host) or re.match(r"^[0-9.]+$", host):
        raise MailcowOptionError("%s must be the mail server's DNS host name (what MX and SRV records point at), such as "
                                 "mail.example.org; got %r" % (option, value if given else api_host))
    return host


def spf_option(policy: str, extra: t.Sequence[t.Any]) -> str | None:
    """``v=spf1 mx a <extra...> <all>``; V(omit) lists no SPF record."""
    if policy == "omit":
        return None
    terms = []
    for term in extra:
        text = str(term).strip()
        if not SPF_TERM_RE.match(text) or text.lower().endswith("all"):
            raise MailcowOptionError("spf_extra: %r is not an SPF mechanism such as include:_spf.example.net, ip4:192.0.2.10 or "
                                     "ip6:2001:db8::10 (the final all comes from spf_policy)" % (text,))
        terms.append(text)
    return " ".join(["v=spf1", "mx", "a"] + terms + [SPF_ALL[policy]])


def dmarc_option(policy: str, rua: t.Any) -> str | None:
    """``v=DMARC1; p=<policy>`` with an optional aggregate report address; V(omit) lists no DMARC record."""
    if policy == "omit":
        return None
    value = "v=DMARC1; p=%s" % policy
    if rua not in (None, ""):
        address = str(rua).strip()
        address = address[len("mailto:"):] if address.lower().startswith("mailto:") else address
        if not MAILTO_RE.match(address):
            raise MailcowOptionError("dmarc_rua must be the address that receives DMARC aggregate reports, such as "
                                     "dmarc@example.org; got %r" % (rua,))
        value += "; rua=mailto:%s" % address
    return value


def ports_option(ports: dict[str, t.Any] | None) -> dict[str, int]:
    """The mail services' ports, the standard one for each not given."""
    result = {name: standard for name, (_label, standard) in SERVICES.items()}
    for name, port in (ports or {}).items():
        if port is None:
            continue
        if name not in SERVICES:
            raise MailcowOptionError("ports: unknown service %r; known are %s" % (name, ", ".join(SERVICES)))
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise MailcowOptionError("ports.%s must be a TCP port from 1 to 65535, got %r" % (name, port))
        result[name] = port
    return result


def wanted_from_params(params: dict[str, t.Any], api_host: str) -> Wanted:
    """Validate every option before anything is read."""
    domain = ascii_domain(params.get("domain"))
    ttl = params.get("ttl", 3600)
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not TTL_RANGE[0] <= ttl <= TTL_RANGE[1]:
        raise MailcowOptionError("ttl must be a whole number of seconds from %d to %d, got %r" % (TTL_RANGE[0], TTL_RANGE[1], ttl))
    https_port = 443 if params.get("https_port") is None else params["https_port"]
    if isinstance(https_port, bool) or not isinstance(https_port, int) or not 1 <= https_port <= 65535:
        raise MailcowOptionError("https_port must be a TCP port from 1 to 65535, got %r" % (https_port,))
    mx_priority = 10 if params.get("mx_priority") is None else params["mx_priority"]
    if isinstance(mx_priority, bool) or not isinstance(mx_priority, int) or not 0 <= mx_priority <= 65535:
        raise MailcowOptionError("mx_priority must be the MX preference, a whole number from 0 to 65535 (lower is tried first), got %r"
                                 % (mx_priority,))
    return Wanted(
        domain=domain,
        mail_host=mail_host_option(params.get("mail_host"), api_host),
        ttl=ttl,
        spf=spf_option(params.get("spf_policy") or "fail", params.get("spf_extra") or []),
        dmarc=dmarc_option(params.get("dmarc_policy") or "quarantine", params.get("dmarc_rua")),
        ports=ports_option(params.get("ports")),
        all_srv=bool(params.get("all_srv_records")),
        https_port=https_port,
        mx_priority=mx_priority,
    )


# -- the list ------------------------------------------------------------------------------------


def records(wanted: Wanted, dkim: dict[str, t.Any] | None, *, alias_domain: bool = False) -> list[dict[str, t.Any]]:
    """Every record the domain needs, in the order of Mailcow's DNS check page.

    ``dkim``: the domain's key (selector, public_key) or None. An alias domain needs no autodiscover,
    autoconfig or SRV records (its users log in with their target domain's addresses).
    """
    d, host, ttl = wanted.domain, wanted.mail_host, wanted.ttl
    found = [record("MX", d, d, host, ttl, priority=wanted.mx_priority)]
    if not alias_domain:
        found += [
            record("CNAME", "autodiscover." + d, d, host, ttl),
            record("SRV", "_autodiscover._tcp." + d, d, host, ttl, priority=0, weight=1, port=wanted.https_port),
            record("CNAME", "autoconfig." + d, d, host, ttl),
        ]
    if wanted.spf:
        found.append(record("TXT", d, d, wanted.spf, ttl))
    if wanted.dmarc:
        found.append(record("TXT", "_dmarc." + d, d, wanted.dmarc, ttl))
    if dkim:
        found.append(dkim_record(d, dkim["selector"], dkim["public_key"], ttl))
    for service, (label, standard) in SERVICES.items():
        port = wanted.ports[service]
        if not alias_domain and (wanted.all_srv or port != standard):
            found.append(record("SRV", "%s.%s" % (label, d), d, host, ttl, priority=0, weight=1, port=port))
    return found


def record_line(entry: dict[str, t.Any]) -> str:
    """One readable zone-file line: ``name. ttl IN type rdata``."""
    return "%s. %d IN %s %s" % (entry["name"], entry["ttl"], entry["type"], entry["rdata"])
