# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: a domain's resources (rooms, equipment, groups that calendar users book), named by address."""
