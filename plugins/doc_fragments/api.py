# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Connection options of every module that talks to Mailcow's REST API.
    # Keep in step with plugins/module_utils/_argspec.py:api_argspec().
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the Mailcow server, for example V(https://mail.example.org).
      - A trailing V(/api) or V(/api/v1) is accepted and ignored.
      - If not set, the value of the E(MAILCOW_API_URL) environment variable is used. One of them is required.
      - A URL with a user name or password (V(https://user:pass@host)) is refused without being shown, because
        Mailcow authenticates with O(api_key) only.
    type: str
  api_key:
    description:
      - Mailcow API key, sent as the C(X-API-Key) header.
      - A read-only key is enough for the C(_info) modules; changes need the read-write key.
      - If not set, the environment variable E(MAILCOW_API_KEY) is used, then E(MAIL_API). One of them is required.
      - A key with white space or control characters (for example a newline copied from a file) is refused
        before any request, with a message that does not show it.
      - Requests refused with HTTP 401 are never retried, because Mailcow bans an IP after
        10 failed API logins.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
      - If not set, the value of the E(MAILCOW_VERIFY_SSL) environment variable is used,
        and when that is unset too the certificate is verified.
      - Set O(ca_path) rather than turning verification off for a self-signed certificate.
    type: bool
  ca_path:
    description:
      - Path of a PEM CA bundle to verify the server certificate with, for example the CA
        of a self-signed Mailcow certificate.
      - If not set, the value of the E(MAILCOW_CA_PATH) environment variable is used, else
        the system's trust store.
    type: path
  timeout:
    description:
      - Seconds to wait for each API answer, from V(1) to V(3600).
    type: int
    default: 30
notes:
  - Failed reads are retried a few times with exponential backoff on connection errors and
    HTTP 502, 503 and 504; writes are retried only when the connection was never established.
requirements:
  - requests
"""
