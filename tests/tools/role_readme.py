# SPDX-License-Identifier: GPL-3.0-or-later
"""Keep the variables tables of each role's README.md (roles/*/README.md) equal to its meta/argument_specs.yml.

``python tests/tools/role_readme.py``          rewrite the tables between the markers in every role's README
``python tests/tools/role_readme.py --check``  exit 1 (with a diff) when a README's tables differ

The tables sit between ``<!-- BEGIN VARIABLES (generated ...) -->`` and ``<!-- END VARIABLES -->``;
everything else in the README is written by hand.  One table lists the role's variables, and one
more table follows for each variable whose entries or keys have their own options.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import typing as t
from pathlib import Path

import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
# Every role with an argument spec; each has meta/argument_specs.yml, defaults/main.yml and README.md. A list or mapping
# variable has no default in meta/argument_specs.yml, so that null (left empty in YAML) passes ansible-core's validation
# and means empty: its default is the one of defaults/main.yml.
ROLES = sorted(path.parents[1] for path in (ROOT / "roles").glob("*/meta/argument_specs.yml"))
BEGIN = "<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml by `make role-readme`: do not edit) -->"
END = "<!-- END VARIABLES -->"
# Ansible's documentation markup: O(option), V(value), E(env), C(code), M(module), I(italic), B(bold).
# The argument may hold one level of parentheses, as in C(mailcow_mailboxes[2] (carol): ...).
MARKUP = re.compile(r"\b([OVECMIB])\(((?:[^()]|\([^()]*\))*)\)")


def plain(text: t.Any) -> str:
    """One table cell from a description (str or list of str) in Ansible markup."""
    parts = text if isinstance(text, list) else [text]
    joined = " ".join(" ".join(str(part).split()) for part in parts)
    joined = MARKUP.sub(lambda m: m.group(2) if m.group(1) in "IB" else "`%s`" % m.group(2), joined)
    return joined.replace("|", "\\|")


def type_of(spec: dict[str, t.Any]) -> str:
    kind = str(spec.get("type", "str"))
    if kind == "list" and "elements" in spec:
        kind = "list of %s" % spec["elements"]
    if spec.get("choices"):
        kind += " (%s)" % ", ".join("`%s`" % choice for choice in spec["choices"])
    return kind


def default_of(spec: dict[str, t.Any], fallback: dict[str, t.Any], name: str) -> str:
    if spec.get("required"):
        return "**required**"
    if "default" in spec:
        default = spec["default"]
    elif name in fallback:
        default = fallback[name]
    else:
        return ""
    return "`%s`" % yaml.safe_dump(default, default_flow_style=True).strip().removesuffix("\n...").strip()


def table(options: dict[str, dict[str, t.Any]], name_header: str, fallback: dict[str, t.Any] | None = None) -> list[str]:
    lines = ["| %s | type | default | description |" % name_header, "|---|---|---|---|"]
    for name, spec in options.items():
        secret = " Secret (`no_log`)." if spec.get("no_log") else ""
        default = default_of(spec, fallback or {}, name)
        lines.append("| `%s` | %s | %s | %s%s |" % (name, type_of(spec), default, plain(spec.get("description", "")), secret))
    return lines


def render(specs: dict[str, t.Any], defaults: dict[str, t.Any]) -> str:
    """The generated block, markers included."""
    options: dict[str, dict[str, t.Any]] = specs["argument_specs"]["main"].get("options", {})
    lines = [BEGIN, "", *table(options, "variable", defaults)]
    for name, spec in options.items():
        if spec.get("options"):
            what = "Each entry of" if spec.get("type") == "list" else "Keys of"
            lines += ["", "%s `%s`:" % (what, name), "", *table(spec["options"], "key")]
    lines += ["", END]
    return "\n".join(lines)


def replace_block(readme: str, block: str, path: Path) -> str:
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit("%s: the markers %r and %r are missing" % (path, BEGIN, END))
    return readme[:start] + block + readme[end + len(END):]


def sync(role: Path, check: bool) -> bool:
    """Compare (``check``) or rewrite one role's README; True when it matches (or was rewritten)."""
    readme, specs = role / "README.md", role / "meta" / "argument_specs.yml"
    current = readme.read_text(encoding="utf-8")
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text(encoding="utf-8")) or {}
    wanted = replace_block(current, render(yaml.safe_load(specs.read_text(encoding="utf-8")), defaults), readme)
    if current == wanted:
        print("%s: variables tables match %s" % (readme.relative_to(ROOT), specs.relative_to(ROOT)))
        return True
    if check:
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), wanted.splitlines(True), "README.md", "from argument_specs.yml"))
        print("\n%s is out of date with %s: run `make role-readme` and commit the result."
              % (readme.relative_to(ROOT), specs.relative_to(ROOT)), file=sys.stderr)
        return False
    readme.write_text(wanted, encoding="utf-8")
    print("%s: variables tables rewritten from %s" % (readme.relative_to(ROOT), specs.relative_to(ROOT)))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a README is out of date")
    args = parser.parse_args(argv)
    results = [sync(role, args.check) for role in ROLES]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
