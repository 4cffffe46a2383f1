# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault table of the mail modules: each fault a server can cause, what the task reports, what was sent.

The servers are the scripted SMTP and IMAP responders (real sockets, real TLS), because the
sandbox's Postfix and Dovecot cannot be made to refuse temporarily or to drop a connection in the
middle of an IDLE on demand; the integration target mail_failures checks the same messages against
the real ones where they can produce the fault (nothing listening, refused recipients, wrong password).
Every case asserts the exception (or the result), the message - which names the option and its
environment variable where one would fix it - and that the password appears in no form.
"""

from __future__ import annotations

import base64
import json
import re
import typing as t
import urllib.parse

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils import _errors as errors
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.manager import message_info, send_mail
from .test_imap import ImapResponder, info_params
from .test_manager_send import send_params
from .test_smtp import PASSWORD, Certs, SmtpResponder, free_port, make_certs, responders

WRONG = "wrong-Pässwort\n\"'"
SEARCH_ANY = b"UID SEARCH .*"


def secret_forms(secret: str) -> set[str]:
    """The password as it could leak: plain, JSON- and repr-escaped, URL-encoded, and inside AUTH PLAIN's base64."""
    return {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], urllib.parse.quote(secret), urllib.parse.quote_plus(secret),
            secret.encode("unicode_escape").decode("ascii"), base64.b64encode(secret.encode()).decode("ascii")}


class Servers:
    def __init__(self, certs: Certs, smtpd: t.Callable[..., SmtpResponder], imapd: t.Callable[..., ImapResponder]) -> None:
        self.certs, self.smtpd, self.imapd = certs, smtpd, imapd
        self.smtp: SmtpResponder | None = None


def smtp_down(s: Servers) -> t.Any:
    return send_mail(send_params(s.certs, free_port()), check_mode=False)


def smtp_temporary(s: Servers) -> t.Any:
    s.smtp = s.smtpd(refuse={"bob@example.org": "451 4.3.0 <bob@example.org>: Temporary lookup failure"})
    return send_mail(send_params(s.certs, s.smtp.port), check_mode=False)


def smtp_sender_temporary(s: Servers) -> t.Any:
    s.smtp = s.smtpd(refuse_sender="451 4.7.1 Try again later: rate limit exceeded")
    return send_mail(send_params(s.certs, s.smtp.port), check_mode=False)


def smtp_one_refused(s: Servers) -> t.Any:
    s.smtp = s.smtpd(refuse={"nobody@example.org": "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"})
    return send_mail(send_params(s.certs, s.smtp.port, to=["bob@example.org", "nobody@example.org"], cc=["carol@example.org"]), check_mode=False)


def smtp_login_refused(s: Servers) -> t.Any:
    s.smtp = s.smtpd()
    return send_mail(send_params(s.certs, s.smtp.port, password=WRONG), check_mode=False)


def smtp_no_auth(s: Servers) -> t.Any:
    s.smtp = s.smtpd(auth=False)
    return send_mail(send_params(s.certs, s.smtp.port), check_mode=False)


def sent_copy_imap_down(s: Servers) -> t.Any:
    s.smtp = s.smtpd()
    return send_mail(send_params(s.certs, s.smtp.port, free_port(), save_to_sent=True), check_mode=False)


def imap_down(s: Servers) -> t.Any:
    server = s.imapd()
    return message_info(info_params(server, s.certs, imap_port=free_port()), check_mode=False)


def imap_login_refused(s: Servers) -> t.Any:
    return message_info(info_params(s.imapd(), s.certs, password=WRONG), check_mode=False)


def imap_dropped_in_idle(s: Servers) -> t.Any:
    server = s.imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS").expect(SEARCH_ANY, b"* SEARCH").expect_idle(after=0.05, drop=True)
    return message_info(info_params(server, s.certs, subject="Report", wait_timeout=30), check_mode=False)


def imap_bye_in_idle(s: Servers) -> t.Any:
    server = s.imapd()
    server.expect(b'EXAMINE "INBOX"', b"* 0 EXISTS").expect(SEARCH_ANY, b"* SEARCH")
    server.expect_idle(b"* BYE Server shutting down.", after=0.05, drop=True)
    return message_info(info_params(server, s.certs, subject="Report", wait_timeout=30), check_mode=False)


PORT = r"127\.0\.0\.1:\d+"
# name: (what runs, the exception (None: a result), the message or the result check)
CASES: dict[str, tuple[t.Callable[[Servers], t.Any], type[Exception] | None, str]] = {
    "smtp-down": (smtp_down, errors.MailcowTransportError,
                  r"cannot connect to the SMTP server %s: connection refused\. Is the server running, and are smtp_host and smtp_port "
                  r"\(MAILCOW_SMTP_HOST, MAILCOW_SMTP_PORT\) right\?" % PORT),
    "smtp-4xx-temporary": (smtp_temporary, errors.MailcowValidationError,
                           r"the SMTP server %s refused every recipient, nothing was sent: bob@example\.org: 451 4\.3\.0 <bob@example\.org>: "
                           r"Temporary lookup failure\. A 4xx reply is temporary: the server asks to try again later" % PORT),
    "smtp-4xx-sender-temporary": (smtp_sender_temporary, errors.MailcowValidationError,
                                  r"the SMTP server %s refused sender alice@example\.org: 451 4\.7\.1 Try again later: rate limit exceeded\. "
                                  r"A 4xx reply is temporary: the server asks to try again later" % PORT),
    "smtp-5xx-one-of-several": (smtp_one_refused, None, "accepted bob and carol, refused nobody, one message sent"),
    "smtp-login-refused": (smtp_login_refused, errors.MailcowAuthError,
                           r"SMTP login to the SMTP server %s as alice@example\.org failed: 535 5\.7\.8 Error: authentication failed: "
                           r"authentication failure\. Check username and password" % PORT),
    "smtp-port-25-no-auth": (smtp_no_auth, errors.MailcowAuthError,
                             r"the SMTP server %s offers no AUTH on this connection: is this the submission port \(587 or 465\), not port 25\? "
                             r"Set smtp_port \(MAILCOW_SMTP_PORT\)$" % PORT),
    "sent-copy-imap-down": (sent_copy_imap_down, errors.MailcowTransportError,
                            r"cannot connect to the IMAP server %s: connection refused\. Is the server running, and are imap_host and "
                            r"imap_port \(MAILCOW_IMAP_HOST, MAILCOW_IMAP_PORT\) right\?" % PORT),
    "imap-down": (imap_down, errors.MailcowTransportError,
                  r"cannot connect to the IMAP server %s: connection refused\. Is the server running, and are imap_host and imap_port "
                  r"\(MAILCOW_IMAP_HOST, MAILCOW_IMAP_PORT\) right\?" % PORT),
    "imap-login-refused": (imap_login_refused, errors.MailcowAuthError,
                           r"IMAP login to the IMAP server %s as bob@example\.org failed: \[AUTHENTICATIONFAILED\] Authentication failed\. "
                           r"Check username and password" % PORT),
    "imap-dropped-during-wait": (imap_dropped_in_idle, errors.MailcowTransportError,
                                 r"the connection to the IMAP server %s was lost while waiting for mail \(IDLE\): the server closed the "
                                 r"connection\. Run the task again; if something between here and the server drops idle connections, set "
                                 r"wait_method=poll" % PORT),
    "imap-bye-during-wait": (imap_bye_in_idle, errors.MailcowTransportError,
                             r"the IMAP server %s closed the connection while waiting for mail \(IDLE\): Server shutting down\. Run the task "
                             r"again; if this keeps happening, set wait_method=poll" % PORT),
}


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def servers(certs: Certs) -> t.Iterator[Servers]:
    with responders(SmtpResponder, certs) as smtpd, responders(ImapResponder, certs) as imapd:
        yield Servers(certs, smtpd, imapd)


@pytest.mark.parametrize("case", sorted(CASES))
def test_mail_fault(servers: Servers, case: str) -> None:
    run, expected, message = CASES[case]
    if expected is None:
        result = run(servers)
        shown = json.dumps(result, ensure_ascii=False) + json.dumps(result)
        check_result(case, servers, result)
    else:
        with pytest.raises(expected) as caught:
            run(servers)
        assert re.match(message, str(caught.value)), str(caught.value)
        assert caught.type is expected  # the class itself, not a subclass
        shown = "\n".join([str(caught.value), repr(caught.value), json.dumps(caught.value.to_result()), json.dumps(str(caught.value))])
        if servers.smtp is not None and case != "smtp-5xx-one-of-several":
            assert servers.smtp.messages == [], "a failed send must send nothing"
    for secret in (PASSWORD, WRONG):
        leaked = [form for form in secret_forms(secret) if form in shown]
        assert not leaked, "password in the output as %s" % leaked


def check_result(case: str, servers: Servers, result: dict[str, t.Any]) -> None:
    """5xx for one recipient of several: sent to the others, the refusal reported per recipient."""
    assert case == "smtp-5xx-one-of-several"
    assert result["sent"] is True and result["changed"] is True
    assert result["accepted"] == ["bob@example.org", "carol@example.org"]
    assert result["refused"] == {"nobody@example.org": "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"}
    smtp = t.cast(SmtpResponder, servers.smtp)
    assert len(smtp.messages) == 1
    assert [line for line in smtp.lines if line.upper().startswith("RCPT TO")] == [
        "rcpt TO:<bob@example.org>", "rcpt TO:<nobody@example.org>", "rcpt TO:<carol@example.org>"]
