# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's logs (API, Postfix, Dovecot, SOGo, netfilter, ...) for mailcow_log_info."""
