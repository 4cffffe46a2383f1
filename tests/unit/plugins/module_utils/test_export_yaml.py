# SPDX-License-Identifier: GPL-3.0-or-later
"""_export's YAML: every value the export writes reads back, through Ansible's own loader, as exactly itself;
text that Ansible would template (names come from the server) stays plain text."""

from __future__ import annotations

import inspect
import typing as t
from pathlib import Path

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.yaml.loader import AnsibleLoader
from ansible.template import Templar

from ansible_collections.glassdome.mailcow.plugins.module_utils._export import flow, scalar

TRICKY = [
    "alice", "@example.org", "bob@example.org", "yes", "No", "off", "null", "~", "true", "0", "010", "1e3", "0x1F", "1_000", "12:30",
    "-", "- a", "a: b", "a, b", "a #b", "#x", "[x]", "{x}", "{{ lookup('pipe', 'id') }}", "{% if 1 %}", "{# c #}", "100%", "'q'", '"q"',
    "bücher.example", "xn--bcher-kva.example", "line\nbreak", "tab\there", " lead", "trail ", "", "*", "&anchor", "!tag", "|", ">",
    "?", "a/b", "C:\\path", "\u2028", "=", "%x",
    # A Sieve script as Mailcow stores it: line breaks (CRLF too), braces, quotes, backslashes, trailing white space.
    'require ["fileinto"];\r\nif header :matches "Subject" "*\\\\[SPAM\\\\]*" {\n\tfileinto "Junk";  \n}\n\n',
]


def load(text: str):
    return AnsibleLoader(text).get_single_data()


@pytest.mark.parametrize("value", TRICKY)
def test_a_string_reads_back_as_itself(value: str) -> None:
    assert load("v: %s\n" % scalar(value))["v"] == value
    assert load("v: %s\n" % flow({"k": value, "l": [value, value]}))["v"] == {"k": value, "l": [value, value]}


def templated(text: str, tmp_path: Path) -> t.Any:
    """``text`` read as Ansible reads a host_vars file, then templated with x defined."""
    path = tmp_path / "vars.yml"
    path.write_text(text, encoding="utf-8")
    loader = DataLoader()
    # ansible-core 2.19 trusts what inventory files hold as templates by this flag; older ones trust every string.
    trust = {"trusted_as_template": True} if "trusted_as_template" in inspect.signature(loader.load_from_file).parameters else {}
    return Templar(loader=loader, variables={"x": "EVALUATED"}).template(loader.load_from_file(str(path), **trust))


@pytest.mark.parametrize("value", ["{{ x }}", "a{{ x }}b", "{% if x %}y{% endif %}", "{#", "50%"])
def test_what_ansible_would_template_is_marked_unsafe(value: str, tmp_path: Path) -> None:
    assert scalar(value).startswith("!unsafe ")
    assert templated("v: %s\n" % flow([{"name": value}]), tmp_path) == {"v": [{"name": value}]}


def test_without_the_mark_ansible_would_template_it(tmp_path: Path) -> None:
    """The check above can fail: the same text written plainly is evaluated."""
    assert templated('v: "{{ x }}"\n', tmp_path) == {"v": "EVALUATED"}


@pytest.mark.parametrize("value", [True, False, None, 0, 1024, -1])
def test_other_scalars(value) -> None:
    assert load("v: %s\n" % scalar(value))["v"] == value


def test_a_line_break_never_leaves_its_line() -> None:
    assert "\n" not in flow({"a": "x\ny", "b": ["\r", "\u2028"]})


def test_the_allow_and_deny_lists_one_sender_a_line_read_back_as_themselves() -> None:
    from ansible_collections.glassdome.mailcow.plugins.module_utils._export import render  # pylint: disable=import-outside-toplevel

    policy = {"allow": ["*@partner.example", "yes"], "deny": ["junk.example"]}
    text = render("example.org", {"mailcow_spam_policy": policy, "mailcow_spam_policy_purge": True},
                  {"mailcow_spam_policy": ['# refused listed sender "a b": not a sender']}, [], "")
    assert '\nmailcow_spam_policy:\n  allow:\n    - "*@partner.example"\n    - "yes"\n  deny:\n    - junk.example\n  # refused listed sender' in text
    assert load(text) == {"mailcow_spam_policy": policy, "mailcow_spam_policy_purge": True}
    assert "\nmailcow_spam_policy: {}\n" in render("example.org", {"mailcow_spam_policy": {}}, {}, [], "")
