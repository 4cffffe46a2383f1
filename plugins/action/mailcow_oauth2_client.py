# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Action of the mailcow_oauth2_client module: run inside the task's worker when that changes nothing but speed (see plugin_utils/_in_process.py)."""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.plugin_utils._in_process import InProcessModuleAction


class ActionModule(InProcessModuleAction):
    """mailcow_oauth2_client in-process on the controller with the controller's Python, else as a module process."""
