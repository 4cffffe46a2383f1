# SPDX-License-Identifier: GPL-3.0-or-later
"""extensions/awx/credential_types/mailcow.yml, rendered the way AWX renders it, against the modules.

The env names come from each module's own argument spec (what main() gives AnsibleModule) and
from its rendered documentation, so a renamed or added env fallback fails here until the
credential type follows.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from ansible.plugins.loader import fragment_loader, module_loader
from ansible.utils.plugin_docs import get_docstring

from .mailcow_inprocess import MODULES, argument_spec, env_fallbacks

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import awx_credential  # noqa: E402

CREDENTIAL = awx_credential.load()
FULL_INPUTS = {
    "api_url": "https://mail.example.org", "api_key": "K3Y-0123-SECRET", "insecure": False,
    "ca_bundle": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    "smtp_host": "smtp.example.org", "smtp_port": "2587", "imap_host": "imap.example.org", "imap_port": "2993",
}


def documented_env(name: str) -> dict[str, set[str]]:
    """Option -> the E(NAME) environment variables its rendered documentation (fragments merged) names."""
    path = module_loader.find_plugin("glassdome.mailcow." + name)
    assert path, name
    doc = get_docstring(path, fragment_loader=fragment_loader)[0]
    found: dict[str, set[str]] = {}
    for option, details in doc["options"].items():
        text = " ".join(details["description"] if isinstance(details["description"], list) else [details["description"]])
        names = set(re.findall(r"E\(([A-Z0-9_]+)\)", text))
        if names:
            found[option] = names
    return found


def module_fallbacks() -> dict[str, dict[str, list[str]]]:
    return {name: env_fallbacks(argument_spec(name)) for name in MODULES}


def test_injected_env_is_exactly_the_modules_primary_env_fallbacks(tmp_path: Path) -> None:
    injected = awx_credential.inject(CREDENTIAL, FULL_INPUTS, tmp_path)
    primary = {names[0] for fallbacks in module_fallbacks().values() for names in fallbacks.values()}
    # MAILCOW_DOMAIN (the default domain of mailcow_mailbox and mailcow_alias) is a play's choice, not a credential.
    assert set(injected) == primary - {"MAILCOW_DOMAIN"}
    assert "MAILCOW_DOMAIN" in primary
    assert set(injected) == {"MAILCOW_API_URL", "MAILCOW_API_KEY", "MAILCOW_VERIFY_SSL", "MAILCOW_CA_PATH",
                             "MAILCOW_SMTP_HOST", "MAILCOW_SMTP_PORT", "MAILCOW_IMAP_HOST", "MAILCOW_IMAP_PORT"}


@pytest.mark.parametrize("name", MODULES)
def test_every_env_fallback_of_a_module_is_documented_on_its_option(name: str) -> None:
    documented = documented_env(name)
    for option, names in env_fallbacks(argument_spec(name)).items():
        assert set(names) <= documented.get(option, set()), (name, option, names, documented.get(option))


def test_full_inputs_render_to_the_values_and_the_ca_file(tmp_path: Path) -> None:
    env = awx_credential.inject(CREDENTIAL, FULL_INPUTS, tmp_path)
    ca_file = Path(env.pop("MAILCOW_CA_PATH"))
    assert ca_file.parent == tmp_path / "env" and ca_file.read_text() == FULL_INPUTS["ca_bundle"]
    assert env == {"MAILCOW_API_URL": "https://mail.example.org", "MAILCOW_API_KEY": "K3Y-0123-SECRET", "MAILCOW_VERIFY_SSL": "true",
                   "MAILCOW_SMTP_HOST": "smtp.example.org", "MAILCOW_SMTP_PORT": "2587",
                   "MAILCOW_IMAP_HOST": "imap.example.org", "MAILCOW_IMAP_PORT": "2993"}


def test_required_inputs_only_give_values_the_modules_accept(tmp_path: Path) -> None:
    """AWX sets every env injector; empty inputs must mean the modules' own defaults, and TLS verified."""
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.endpoint import DEFAULT_PORTS

    env = awx_credential.inject(CREDENTIAL, {"api_url": "https://mail.example.org", "api_key": "k"}, tmp_path)
    assert env["MAILCOW_VERIFY_SSL"] == "true"  # a boolean input never set is false in AWX: false must not mean "skip"
    assert env["MAILCOW_CA_PATH"] == ""  # the system trust store, not an empty file
    assert env["MAILCOW_SMTP_HOST"] == env["MAILCOW_IMAP_HOST"] == ""  # mail.<domain> is derived
    assert int(env["MAILCOW_SMTP_PORT"]) == DEFAULT_PORTS[("smtp", "starttls")]
    assert int(env["MAILCOW_IMAP_PORT"]) == DEFAULT_PORTS[("imap", "tls")]


def test_insecure_ticked_turns_verification_off(tmp_path: Path) -> None:
    env = awx_credential.inject(CREDENTIAL, {"api_url": "https://x", "api_key": "k", "insecure": True}, tmp_path)
    assert env["MAILCOW_VERIFY_SSL"] == "false"


def test_credential_type_shape() -> None:
    """What AWX validates on import: field ids unique, required ids exist, the key secret, inputs all used."""
    fields = {field["id"]: field for field in CREDENTIAL["inputs"]["fields"]}
    assert len(fields) == len(CREDENTIAL["inputs"]["fields"])
    assert set(CREDENTIAL["inputs"]["required"]) == {"api_url", "api_key"} <= set(fields)
    assert fields["api_key"].get("secret") is True
    assert {field["type"] for field in fields.values()} <= {"string", "boolean"}
    templates = " ".join(list(CREDENTIAL["injectors"]["env"].values()) + list(CREDENTIAL["injectors"]["file"].values()))
    assert {name for name in fields if not re.search(r"\b%s\b" % name, templates)} == set()
    assert CREDENTIAL["kind"] == "cloud"
