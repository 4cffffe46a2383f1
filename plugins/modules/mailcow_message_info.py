#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_message_info
short_description: Read, search and wait for messages in a Mailcow mailbox over IMAP
version_added: 0.1.0
description:
  - Logs in to IMAP as a mailbox and returns the messages of one folder that match the filters, newest first,
    with decoded headers, flags, size, the text body and the list of attachments.
  - The server does the searching; only the messages returned are fetched, and of those only headers,
    structure and (size-capped) body text, never attachment contents.
  - With O(wait_timeout), waits until O(wait_count) messages match, which makes it the way for a play to wait
    for a mail to arrive. It waits with IMAP C(IDLE) where the server offers it (Mailcow's Dovecot does), so the
    task returns as soon as the message is delivered; see O(wait_method).
  - Read-only unless O(mark_seen=true).
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.imap
attributes:
  check_mode:
    support: full
    details:
      - The folder is opened read-only (C(EXAMINE)) and message bodies are read with C(PEEK), so nothing changes.
      - With O(mark_seen=true), check mode reports C(changed) and the flags as they would be, without storing them.
      - Check mode does not wait (O(wait_timeout)) - it searches once and succeeds, and RV(msg) says how many of the
        O(wait_count) messages are there. The mail waited for is most often one an earlier task sends, and in check
        mode M(glassdome.mailcow.mailcow_send_mail) sends nothing, so a wait could only time out.
  diff_mode:
    support: none
  idempotent:
    support: full
    details: Only O(mark_seen=true) changes anything, and a second run finds the messages already seen.
options:
  username:
    description: The mailbox to log in as, a full address.
    type: str
    required: true
  folder:
    description:
      - The folder to read, for example V(INBOX), V(Sent), V(Junk) or V(Archive/2026) (Mailcow separates levels with C(/)).
      - Non-ASCII folder names are fine.
    type: str
    default: INBOX
  unseen:
    description: Only messages not yet marked as read (without C(\Seen)).
    type: bool
    default: false
  since:
    description:
      - Only messages that arrived at or after this time.
      - A date V(2026-11-24) (whole days, as IMAP compares them, in the server's time zone), an ISO 8601 time
        V(2026-11-24T10:00:00+01:00) (local time without a zone), or an age such as V(30m), V(2h), V(7d) meaning that long ago.
      - Times finer than a day need the server's IMAP C(WITHIN) extension (Dovecot, and so Mailcow, has it);
        without it only the date counts.
    type: str
  before:
    description: Only messages that arrived before this time; the same forms as O(since).
    type: str
  from:
    description: Only messages whose C(From) header contains this text (an address, part of one, or a name).
    type: str
  to:
    description: Only messages whose C(To) header contains this text.
    type: str
  subject:
    description: Only messages whose subject contains this text (case-insensitive; Unicode is fine).
    type: str
  message_id:
    description:
      - Only the message with this Message-ID, for example RV(glassdome.mailcow.mailcow_send_mail#module:message_id)
        of the task that sent it. Angle brackets may be left out.
    type: str
  header:
    description: Only messages whose headers contain these values, header name to text, all of them.
    type: dict
  limit:
    description:
      - Return at most this many messages, the newest (most recently arrived in the folder) first.
      - RV(matched) still counts them all. V(0) returns every match.
    type: int
    default: 50
  include_body:
    description:
      - Return the text of each message as RV(messages[].body) - the C(text/plain) part, or the C(text/html) part
        when there is no plain text - decoded to Unicode.
    type: bool
    default: true
  max_body_size:
    description:
      - Read at most this many bytes of each body; a longer one is cut and RV(messages[].body_truncated) is true.
    type: int
    default: 65536
  wait_timeout:
    description:
      - Seconds to wait for at least O(wait_count) messages to match.
      - The folder is searched once; while fewer match, the task waits for the server to report a change
        (O(wait_method)) and searches again after each. A last search runs when the time is up, then the task fails with a
        message naming the filters.
      - V(0) does not wait and requires nothing - an empty RV(messages) is a success.
      - In check mode the task does not wait; see the C(check_mode) attribute.
    type: int
    default: 0
  wait_method:
    description:
      - How O(wait_timeout) waits between searches.
      - V(idle) uses IMAP C(IDLE) (RFC 2177) - the server tells the open connection when a message arrives or flags
        change, and the search is repeated right then. Dovecot (and so Mailcow) gathers changes for half a second
        before it reports them, so a wait ends about 0.5 s after the delivery, every time. The C(IDLE) is ended with
        C(DONE) before every other command, and re-issued every four minutes so that neither the server's 30-minute
        limit nor a firewall forgetting a quiet connection ends it. Fails when the server does not offer C(IDLE).
      - V(poll) asks the server for changes with a C(NOOP) every O(wait_interval) seconds and searches again when it
        reports one, so a wait ends up to O(wait_interval) after the delivery; for servers or networks where C(IDLE)
        misbehaves, or to get below Dovecot's half second with a short O(wait_interval).
      - V(auto) is V(idle) when the server announces the C(IDLE) capability, else V(poll).
      - A connection lost while idling fails the task with a message saying so; it is not re-opened, and nothing
        has been changed at that point, so the task can simply run again.
    type: str
    choices: [auto, idle, poll]
    default: auto
  wait_interval:
    description:
      - Seconds between two checks when O(wait_timeout) polls (O(wait_method=poll), or V(auto) on a server without C(IDLE)).
      - Each check is one C(NOOP); the folder is searched again only when the server reports a change.
      - At least V(0.1). V(0.1) ends a wait within about a tenth of a second of the delivery, also on Dovecot, at the cost
        of ten commands a second for as long as the wait lasts.
    type: float
    default: 1.0
  wait_count:
    description: How many matching messages O(wait_timeout) waits for.
    type: int
    default: 1
  mark_seen:
    description:
      - Mark the returned messages as read (C(\Seen)). The task reports C(changed) when any was unread.
      - Only the messages returned (at most O(limit)) are marked.
    type: bool
    default: false
notes:
  - Newest first means the highest IMAP UID first, the order in which messages arrived in the folder.
seealso:
  - module: glassdome.mailcow.mailcow_send_mail
  - module: glassdome.mailcow.mailcow_mailbox
"""

EXAMPLES = r"""
- name: Show the newest five messages of a mailbox (connection from the environment, as in the sandbox)
  glassdome.mailcow.mailcow_message_info:
    username: bob@example.org
    password: "{{ vault_bob_password }}"
    limit: 5
  register: inbox

- name: Print their subjects
  ansible.builtin.debug:
    msg: "{{ inbox.messages | map(attribute='subject') }}"

- name: Monitor a mailbox - wait up to 5 minutes for an unread alert, then mark it read
  module_defaults:
    glassdome.mailcow.mailcow_message_info:
      imap_host: mail.example.org
      imap_port: 993
      ca_path: /etc/ssl/mailcow-ca.pem
  glassdome.mailcow.mailcow_message_info:
    username: alerts@example.org
    password: "{{ vault_alerts_password }}"
    unseen: true
    from: monitoring@example.org
    subject: CRITICAL
    since: 1h
    wait_timeout: 300
    mark_seen: true
  register: alerts

- name: Check that the report arrived with its attachment
  ansible.builtin.assert:
    that:
      - alerts.messages[0].attachments | map(attribute='filename') is contains('nightly.pdf')
    fail_msg: "the alert came without the report"

- name: Find a message by a custom header, without bodies
  glassdome.mailcow.mailcow_message_info:
    username: alice@example.org
    password: "{{ vault_alice_password }}"
    folder: Sent
    header:
      X-Ticket: "4711"
    include_body: false
"""

RETURN = r"""
msg:
  description: In check mode with O(wait_timeout), that the task did not wait and how many of the wanted messages matched.
  returned: in check mode, when O(wait_timeout) is set
  type: str
  sample: "check mode: did not wait; 0 of the 1 message(s) wanted are in folder INBOX of bob@example.org now, matching ..."
folder:
  description: The folder that was read.
  returned: success
  type: str
  sample: INBOX
matched:
  description: How many messages matched the filters (RV(messages) holds at most O(limit) of them).
  returned: success
  type: int
  sample: 3
messages:
  description: The matching messages, newest first.
  returned: success
  type: list
  elements: dict
  contains:
    uid:
      description: The IMAP UID of the message in its folder.
      type: int
      sample: 42
    message_id:
      description: The Message-ID header, or null when the message has none.
      type: str
      sample: "<176398324512.4242.1522937412377521441@example.org>"
    from:
      description: The C(From) header, decoded, C(Name <address>).
      type: str
      sample: Jürgen Example <juergen@example.org>
    from_address:
      description: The address of the C(From) header alone, lower-case.
      type: str
      sample: juergen@example.org
    to:
      description: The C(To) addresses, decoded.
      type: list
      elements: str
      sample: [Bob <bob@example.org>]
    cc:
      description: The C(Cc) addresses, decoded.
      type: list
      elements: str
      sample: []
    subject:
      description: The subject, decoded to Unicode.
      type: str
      sample: Grüße aus Köln
    date:
      description: The C(Date) header as ISO 8601 (the arrival time when the header is missing or unreadable).
      type: str
      sample: "2026-11-24T10:00:00+01:00"
    received:
      description: When the message arrived in the folder (IMAP INTERNALDATE), ISO 8601.
      type: str
      sample: "2026-11-24T10:00:02+01:00"
    flags:
      description: IMAP flags, after O(mark_seen) (predicted in check mode).
      type: list
      elements: str
      sample: ["\\Seen"]
    size:
      description: Size of the whole message in bytes, as stored.
      type: int
      sample: 5423
    body:
      description: The text body, decoded, at most O(max_body_size) bytes of it.
      type: str
      returned: when O(include_body=true)
      sample: "Hello Bob,\n\nthe report is attached.\n"
    body_truncated:
      description: Whether RV(messages[].body) was cut at O(max_body_size).
      type: bool
      returned: when O(include_body=true)
      sample: false
    attachments:
      description: The attached files, in order, without their contents.
      type: list
      elements: dict
      contains:
        filename:
          description: The file name, decoded; null when the part has none.
          type: str
          sample: nightly.pdf
        content_type:
          description: The MIME type.
          type: str
          sample: application/pdf
        size:
          description: Decoded size in bytes (the size as stored, still encoded, if the server lacks IMAP C(BINARY)).
          type: int
          sample: 5242880
      sample: [{filename: nightly.pdf, content_type: application/pdf, size: 5242880}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.argspec import imap_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import message_info


def argument_spec() -> dict:
    spec = imap_argspec()
    spec.update({
        "username": {"type": "str", "required": True},
        "folder": {"type": "str", "default": "INBOX"},
        "unseen": {"type": "bool", "default": False},
        "since": {"type": "str"},
        "before": {"type": "str"},
        "from": {"type": "str"},
        "to": {"type": "str"},
        "subject": {"type": "str"},
        "message_id": {"type": "str"},
        "header": {"type": "dict"},
        "limit": {"type": "int", "default": 50},
        "include_body": {"type": "bool", "default": True},
        "max_body_size": {"type": "int", "default": 65536},
        "wait_timeout": {"type": "int", "default": 0},
        "wait_count": {"type": "int", "default": 1},
        "wait_method": {"type": "str", "choices": ["auto", "idle", "poll"], "default": "auto"},
        "wait_interval": {"type": "float", "default": 1.0},
        "mark_seen": {"type": "bool", "default": False},
    })
    return spec


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        result = message_info(module.params, check_mode=module.check_mode)
    except MailcowError as exc:
        module.fail_json(msg=str(exc), **exc.to_result())
    module.exit_json(**result)


if __name__ == "__main__":
    main()
