# SPDX-License-Identifier: GPL-3.0-or-later
"""A private CA and a server certificate for the sandbox, made with the `openssl` CLI.

    ensure_tls(dir) -> {"dir", "ca", "ca_key", "cert", "key"}   (paths, as strings)
    python3 tests/sandbox/tlsgen.py DIR                          (prints the same as JSON)

Files: ca.pem, ca.key, server.pem, server.key. Idempotent: what is present and still valid is
reused (a CA and a server certificate valid for at least another day, the server certificate
signed by that CA, naming localhost, 127.0.0.1 and mail.sandbox.test, and matching its key);
anything else is made anew. The extensions satisfy strict verifiers (Python 3.13's
VERIFY_X509_STRICT, Go, browsers): CA basicConstraints and keyUsage critical, SKI/AKI present,
serverAuth, a leaf lifetime under 825 days.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

NAMES = ("localhost", "127.0.0.1", "mail.sandbox.test")
CA_DAYS = 3650
LEAF_DAYS = 800
MIN_REMAINING = 86400  # seconds a reused certificate must still be valid

_CA_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = glassdome.mailcow sandbox CA
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""

_LEAF_EXTENSIONS = """\
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
subjectAltName = DNS:localhost, IP:127.0.0.1, DNS:mail.sandbox.test
"""


def _openssl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, text=True, check=False)


def _must(*args: str) -> str:
    result = _openssl(*args)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")
    return result.stdout


def _paths(directory: Path) -> dict[str, Path]:
    return {"ca": directory / "ca.pem", "ca_key": directory / "ca.key",
            "cert": directory / "server.pem", "key": directory / "server.key"}


def _valid_for_a_day(cert: Path) -> bool:
    return cert.is_file() and _openssl("x509", "-in", str(cert), "-noout", "-checkend", str(MIN_REMAINING)).returncode == 0


def _key_matches(cert: Path, key: Path) -> bool:
    if not key.is_file():
        return False
    from_cert = _openssl("x509", "-in", str(cert), "-noout", "-pubkey")
    from_key = _openssl("pkey", "-in", str(key), "-pubout")
    return from_cert.returncode == 0 and from_key.returncode == 0 and from_cert.stdout == from_key.stdout


def _ca_ok(p: dict[str, Path]) -> bool:
    return _valid_for_a_day(p["ca"]) and _key_matches(p["ca"], p["ca_key"])


def _leaf_ok(p: dict[str, Path]) -> bool:
    if not (_valid_for_a_day(p["cert"]) and _key_matches(p["cert"], p["key"])):
        return False
    if _openssl("verify", "-CAfile", str(p["ca"]), str(p["cert"])).returncode != 0:
        return False
    text = _openssl("x509", "-in", str(p["cert"]), "-noout", "-text").stdout
    return all(f"DNS:{n}" in text or f"IP Address:{n}" in text for n in NAMES)


def _write_private(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)


def _make_ca(p: dict[str, Path], work: Path) -> None:
    config = work / "ca.cnf"
    config.write_text(_CA_CONFIG, encoding="utf-8")
    key, cert = work / "ca.key", work / "ca.pem"
    _must("req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(CA_DAYS),
          "-config", str(config), "-keyout", str(key), "-out", str(cert))
    os.chmod(key, 0o600)
    os.replace(key, p["ca_key"])
    os.replace(cert, p["ca"])


def _make_leaf(p: dict[str, Path], work: Path) -> None:
    key, csr, cert, ext = work / "server.key", work / "server.csr", work / "server.pem", work / "leaf.cnf"
    ext.write_text(_LEAF_EXTENSIONS, encoding="utf-8")
    _must("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", "/CN=mail.sandbox.test",
          "-keyout", str(key), "-out", str(csr))
    _must("x509", "-req", "-in", str(csr), "-CA", str(p["ca"]), "-CAkey", str(p["ca_key"]),
          "-set_serial", str(secrets.randbits(63)), "-days", str(LEAF_DAYS), "-sha256",
          "-extfile", str(ext), "-extensions", "v3_leaf", "-out", str(cert))
    os.chmod(key, 0o600)
    os.replace(key, p["key"])
    os.replace(cert, p["cert"])


def ensure_tls(directory: str | os.PathLike[str]) -> dict[str, str]:
    """Make (or reuse) the CA and server certificate in `directory`; returns their paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    p = _paths(target)
    with _locked(target):
        with tempfile.TemporaryDirectory(dir=str(target), prefix=".tlsgen.") as temp:
            work = Path(temp)
            if not _ca_ok(p):
                _make_ca(p, work)
                p["cert"].unlink(missing_ok=True)  # a new CA invalidates the old leaf
            if not _leaf_ok(p):
                _make_leaf(p, work)
    return {"dir": str(target), **{name: str(path) for name, path in p.items()}}


class _locked:
    """An exclusive lock file, so two starters racing on one dir do not mix key and cert."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / ".tlsgen.lock"

    def __enter__(self) -> "_locked":
        import fcntl

        self.handle = open(self.path, "w")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: tlsgen.py DIR", file=sys.stderr)
        return 2
    try:
        print(json.dumps(ensure_tls(argv[1]), indent=2))
    except (OSError, RuntimeError) as exc:
        print(f"tlsgen: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
