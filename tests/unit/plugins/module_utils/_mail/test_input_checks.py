# SPDX-License-Identifier: GPL-3.0-or-later
"""Mail options refused before any connection: every line break in a header value or an attachment's file name,
an address that is not exactly user@host, an IMAP folder name with control characters.

Each case runs mailcow_send_mail's or mailcow_message_info's code against a real loopback listener that
counts the connections it gets (and closes each at once): a refused case must leave it at zero, and
the same options made valid must reach it, so that the count proves the check came first.
"""

from __future__ import annotations

import socket
import threading
import typing as t
from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import message_info, send_mail

# Every character Python's str.splitlines() (and so the email package) ends a line at.
LINE_BREAKS = ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


class Listener:
    """A TCP listener on loopback that accepts, counts and closes every connection."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> t.Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def send_params(port: int, **overrides: t.Any) -> dict[str, t.Any]:
    params: dict[str, t.Any] = {
        "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "tls", "imap_host": "127.0.0.1", "imap_port": port,
        "imap_security": "tls", "password": "Mail-Pass-1", "validate_certs": True, "ca_path": None, "timeout": 5,
        "from": "Alice <alice@example.org>", "to": ["bob@example.org"], "cc": None, "bcc": None, "reply_to": None, "subject": "Report",
        "body": "Hi", "html_body": None, "attachments": None, "headers": None, "charset": "utf-8", "message_id": None,
        "save_to_sent": False, "username": None,
    }
    params.update(overrides)
    return params


def refused_before_connecting(listener: Listener, run: t.Callable[[], t.Any], match: str) -> None:
    with pytest.raises(MailcowOptionError, match=match):
        run()
    assert listener.connections == 0


def test_valid_options_do_connect(listener: Listener) -> None:
    """The control: the listener sees the connection of a valid send (and closing it fails the send)."""
    with pytest.raises(MailcowError):
        send_mail(send_params(listener.port), check_mode=False)
    assert listener.connections == 1


@pytest.mark.parametrize("brk", LINE_BREAKS)
@pytest.mark.parametrize("option, value, match", [
    ("headers", lambda b: {"X-Ticket": "4711%sBcc: eve@example.org" % b}, r"^headers: the value of X-Ticket must be one line"),
    ("from", lambda b: "Ali%sce <alice@example.org>" % b, r"^from must be one line"),
    ("to", lambda b: ["Bob%s <bob@example.org>" % b], r"^to must be one line"),
    ("cc", lambda b: ["carol@example.org", "Dave%sX <dave@example.org>" % b], r"^cc must be one line"),
    ("reply_to", lambda b: ["help%s@example.org" % b], r"^reply_to must be one line"),
])
def test_a_line_break_in_a_header_value_is_refused_before_connecting(listener: Listener, brk: str, option: str, value: t.Any, match: str) -> None:
    params = send_params(listener.port, **{option: value(brk)})
    refused_before_connecting(listener, lambda: send_mail(params, check_mode=False), match)


@pytest.mark.parametrize("brk", LINE_BREAKS)
def test_a_line_break_in_an_attachments_file_name_is_refused_before_connecting(listener: Listener, tmp_path: Path, brk: str) -> None:
    path = tmp_path / ("report%s.txt" % brk)
    path.write_text("data")
    params = send_params(listener.port, attachments=[str(path)])
    refused_before_connecting(listener, lambda: send_mail(params, check_mode=False), r"^attachments: the file name of .* must be one line")


@pytest.mark.parametrize("brk", LINE_BREAKS)
def test_a_line_break_in_the_subject_becomes_a_space(listener: Listener, brk: str) -> None:
    """As documented for subject: a line break becomes a space (so nothing reaches the header); checked in check mode, which connects nowhere."""
    send_mail(send_params(listener.port, subject="first%ssecond" % brk), check_mode=True)
    assert listener.connections == 0


@pytest.mark.parametrize("value", ["a@b SIZE=1", "alice@example.org SIZE=1", "alice@example.org NOTIFY=NEVER", '"a b"@example.org',
                                   "alice@exam ple.org", "alice@[127.0.0.1]", "al ice@example.org"])
def test_an_address_that_is_not_exactly_user_at_host_is_refused_before_connecting(listener: Listener, value: str) -> None:
    params = send_params(listener.port, **{"from": value})
    refused_before_connecting(listener, lambda: send_mail(params, check_mode=False), r"^from: .* (is not a plain e-mail address|is not one e-mail address)")
    params = send_params(listener.port, to=["bob@example.org", value])
    refused_before_connecting(listener, lambda: send_mail(params, check_mode=False), r"^to: ")


def info_params(port: int, **overrides: t.Any) -> dict[str, t.Any]:
    params: dict[str, t.Any] = {
        "imap_host": "127.0.0.1", "imap_port": port, "imap_security": "tls", "username": "bob@example.org", "password": "Mail-Pass-1",
        "validate_certs": True, "ca_path": None, "timeout": 5, "folder": "INBOX", "limit": 10, "include_body": True, "max_body_size": 65536,
        "mark_seen": False, "unseen": False, "since": None, "before": None, "from": None, "to": None, "subject": None, "message_id": None,
        "header": None, "wait_timeout": 0, "wait_count": 1, "wait_interval": 1.0, "wait_method": "auto",
    }
    params.update(overrides)
    return params


@pytest.mark.parametrize("folder", ["INBOX\r\nA1 DELETE INBOX", "Archive\n", "a\x00b", "tab\there", "esc\x1b", "del\x7f", "nel\x85",
                                    "ls\u2028", "   "])
def test_a_folder_name_with_control_characters_is_refused_before_connecting(listener: Listener, folder: str) -> None:
    params = info_params(listener.port, folder=folder)
    refused_before_connecting(listener, lambda: message_info(params, check_mode=True), r"^folder ")


def test_an_ordinary_folder_name_connects(listener: Listener) -> None:
    with pytest.raises(MailcowError):
        message_info(info_params(listener.port, folder="Archive/2026 Entwürfe & more"), check_mode=True)
    assert listener.connections == 1


@pytest.mark.parametrize("value", ["bob@example.org\r\nA1 LOGOUT", "bob\x00@example.org", "bob@example.org\u2028"])
def test_a_control_character_in_the_login_name_is_refused_before_connecting(listener: Listener, value: str) -> None:
    params = info_params(listener.port, username=value)
    refused_before_connecting(listener, lambda: message_info(params, check_mode=True), r"^username .*must not contain control characters")
    params = send_params(listener.port, username=value)
    refused_before_connecting(listener, lambda: send_mail(params, check_mode=False), r"^username .*must not contain control characters")
