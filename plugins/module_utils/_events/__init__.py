# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the Event-Driven Ansible sources (extensions/eda/plugins/event_source): mailbox and events."""
