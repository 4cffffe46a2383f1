# SPDX-License-Identifier: GPL-3.0-or-later
"""Part "server": the server role's no-change re-run against its floor.

The server-wide objects (RELAYHOSTS relayhosts, half of them with a login, TRANSPORT_MAPS transport
maps, FORWARDING_HOSTS forwarding hosts, TLS_POLICY_MAPS TLS policy maps, DOMAIN_TEMPLATES domain and
MAILBOX_TEMPLATES mailbox templates, OAUTH2_CLIENTS OAuth2 clients) are made by the role's
first run (playbooks/provision.yml on an inventory whose host `server` of group mailcow_server_wide
holds them, every purge switch on), at realistic latency; then, measured under measure.py:

- re-run: the same playbook again, which must change nothing and send no write. Its floor: the
  reads a plain `requests` script needs to confirm that nothing differs, one listing per type
  (get/relayhost/all, get/transport/all, get/fwdhost/all, get/tls-policy-map/all, get/domain/template/all,
  get/mailbox/template/all, get/oauth2-client/all), sequential with
  keep-alive, compared with the inventory.
Target: the re-run within its floor + 2 s (Ansible's own start and per-task cost, as for the
mailboxes role's re-run), with the floor's requests and no write. The first run is reported, and so
is Ansible's start alone (the same playbook on an inventory without the server's host: both plays
skip), so that the role's own cost shows apart from it, in wall and CPU time, on a busy machine too.
"""

from __future__ import annotations

import json
import sys
import time
import typing as t
from pathlib import Path

from adopt import Api, changed_in_log, measured
from bench_sandbox import REPO
from phases import Bench, ansible_playbook

RELAYHOSTS = 20
TRANSPORT_MAPS = 100
FORWARDING_HOSTS = 20
TLS_POLICY_MAPS = 100
DOMAIN_TEMPLATES = 10
MAILBOX_TEMPLATES = 10
OAUTH2_CLIENTS = 10
TARGET_EXTRA_S = 2.0
PASSWORD = "fake-bench-password-server"
LISTINGS = {"mailcow_relayhosts": ("relayhost/all", "hostname"), "mailcow_transport_maps": ("transport/all", "destination"),
            "mailcow_forwarding_hosts": ("fwdhost/all", "host"), "mailcow_tls_policy_maps": ("tls-policy-map/all", "dest"),
            "mailcow_domain_templates": ("domain/template/all", "template"), "mailcow_mailbox_templates": ("mailbox/template/all", "template"),
            "mailcow_oauth2_clients": ("oauth2-client/all", "redirect_uri")}


def variables() -> dict[str, t.Any]:
    """The server role's variables: every type, every purge on."""
    return {
        "mailcow_relayhosts": [dict({"hostname": "[relay%02d.bench.example.test]:587" % index},
                                    **({"username": "user%02d" % index, "password": PASSWORD} if index % 2 else {}))
                               for index in range(RELAYHOSTS)],
        "mailcow_transport_maps": [{"destination": "partner%03d.bench.example.test" % index, "nexthop": "[mx%03d.bench.example.test]:25" % index}
                                   for index in range(TRANSPORT_MAPS)],
        "mailcow_forwarding_hosts": [{"host": "198.18.%d.0/24" % index} for index in range(FORWARDING_HOSTS)],
        "mailcow_tls_policy_maps": [{"destination": "tls%03d.bench.example.test" % index, "policy": "encrypt"} for index in range(TLS_POLICY_MAPS)],
        "mailcow_domain_templates": [{"name": "Bench domain %02d" % index, "max_mailboxes": 20 + index, "tags": ["bench"]}
                                     for index in range(DOMAIN_TEMPLATES)],
        "mailcow_mailbox_templates": [{"name": "Bench mailbox %02d" % index, "quota": 1024 * (index + 1)} for index in range(MAILBOX_TEMPLATES)],
        "mailcow_oauth2_clients": [{"redirect_uri": "https://app%02d.bench.example.test/oauth/callback" % index} for index in range(OAUTH2_CLIENTS)],
        "mailcow_relayhosts_purge": True, "mailcow_transport_maps_purge": True, "mailcow_forwarding_hosts_purge": True,
        "mailcow_tls_policy_maps_purge": True, "mailcow_domain_templates_purge": True, "mailcow_mailbox_templates_purge": True,
        "mailcow_oauth2_clients_purge": True,
    }


def write_inventory(work: Path, *, hosts: bool = True) -> Path:
    """The inventory with the host `server` and its variables; without ``hosts``, the same group empty."""
    directory = work / ("server-inventory" if hosts else "server-inventory-empty")
    (directory / "host_vars").mkdir(parents=True, exist_ok=True)
    (directory / "host_vars" / "server.json").write_text(json.dumps(variables()))
    inventory = directory / "inventory.yml"
    inventory.write_text("all:\n  children:\n    mailcow_server_wide:\n      hosts:%s\n" % ("\n        server: {}" if hosts else " {}"))
    return inventory


def rerun_floor(bench: Bench) -> dict[str, t.Any]:
    """The reads a plain script needs to confirm that the server holds the inventory's objects, sequential."""
    api = Api(bench)
    wanted = variables()
    started = time.monotonic()
    differs = 0
    for key, (path, field) in LISTINGS.items():
        held = {str(row.get(field)).lower() for row in api.get(path) or [] if isinstance(row, dict)}
        differs += sum(1 for entry in wanted[key] if str(next(iter(entry.values()))).lower() not in held)
    return {"wall_s": round(time.monotonic() - started, 3), "requests": api.requests, "differs": differs}


def run(bench: Bench) -> None:
    bench.sandbox.control_post("reset")
    bench.sandbox.set_latency("realistic")

    def argv(inventory: Path) -> list[str]:
        return [ansible_playbook(), "-i", str(inventory), "-e", "ansible_python_interpreter=%s" % sys.executable, str(REPO / "playbooks" / "provision.yml")]

    inventory = write_inventory(bench.work)
    first = measured(bench, "first", argv(inventory), part="server")
    bench.sandbox.wait_quiet()
    rerun = measured(bench, "rerun", argv(inventory), part="server")
    bench.sandbox.wait_quiet()
    start = measured(bench, "start", argv(write_inventory(bench.work, hosts=False)), part="server")
    bench.sandbox.wait_quiet()
    floor = rerun_floor(bench)
    bench.note("server first run: %.1f s, %s requests; re-run: %.1f s, %s requests, %s writes; Ansible's start %.1f s; floor %.2f s, %d requests" % (
        first.get("wall_s", 0), first["requests"], rerun.get("wall_s", 0), rerun["requests"], rerun["writes"], start.get("wall_s", 0),
        floor["wall_s"], floor["requests"]))
    bench.sections.append(section(first, rerun, start, floor, changed_in_log(Path(rerun["log"]))))


def section(first: dict[str, t.Any], rerun: dict[str, t.Any], start: dict[str, t.Any], floor: dict[str, t.Any], changed: int | None) -> dict[str, t.Any]:
    objects = RELAYHOSTS + TRANSPORT_MAPS + FORWARDING_HOSTS + TLS_POLICY_MAPS + DOMAIN_TEMPLATES + MAILBOX_TEMPLATES + OAUTH2_CLIENTS
    limit = floor["wall_s"] + TARGET_EXTRA_S
    lines = [
        "## Server role: %d server-wide objects, then the no-change re-run against its floor" % objects,
        "",
        "| what | wall s | CPU s | peak RSS MiB | requests | writes |",
        "|---|---:|---:|---:|---:|---:|",
        "| first run (creates every object) | %.2f | %.2f | %.1f | %s | %s |" % (
            first.get("wall_s") or 0, first.get("cpu_s") or 0, first["peak_rss_mib"], first["requests"], first["writes"]),
        "| no-change re-run (playbooks/provision.yml) | %.2f | %.2f | %.1f | %s | %s |" % (
            rerun.get("wall_s") or 0, rerun.get("cpu_s") or 0, rerun["peak_rss_mib"], rerun["requests"], rerun["writes"]),
        "| Ansible's start alone (the same playbook, no host to run on) | %.2f | %.2f | %.1f | %s | %s |" % (
            start.get("wall_s") or 0, start.get("cpu_s") or 0, start["peak_rss_mib"], start["requests"], start["writes"]),
        "| floor: one listing per type (plain requests) | %.2f | | | %d | 0 |" % (floor["wall_s"], floor["requests"]),
        "",
        "The role's own cost in the re-run, above Ansible's start: %.2f s wall, %.2f s CPU." % (
            float(rerun.get("wall_s") or 0) - float(start.get("wall_s") or 0), float(rerun.get("cpu_s") or 0) - float(start.get("cpu_s") or 0)),
        "",
        "%d relayhosts (%d with a login), %d transport maps, %d forwarding hosts, %d TLS policy maps, %d domain templates, %d mailbox templates, "
        "%d OAuth2 clients; purge on for every type; realistic latency, 2 workers. The re-run changed %s and sent %s writes; the floor found %d "
        "objects missing." % (RELAYHOSTS, RELAYHOSTS // 2, TRANSPORT_MAPS, FORWARDING_HOSTS, TLS_POLICY_MAPS, DOMAIN_TEMPLATES, MAILBOX_TEMPLATES,
                              OAUTH2_CLIENTS, changed, rerun["writes"], floor["differs"]),
    ]
    problems = ["server %s failed (rc=%s), see %s" % (name, rec.get("rc"), rec["log"])
                for name, rec in (("first run", first), ("re-run", rerun), ("start", start)) if rec.get("rc") != 0]
    results = [
        {"target": "server: the no-change re-run changes nothing, writes nothing and reads what the floor reads",
         "passed": changed == 0 and rerun["writes"] == 0 and rerun.get("rc") == 0 and rerun["requests"] == floor["requests"],
         "detail": "changed=%s, %s writes, %s requests (floor %d)" % (changed, rerun["writes"], rerun["requests"], floor["requests"])},
        {"target": "server: the no-change re-run within its floor + %.0f s" % TARGET_EXTRA_S, "passed": float(rerun.get("wall_s") or 0) <= limit,
         "detail": "%.2f s vs %.2f s (floor %.2f s)" % (rerun.get("wall_s") or 0, limit, floor["wall_s"])},
    ]
    data = {"first": first, "rerun": rerun, "start": start, "floor": floor, "changed": changed}
    return {"title": "server", "data": data, "markdown": "\n".join(lines), "targets": results, "problems": problems}
