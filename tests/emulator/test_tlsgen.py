# SPDX-License-Identifier: GPL-3.0-or-later
"""tests/sandbox/tlsgen.py: a CA and a server certificate that strict clients accept."""
from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

from conftest import SANDBOX

import tlsgen


def test_ensure_tls_is_idempotent_and_repairs(tmp_path: Path) -> None:
    paths = tlsgen.ensure_tls(tmp_path)
    assert {k: Path(v).name for k, v in paths.items() if k != "dir"} == {
        "ca": "ca.pem", "ca_key": "ca.key", "cert": "server.pem", "key": "server.key"}
    before = {name: Path(p).read_bytes() for name, p in paths.items() if name != "dir"}
    assert tlsgen.ensure_tls(tmp_path) == paths
    assert {name: Path(p).read_bytes() for name, p in paths.items() if name != "dir"} == before
    Path(paths["cert"]).unlink()  # a missing leaf is re-issued by the same CA
    tlsgen.ensure_tls(tmp_path)
    assert Path(paths["ca"]).read_bytes() == before["ca"]
    assert Path(paths["cert"]).read_bytes() != before["cert"]
    assert (Path(paths["key"]).stat().st_mode & 0o077) == 0


def test_cli_prints_paths(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SANDBOX / "tlsgen.py"), str(tmp_path)],
                            capture_output=True, text=True, check=True)
    assert str(tmp_path / "server.pem") in result.stdout


def test_certificate_verifies_for_every_name(tls_dir: dict[str, str]) -> None:
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tls_dir["cert"], tls_dir["key"])
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        for _client in range(3):
            conn = listener.accept()[0]
            try:
                with server_ctx.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client_ctx = ssl.create_default_context(cafile=tls_dir["ca"])
    client_ctx.verify_flags |= getattr(ssl, "VERIFY_X509_STRICT", 0)
    for name in ("localhost", "127.0.0.1", "mail.sandbox.test"):
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with client_ctx.wrap_socket(raw, server_hostname=name) as tls:
                assert tls.version() in ("TLSv1.2", "TLSv1.3")
    thread.join(5)
    listener.close()
