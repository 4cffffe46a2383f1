# SPDX-License-Identifier: GPL-3.0-or-later
"""Baseline (c), the floor: the minimal necessary HTTP calls from a plain `requests` script.

usage: python floor.py INVENTORY first|rerun|change10 [--listing reduced|full]

Sequential, one keep-alive connection, no Ansible. It knows which phase it is in, so it makes
only the calls that phase needs:
  first     one add per mailbox
  rerun     one listing of the domain
  change10  one listing, then the edits that differ (equal edits batched, as Mailcow allows)
The listing is Mailcow's reduced one (get/mailbox/reduced/<domain>), the read the collection
makes; --listing full reads get/mailbox/all/<domain> instead, which is how the benchmark shows
both listings side by side (phase rerun-full).
Connection from MAILCOW_API_URL / MAILCOW_API_KEY / MAILCOW_CA_PATH. Counts go to the JSON file
named by BENCH_COUNTS_FILE (if set): {"changed": ..., "failed": ..., "requests": ...}.
"""

from __future__ import annotations

import json
import os
import sys
import typing as t
from pathlib import Path

import requests

from inventory import read_host_vars

MIB = 1024 * 1024


class Floor:
    def __init__(self, api_url: str, api_key: str, ca_path: str) -> None:
        self.base = api_url.rstrip("/") + "/api/v1/"
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = ca_path or True
        self.session.headers.update({"X-API-Key": api_key})
        self.requests = 0
        self.failed = 0

    def get(self, path: str) -> t.Any:
        self.requests += 1
        response = self.session.get(self.base + path, timeout=120)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: t.Any) -> bool:
        self.requests += 1
        answer = self.session.post(self.base + path, json=body, timeout=120).json()
        entries = answer if isinstance(answer, list) else [answer]
        ok = not any(isinstance(e, dict) and e.get("type") in ("danger", "error") for e in entries)
        self.failed += 0 if ok else 1
        return ok


def first(floor: Floor, domain: str, boxes: list[dict[str, t.Any]]) -> int:
    added = 0
    for box in boxes:
        body = {"local_part": box["local_part"], "domain": domain, "name": box["name"], "quota": box["quota"],
                "password": box["password"], "password2": box["password"], "active": 1}
        added += floor.post("add/mailbox", body)
    return added


LISTINGS = {"reduced": "get/mailbox/reduced/", "full": "get/mailbox/all/"}


def listing(floor: Floor, domain: str, kind: str = "reduced") -> dict[str, dict[str, t.Any]]:
    data = floor.get(LISTINGS[kind] + domain)
    items = data if isinstance(data, list) else ([data] if isinstance(data, dict) and data else [])
    return {str(item["username"]).lower(): item for item in items if str(item.get("domain", "")).lower() == domain}


def edits(existing: dict[str, dict[str, t.Any]], domain: str, boxes: list[dict[str, t.Any]]) -> dict[str, tuple[dict[str, t.Any], list[str]]]:
    """Attributes that differ, grouped: mailboxes needing the same attributes share one edit."""
    groups: dict[str, tuple[dict[str, t.Any], list[str]]] = {}
    for box in boxes:
        address = "%s@%s" % (box["local_part"], domain)
        have = existing.get(address, {})
        attr = {}
        if have.get("name") != box["name"]:
            attr["name"] = box["name"]
        if int(have.get("quota") or 0) // MIB != box["quota"]:
            attr["quota"] = box["quota"]
        if attr:
            groups.setdefault(json.dumps(attr, sort_keys=True), (attr, []))[1].append(address)
    return groups


def change(floor: Floor, domain: str, boxes: list[dict[str, t.Any]]) -> int:
    changed = 0
    for attr, items in edits(listing(floor, domain), domain, boxes).values():
        if floor.post("edit/mailbox", {"items": items, "attr": attr}):
            changed += len(items)
    return changed


def main(args: list[str]) -> int:
    kind = "reduced"
    if len(args) == 4 and args[2] == "--listing" and args[3] in LISTINGS:
        kind, args = args[3], args[:2]
    if len(args) != 2 or args[1] not in ("first", "rerun", "change10"):
        print("usage: floor.py INVENTORY first|rerun|change10 [--listing reduced|full]", file=sys.stderr)
        return 2
    host_vars = read_host_vars(Path(args[0]))
    domain, boxes = host_vars["mailcow_domain"], host_vars["mailcow_mailboxes"]
    floor = Floor(os.environ["MAILCOW_API_URL"], os.environ["MAILCOW_API_KEY"], os.environ.get("MAILCOW_CA_PATH", ""))
    changed = 0
    if args[1] == "first":
        changed = first(floor, domain, boxes)
    elif args[1] == "rerun":
        listing(floor, domain, kind)
    else:
        changed = change(floor, domain, boxes)
    counts = {"changed": changed, "tasks_changed": changed, "failed": floor.failed, "requests": floor.requests}
    print("floor %s: %s" % (args[1], json.dumps(counts)))
    if os.environ.get("BENCH_COUNTS_FILE"):
        Path(os.environ["BENCH_COUNTS_FILE"]).write_text(json.dumps(counts))
    return 1 if floor.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
