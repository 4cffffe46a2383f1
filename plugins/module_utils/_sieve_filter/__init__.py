# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: a mailbox's own Sieve filters (prefilter, postfilter), named by mailbox, type and description."""
