# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_send_mail and mailcow_message_info do, as functions of their options.

send: validate -> (with save_to_sent) log in to IMAP, find Sent, look for the Message-ID ->
(unless found or check mode) submit over SMTP -> append the copy to Sent. IMAP comes first so
that a wrong IMAP password or host fails before anything is sent, and a re-run is idempotent.

read: log in -> select (read-only unless flags are to change) -> search on the server, and while
too few match, wait (IMAP IDLE, or polling) and search again -> fetch only the newest ``limit``
-> (with mark_seen) set \\Seen.
"""

from __future__ import annotations

import datetime
import time
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError, MailcowTimeoutError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.endpoint import Endpoint, resolve_endpoint, tls_context
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap import ImapSession
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.imap_search import Filters, parse_when
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.message import (
    OutgoingMessage,
    build_message,
    check_custom_headers,
    new_message_id,
    normalize_message_id,
    parse_address,
    parse_addresses,
    read_attachment,
    to_bytes,
    with_bcc,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mail.smtp import SmtpSession

SENT_FALLBACK = "Sent"  # Mailcow auto-creates "Sent" with \Sent (dovecot.folders.conf)
POLL_SECONDS = 1.0  # wait_interval's default
MIN_INTERVAL = 0.1
# Servers may end an IDLE after 30 minutes (RFC 2177); Dovecot answers it forever, but NAT and
# firewalls in between often forget a silent connection sooner. Re-issued well before either.
REIDLE_SECONDS = 240.0
WAIT_METHODS = ("auto", "idle", "poll")


def endpoint_of(kind: t.Literal["smtp", "imap"], params: dict[str, t.Any], address: str) -> Endpoint:
    return resolve_endpoint(kind, host=params.get(kind + "_host"), port=params.get(kind + "_port"),
                            security=params.get(kind + "_security"), address=address)


def imap_session(params: dict[str, t.Any], username: str) -> ImapSession:
    context = tls_context(validate_certs=params.get("validate_certs"), ca_path=params.get("ca_path"))
    return ImapSession(endpoint_of("imap", params, username), context, timeout=params["timeout"])


# -- mailcow_send_mail ----------------------------------------------------------------------------


def outgoing_from_params(params: dict[str, t.Any]) -> OutgoingMessage:
    """The message the options describe, validated and with attachments read, before any connection."""
    sender = parse_address(params["from"], "from")
    spec = OutgoingMessage(
        sender=sender,
        subject=" ".join(str(params.get("subject") or "").splitlines()),
        message_id=normalize_message_id(params["message_id"]) if params.get("message_id") else new_message_id(sender.domain),
        to=parse_addresses(params.get("to"), "to"),
        cc=parse_addresses(params.get("cc"), "cc"),
        bcc=parse_addresses(params.get("bcc"), "bcc"),
        reply_to=parse_addresses(params.get("reply_to"), "reply_to"),
        body=params.get("body"),
        html_body=params.get("html_body"),
        attachments=[read_attachment(path) for path in params.get("attachments") or ()],
        headers=check_custom_headers(params.get("headers")),
        charset=params.get("charset") or "utf-8",
    )
    if not spec.recipients:
        raise MailcowOptionError("no recipients: set at least one of to, cc and bcc")
    return spec


# What check mode says instead of sending, and instead of waiting (a mail to wait for was most often not sent).
CHECK_MODE_NOT_SENT = "check mode: nothing was sent (it would go to %s); a task that waits for this mail will not find it"
CHECK_MODE_NO_WAIT = ("check mode: did not wait; %d of the %d message(s) wanted are in folder %s of %s now, matching %s. A mail "
                      "that an earlier task sends in a real run is not sent in check mode; without --check the task waits up to "
                      "%s seconds for it")


def send_mail(params: dict[str, t.Any], *, check_mode: bool) -> dict[str, t.Any]:
    spec = outgoing_from_params(params)
    login = params.get("username") or spec.sender.addr_spec
    smtp = endpoint_of("smtp", params, login)
    result: dict[str, t.Any] = {"changed": True, "message_id": spec.message_id, "recipients": spec.recipients, "accepted": [],
                                "refused": {}, "sent": False, "saved_to_sent": False, "found_in_sent": False}
    if check_mode:
        result["msg"] = CHECK_MODE_NOT_SENT % ", ".join(spec.recipients)
    if not params.get("save_to_sent"):
        if not check_mode:
            result.update(_submit(smtp, params, spec, login)[0])
        return result
    with imap_session(params, login) as imap:
        imap.login(login, params["password"])
        folder, exists = find_sent_folder(imap)
        result["sent_folder"] = folder
        if params.get("message_id") and exists and _in_folder(imap, folder, spec.message_id):
            result.pop("msg", None)
            return dict(result, changed=False, found_in_sent=True)
        if check_mode:
            return result
        outcome, raw = _submit(smtp, params, spec, login)
        result.update(outcome)
        imap.append(folder, with_bcc(raw, spec.bcc))
        result["saved_to_sent"] = True
    return result


def _submit(endpoint: Endpoint, params: dict[str, t.Any], spec: OutgoingMessage, login: str) -> tuple[dict[str, t.Any], bytes]:
    context = tls_context(validate_certs=params.get("validate_certs"), ca_path=params.get("ca_path"))
    with SmtpSession(endpoint, context, timeout=params["timeout"]) as smtp:
        smtp.login(login, params["password"])
        # Built after EHLO: whether text may travel as 8bit depends on the server's 8BITMIME.
        raw = to_bytes(build_message(spec, eight_bit=smtp.eight_bit))
        outcome = smtp.send(spec.sender.addr_spec, spec.recipients, raw, login=login)
    return {"sent": True, "accepted": outcome.accepted, "refused": outcome.refused}, raw


def find_sent_folder(imap: ImapSession) -> tuple[str, bool]:
    """The folder flagged \\Sent (RFC 6154 SPECIAL-USE), else one named Sent; and whether it exists."""
    folders = imap.folders()
    for folder in folders:
        if "\\sent" in (flag.lower() for flag in folder.flags):
            return folder.name, True
    for folder in folders:
        if folder.name.lower() == SENT_FALLBACK.lower():
            return folder.name, True
    return SENT_FALLBACK, False


def _in_folder(imap: ImapSession, folder: str, message_id: str) -> bool:
    imap.select(folder, readonly=True)
    return bool(imap.search(Filters(message_id=message_id)))


# -- mailcow_message_info -------------------------------------------------------------------------


def filters_from_params(params: dict[str, t.Any], *, now: datetime.datetime) -> Filters:
    headers = check_custom_headers_for_search(params.get("header"))
    return Filters(
        unseen=bool(params.get("unseen")),
        since=parse_when(params.get("since"), "since", now=now),
        before=parse_when(params.get("before"), "before", now=now),
        sender=params.get("from") or None,
        to=params.get("to") or None,
        subject=params.get("subject") or None,
        message_id=normalize_message_id(params["message_id"]) if params.get("message_id") else None,
        headers=headers,
    )


def check_custom_headers_for_search(header: dict[str, t.Any] | None) -> tuple[tuple[str, str], ...]:
    pairs = []
    for name, value in sorted((header or {}).items()):
        if not str(name).isascii() or not str(name).strip() or any(c in str(name) for c in ' :\t\r\n"'):
            raise MailcowOptionError("header: %r is not a valid header name" % name)
        pairs.append((str(name), "" if value is None else str(value)))
    return tuple(pairs)


def check_numbers(params: dict[str, t.Any]) -> None:
    """Bounds of the numeric options, checked before connecting."""
    for name, low in (("limit", 0), ("max_body_size", 1), ("wait_timeout", 0), ("wait_count", 1), ("timeout", 1), ("wait_interval", MIN_INTERVAL)):
        value = params.get(name)
        if value is not None and value < low:
            raise MailcowOptionError("%s must be at least %s, got %s" % (name, low, value))


def message_info(params: dict[str, t.Any], *, check_mode: bool) -> dict[str, t.Any]:
    check_numbers(params)
    filters = filters_from_params(params, now=datetime.datetime.now(datetime.timezone.utc))
    limit, folder = params.get("limit") or 0, params.get("folder") or "INBOX"
    mark = bool(params.get("mark_seen"))
    # Check mode does not wait: the mail waited for is most often one an earlier task sends, and in check
    # mode that task sent nothing, so the wait could only time out. One search shows what is there now.
    skip_wait = check_mode and (params.get("wait_timeout") or 0) > 0
    with imap_session(params, params["username"]) as imap:
        imap.login(params["username"], params["password"])
        # EXAMINE cannot change anything; SELECT only when flags are to change for real.
        imap.select(folder, readonly=not mark or check_mode)
        uids = imap.search(filters) if skip_wait else wait_for(imap, filters, params, folder)
        newest = sorted(uids, reverse=True)[:limit] if limit > 0 else sorted(uids, reverse=True)
        messages = imap.read_messages(newest, include_body=params.get("include_body", True), max_body=params.get("max_body_size") or 65536)
        unseen = [m["uid"] for m in messages if "\\Seen" not in m["flags"]] if mark else []
        if unseen and not check_mode:
            imap.mark_seen(unseen)
    for message in messages:
        if message["uid"] in unseen:
            message["flags"].append("\\Seen")
    result = {"changed": bool(unseen), "folder": folder, "matched": len(uids), "messages": messages}
    if skip_wait:
        wanted = max(1, params.get("wait_count") or 1)
        result["msg"] = CHECK_MODE_NO_WAIT % (len(uids), wanted, folder, params["username"], describe(filters), params["wait_timeout"])
    return result


def wait_for(imap: ImapSession, filters: Filters, params: dict[str, t.Any], folder: str) -> list[int]:
    """Search; with wait_timeout, wait for a change and search again until wait_count messages match.

    The filters name fixed moments, so only a change in the folder (EXISTS, RECENT, FETCH) can
    change the matches: the folder is searched again after one, not after every check. The
    deadline is kept exactly: IDLE and polling never wait past it, and one last search after it
    counts a message that arrived in the final moment.
    """
    timeout, count = params.get("wait_timeout") or 0, max(1, params.get("wait_count") or 1)
    deadline = time.monotonic() + timeout
    method = wait_method(imap, params) if timeout > 0 else "poll"
    uids = imap.search(filters)
    while timeout > 0 and len(uids) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise MailcowTimeoutError(
                "waited %s seconds for %d message(s) in folder %s of %s matching %s, found %d"
                % (timeout, count, folder, params["username"], describe(filters), len(uids)), method="SEARCH", path=imap.endpoint.url)
        if method == "idle":
            changed = bool(imap.idle(min(REIDLE_SECONDS, remaining)))  # returns on EXISTS, RECENT or FETCH, or when the time is up
        else:
            time.sleep(min(params.get("wait_interval") or POLL_SECONDS, remaining))
            changed = imap.noop()
        if changed or time.monotonic() >= deadline:
            uids = imap.search(filters)
    return uids


def wait_method(imap: ImapSession, params: dict[str, t.Any]) -> str:
    """``idle`` or ``poll``: what wait_method asks for and the server (its IDLE capability) allows."""
    wanted = params.get("wait_method") or "auto"
    if wanted not in WAIT_METHODS:
        raise MailcowOptionError("wait_method must be one of %s, got %r" % (", ".join(WAIT_METHODS), wanted))
    offered = "IDLE" in imap.capabilities
    if wanted == "idle" and not offered:
        raise MailcowError("wait_method=idle, but the %s does not offer IDLE. Set wait_method=auto (IDLE where offered, else polling "
                           "every wait_interval seconds) or wait_method=poll" % imap.endpoint.label, method="IDLE", path=imap.endpoint.url)
    return "idle" if wanted == "idle" or (wanted == "auto" and offered) else "poll"


def describe(filters: Filters) -> str:
    """The filters in words, for the timeout message."""
    words = ["unseen"] if filters.unseen else []
    for name in ("sender", "to", "subject", "message_id"):
        value = getattr(filters, name)
        if value:
            words.append("%s %r" % ("from" if name == "sender" else name.replace("_", "-"), value))
    for name, bound in (("since", filters.since), ("before", filters.before)):
        if bound:
            words.append("%s %s" % (name, bound.moment.date().isoformat() if bound.day_only else bound.moment.isoformat(timespec="seconds")))
    words += ["header %s %r" % pair for pair in filters.headers]
    return ", ".join(words) or "anything"
