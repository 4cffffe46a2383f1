# SPDX-License-Identifier: GPL-3.0-or-later
"""Mailcow REST API emulator for the sandbox: `python3 tests/sandbox/emulator.py serve --config FILE`.

The implementation lives in the mailcow_emulator package beside this file (standard library
only, python3 >= 3.9); this is just the entry point the orchestrator runs.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mailcow_emulator.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
