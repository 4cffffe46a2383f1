# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""glassdome.mailcow.mailbox: an event for each new message in a mailbox folder, over IMAP.

Logs in to the mailbox (Mailcow's Dovecot), opens the folder read-only (nothing is marked seen) and
waits for mail with IMAP IDLE where the server offers it, polling otherwise. Each message that
arrives after the source started is one event, once: the source remembers the folder's UIDVALIDITY
and the last UID it reported, so reconnecting (after the server restarted or dropped the connection,
with a delay that doubles from reconnect_delay up to max_reconnect_delay) reports only what came
meanwhile, and with state_file also a restart of ansible-rulebook. Neither events nor log lines ever
hold the password. A wrong argument, a refused login or a missing folder ends the source.

Arguments (the IMAP options of glassdome.mailcow.mailcow_message_info, with its environment variables):
  username:            the mailbox to log in as (required)
  password:            its password or an app password (required; never logged)
  folder:              the folder to watch (default INBOX)
  imap_host:           default mail.<domain of username>; MAILCOW_IMAP_HOST
  imap_port:           default 993 (143 with imap_security=starttls); MAILCOW_IMAP_PORT
  imap_security:       tls or starttls (default: from the port)
  validate_certs:      verify the server's certificate (default true); MAILCOW_VERIFY_SSL
  ca_path:             CA bundle that signed it; MAILCOW_CA_PATH
  timeout:             seconds for each IMAP step (default 30)
  include_body:        put the text body into the event (default false)
  max_body_size:       the most bytes of body an event carries (default 8192; body_truncated tells)
  wait_method:         auto (IDLE where offered), idle or poll (default auto)
  wait_interval:       seconds between polls when polling (default 10)
  include_existing:    also report the messages in the folder when the source first starts (default false)
  state_file:          JSON file keeping the last UID reported across restarts (default: memory only); written
                       right after each event, so a kill in between reports that mail again after the restart
  reconnect_delay:     first delay before reconnecting, seconds (default 1)
  max_reconnect_delay: longest delay before reconnecting, seconds (default 60)

Each event:
  type: mail
  mailbox, folder, uid, uid_validity
  message: message_id, from, from_address, to, cc, subject, date, received, size, flags, uid,
           attachments (filename, content_type, size each), and with include_body body and body_truncated

Example:
  - name: Shared mailbox
    hosts: all
    sources:
      - glassdome.mailcow.mailbox:
          username: support@example.org
          password: "{{ support_password }}"
    rules:
      - name: New support mail
        condition: event.type == "mail"
        action:
          run_job_template:
            name: Handle support mail
            organization: Default
            job_args:
              extra_vars:
                subject: "{{ event.message.subject }}"

Local test (arguments as JSON in a file, so that the password stays out of the command line):
  python mailbox.py args.json
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
    """Put an event on ``queue`` for every new message in the folder, until cancelled."""
    await manager.serve_source("mailbox", queue, args)


if __name__ == "__main__":
    manager.run_locally(main, sys.argv)
