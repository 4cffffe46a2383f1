# SPDX-License-Identifier: GPL-3.0-or-later
"""`make help`: a user's targets first, then a contributor's (make test first), every documented target once."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_make_help_groups_user_targets_first() -> None:
    out = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    user, _sep, contributor = out.partition("\nContribute")
    assert _sep, out
    shown = re.findall(r"^  ([a-z-]+) +\S", out, re.MULTILINE)
    documented = re.findall(r"^([a-z-]+):.*## ", (REPO / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(shown) == sorted(documented) and len(shown) == len(set(shown))
    assert re.findall(r"^  ([a-z-]+) ", user, re.MULTILINE)[:3] == ["demo", "sandbox-start", "sandbox-stop"]
    assert re.findall(r"^  ([a-z-]+) ", contributor, re.MULTILINE)[0] == "test"
    assert ". .sandbox/env.sh" in user
