# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the SMTP and IMAP options of the mail modules (mailcow_send_mail, mailcow_message_info).

plugins/doc_fragments/smtp.py documents smtp_argspec(); plugins/doc_fragments/imap.py documents
imap_argspec(), which includes the login and TLS options both mail modules share.
"""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import env_fallback


def mail_login_argspec() -> dict[str, dict[str, t.Any]]:
    """Password and TLS options of a mailbox login; one set serves SMTP and IMAP."""
    return {
        "password": {"type": "str", "required": True, "no_log": True},
        "validate_certs": {"type": "bool", "fallback": (env_fallback, ["MAILCOW_VERIFY_SSL"])},
        "ca_path": {"type": "path", "fallback": (env_fallback, ["MAILCOW_CA_PATH"])},
        "timeout": {"type": "int", "default": 30},
    }


def smtp_argspec() -> dict[str, dict[str, t.Any]]:
    """Where to submit mail; unset values are derived in _mail/endpoint.py:resolve_endpoint()."""
    return {
        "smtp_host": {"type": "str", "fallback": (env_fallback, ["MAILCOW_SMTP_HOST"])},
        "smtp_port": {"type": "int", "fallback": (env_fallback, ["MAILCOW_SMTP_PORT"])},
        "smtp_security": {"type": "str", "choices": ["starttls", "tls"]},
    }


def imap_argspec() -> dict[str, dict[str, t.Any]]:
    """Where to read mail (and keep the Sent copy), plus the shared login and TLS options."""
    spec: dict[str, dict[str, t.Any]] = {
        "imap_host": {"type": "str", "fallback": (env_fallback, ["MAILCOW_IMAP_HOST"])},
        "imap_port": {"type": "int", "fallback": (env_fallback, ["MAILCOW_IMAP_PORT"])},
        "imap_security": {"type": "str", "choices": ["tls", "starttls"]},
    }
    spec.update(mail_login_argspec())
    return spec
