# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Where the mail modules read mail (and keep the Sent copy), and the login and TLS options
    # that SMTP and IMAP share. Keep in step with plugins/module_utils/_mail/argspec.py:imap_argspec().
    DOCUMENTATION = r"""
options:
  imap_host:
    description:
      - Host name or address of the IMAP server.
      - If not set, the value of the E(MAILCOW_IMAP_HOST) environment variable is used, else
        C(mail.<domain>) where C(<domain>) is the domain of the login address.
      - TLS certificates are checked against this name.
    type: str
  imap_port:
    description:
      - Port of the IMAP server.
      - If not set, the value of the E(MAILCOW_IMAP_PORT) environment variable is used, else V(993)
        with O(imap_security=tls) and V(143) with O(imap_security=starttls).
    type: int
  imap_security:
    description:
      - How the IMAP connection is secured. There is no plain-text mode, because Mailcow's Dovecot refuses a
        login before TLS.
      - V(tls) speaks TLS from the first byte (Mailcow's port 993).
      - V(starttls) connects in plain text and upgrades with STARTTLS before logging in (Mailcow's port 143).
      - If not set, V(starttls) when O(imap_port) is V(143), else V(tls).
    type: str
    choices: [tls, starttls]
  password:
    description:
      - Password of the mailbox login, or one of its app passwords (M(glassdome.mailcow.mailcow_app_password)).
      - The same login is used for SMTP and IMAP. An app password logs in only where its O(glassdome.mailcow.mailcow_app_password#module:protocols)
        allow it - V(imap_access) for IMAP and V(smtp_access) for sending - and Mailcow refuses it elsewhere as a wrong password.
    type: str
    required: true
  validate_certs:
    description:
      - Whether to verify the mail servers' TLS certificates, including their host names.
      - If not set, the value of the E(MAILCOW_VERIFY_SSL) environment variable is used,
        and when that is unset too the certificates are verified.
      - Set O(ca_path) rather than turning verification off for a self-signed certificate.
    type: bool
  ca_path:
    description:
      - Path of a PEM CA bundle to verify the mail servers' certificates with, for example the CA
        of a self-signed Mailcow certificate. It serves SMTP and IMAP alike.
      - If not set, the value of the E(MAILCOW_CA_PATH) environment variable is used, else
        the system's trust store.
    type: path
  timeout:
    description:
      - Seconds to wait for the connection and for each answer of a mail server.
    type: int
    default: 30
notes:
  - Connections use TLS 1.2 or later, as Mailcow requires.
  - Logins use C(AUTH PLAIN) (UTF-8 passwords work) and the full e-mail address as user name.
    Mailcow's Dovecot caches logins, so for up to a minute after a mailbox is created a login that
    failed just before may keep failing, and for up to five minutes after a password change or
    deactivation the old password may keep working.
"""
