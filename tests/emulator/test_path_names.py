# SPDX-License-Identifier: GPL-3.0-or-later
"""Names in URL paths: every request the collection builds reaches exactly the object named.

Mailcow decodes a request path twice (its nginx, then PHP's query-string parser, where the last
``query=`` wins) before splitting it on '/' (docs/mailcow-api.md#names-in-url-paths); the emulator
decodes the same way. Each case creates objects with hostile but valid names straight through the
API (body-addressed), then reads and writes them through the collection's own code.
"""
from __future__ import annotations

from typing import Any

import pytest

from conftest import Emulator, client_of

from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.api import list_app_passwords
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.api import get_alias
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.api import get_domain_admin
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowPathError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import get_mailbox
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.manager import manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.api import list_jobs

PW = "Geheim-123"
DOMAIN = "sec.example"
OTHER = "other.example"
# Local parts Mailcow accepts (PHP's FILTER_VALIDATE_EMAIL) that a path decoded twice would bend.
CARRIED = ["a+b", "o'neil", "x&y=z", "x&query=delete&", "what?", "no#1", "50%", "a%2fb", "a%252bb", "q=1", "{t}", "a|b", "~u", "a*b"]
# Names no path can carry: read from a listing, never written by path.
SLASHED = ["a/b", "x&query=delete/mailbox&"]


def _post(api: Emulator, route: str, body: Any) -> Any:
    return api.request("POST", "/api/v1/" + route, body).json()


def _add_mailbox(api: Emulator, local: str, domain: str = DOMAIN, tags: list[str] | None = None) -> None:
    reply = _post(api, "add/mailbox", {"local_part": local, "domain": domain, "password": PW, "password2": PW, "quota": 10,
                                       "tags": tags or []})
    assert reply[-1]["type"] == "success", reply


def _usernames(api: Emulator) -> set[str]:
    data = api.request("GET", "/api/v1/get/mailbox/all").json()
    return {item["username"] for item in (data if isinstance(data, list) else [data] if data else [])}


def _tags(api: Emulator, address: str) -> list[str]:
    return next(sorted(item.get("tags") or []) for item in api.request("GET", "/api/v1/get/mailbox/all").json() if item["username"] == address)


def _params(**kwargs: Any) -> dict[str, Any]:
    return dict({"state": "present", "update_password": "on_create", "purge_tags": True, "domain": None}, **kwargs)


@pytest.fixture
def api(emulator: Emulator) -> Emulator:
    for domain in (DOMAIN, OTHER):
        _post(emulator, "add/domain", {"domain": domain, "key_size": 0, "mailboxes": 50, "quota": 10000, "maxquota": 100, "defquota": 10})
    _add_mailbox(emulator, "v", OTHER)
    return emulator


def test_the_attack_deletes_through_a_path_encoded_once(api: Emulator) -> None:
    """What the collection used to send: the emulator, as Mailcow, deletes the other domain's mailbox."""
    _add_mailbox(api, "x&query=delete/mailbox&", tags=["v@other.example"])
    api.request("POST", "/api/v1/delete/mailbox/tag/x%26query%3Ddelete%2Fmailbox%26@sec.example", ["v@other.example"])
    assert "v@other.example" not in _usernames(api)


@pytest.mark.parametrize("check_mode", [True, False])
def test_the_attack_is_refused_and_the_other_mailbox_stays(api: Emulator, check_mode: bool) -> None:
    address = "x&query=delete/mailbox&@" + DOMAIN
    _add_mailbox(api, "x&query=delete/mailbox&", tags=["v@other.example"])
    client = client_of(api)
    with pytest.raises(MailcowPathError, match="cannot be removed") as caught:
        manage_one(client, _params(address=address, tags=[]), check_mode=check_mode, diff=True)
    assert "Nothing was written" in str(caught.value)
    assert {"v@other.example", address} <= _usernames(api)
    assert _tags(api, address) == ["v@other.example"]


def test_the_attack_is_refused_in_the_bulk_form_before_any_write(api: Emulator) -> None:
    """The role's path: a domain's list of mailboxes with the crafted one's tags emptied, next to a change that would be written."""
    _add_mailbox(api, "x&query=delete/mailbox&", tags=["v@other.example"])
    _add_mailbox(api, "bob")
    entries = [{"local_part": "x&query=delete/mailbox&", "tags": [], "state": "present", "update_password": "on_create", "purge_tags": True},
               {"local_part": "bob", "quota": 20, "state": "present", "update_password": "on_create", "purge_tags": True}]
    params = {"domain": DOMAIN, "mailboxes": entries, "purge": False, "purge_tags": True, "concurrency": 2}
    with pytest.raises(MailcowPathError, match="tags of mailbox x&query=delete/mailbox&@sec.example cannot be removed"):
        manage_many(client_of(api), params, check_mode=False, diff=False)
    assert "v@other.example" in _usernames(api)
    assert "POST" not in api.log_file.read_text(encoding="utf-8").split("add/mailbox")[-1]


@pytest.mark.parametrize("local", CARRIED)
def test_each_path_reaches_exactly_the_object_named(api: Emulator, local: str) -> None:
    address = "%s@%s" % (local, DOMAIN)
    # Decoys: what a wrong decoding of the name could reach instead, each holding the same tag.
    decoys = ["a", "x", "o", "no", "what", "q", "50", "u"]
    for decoy in decoys:
        if decoy != local and "%s@%s" % (decoy, DOMAIN) not in _usernames(api):
            _add_mailbox(api, decoy, tags=["keep"])
    _add_mailbox(api, local, tags=["keep", "drop"])
    assert _post(api, "add/alias", {"address": "al-" + address, "goto": address, "active": 1})[0]["type"] == "success"
    app = {"username": address, "app_name": "phone", "app_passwd": PW, "app_passwd2": PW, "protocols": ["imap_access"], "active": 1}
    assert _post(api, "add/app-passwd", app)[0]["type"] == "success"
    job = {"username": address, "host1": "imap.old.example", "port1": 993, "user1": "u", "password1": "Remote-1", "enc1": "SSL", "active": 1,
           "mins_interval": 20, "exclude": ""}
    assert _post(api, "add/syncjob", job)[0]["type"] == "success"

    client = client_of(api)
    assert get_mailbox(client, address)["username"] == address
    assert get_alias(client, "al-" + address)["address"] == "al-" + address
    assert [item["name"] for item in list_app_passwords(client, address)] == ["phone"]
    assert [job["user2"] for job in list_jobs(client, mailbox=address)] == [address]
    assert client.warnings == []

    result = manage_one(client, _params(address=address, tags=["keep"]), check_mode=False, diff=True)
    assert result["changed"]
    assert _tags(api, address) == ["keep"]
    for other in _usernames(api) - {address}:
        assert _tags(api, other) == ["keep"] or other == "v@" + OTHER
    assert not manage_one(client, _params(address=address, tags=["keep"]), check_mode=False, diff=True)["changed"]


@pytest.mark.parametrize("local", SLASHED)
def test_names_no_path_carries_are_read_from_their_listing_with_a_warning(api: Emulator, local: str) -> None:
    address = "%s@%s" % (local, DOMAIN)
    _add_mailbox(api, local)
    _add_mailbox(api, "b")
    assert _post(api, "add/alias", {"address": address.replace("@", "-al@"), "goto": "b@" + DOMAIN, "active": 1})[0]["type"] == "success"
    job = {"username": address, "host1": "imap.old.example", "port1": 993, "user1": "u", "password1": "Remote-1", "enc1": "SSL", "active": 1,
           "mins_interval": 20, "exclude": ""}
    assert _post(api, "add/syncjob", job)[0]["type"] == "success"
    client = client_of(api)
    assert get_mailbox(client, address)["username"] == address
    assert get_alias(client, address.replace("@", "-al@"))["address"] == address.replace("@", "-al@")
    assert [job["user2"] for job in list_jobs(client, mailbox=address)] == [address]
    assert len(client.warnings) == 3 and all("contains '/'" in warning for warning in client.warnings)
    with pytest.raises(MailcowPathError, match="lists app passwords only by"):
        manage_app_passwords(client, address)


def manage_app_passwords(client: Any, address: str) -> Any:
    from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.api import check_mailbox  # pylint: disable=import-outside-toplevel

    return list_app_passwords(client, check_mailbox(address))


@pytest.mark.parametrize("name", ["a..b", "a.b", "a-b_c"])
def test_domain_admin_names_reach_exactly_the_admin_named(api: Emulator, name: str) -> None:
    for username in sorted({name, "a", "b"}):
        body = {"username": username, "domains": DOMAIN, "password": PW, "password2": PW, "active": 1}
        assert _post(api, "add/domain-admin", body)[0]["type"] == "success"
    client = client_of(api)
    assert get_domain_admin(client, name)["username"] == name
    assert not client.warnings


def test_a_domain_admin_named_dot_dot_is_looked_up_in_the_listing(api: Emulator) -> None:
    # GET get/domain-admin/.. would reach get/domain-admin/ (nginx resolves the step): the listing is read instead.
    body = {"username": "a", "domains": DOMAIN, "password": PW, "password2": PW, "active": 1}
    assert _post(api, "add/domain-admin", body)[0]["type"] == "success"
    client = client_of(api)
    assert get_domain_admin(client, "..") is None
    assert client.warnings == ["domain administrator '..': '..' is a path step that the web server resolves before Mailcow sees it, so it "
                               "was read from the listing of all administrators"]
    assert "domain-admin/.." not in api.log_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["a\r\nb@" + DOMAIN, "a\nquery=delete@" + DOMAIN, "a\u2028b@" + DOMAIN, "", "."])
def test_control_characters_and_path_steps_are_refused_before_any_request(api: Emulator, name: str) -> None:
    logged = api.log_file.read_text(encoding="utf-8").count("\n")
    with pytest.raises(MailcowPathError, match="Nothing was sent"):
        client_of(api).get("mailbox", name)
    assert api.log_file.read_text(encoding="utf-8").count("\n") == logged


@pytest.mark.parametrize("name", ["a b", "a\u2215b", "a\uff0fb", "a\u00a0b", "a%2Fb", "a%252Fb", "%2E%2E", "a;b"])
def test_names_that_are_no_mailbox_reach_the_server_as_written_and_find_nothing(api: Emulator, name: str) -> None:
    # A look-alike of '/', a space, an encoded slash: each reaches Mailcow as written, where no such mailbox exists.
    _add_mailbox(api, "a")
    _add_mailbox(api, "b")
    assert get_mailbox(client_of(api), "%s@%s" % (name, DOMAIN)) is None
