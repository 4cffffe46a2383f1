# SPDX-License-Identifier: GPL-3.0-or-later
"""An emulator of Mailcow's REST API for the glassdome.mailcow sandbox.

It reproduces what a real Mailcow (2026-07a: nginx + php-fpm json_api.php) answers, as recorded
in tests/fixtures/mailcow-api/*.jsonl and read from Mailcow's source (docs/mailcow-api.md), and
keeps the sandbox mail stack (Postfix tcp tables, Dovecot passwd-file) in step with every change.
Standard library only: it must run under any python3 >= 3.9 with nothing installed.
"""
from __future__ import annotations

__all__ = ["__version__"]

__version__ = "1.0.0"
