# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Postfix's mail queue as Mailcow shows it, for mailcow_queue and mailcow_queue_info."""
