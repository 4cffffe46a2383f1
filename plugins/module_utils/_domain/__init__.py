# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's REST API as seen by the client.

``client`` holds the HTTP client (sessions, retries, secret-free errors) and the helpers every
``*_api`` module uses to read Mailcow's answers; ``messages`` maps Mailcow's message keys to
exceptions and readable text.
"""
