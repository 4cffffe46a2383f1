# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the mail side (mailcow_send_mail, mailcow_message_info).

``manager`` is what the modules call; it builds and parses messages (``message``), resolves where
to connect (``endpoint``) and talks SMTP (``smtp``) and IMAP (``imap``, over ``imap_protocol``
and ``imap_search``).
"""
