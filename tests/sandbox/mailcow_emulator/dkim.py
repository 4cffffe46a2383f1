# SPDX-License-Identifier: GPL-3.0-or-later
"""dkim('add'|'duplicate'|'details'|'delete') of functions.dkim.inc.php, as the life-cycle recording shows.

Mailcow keeps DKIM keys in Redis hashes keyed by domain name (DKIM_PUB_KEYS, DKIM_SELECTORS), not
in the domain table: a key outlives its domain and may exist for a domain Mailcow does not know.
Generating RSA keys is far too slow for tests, so a key here is an RSA SubjectPublicKeyInfo of the
requested size whose modulus is a hash chain (not a real key, but of exactly the length Mailcow's
``length`` guess reads): deterministic for a given sequence of requests, new on every add.
"""
from __future__ import annotations

import base64
import hashlib
from typing import Any

from . import php, validate
from .context import Call

TXT_PREFIX = "v=DKIM1;k=rsa;t=s;s=email;p="
# openssl_pkey_new() refuses RSA sizes outside these bounds: add then answers dkim_domain_or_sel_invalid.
MIN_BITS, MAX_BITS = 512, 16384


# -- keys ------------------------------------------------------------------------------------
def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def fake_public_key(bits: int, seed: str) -> str:
    """Base64 DER of an RSA public key of ``bits`` bits (e = 65537), as openssl_pkey_get_details() gives it."""
    stream = b""
    counter = 0
    while len(stream) * 8 < bits:
        stream += hashlib.sha256(("%s/%d" % (seed, counter)).encode()).digest()
        counter += 1
    modulus = bytearray(stream[: (bits + 7) // 8])
    modulus[0] |= 0x80 >> ((8 - bits % 8) % 8)  # the top bit set: exactly `bits` bits long
    modulus[-1] |= 1  # odd, as an RSA modulus is
    rsa_key = _tlv(0x30, _tlv(0x02, b"\x00" + bytes(modulus)) + _tlv(0x02, b"\x01\x00\x01"))
    algorithm = bytes.fromhex("300d06092a864886f70d0101010500")
    return base64.b64encode(_tlv(0x30, algorithm + _tlv(0x03, b"\x00" + rsa_key))).decode()


def guessed_length(pubkey: str) -> str:
    """dkim('details'): Mailcow guesses the size from the base64 text's length (a 512-bit key reads "1024")."""
    size = len(pubkey)
    for limit, length in ((391, "1024"), (564, "2048"), (736, "3072"), (1416, "4096")):
        if size < limit:
            return length
    return ">= 8192"


def details(call: Call, domain: Any) -> dict[str, str]:
    """dkim('details', domain): {} without a key; privkey is '' (SHOW_DKIM_PRIV_KEYS is false)."""
    name = php.strval(domain)
    call.charge("dkim_get")
    pubkey = call.store.dkim_pubkeys.get(name)
    if not call.is_admin or not pubkey:
        return {}
    return {"pubkey": pubkey, "length": guessed_length(pubkey), "dkim_txt": TXT_PREFIX + pubkey,
            "dkim_selector": call.store.dkim_selectors.get(name, ""), "privkey": ""}


# -- add -------------------------------------------------------------------------------------
def add_request(call: Call, data: Any) -> bool:
    """add/dkim: generating each key costs time by its size (add/domain's own key is in its domain_add charge)."""
    return add(call, data, charge=True)


def add(call: Call, data: Any, *, charge: bool = False) -> bool:
    """add/dkim, and add/domain's own key: ``domains`` is a string of names (a list kills PHP)."""
    log = ["dkim", "add", data]
    domains = php.array_get(data, "domains")
    if isinstance(domains, (list, dict)):
        raise php.Uncaught("TypeError: preg_split(): Argument #2 ($subject) must be of type string, array given")
    bits = php.intval(php.array_get(data, "key_size"))
    selector = php.array_get(data, "dkim_selector") if php.isset(data, "dkim_selector") else "dkim"
    for domain in [d for d in php.split_list(domains) if d]:
        msg = _refusal(call, domain, bits, selector)
        if msg is not None:
            call.push("danger", log, msg)
            continue
        store_key(call, domain, fake_public_key(bits, "%s|%s|%d|%d" % (domain, selector, bits, call.store.dkim_serial)), php.strval(selector))
        call.store.dkim_serial += 1
        if charge:
            call.charge("dkim_add_%d" % min((1024, 2048, 3072, 4096), key=lambda size: abs(size - bits)))
        call.push("success", log, ["dkim_added", domain])
    return True


def store_key(call: Call, domain: str, pubkey: str, selector: str) -> None:
    call.store.dkim_pubkeys[domain] = pubkey
    call.store.dkim_selectors[domain] = selector


def _refusal(call: Call, domain: str, bits: int, selector: Any) -> Any:
    """Mailcow's order: name, an existing key, the selector, access (the domain exists), the size."""
    if not validate.is_valid_domain_name(domain) or domain in call.store.dkim_pubkeys:
        return ["dkim_domain_or_sel_invalid", domain]
    bare = php.strval(selector).replace("-", "").replace("_", "").replace(".", "")
    if not (bare.isascii() and bare.isalnum()):  # ctype_alnum() is ASCII-only and false for ""
        return ["dkim_domain_or_sel_invalid", domain]
    if not call.has_alias_domain_access(domain):
        return ["access_denied", domain]
    if not MIN_BITS <= bits <= MAX_BITS:
        return ["dkim_domain_or_sel_invalid", domain]
    return None


# -- duplicate -------------------------------------------------------------------------------
def duplicate(call: Call, data: Any) -> bool:
    """add/dkim_duplicate: copies the key over any key ``to_domain`` has, even for a domain Mailcow does not know."""
    log = ["dkim", "duplicate", data]
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    source = php.array_get(data, "from_domain")
    found = details(call, source)
    if not found:
        call.push("danger", log, ["dkim_domain_or_sel_invalid", source])
        return True
    for target in [t for t in php.as_list(php.array_get(data, "to_domain")) if not php.empty(t)]:
        store_key(call, php.strval(target), found["pubkey"], found["dkim_selector"])
        call.push("success", log, ["dkim_duplicated", source, target])
    return True


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    """delete/dkim, body = list of domains: a domain without a key is "removed" all the same."""
    log = ["dkim", "delete", data]
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    for domain in php.as_list(data.get("domains")):
        if not isinstance(domain, str) or not validate.is_valid_domain_name(domain):
            call.push("danger", log, ["dkim_domain_or_sel_invalid", domain])
            continue
        call.store.dkim_pubkeys.pop(domain, None)
        call.store.dkim_selectors.pop(domain, None)
        call.push("success", log, ["dkim_removed", php.htmlspecialchars(domain)])
    return True
