# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Where mailcow_send_mail submits mail.
    # Keep in step with plugins/module_utils/_mail/argspec.py:smtp_argspec().
    DOCUMENTATION = r"""
options:
  smtp_host:
    description:
      - Host name or address of the SMTP submission server.
      - If not set, the value of the E(MAILCOW_SMTP_HOST) environment variable is used, else
        C(mail.<domain>) where C(<domain>) is the domain of the login address.
      - TLS certificates are checked against this name.
    type: str
  smtp_port:
    description:
      - Port of the SMTP submission server.
      - If not set, the value of the E(MAILCOW_SMTP_PORT) environment variable is used, else V(587)
        with O(smtp_security=starttls) and V(465) with O(smtp_security=tls).
    type: int
  smtp_security:
    description:
      - How the SMTP connection is secured. There is no plain-text mode, because Mailcow accepts a login only over TLS.
      - V(starttls) connects in plain text and upgrades with STARTTLS before logging in (Mailcow's port 587).
      - V(tls) speaks TLS from the first byte (Mailcow's port 465).
      - If not set, V(tls) when O(smtp_port) is V(465), else V(starttls).
    type: str
    choices: [starttls, tls]
"""
