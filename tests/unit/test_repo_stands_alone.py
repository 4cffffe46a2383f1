# SPDX-License-Identifier: GPL-3.0-or-later
"""The repository stands alone: no shipped or test file cites a document outside it.

Comments and docs state the fact or point into the repo (docs/mailcow-api.md and its sections,
tests/fixtures/mailcow-api/...). A newcomer can follow every pointer from a fresh clone.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Where to look when this is not a git checkout (a git checkout scans every tracked file).
ROOTS = ("plugins", "roles", "playbooks", "tests", "docs", "README.md", "Makefile", "extensions", "changelogs", "meta", ".ci",
         ".ansible-lint", "galaxy.yml", "pyproject.toml", "requirements.txt", "requirements-dev.txt")
API_DOC = "docs/mailcow-api.md"
FIXTURES = "tests/fixtures/mailcow-api"

# Citations of documents that live outside the repository (team notes, the source write-up). The
# words are put together at run time, so that this file does not itself carry the citations it forbids
# and is scanned like every other file.
WORDS = {"S": "sp" + "ec", "N": "sec" + "tion", "H": "sha" + "red", "D": "DES" + "IGN", "T": "STY" + "LE", "R": "READ" + "ME",
         "C": "Con" + "tract"}
OUTSIDE = re.compile(
    (r"\.\./%(H)s|\b%(H)s/mailcow-api|\b%(D)s\.md|\b%(T)s\.md|\b%(S)s\.md"
     r"|\b%(S)s (?:%(N)s )?\d|\b%(S)s %(N)s|\bthe %(S)s\b|\b%(N)s \d+\.\d+|\b%(R)s \"%(C)s\"") % WORDS,
    re.IGNORECASE,
)
ANCHOR = re.compile(re.escape(API_DOC) + r"#([A-Za-z0-9_-]+)")
FIXTURE_FILE = re.compile(re.escape(FIXTURES) + r"/([A-Za-z0-9_.-]+\.[a-z]+)")


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout
        names = [name for name in out.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the same roots
        names = [str(path.relative_to(REPO)) for root in ROOTS for path in (REPO / root).rglob("*") if path.is_file()]
        names += [root for root in ROOTS if (REPO / root).is_file()]
    return [REPO / name for name in names if _scanned(name)]


def _scanned(name: str) -> bool:
    """Text we wrote: not the recorded .jsonl data."""
    return not name.endswith(".jsonl") and "__pycache__" not in name


def _lines() -> list[tuple[str, int, str]]:
    found = []
    for path in _tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        rel = str(path.relative_to(REPO))
        found += [(rel, number, line) for number, line in enumerate(text.splitlines(), 1)]
    return found


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def _anchors() -> set[str]:
    text = (REPO / API_DOC).read_text(encoding="utf-8")
    return {_slug(match) for match in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize("cited", [
    "(%(S)s 6.4)", "%(S)s %(N)s 4.2", "see ../%(H)s/mailcow-api", "%(H)s/mailcow-api/timings.json",
    "as %(S)s.md reads it", "see %(D)s.md", "(%(N)s 1.3)", '%(R)s "%(C)s"', "the %(S)s says",
])
def test_outside_citation_pattern_matches(cited: str) -> None:
    """The scan below would catch each form of citation the repository used to carry."""
    assert OUTSIDE.search(cited % WORDS)


@pytest.mark.parametrize("text", ["docs/mailcow-api.md#aliases", "the specification of RFC 5321", "a special case", "section headings"])
def test_outside_citation_pattern_leaves_plain_text_alone(text: str) -> None:
    assert not OUTSIDE.search(text)


def test_no_file_cites_a_document_outside_the_repo() -> None:
    cited = ["%s:%d: %s" % (rel, number, line.strip()) for rel, number, line in _lines() if OUTSIDE.search(line)]
    assert not cited, "state the fact or point to docs/mailcow-api.md (or another file in the repo):\n" + "\n".join(cited)


def test_every_api_doc_anchor_exists() -> None:
    anchors = _anchors()
    assert {"aliases", "failure-shapes", "costs"} <= anchors
    missing = ["%s:%d: #%s" % (rel, number, anchor) for rel, number, line in _lines() for anchor in ANCHOR.findall(line) if anchor not in anchors]
    assert not missing, "no such heading in %s:\n%s" % (API_DOC, "\n".join(missing))


def test_every_cited_fixture_file_exists() -> None:
    missing = ["%s:%d: %s" % (rel, number, name) for rel, number, line in _lines()
               for name in FIXTURE_FILE.findall(line) if not (REPO / FIXTURES / name).is_file()]
    assert not missing, "no such file in %s:\n%s" % (FIXTURES, "\n".join(missing))


def test_fixture_readme_describes_only_files_in_its_folder() -> None:
    readme = (REPO / FIXTURES / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^- `([^`]+)`", readme, re.MULTILINE)
    assert listed and all((REPO / FIXTURES / name).is_file() for name in listed), listed


def test_every_recorded_case_named_in_the_api_doc_exists() -> None:
    """docs/mailcow-api.md names its evidence as [case, case]: each must be a recorded case."""
    cases = set()
    for path in (REPO / FIXTURES).glob("*.jsonl"):
        cases |= set(re.findall(r'"case": "([^"]+)"', path.read_text(encoding="utf-8")))
    text = (REPO / API_DOC).read_text(encoding="utf-8")
    named = {name for group in re.findall(r"\[([a-z0-9_,\s]+)\](?!\()", text) for name in re.split(r"[,\s]+", group) if name}
    assert named and not named - cases, sorted(named - cases)
