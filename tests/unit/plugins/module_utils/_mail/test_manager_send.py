# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_send_mail's decisions (send, skip, check mode, Sent copy) against scripted SMTP and IMAP servers."""

from __future__ import annotations

import re
import typing as t

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import send_mail
from .test_imap import LIST, ImapResponder
from .test_smtp import PASSWORD, Certs, SmtpResponder, free_port, make_certs, responders

MID = "<report-2026-11-24@example.org>"
SEARCH_MID = re.escape(b'UID SEARCH HEADER "Message-ID" "%s"' % MID.encode())


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def smtpd(certs: Certs) -> t.Iterator[t.Callable[..., SmtpResponder]]:
    with responders(SmtpResponder, certs) as start:
        yield start


@pytest.fixture
def imapd(certs: Certs) -> t.Iterator[t.Callable[..., ImapResponder]]:
    with responders(ImapResponder, certs) as start:
        yield start


def send_params(certs: Certs, smtp_port: int, imap_port: int | None = None, **overrides: t.Any) -> dict[str, t.Any]:
    params: dict[str, t.Any] = {
        "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_security": "starttls", "imap_host": "127.0.0.1", "imap_port": imap_port or free_port(),
        "imap_security": "tls", "password": PASSWORD, "validate_certs": True, "ca_path": certs.ca, "timeout": 5,
        "from": "Alice <alice@example.org>", "to": ["bob@example.org"], "cc": None, "bcc": None, "reply_to": None, "subject": "Report",
        "body": "Grüße", "html_body": None, "attachments": None, "headers": None, "charset": "utf-8", "message_id": None,
        "save_to_sent": False, "username": None,
    }
    params.update(overrides)
    return params


def alice_imap(imapd: t.Callable[..., ImapResponder]) -> ImapResponder:
    return imapd(logins={"alice@example.org": PASSWORD})


def test_plain_send_returns_message_id_and_recipients(smtpd, certs) -> None:
    smtp = smtpd()
    result = send_params(certs, smtp.port, bcc=["eve@example.org"])
    result = send_mail(result, check_mode=False)
    assert result["changed"] is True and result["sent"] is True and result["saved_to_sent"] is False
    assert re.fullmatch(r"<[^@<>]+@example\.org>", result["message_id"])
    assert result["accepted"] == ["bob@example.org", "eve@example.org"] and result["refused"] == {}
    assert b"Message-ID: " + result["message_id"].encode() in smtp.messages[0]
    assert b"eve@example.org" not in smtp.messages[0]
    assert "sent_folder" not in result


def test_check_mode_without_save_to_sent_connects_nowhere(certs) -> None:
    result = send_mail(send_params(certs, free_port(), message_id=MID), check_mode=True)
    assert (result["changed"], result["sent"], result["accepted"], result["message_id"]) == (True, False, [], MID)


def test_sends_and_keeps_the_same_bytes_plus_bcc_in_sent(smtpd, imapd, certs) -> None:
    smtp, imap = smtpd(), alice_imap(imapd)
    imap.expect(b'LIST "" "\\*"', *LIST)
    imap.expect(b'EXAMINE "Sent"', b"* 0 EXISTS")
    imap.expect(SEARCH_MID, b"* SEARCH")
    imap.expect(rb'APPEND "Sent" \(\\Seen\) "[^"]+" \{\d+\}\r\n.*', status=b"OK [APPENDUID 1700000000 1] Append completed.")
    result = send_mail(send_params(certs, smtp.port, imap.port, message_id=MID, save_to_sent=True, bcc=["eve@example.org"]), check_mode=False)
    assert (result["changed"], result["sent"], result["saved_to_sent"], result["found_in_sent"], result["sent_folder"]) == (True, True, True, False, "Sent")
    appended = imap.commands[-2].split(b"}\r\n", 1)[1]
    assert appended == b"Bcc: eve@example.org\r\n" + smtp.messages[0]


def test_rerun_finds_the_message_id_in_sent_and_does_not_send(imapd, certs) -> None:
    imap = alice_imap(imapd)
    imap.expect(b'LIST "" "\\*"', *LIST)
    imap.expect(b'EXAMINE "Sent"', b"* 1 EXISTS")
    imap.expect(SEARCH_MID, b"* SEARCH 1")
    # The SMTP port is closed: any attempt to send would fail the test.
    result = send_mail(send_params(certs, free_port(), imap.port, message_id="report-2026-11-24@example.org", save_to_sent=True), check_mode=False)
    assert (result["changed"], result["sent"], result["found_in_sent"], result["accepted"]) == (False, False, True, [])


@pytest.mark.parametrize("found", [True, False])
def test_check_mode_with_save_to_sent_predicts_from_sent(imapd, certs, found: bool) -> None:
    imap = alice_imap(imapd)
    imap.expect(b'LIST "" "\\*"', *LIST)
    imap.expect(b'EXAMINE "Sent"', b"* 1 EXISTS")
    imap.expect(SEARCH_MID, b"* SEARCH 1" if found else b"* SEARCH")
    result = send_mail(send_params(certs, free_port(), imap.port, message_id=MID, save_to_sent=True), check_mode=True)
    assert (result["changed"], result["sent"], result["saved_to_sent"]) == (not found, False, False)


def test_sent_folder_found_by_special_use_and_created_when_missing(smtpd, imapd, certs) -> None:
    smtp, imap = smtpd(), alice_imap(imapd)
    imap.expect(b'LIST "" "\\*"', b'* LIST (\\HasNoChildren \\Sent) "/" "Gesendete Objekte"', b'* LIST (\\HasNoChildren) "/" INBOX')
    imap.expect(rb'APPEND "Gesendete Objekte" .*', status=b"NO [TRYCREATE] Mailbox doesn't exist: Gesendete Objekte")
    imap.expect(b'CREATE "Gesendete Objekte"')
    imap.expect(rb'APPEND "Gesendete Objekte" .*')
    result = send_mail(send_params(certs, smtp.port, imap.port, save_to_sent=True), check_mode=False)
    assert result["sent_folder"] == "Gesendete Objekte" and result["saved_to_sent"] is True


def test_no_sent_folder_at_all_means_sent(smtpd, imapd, certs) -> None:
    smtp, imap = smtpd(), alice_imap(imapd)
    imap.expect(b'LIST "" "\\*"', b'* LIST (\\HasNoChildren) "/" INBOX')
    imap.expect(rb'APPEND "Sent" .*')
    result = send_mail(send_params(certs, smtp.port, imap.port, save_to_sent=True, message_id=MID), check_mode=False)
    assert result["sent_folder"] == "Sent" and result["sent"] is True


def test_imap_login_failure_sends_nothing(smtpd, imapd, certs) -> None:
    smtp, imap = smtpd(), imapd(logins={})
    with pytest.raises(errors.MailcowAuthError, match="IMAP login to the IMAP server .* as alice@example.org failed"):
        send_mail(send_params(certs, smtp.port, imap.port, save_to_sent=True), check_mode=False)
    assert smtp.lines == [] and smtp.messages == []


def test_username_other_than_sender_is_the_login(smtpd, certs) -> None:
    smtp = smtpd(logins={"robot@example.org": PASSWORD}, owns=lambda login, sender: sender.endswith("@example.org"))
    result = send_mail(send_params(certs, smtp.port, username="robot@example.org"), check_mode=False)
    assert result["sent"] is True
    assert any(line.upper().startswith("MAIL FROM:<ALICE@EXAMPLE.ORG>") for line in smtp.lines)


def test_spoofed_sender_fails_with_mailcows_message(smtpd, certs) -> None:
    smtp = smtpd(logins={"alice@example.org": PASSWORD})
    with pytest.raises(errors.MailcowForbiddenError, match="553 5.7.1 <ceo@example.org>: Sender address rejected: not owned by user alice@example.org"):
        send_mail(send_params(certs, smtp.port, username="alice@example.org", **{"from": "CEO <ceo@example.org>"}), check_mode=False)
    assert smtp.messages == []


def test_8bit_body_goes_as_8bit_with_8bitmime(smtpd, certs) -> None:
    smtp = smtpd()
    send_mail(send_params(certs, smtp.port, body="Grüße aus Köln"), check_mode=False)
    assert "Grüße aus Köln".encode() in smtp.messages[0]
    assert b"Content-Transfer-Encoding: 8bit" in smtp.messages[0]
