# SPDX-License-Identifier: GPL-3.0-or-later
"""sandbox.py start names the port that is taken and the variable that moves it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

SANDBOX_SCRIPT = Path(__file__).resolve().parents[1] / "sandbox" / "sandbox.py"


def test_taken_api_port_names_its_variable(tmp_path: Path) -> None:
    with socket.socket() as taken, socket.socket() as free:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        free.bind(("127.0.0.1", 0))
        port, http_port = taken.getsockname()[1], free.getsockname()[1]
        free.close()
        env = dict(os.environ, MAILCOW_SANDBOX_DIR=str(tmp_path / "box"), MAILCOW_SANDBOX_API_PORT=str(port),
                   MAILCOW_SANDBOX_API_HTTP_PORT=str(http_port), MAILCOW_SANDBOX_PORT_BASE="41000")
        proc = subprocess.run([sys.executable, str(SANDBOX_SCRIPT), "start", "--no-mail"], env=env, capture_output=True, text=True,
                              timeout=60, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"port {port} (the API over HTTPS) is in use: set MAILCOW_SANDBOX_API_PORT to move it to a free port" in proc.stderr
    assert "MAILCOW_SANDBOX_API_HTTP_PORT" not in proc.stderr
