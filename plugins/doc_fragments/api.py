# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Connection options of every module that talks to Mailcow's REST API.
    # Keep in step with plugins/module_utils/_api/argspec.py:api_argspec().
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
      - Seconds each API request may take in all, from V(1) to V(3600), that is connecting (at most 5 seconds of it),
        sending, and the whole answer, however slowly the server sends it. Each retry has its own O(timeout).
      - A write whose answer does not come within this time may still have been carried out;
        the module then re-reads the object once to decide (see the notes).
    type: int
    default: 30
  retries:
    description:
      - How many times a failed read is retried (connection errors, HTTP 502, 503 and 504),
        with exponential backoff (0.5, 1, 2, ... seconds, or the server's C(Retry-After), at
        most 10 seconds each). No retry starts once 15 seconds have passed since the first
        attempt, so a server that is down fails a task within about 15 seconds by default.
      - A write is retried only when the connection was never established, so it is never
        sent twice. From V(0) (no retries) to V(10).
    type: int
    default: 3
  max_answer_mib:
    description:
      - The largest API answer read, in MiB, from V(1) to V(4096). A larger answer is refused with an error
        naming its size, without being read whole (its C(Content-Length) alone is enough when the server sends one).
      - The default is far above what Mailcow sends for thousands of objects; raise it only for an answer
        that really is that large.
    type: int
    default: 64
notes:
  - A write whose outcome is unknown (the connection was lost after sending, no answer within
    O(timeout), HTTP 504, or HTTP 200 with an empty body, which is how Mailcow answers the loser of two
    identical adds sent at once) and an add refused because the object already exists are
    decided by re-reading those objects once (one listing of the domain for a bulk run). An
    object that now matches is a success, reported with an C(outcome); one that differs is
    edited once; one that is missing is reported as not created. The error message says the
    write "may have been applied" only when re-reading could not decide it.
  - Redirects are not followed, because the API key would go along. An HTTP 301, 302, 303, 307 or 308 answer is an
    error naming its target. An O(api_url) with V(http://) to a host other than this machine (V(localhost),
    V(127.0.0.0/8), V(::1)) is used with a warning, because the API key then travels unencrypted.
  - An answer that is not the JSON Mailcow sends (for example a list of strings, or a number, where
    objects are expected) is an error, never an empty result.
  - After 3 consecutive connection failures (or HTTP 502, 503, 504 answers of a proxy in front
    of Mailcow) in one task, no new write is started; the error
    lists what was done, what failed (C(failed_entries)) and what was not attempted
    (C(not_attempted)).
requirements:
  - requests
"""
