# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""glassdome.mailcow.events: Mailcow's operational events, polled over its REST API.

Every interval seconds it reads what the checks name (a read-only API key is enough) and puts an
event for each new thing on the queue, once:
  bans:       a network fail2ban banned (get/fail2ban, as mailcow_fail2ban_info reads it)
  quarantine: a message Mailcow held in quarantine (get/quarantine/all)
  queue:      the mail queue reached queue_threshold messages (get/mailq/all)
  containers: a container that is not running (get/status/containers, as mailcow_status_info reads it)
A ban or a quarantine item is reported when it appears; a ban lifted and imposed again is new again.
The queue and a container are reported when the condition starts, and again only after it ended and
came back. Bans and quarantine items already there at the first poll are not reported (unless
include_existing); a full queue or a stopped container is. What was reported is kept in memory, and
with state_file across restarts. A failed read is logged once while it keeps failing and retried at
the next poll; when every check fails, polls back off from reconnect_delay to max_reconnect_delay.
A wrong argument or a refused API key ends the source. The API key is never in an event or a log line.

Arguments (the connection options of every glassdome.mailcow module, with its environment variables):
  api_url:             Mailcow's address, https://mail.example.org; MAILCOW_API_URL
  api_key:             API key (read-only is enough); MAILCOW_API_KEY or MAIL_API; never logged
  validate_certs:      verify the server's certificate (default true); MAILCOW_VERIFY_SSL
  ca_path:             CA bundle that signed it; MAILCOW_CA_PATH
  timeout:             seconds for each request (default 30)
  retries:             retries of a failed read within a poll (default 3)
  max_answer_mib:      the largest answer read (default 64)
  interval:            seconds between polls (default 60)
  checks:              which of bans, quarantine, queue, containers (default all four)
  queue_threshold:     queue size that counts as grown (default 100)
  allowlist:           networks that should never be banned (your offices, monitoring); a ban overlapping one of
                       them, or an entry of Mailcow's own fail2ban allow list, has ban.allowlisted true
  ignore_containers:   containers whose stopping is no event (clamd or clamd-mailcow)
  include_existing:    also report the bans and quarantine items there at the first poll (default false)
  state_file:          JSON file keeping what was reported across restarts (default: memory only)
  reconnect_delay:     first delay after every check failed, seconds (default 1)
  max_reconnect_delay: longest such delay, seconds (default 60)

Each event has type and api_url (scheme, host, port and path only), and one of:
  type ban:        ban: network, ip, permanent, banned_until, seconds_left, queued_for_unban, allowlisted, allowlist_entries
  type quarantine: item: as mailcow_quarantine_info returns it (identity, time, sender, recipient, subject, score, ...)
  type queue:      queue: size, threshold, by_queue (messages per Postfix queue: active, deferred, hold ...)
  type container:  container: name, state, running, started_at, image

Example:
  - name: Mailcow operations
    hosts: all
    sources:
      - glassdome.mailcow.events:
          api_url: https://mail.example.org
          api_key: "{{ mailcow_api_key_ro }}"
          allowlist: [192.0.2.0/24]
    rules:
      - name: Our own network was banned
        condition: event.type == "ban" and event.ban.allowlisted == true
        action:
          debug:
            msg: "fail2ban banned {{ event.ban.network }}"

Local test (arguments as JSON in a file, so that the key stays out of the command line):
  python events.py args.json
"""

from __future__ import annotations

import asyncio
import os
import sys
import typing as t

try:
    from ansible_collections.glassdome.mailcow.plugins.module_utils._events import manager
except ImportError:  # ansible-rulebook runs this file by its path: put the folder holding ansible_collections/ on sys.path
    sys.path.insert(0, os.path.abspath(__file__).rsplit(os.sep + "ansible_collections" + os.sep, 1)[0])
    from ansible_collections.glassdome.mailcow.plugins.module_utils._events import manager


async def main(queue: asyncio.Queue[t.Any], args: dict[str, t.Any]) -> None:
    """Put an event on ``queue`` for every new ban, quarantine item, queue growth and stopped container, until cancelled."""
    await manager.serve_source("events", queue, args)


if __name__ == "__main__":
    manager.run_locally(main, sys.argv)
