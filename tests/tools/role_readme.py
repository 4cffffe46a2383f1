# SPDX-License-Identifier: GPL-3.0-or-later
"""Keep the variables tables of roles/mailboxes/README.md equal to roles/mailboxes/meta/argument_specs.yml.

``python tests/tools/role_readme.py``          rewrite the tables between the markers in the README
``python tests/tools/role_readme.py --check``  exit 1 (with a diff) when the README's tables differ

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
ROLE = ROOT / "roles" / "mailboxes"
SPECS = ROLE / "meta" / "argument_specs.yml"
# A list or mapping variable has no default in meta/argument_specs.yml, so that null (left empty in YAML) passes ansible-core's
# validation and means empty: its default is the one of defaults/main.yml.
ROLE_DEFAULTS = ROLE / "defaults" / "main.yml"
README = ROLE / "README.md"
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


def render(specs: dict[str, t.Any]) -> str:
    """The generated block, markers included."""
    options: dict[str, dict[str, t.Any]] = specs["argument_specs"]["main"].get("options", {})
    lines = [BEGIN, "", *table(options, "variable", yaml.safe_load(ROLE_DEFAULTS.read_text(encoding="utf-8")))]
    for name, spec in options.items():
        if spec.get("options"):
            what = "Each entry of" if spec.get("type") == "list" else "Keys of"
            lines += ["", "%s `%s`:" % (what, name), "", *table(spec["options"], "key")]
    lines += ["", END]
    return "\n".join(lines)


def replace_block(readme: str, block: str) -> str:
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit("%s: the markers %r and %r are missing" % (README, BEGIN, END))
    return readme[:start] + block + readme[end + len(END):]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the README is out of date")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    wanted = replace_block(current, render(yaml.safe_load(SPECS.read_text(encoding="utf-8"))))
    if current == wanted:
        print("%s: variables tables match %s" % (README.relative_to(ROOT), SPECS.relative_to(ROOT)))
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), wanted.splitlines(True), "README.md", "from argument_specs.yml"))
        print("\n%s is out of date with %s: run `make role-readme` and commit the result."
              % (README.relative_to(ROOT), SPECS.relative_to(ROOT)), file=sys.stderr)
        return 1
    README.write_text(wanted, encoding="utf-8")
    print("%s: variables tables rewritten from %s" % (README.relative_to(ROOT), SPECS.relative_to(ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
