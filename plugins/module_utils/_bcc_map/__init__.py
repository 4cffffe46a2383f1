# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's BCC maps (a copy of the mail a local address or domain sends or receives), named by local destination and kind."""
