# SPDX-License-Identifier: GPL-3.0-or-later
"""`emulator.py serve --config FILE.json`: run in the foreground until SIGTERM/SIGINT.

Prints one line "ready" on stdout once every listener accepts connections.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from .app import App
from .config import Config
from .httpserver import ApiServer, tls_context
from .tcptable import TableServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="emulator.py", description="Mailcow REST API emulator")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the emulator in the foreground")
    serve.add_argument("--config", required=True, help="JSON configuration file")
    args = parser.parse_args(argv)
    try:
        config = Config.load(args.config)
    except (OSError, ValueError, TypeError) as exc:
        print(f"emulator: bad configuration: {exc}", file=sys.stderr)
        return 2
    return run(config)


def run(config: Config) -> int:
    app = App(config)
    try:
        servers = _listen(config, app)
    except OSError as exc:
        print(f"emulator: cannot listen: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    app.sync_mail()  # an empty users file from the start: Dovecot can open it at once
    for name, server in servers:
        server.start(name)
    app.log.message(f"listening: {', '.join(name for name, _server in servers)}")
    print("ready", flush=True)
    while not stop.wait(0.2):
        pass
    _shutdown([server for _name, server in servers])
    app.log.message("stopped")
    app.log.close()
    return 0


def _shutdown(servers: list[Any]) -> None:
    """Stop every listener at once (each shutdown() waits for its loop's next poll)."""
    stoppers = [threading.Thread(target=server.shutdown) for server in servers]
    for thread in stoppers:
        thread.start()
    for thread in stoppers:
        thread.join(5)
    for server in servers:
        server.server_close()


def _listen(config: Config, app: App) -> list[tuple[str, Any]]:
    """Bind everything first, so "ready" means every port answers."""
    servers: list[tuple[str, Any]] = []
    try:
        if config.https_port:
            context = tls_context(str(config.cert), str(config.key))
            servers.append((f"https:{config.https_port}", ApiServer(config.host, config.https_port, app, context)))
        if config.http_port:
            servers.append((f"http:{config.http_port}", ApiServer(config.host, config.http_port, app, None)))
        for kind, port in sorted(config.table_ports.items()):
            if port:
                servers.append((f"table-{kind}:{port}", TableServer(config.host, int(port), app.store, kind)))
    except (OSError, ValueError):
        for _name, server in servers:
            server.server_close()
        raise
    return servers
