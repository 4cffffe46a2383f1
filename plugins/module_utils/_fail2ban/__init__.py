# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's fail2ban settings and current bans, for mailcow_fail2ban and mailcow_fail2ban_info."""
