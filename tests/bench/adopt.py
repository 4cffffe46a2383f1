# SPDX-License-Identifier: GPL-3.0-or-later
"""Part "adopt": exporting 50 domains x 100 mailboxes, and re-applying all 50 in one run, each against its floor.

A server of DOMAINS domains of MAILBOXES mailboxes (plus ALIASES aliases and one app password per
domain) is seeded over the API at zero latency; then, at realistic latency:

- export: playbooks/export.yml (mailcow_export_info, all domains), under measure.py (wall time,
  peak RSS of the process tree). Its floor: a plain `requests` script, sequential with keep-alive,
  making only the reads the same export needs - the domain, alias domain, administrator, sync
  job, BCC map, recipient map, Sieve filter, resource and server-wide listings once, then per
  domain its full mailbox listing, its aliases, its DKIM key and its allow and deny lists, and one
  app password listing per mailbox (Mailcow lists them only mailbox by mailbox).
- re-apply: the role over all exported domains in one `ansible-playbook` run (playbooks/provision.yml,
  purge on as exported), which must change nothing and send no write. Its floor: the reads a plain
  script needs to confirm that nothing differs - per domain the domain, its reduced mailbox
  listing, its aliases, its sync jobs, BCC maps and recipient maps (the server's listings, which
  the role reads for each domain), the app passwords of each mailbox the files list, its Sieve
  filters, allow and deny lists and resources; and each server-wide listing the files list, once.
Target: the re-apply within 2x its floor. The export's ratio is reported.
BENCH_ADOPT_FORKS=N runs the re-apply with ansible-playbook --forks N (default: Ansible's, 5).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import requests

from bench_sandbox import REPO
from phases import HERE, PHASE_TIMEOUT, Bench, ansible_playbook

DOMAINS = 50
MAILBOXES = 100
ALIASES = 5
TARGET_RATIO = 2.0
PASSWORD = "fake-bench-password-adopt"


def domains() -> list[str]:
    return ["adopt%02d.bench.example.test" % index for index in range(DOMAINS)]


class Api:
    """A plain keep-alive session on the benchmark's sandbox; counts its requests."""

    def __init__(self, bench: Bench) -> None:
        facts = bench.sandbox.facts
        self.base = facts["api_url"].rstrip("/") + "/api/v1/"
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = facts.get("ca_path") or True
        self.session.headers.update({"X-API-Key": facts["rw_key"]})
        self.requests = 0

    def get(self, path: str) -> t.Any:
        self.requests += 1
        response = self.session.get(self.base + "get/" + path, timeout=300)
        response.raise_for_status()
        return response.json() if response.text.strip() else None

    def post(self, path: str, body: t.Any) -> None:
        self.requests += 1
        answer = self.session.post(self.base + path, json=body, timeout=300).json()
        if not isinstance(answer, list) or any(entry.get("type") != "success" for entry in answer):
            raise RuntimeError("POST %s: %s" % (path, str(answer)[:300]))


def _as_list(data: t.Any) -> list[dict[str, t.Any]]:
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def seed(bench: Bench) -> None:
    """The server to adopt, made over the API at zero latency (seeding is not measured)."""
    bench.sandbox.control_post("reset")
    bench.sandbox.set_latency("zero")
    try:
        api = Api(bench)
        for domain in domains():
            api.post("add/domain", {"domain": domain, "description": "Adopt " + domain, "mailboxes": MAILBOXES * 2, "aliases": 400,
                                    "defquota": 1024, "maxquota": 4096, "quota": MAILBOXES * 4096, "active": 1})

        def fill(domain: str) -> None:
            own = Api(bench)
            for index in range(MAILBOXES):
                own.post("add/mailbox", {"local_part": "user%03d" % index, "domain": domain, "name": "User %03d" % index, "quota": 1024,
                                         "password": PASSWORD, "password2": PASSWORD, "active": 1})
            for index in range(ALIASES):
                own.post("add/alias", {"address": "list%d@%s" % (index, domain), "goto": "user%03d@%s,user%03d@%s" % (index, domain, index + 1, domain),
                                       "active": 1, "sogo_visible": 0, "sender_allowed": 0})
            own.post("add/app-passwd", {"username": "user000@" + domain, "app_name": "Phone", "app_passwd": PASSWORD, "app_passwd2": PASSWORD,
                                        "protocols": ["imap_access", "smtp_access"], "active": 1})

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(fill, domains()))
    finally:
        bench.sandbox.set_latency("realistic")


# The listings that confirm each list of the exported files: per domain (besides its domain, mailboxes, aliases, sync
# jobs, maps and app passwords), and server-wide.
DOMAIN_LISTINGS = {"mailcow_sieve_filters": ("filters/all",), "mailcow_spam_policy": ("policy_wl_domain/{domain}", "policy_bl_domain/{domain}"),
                   "mailcow_resources": ("resource/all",)}
SERVER_LISTINGS = {"mailcow_relayhosts": "relayhost/all", "mailcow_transport_maps": "transport/all", "mailcow_forwarding_hosts": "fwdhost/all",
                   "mailcow_tls_policy_maps": "tls-policy-map/all", "mailcow_domain_templates": "domain/template/all",
                   "mailcow_mailbox_templates": "mailbox/template/all", "mailcow_oauth2_clients": "oauth2-client/all"}


def export_floor(bench: Bench) -> dict[str, t.Any]:
    """The reads a plain script needs for the same export, sequential."""
    api = Api(bench)
    started = time.monotonic()
    names = sorted(str(d.get("domain_name")) for d in _as_list(api.get("domain/all")))
    api.get("alias-domain/all")
    api.get("domain-admin/all")
    api.get("syncjobs/all/no_log")
    api.get("bcc/all")
    api.get("recipient_map/all")
    api.get("filters/all")
    api.get("resource/all")
    for listing in SERVER_LISTINGS.values():
        api.get(listing)
    mailboxes = 0
    for domain in names:
        boxes = _as_list(api.get("mailbox/all/" + domain))
        api.get("alias/all/" + domain)
        api.get("dkim/" + domain)
        api.get("policy_wl_domain/" + domain)
        api.get("policy_bl_domain/" + domain)
        for box in boxes:
            api.get("app-passwd/all/" + str(box.get("username")))
        mailboxes += len(boxes)
    return {"wall_s": round(time.monotonic() - started, 3), "requests": api.requests, "domains": len(names), "mailboxes": mailboxes}


def reapply_floor(bench: Bench, export_dir: Path) -> dict[str, t.Any]:
    """The reads a plain script needs to confirm that the exported files match the server, sequential: the listings of
    what each file lists (with purge, as exported), each once."""
    api = Api(bench)
    started = time.monotonic()
    for path in sorted((export_dir / "host_vars").glob("*.yml")):
        text = path.read_text()
        if path.stem == "server":  # the server-wide objects (the server role), one listing each
            for variable, listing in SERVER_LISTINGS.items():
                if "\n%s:" % variable in text:
                    api.get(listing)
            continue
        domain = path.stem
        listed = [line for line in text.splitlines() if line.startswith("  ") and line.rstrip().endswith(":")]
        api.get("domain/" + domain)
        api.get("mailbox/reduced/" + domain)
        api.get("alias/all/" + domain)
        api.get("syncjobs/all/no_log")
        api.get("bcc/all")
        api.get("recipient_map/all")
        for line in listed:  # the mailboxes under mailcow_app_passwords
            api.get("app-passwd/all/%s@%s" % (line.strip().rstrip(":"), domain))
        for variable, listings in DOMAIN_LISTINGS.items():
            if "\n%s:" % variable in text:
                for listing in listings:
                    api.get(listing.format(domain=domain))
    return {"wall_s": round(time.monotonic() - started, 3), "requests": api.requests}


def measured(bench: Bench, name: str, argv: list[str], part: str = "adopt") -> dict[str, t.Any]:
    """``argv`` under measure.py (wall time, peak RSS), with the requests and writes the emulator saw; its log is logs/<part>-<name>.log."""
    log = bench.logs / ("%s-%s.log" % (part, name))
    log.unlink(missing_ok=True)
    bench.sandbox.wait_quiet()
    bench.sandbox.reset_stats()
    proc = subprocess.run([sys.executable, str(HERE / "measure.py"), str(log), "--"] + argv, env=bench.env(), cwd=str(bench.work),
                          capture_output=True, text=True, timeout=PHASE_TIMEOUT, check=False)
    result = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {"rc": -1}
    stats = bench.sandbox.stats()
    result["requests"] = stats.get("requests")
    result["writes"] = sum(n for route, n in stats.get("by_route", {}).items() if route.startswith("POST") and "/api/" in route)
    result["peak_rss_mib"] = round(result.get("peak_rss_kib", 0) / 1024, 1)
    result["log"] = str(log)
    return result


def run(bench: Bench) -> None:
    bench.note("adopt: seeding %d domains x %d mailboxes (zero latency)" % (DOMAINS, MAILBOXES))
    seed(bench)
    export_dir = bench.work / "adopt-export"
    python = "ansible_python_interpreter=%s" % sys.executable
    export = measured(bench, "export", [ansible_playbook(), "-i", "localhost,", "-c", "local", "-e", python,
                                        "-e", "mailcow_export_dir=%s" % export_dir, str(REPO / "playbooks" / "export.yml")])
    bench.sandbox.wait_quiet()
    floor = export_floor(bench)
    bench.note("adopt export: %.1f s, peak RSS %.0f MiB, %s requests; floor %.1f s, %d requests" % (
        export.get("wall_s", 0), export["peak_rss_mib"], export["requests"], floor["wall_s"], floor["requests"]))
    forks = ["--forks", os.environ["BENCH_ADOPT_FORKS"]] if os.environ.get("BENCH_ADOPT_FORKS") else []
    reapply = measured(bench, "reapply", [ansible_playbook(), "-i", str(export_dir / "inventory.yml"), "-e", python, *forks,
                                          str(REPO / "playbooks" / "provision.yml")])
    bench.sandbox.wait_quiet()
    reapply_fl = reapply_floor(bench, export_dir)
    bench.note("adopt re-apply: %.1f s, %s requests, %s writes; floor %.1f s, %d requests" % (
        reapply.get("wall_s", 0), reapply["requests"], reapply["writes"], reapply_fl["wall_s"], reapply_fl["requests"]))
    changed = changed_in_log(Path(reapply["log"]))
    bench.sections.append(section(export, floor, reapply, reapply_fl, changed))


def changed_in_log(log: Path) -> int | None:
    """The sum of changed= over the play recap of the run's log, or None when there is none."""
    total = None
    for line in log.read_text(errors="replace").splitlines():
        if " : ok=" in line and "changed=" in line:
            total = (total or 0) + int(line.split("changed=")[1].split()[0])
    return total


def section(export: dict[str, t.Any], floor: dict[str, t.Any], reapply: dict[str, t.Any], reapply_floor_: dict[str, t.Any],
            changed: int | None) -> dict[str, t.Any]:
    def ratio(a: dict[str, t.Any], b: dict[str, t.Any]) -> float:
        return round(float(a.get("wall_s") or 0) / float(b["wall_s"]), 2) if b.get("wall_s") else float("inf")

    export_ratio, reapply_ratio = ratio(export, floor), ratio(reapply, reapply_floor_)
    lines = [
        "## Adopt: export of %d domains x %d mailboxes, and the no-change re-apply of all %d in one run" % (DOMAINS, MAILBOXES, DOMAINS),
        "",
        "| what | wall s | CPU s | peak RSS MiB | requests | floor wall s | floor requests | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        "| export (playbooks/export.yml) | %.2f | %.2f | %.1f | %s | %.2f | %d | %.2fx |" % (
            export.get("wall_s") or 0, export.get("cpu_s") or 0, export["peak_rss_mib"], export["requests"], floor["wall_s"], floor["requests"],
            export_ratio),
        "| re-apply, no change (playbooks/provision.yml) | %.2f | %.2f | %.1f | %s | %.2f | %d | %.2fx |" % (
            reapply.get("wall_s") or 0, reapply.get("cpu_s") or 0, reapply["peak_rss_mib"], reapply["requests"], reapply_floor_["wall_s"],
            reapply_floor_["requests"], reapply_ratio),
        "",
        "%d domains, %d mailboxes, %d aliases and 1 app password per domain, realistic latency, 2 workers. The re-apply changed %s and sent %s writes." % (
            DOMAINS, DOMAINS * MAILBOXES, ALIASES, changed, reapply["writes"]),
    ]
    problems = []
    for name, rec in (("export", export), ("re-apply", reapply)):
        if rec.get("rc") != 0:
            problems.append("adopt %s failed (rc=%s), see %s" % (name, rec.get("rc"), rec["log"]))
    results = [
        {"target": "adopt: re-apply of %d exported domains changes nothing and writes nothing" % DOMAINS,
         "passed": changed == 0 and reapply["writes"] == 0 and reapply.get("rc") == 0, "detail": "changed=%s, %s writes" % (changed, reapply["writes"])},
        {"target": "adopt: %d-domain no-change re-apply within %.0fx its floor" % (DOMAINS, TARGET_RATIO), "passed": reapply_ratio <= TARGET_RATIO,
         "detail": "%.2fx (%.2f s vs %.2f s)" % (reapply_ratio, reapply.get("wall_s") or 0, reapply_floor_["wall_s"])},
    ]
    data = {"export": export, "export_floor": floor, "reapply": reapply, "reapply_floor": reapply_floor_, "changed": changed,
            "export_ratio": export_ratio, "reapply_ratio": reapply_ratio}
    return {"title": "adopt", "data": data, "markdown": "\n".join(lines), "targets": results, "problems": problems}
