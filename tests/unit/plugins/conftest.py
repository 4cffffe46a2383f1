# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of tests/unit/plugins: a scripted Mailcow (scripted_mailcow.py), the emulator over HTTPS and
in-process module runs (mailcow_inprocess.py)."""

from __future__ import annotations

import typing as t

import pytest

from .mailcow_inprocess import _emulator, emulated, run_module  # noqa: F401  pylint: disable=unused-import
from .scripted_mailcow import ScriptedMailcow


@pytest.fixture
def mailcow() -> t.Iterator[ScriptedMailcow]:
    server = ScriptedMailcow()
    yield server
    server.close()
    server.verify()
