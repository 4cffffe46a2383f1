# SPDX-License-Identifier: GPL-3.0-or-later
"""SMTP and IMAP as a Mailcow mailbox user meets them (docs/mailcow-api.md#mail-side),
over real sockets, with mailboxes made through the emulator's API."""
from __future__ import annotations

import imaplib
import smtplib
import ssl
import time
import uuid
from email.message import EmailMessage
from typing import Any, Callable

import pytest
from mailtest import (PASSWORD, Api, imaps_login, maildir_messages, message, submit,
                      wait_for_subject)

Facts = dict[str, Any]
NewAddress = Callable[..., str]


def test_imaps_login_with_verified_certificate(facts: Facts, tls: ssl.SSLContext, api: Api,
                                               new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    client = imaps_login(facts, tls, user)
    try:
        listing = client.list()[1]
    finally:
        client.logout()
    folders = {line.decode().rsplit(" ", 1)[-1]: line.decode() for line in listing}  # type: ignore[union-attr]
    # Mailcow auto-creates and subscribes its special-use folders; the separator is "/".
    for name, flag in (("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"),
                       ("Junk", "\\Junk")):
        assert flag in folders[name]
        assert '"/"' in folders[name]
    assert "INBOX" in folders


def test_imaps_certificate_is_not_trusted_without_the_ca(facts: Facts) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(facts["imap_host"], facts["imap_port"],
                          ssl_context=ssl.create_default_context(), timeout=10)


def test_imap_starttls_login(facts: Facts, tls: ssl.SSLContext, api: Api,
                             new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    client = imaplib.IMAP4(facts["imap_host"], facts["imap_starttls_port"], timeout=10)
    try:
        assert "STARTTLS" in client.capabilities
        client.starttls(ssl_context=tls)
        assert client.login(user, PASSWORD)[0] == "OK"
    finally:
        client.logout()


def test_submission_needs_starttls_before_auth(facts: Facts, tls: ssl.SSLContext, api: Api,
                                               new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    with smtplib.SMTP(facts["smtp_host"], facts["smtp_port"], timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls")
        assert not smtp.has_extn("auth")
        code, text = smtp.mail(user)
        assert code == 530 and b"STARTTLS" in text
        smtp.rset()
        smtp.starttls(context=tls)
        smtp.ehlo()
        assert "PLAIN" in smtp.esmtp_features["auth"].split()
        assert smtp.login(user, PASSWORD)[0] == 235


def test_submission_from_loopback_still_needs_auth(facts: Facts, tls: ssl.SSLContext, api: Api,
                                                   new_address: NewAddress) -> None:
    recipient = api.add_mailbox(new_address())
    with smtplib.SMTP(facts["smtp_host"], facts["smtp_port"], timeout=10) as smtp:
        smtp.starttls(context=tls)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.sendmail(recipient, [recipient], message(recipient, recipient, "no auth"))
    code = refused.value.recipients[recipient][0]
    assert code == 554


def test_smtps_implicit_tls_sends(facts: Facts, tls: ssl.SSLContext, api: Api,
                                  new_address: NewAddress) -> None:
    sender, recipient = api.add_mailbox(new_address("a")), api.add_mailbox(new_address("b"))
    subject = f"smtps {uuid.uuid4().hex}"
    with smtplib.SMTP_SSL(facts["smtp_host"], facts["smtps_port"], context=tls,
                          timeout=10) as smtp:
        smtp.login(sender, PASSWORD)
        smtp.sendmail(sender, [recipient], message(sender, recipient, subject))
    assert subject.encode() in wait_for_subject(facts, tls, recipient, subject)


def test_mail_from_a_arrives_in_b_inbox(facts: Facts, tls: ssl.SSLContext, api: Api,
                                        new_address: NewAddress) -> None:
    sender, recipient = api.add_mailbox(new_address("a")), api.add_mailbox(new_address("b"))
    subject = f"hello {uuid.uuid4().hex}"
    submit(facts, tls, sender, sender, [recipient], message(sender, recipient, subject))
    raw = wait_for_subject(facts, tls, recipient, subject)
    assert f"From: {sender}".encode() in raw


def test_five_megabyte_attachment_is_accepted(facts: Facts, tls: ssl.SSLContext, api: Api,
                                              new_address: NewAddress) -> None:
    sender, recipient = api.add_mailbox(new_address("a")), api.add_mailbox(new_address("b"))
    subject = f"attachment {uuid.uuid4().hex}"
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, recipient, subject
    mail.set_content("see attachment")
    mail.add_attachment(b"\x00\x01" * (5 * 1024 * 1024 // 2), maintype="application",
                        subtype="octet-stream", filename="big.bin")
    submit(facts, tls, sender, sender, [recipient], mail.as_string())
    assert len(wait_for_subject(facts, tls, recipient, subject)) > 5 * 1024 * 1024


def test_spoofed_sender_is_rejected_553(facts: Facts, tls: ssl.SSLContext, api: Api,
                                        new_address: NewAddress) -> None:
    user, other = api.add_mailbox(new_address("a")), api.add_mailbox(new_address("b"))
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        submit(facts, tls, user, other, [other], message(other, other, "spoof"))
    code, text = refused.value.recipients[other]
    assert (code, text.decode()) == (
        553, f"5.7.1 <{other}>: Sender address rejected: not owned by user {user}")


def test_unknown_recipient_is_rejected_at_rcpt(facts: Facts, tls: ssl.SSLContext, api: Api,
                                               new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    nobody = new_address("nobody")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        submit(facts, tls, user, user, [nobody], message(user, nobody, "lost"))
    code, text = refused.value.recipients[nobody]
    assert code == 550 and text.startswith(b"5.1.1")


def test_mx_port_takes_mail_for_our_domains_only(facts: Facts, tls: ssl.SSLContext, api: Api,
                                                 new_address: NewAddress) -> None:
    recipient = api.add_mailbox(new_address())
    subject = f"inbound {uuid.uuid4().hex}"
    with smtplib.SMTP(facts["smtp_host"], facts["smtp_mx_port"], timeout=10) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("auth")
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.sendmail("someone@example.com", ["else@example.com"], "Subject: relay\r\n\r\n")
        assert refused.value.recipients["else@example.com"][0] == 554
        smtp.sendmail("someone@example.com", [recipient],
                      message("someone@example.com", recipient, subject))
    wait_for_subject(facts, tls, recipient, subject)


def _login_fails(facts: Facts, tls: ssl.SSLContext, user: str, password: str = PASSWORD) -> None:
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        imaps_login(facts, tls, user, password).logout()


def test_login_disabled_mailbox_receives_but_cannot_log_in(
        facts: Facts, tls: ssl.SSLContext, api: Api, new_address: NewAddress) -> None:
    sender = api.add_mailbox(new_address("a"))
    disabled = api.add_mailbox(new_address("off"), active=2)
    _login_fails(facts, tls, disabled)
    with smtplib.SMTP_SSL(facts["smtp_host"], facts["smtps_port"], context=tls,
                          timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(disabled, PASSWORD)
    submit(facts, tls, sender, sender, [disabled], message(sender, disabled, "still delivered"))
    deadline = time.monotonic() + 15
    while not maildir_messages(facts, disabled):
        assert time.monotonic() < deadline, "mail to a login-disabled mailbox was not delivered"
        time.sleep(0.1)


def test_deleted_mailbox_cannot_log_in(facts: Facts, tls: ssl.SSLContext, api: Api,
                                       new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    imaps_login(facts, tls, user).logout()
    api.delete_mailbox(user)
    _login_fails(facts, tls, user)


def test_password_change_holds_on_the_next_login(facts: Facts, tls: ssl.SSLContext, api: Api,
                                                 new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    imaps_login(facts, tls, user).logout()
    new_password = "Changed-Pass-2"
    # Same length as before: the users file keeps its size, and the change lands within the
    # second of the previous lookup (what Dovecot's passwd-file driver would miss).
    api.edit_mailbox(user, password=new_password, password2=new_password)
    _login_fails(facts, tls, user, PASSWORD)
    imaps_login(facts, tls, user, new_password).logout()


def test_mail_to_the_outside_world_is_refused(facts: Facts, tls: ssl.SSLContext, api: Api,
                                              new_address: NewAddress) -> None:
    # Mailcow would relay it; nothing leaves the sandbox, and the client is told at RCPT.
    sender = api.add_mailbox(new_address("a"))
    outside = "someone@example.com"
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        submit(facts, tls, sender, sender, [outside], message(sender, outside, "away"))
    code, text = refused.value.recipients[outside]
    assert code == 550 and b"does not relay mail to the outside world" in text


def _app_password(api: Api, user: str, name: str, password: str, protocols: list[str], active: int = 1) -> int:
    api.write("add/app-passwd", {"username": user, "app_name": name, "app_passwd": password, "app_passwd2": password,
                                 "protocols": protocols, "active": active})
    rows = api.call("get/app-passwd/all/" + user)
    return max(int(row["id"]) for row in (rows if isinstance(rows, list) else [rows]) if row["name"] == name)


def test_app_password_logs_in_where_its_protocols_allow(facts: Facts, tls: ssl.SSLContext, api: Api,
                                                        new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    phone, imap_only = "Phone-App-Pass-1", "Imap-Only-Pass-2"
    _app_password(api, user, "phone", phone, ["imap_access", "smtp_access"])
    _app_password(api, user, "reader", imap_only, ["imap_access"])
    imaps_login(facts, tls, user, phone).logout()
    imaps_login(facts, tls, user, imap_only).logout()
    imaps_login(facts, tls, user).logout()  # the mailbox's own password still works
    submit(facts, tls, user, user, [user], message(user, user, "sent with an app password"), password=phone)
    with smtplib.SMTP_SSL(facts["smtp_host"], facts["smtps_port"], context=tls, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(user, imap_only)  # no smtp_access
    _login_fails(facts, tls, user, "Not-The-Password-3")


def test_app_password_disabled_edited_or_deleted_stops_working(facts: Facts, tls: ssl.SSLContext, api: Api,
                                                               new_address: NewAddress) -> None:
    user = api.add_mailbox(new_address())
    secret = "Laptop-App-Pass-1"
    app_id = _app_password(api, user, "laptop", secret, ["imap_access"])
    imaps_login(facts, tls, user, secret).logout()
    api.write("edit/app-passwd", {"items": [app_id], "attr": {"username": user, "active": 0}})
    _login_fails(facts, tls, user, secret)
    api.write("edit/app-passwd", {"items": [app_id], "attr": {"username": user, "active": 1, "protocols": ["pop3_access"]}})
    _login_fails(facts, tls, user, secret)  # no imap_access any more
    api.write("edit/app-passwd", {"items": [app_id], "attr": {"username": user, "protocols": ["imap_access"]}})
    imaps_login(facts, tls, user, secret).logout()
    api.write("delete/app-passwd", [app_id])
    _login_fails(facts, tls, user, secret)
    inactive = "Inactive-App-Pass-2"
    _app_password(api, user, "inactive", inactive, ["imap_access"], active=0)
    _login_fails(facts, tls, user, inactive)
