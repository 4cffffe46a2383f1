#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_send_mail
short_description: Send an e-mail through a Mailcow mailbox over SMTP submission
version_added: 0.1.0
description:
  - Logs in to the SMTP submission service as a mailbox and sends one message, as a mail client does.
  - Builds a standard MIME message - plain text and/or HTML (C(multipart/alternative) when both),
    attachments, Unicode display names and subjects, custom headers - with a Message-ID that is
    always returned, generated when O(message_id) is not given.
  - With O(save_to_sent=true), also keeps a copy in the sender's Sent folder over IMAP, because
    Mailcow (like most servers) does not keep sent mail by itself.
  - With O(save_to_sent=true) and a fixed O(message_id), the task is idempotent - a message with that
    Message-ID already in Sent is not sent again.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.smtp
  - glassdome.mailcow.imap
attributes:
  check_mode:
    support: full
    details:
      - Check mode sends nothing and makes no SMTP connection; RV(msg) says so. A later
        M(glassdome.mailcow.mailcow_message_info) task that waits for this mail does not wait in check mode.
      - With O(save_to_sent=true), check mode logs in to IMAP (read-only) to find the Sent folder and, with O(message_id),
        looks for the Message-ID there, so it predicts C(changed) exactly. Otherwise it connects nowhere and reports C(changed=true).
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - Idempotent only with O(save_to_sent=true) and a fixed O(message_id) - the module then searches Sent for that
        Message-ID (C(SEARCH HEADER Message-ID)) and sends only when it is not there.
      - Otherwise every run sends the message again.
options:
  from:
    description:
      - The sender, C(user@example.org) or with a display name, C(Jane Doe <jane@example.org>).
      - It is the C(From) header and the envelope sender. Mailcow accepts it only if the login owns it
        (its own address, an alias that allows sending, or an address in its sender ACL); otherwise the
        task fails with Mailcow's C(553 ... not owned by user).
      - The option is called C(from) as in a mail header; V(sender) is an alias, as in M(community.general.mail).
    type: str
    required: true
    aliases: [sender]
  to:
    description:
      - Recipients in the C(To) header, each C(user@example.org) or C(Name <user@example.org>).
      - A comma-separated string is split into a list; quote display names that contain a comma.
    type: list
    elements: str
  cc:
    description: Recipients in the C(Cc) header.
    type: list
    elements: str
  bcc:
    description:
      - Hidden recipients. They are sent to but appear in no header of the sent message;
        the copy in Sent keeps a C(Bcc) header, as mail clients do.
    type: list
    elements: str
  reply_to:
    description: Addresses for the C(Reply-To) header.
    type: list
    elements: str
  subject:
    description: The subject; any Unicode text on one line (line breaks become spaces).
    type: str
    required: true
  body:
    description:
      - The plain-text body.
      - With O(html_body) too, the message is C(multipart/alternative) with both.
      - With neither, the body is empty.
    type: str
  html_body:
    description: An HTML body.
    type: str
  attachments:
    description:
      - Paths of files to attach, on the host that runs the module. The file name is kept; the content type
        is guessed from it.
    type: list
    elements: path
  headers:
    description:
      - Extra headers, name to value, for example C(X-Ticket) or C(In-Reply-To).
      - Headers that other options set (C(From), C(To), C(Subject), C(Message-ID), C(Content-Type), ...) are refused.
    type: dict
  charset:
    description: Character set of the text parts. Non-ASCII text that this charset cannot hold is an error.
    type: str
    default: utf-8
  message_id:
    description:
      - The Message-ID, C(<unique@example.org>); the angle brackets may be left out.
      - If not set, a new unique one in the sender's domain is generated. Either way RV(message_id) returns it.
      - Set it, with O(save_to_sent=true), to make the task idempotent. Use an ID unique to this one message,
        for example built from the inventory host and the purpose of the mail.
    type: str
  save_to_sent:
    description:
      - After sending, append the message to the sender's Sent folder over IMAP (marked as read).
      - The folder is the one with the C(\Sent) special-use flag, else the one named C(Sent) (created if missing).
      - The IMAP login happens before anything is sent, so IMAP problems fail the task without sending.
    type: bool
    default: false
  username:
    description:
      - The mailbox to log in as, a full address. If not set, the address of O(from).
      - Used for SMTP and, with O(save_to_sent), for IMAP.
    type: str
notes:
  - Mailcow silently drops a second delivery of the same Message-ID to one mailbox within a minute (a Sieve
    duplicate test), so resending one message with a fixed O(message_id) may not arrive twice.
  - When some recipients are refused and others accepted, the message is sent, the task succeeds with a warning
    and RV(refused) says why. When every recipient is refused, the task fails and nothing is sent.
seealso:
  - module: glassdome.mailcow.mailcow_message_info
  - module: glassdome.mailcow.mailcow_mailbox
  - module: community.general.mail
    description: Sends mail through any SMTP server, without a Sent copy or idempotency.
"""

EXAMPLES = r"""
- name: Send a report as alice, connection set once for both mail modules
  module_defaults:
    glassdome.mailcow.mailcow_send_mail: &mail_connection
      smtp_host: mail.example.org
      imap_host: mail.example.org
      ca_path: /etc/ssl/mailcow-ca.pem
    glassdome.mailcow.mailcow_message_info: *mail_connection
  block:
    - name: Send the nightly report with an attachment, once per day even if the play is re-run
      glassdome.mailcow.mailcow_send_mail:
        from: Alice Example <alice@example.org>
        password: "{{ vault_alice_password }}"
        to:
          - bob@example.org
          - "\"Doe, Jane\" <jane@example.org>"
        subject: "Nightly report {{ '%Y-%m-%d' | strftime }}"
        body: "Hello Bob,\n\nthe report is attached.\n"
        html_body: "<p>Hello Bob,</p><p>the report is attached.</p>"
        attachments:
          - /var/reports/nightly.pdf
        message_id: "<nightly-{{ '%Y-%m-%d' | strftime }}@reports.example.org>"
        save_to_sent: true
      register: sent

    - name: Wait up to two minutes for it to reach Bob
      glassdome.mailcow.mailcow_message_info:
        username: bob@example.org
        password: "{{ vault_bob_password }}"
        message_id: "{{ sent.message_id }}"
        wait_timeout: 120

- name: Send through the implicit-TLS port with a custom header
  glassdome.mailcow.mailcow_send_mail:
    smtp_host: mail.example.org
    smtp_port: 465
    from: monitoring@example.org
    password: "{{ vault_monitoring_password }}"
    to: oncall@example.org
    subject: "Disk almost full on {{ inventory_hostname }}"
    body: "{{ ansible_facts.mounts | to_nice_yaml }}"
    headers:
      X-Priority: "1"
"""

RETURN = r"""
msg:
  description: In check mode, that nothing was sent and to whom it would go.
  returned: in check mode, unless the message is already in Sent
  type: str
  sample: "check mode: nothing was sent (it would go to bob@example.org); a task that waits for this mail will not find it"
message_id:
  description: The Message-ID of the message, with angle brackets; the generated one when O(message_id) was not set.
  returned: always
  type: str
  sample: "<176398324512.4242.1522937412377521441@example.org>"
recipients:
  description: The envelope recipients (To, Cc and Bcc addresses), each once.
  returned: always
  type: list
  elements: str
  sample: [bob@example.org, jane@example.org]
accepted:
  description: Recipients the server accepted; empty when nothing was sent (check mode, or already in Sent).
  returned: always
  type: list
  elements: str
  sample: [bob@example.org]
refused:
  description: Recipients the server refused, with its reply; the others still got the message.
  returned: always
  type: dict
  sample: {"nobody@example.org": "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"}
sent:
  description: Whether the message was sent in this run.
  returned: always
  type: bool
  sample: true
saved_to_sent:
  description: Whether a copy was appended to RV(sent_folder) in this run.
  returned: always
  type: bool
  sample: true
found_in_sent:
  description: Whether a message with this Message-ID was already in RV(sent_folder), so that nothing was sent.
  returned: always
  type: bool
  sample: false
sent_folder:
  description: The folder that holds (or would hold) the copy.
  returned: when O(save_to_sent=true)
  type: str
  sample: Sent
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.argspec import imap_argspec, smtp_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import send_mail


def argument_spec() -> dict:
    spec = dict(smtp_argspec(), **imap_argspec())
    spec.update({
        "from": {"type": "str", "required": True, "aliases": ["sender"]},
        "to": {"type": "list", "elements": "str"},
        "cc": {"type": "list", "elements": "str"},
        "bcc": {"type": "list", "elements": "str"},
        "reply_to": {"type": "list", "elements": "str"},
        "subject": {"type": "str", "required": True},
        "body": {"type": "str"},
        "html_body": {"type": "str"},
        "attachments": {"type": "list", "elements": "path"},
        "headers": {"type": "dict"},
        "charset": {"type": "str", "default": "utf-8"},
        "message_id": {"type": "str"},
        "save_to_sent": {"type": "bool", "default": False},
        "username": {"type": "str"},
    })
    return spec


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), required_one_of=[("to", "cc", "bcc")], supports_check_mode=True)
    try:
        result = send_mail(module.params, check_mode=module.check_mode)
    except MailcowError as exc:
        module.fail_json(msg=str(exc), **exc.to_result())
    for address, reply in result["refused"].items():
        module.warn("the SMTP server refused recipient %s: %s" % (address, reply))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
