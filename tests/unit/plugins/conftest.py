# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of tests/unit/plugins: the emulator over HTTPS and in-process module runs (mailcow_inprocess.py)."""

from __future__ import annotations

from .mailcow_inprocess import _emulator, emulated, run_module  # noqa: F401  pylint: disable=unused-import
