# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's health (version, containers, mail storage, full-text search) for mailcow_status_info."""
