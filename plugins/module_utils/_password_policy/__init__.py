# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's password policy, for mailcow_password_policy, mailcow_password_policy_info and the modules that write passwords."""
