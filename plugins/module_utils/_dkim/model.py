# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the DKIM key model (no I/O).

Mailcow keeps one key per domain (selector, public key; the private key never leaves it) and never
overwrites one on add, so a different selector or size means delete then add: a rotation, done
only when asked. Its ``length`` is a guess from the public key's size ("1024" for 512-bit keys).
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.model import dkim_record
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, to_int

KEY_SIZES = (1024, 2048, 3072, 4096)
# What add/domain gives a new domain (Mailcow's default domain template).
DEFAULT_SELECTOR, DEFAULT_KEY_SIZE = "dkim", 2048
# Mailcow takes letters, digits and - _ . (ctype_alnum after removing them); the selector is DNS labels too.
SELECTOR_LABEL_RE = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
DEFAULT_TTL = 3600


def check_selector(value: t.Any, option: str = "selector") -> str:
    text = "" if value is None else str(value)
    labels = text.split(".")
    if not text or len(text) > 200 or not all(SELECTOR_LABEL_RE.match(label) for label in labels):
        raise MailcowOptionError("%s must be letters, digits, - and _ in dot-separated DNS labels of 1 to 63 characters "
                                 "(such as dkim or mail2026), got %r" % (option, value))
    return text


def check_key_size(value: t.Any) -> int:
    if isinstance(value, bool) or value not in KEY_SIZES:
        raise MailcowOptionError("key_size must be one of %s (bits), got %r" % (", ".join(str(k) for k in KEY_SIZES), value))
    return int(value)


class Desired(t.NamedTuple):
    domain: str
    state: str
    selector: str | None  # None: any selector will do
    key_size: int | None  # None: any size will do
    rotate: bool


def desired_from_params(params: dict[str, t.Any]) -> Desired:
    """Every option checked before anything is sent."""
    domain = ascii_domain(params.get("domain"))
    selector = check_selector(params["selector"]) if params.get("selector") is not None else None
    key_size = check_key_size(params["key_size"]) if params.get("key_size") is not None else None
    state = params.get("state") or "present"
    if state == "absent" and params.get("rotate"):
        raise MailcowOptionError("rotate=true only makes sense with state=present (it replaces a key by a new one)")
    return Desired(domain, state, selector, key_size, bool(params.get("rotate")))


def normalize(domain: str, raw: t.Any) -> dict[str, t.Any] | None:
    """get/dkim/<domain> -> {selector, key_size, length, public_key, txt_record}, or None without a key. Never the private key."""
    if not isinstance(raw, dict) or not raw.get("pubkey"):
        return None
    public_key = str(raw["pubkey"])
    length = str(raw.get("length") or "")
    selector = str(raw.get("dkim_selector") or "")
    return {
        "domain": domain,
        "selector": selector,
        "key_size": to_int(length) or None,
        "length": length,
        "public_key": public_key,
        "txt_record": dkim_record(domain, selector, public_key, DEFAULT_TTL),
    }


class Plan(t.NamedTuple):
    domain: str
    action: str  # "create" | "rotate" | "delete" | "none"
    before: dict[str, t.Any] | None
    selector: str | None = None
    key_size: int | None = None

    @property
    def changed(self) -> bool:
        return self.action != "none"

    @property
    def add_body(self) -> dict[str, t.Any]:
        # domains is a string: a JSON list makes Mailcow's PHP die with an empty answer.
        return {"domains": self.domain, "dkim_selector": self.selector, "key_size": self.key_size}


def mismatch(desired: Desired, before: dict[str, t.Any]) -> list[str]:
    """How the existing key differs from the options (empty: it is the key wanted)."""
    differs = []
    if desired.selector is not None and before["selector"] != desired.selector:
        differs.append("selector %s (wanted %s)" % (before["selector"], desired.selector))
    if desired.key_size is not None and before["key_size"] != desired.key_size:
        differs.append("%s bits (wanted %d)" % (before["length"] or "an unknown number of", desired.key_size))
    return differs


def plan(desired: Desired, before: dict[str, t.Any] | None) -> Plan:
    if desired.state == "absent":
        return Plan(desired.domain, "delete" if before else "none", before)
    selector = desired.selector or DEFAULT_SELECTOR
    key_size = desired.key_size or DEFAULT_KEY_SIZE
    if before is None:
        return Plan(desired.domain, "create", None, selector, key_size)
    differs = mismatch(desired, before)
    if not differs:
        return Plan(desired.domain, "none", before)
    if not desired.rotate:
        raise MailcowOptionError(
            "domain %s already has a DKIM key with %s; Mailcow never replaces a key by itself, and replacing it would break "
            "the published record %s until the new one is in DNS. Set rotate=true to replace it (delete, then add a new key), "
            "or set selector/key_size to the existing key's" % (desired.domain, " and ".join(differs), before["txt_record"]["name"])
        )
    kept_size = before["key_size"] if before["key_size"] in KEY_SIZES else DEFAULT_KEY_SIZE
    return Plan(desired.domain, "rotate", before, desired.selector or before["selector"], desired.key_size or kept_size)


def predicted(plan_: Plan) -> dict[str, t.Any] | None:
    """The key after the plan as far as it is known before Mailcow generates it (public_key and the TXT value unknown)."""
    if plan_.action == "none":
        return plan_.before
    if plan_.action == "delete":
        return None
    name = "%s._domainkey.%s" % (plan_.selector, plan_.domain)
    return {"domain": plan_.domain, "selector": plan_.selector, "key_size": plan_.key_size, "length": str(plan_.key_size),
            "public_key": None, "txt_record": {"type": "TXT", "name": name, "prefix": name[: -len(plan_.domain) - 1], "value": None,
                                               "strings": [], "rdata": None, "ttl": DEFAULT_TTL}}


def compared_view(key: dict[str, t.Any] | None) -> dict[str, t.Any]:
    if not key:
        return {}
    public_key = key["public_key"] if key["public_key"] is not None else "(generated by Mailcow)"
    return {"selector": key["selector"], "key_size": key["key_size"], "public_key": public_key}
