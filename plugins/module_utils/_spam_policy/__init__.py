# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the allow and deny lists of senders of a Mailcow domain or mailbox (Mailcow's spam filter policies)."""
