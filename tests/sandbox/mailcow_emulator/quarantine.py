# SPDX-License-Identifier: GPL-3.0-or-later
"""quarantine('get'|'details'|'edit'|'delete'): the mail Rspamd held back, and what the API does with it.

As recorded (tests/fixtures/mailcow-api/transcripts-quarantine.jsonl): get/quarantine/all lists every
item with ``created`` as a Unix time, ``[]`` when there is none; get/quarantine/<id> is the whole row
(the message too, ``created`` as the database's local time), ``[]`` for a missing id or a word such as
``settings``. edit/qitem with action ``release`` or ``learnham`` hands the message to Postfix (Mailcow
does so for both), deletes the item and answers ``item_released``, then teaches Rspamd the message as
ham (``learned_ham``, or a danger ``ham_learn_error``); when Postfix cannot be reached it answers the
warning ``Cannot connect to Postfix``, keeps the item and stops there. ``learnspam`` deletes the item
first, then teaches Rspamd (``qlearn_spam``, or a danger ``spam_learn_error`` with the item gone all
the same). A missing or non-numeric id is ``access_denied``; an unknown or missing action does nothing
and answers the generic "Task completed". delete/qitem answers ``item_deleted`` for every numeric id,
missing ones too.

Rows come in through the control API (POST /_sandbox/quarantine), as Rspamd's quarantine.php writes
them on a real Mailcow. Whether Postfix and Rspamd answer is set there too (POST
/_sandbox/quarantine/services); on a fresh sandbox both do, as on a working Mailcow. With the mail
stack, a released message goes to the sandbox's Postfix (as Mailcow's raw release format talks SMTP to
its own Postfix): a recipient Postfix refuses keeps the item, with Mailcow's warning naming the code.
Without it (``postfix_port`` 0) a released item just leaves the quarantine.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import smtplib
import time
from typing import Any, Iterator

from . import php, phpjson
from .context import Call

CURL_DOWN = "Curl: Couldn't connect to server"
LIST_FIELDS = ("id", "qid", "subject", "virus_flag", "score", "rcpt", "sender", "action", "created", "notified")
DETAIL_FIELDS = ("id", "qid", "subject", "score", "ip", "action", "symbols", "fuzzy_hashes", "sender", "rcpt", "msg", "domain",
                 "notified", "created", "user", "qhash")
SERVICES = {"postfix": True, "rspamd": True}


def seed(store: Any, items: list[Any]) -> list[dict[str, Any]]:
    """Rows as quarantine.php inserts them; ``created`` a Unix time (default now), ``id`` the next one unless given."""
    rows = []
    for item in items:
        if not isinstance(item, dict) or not item.get("rcpt") or not item.get("qid"):
            raise ValueError("each quarantine item needs at least qid and rcpt, got %r" % (item,))
        row_id = int(item.get("id") or store.next_quarantine_id)
        store.next_quarantine_id = max(store.next_quarantine_id, row_id + 1)
        rcpt = str(item["rcpt"])
        row = {
            "id": row_id, "qid": str(item["qid"]), "subject": item.get("subject"), "score": item.get("score", 0),
            "ip": item.get("ip", "192.0.2.1"), "action": item.get("action", "reject"), "symbols": item.get("symbols", "[]"),
            "fuzzy_hashes": item.get("fuzzy_hashes", "[]"), "sender": item.get("sender", "unknown"), "rcpt": rcpt,
            "msg": item.get("msg", ""), "domain": item.get("domain", rcpt.rpartition("@")[2]), "notified": int(item.get("notified", 0)),
            "created": int(item.get("created") or time.time()), "user": item.get("user", "unknown"),
        }
        row["qhash"] = item.get("qhash") or hashlib.sha256(("%s%s" % (row_id, row["qid"])).encode()).hexdigest()
        store.quarantine[row_id] = row
        rows.append(row)
    return rows


def set_services(store: Any, data: dict[str, Any]) -> dict[str, bool]:
    for name, up in data.items():
        if name not in SERVICES or not isinstance(up, bool):
            raise ValueError("expected {\"postfix\": true|false, \"rspamd\": true|false}, got %r" % (data,))
        store.quarantine_services[name] = up
    return dict(store.quarantine_services)


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    view = {key: row[key] for key in LIST_FIELDS if key != "virus_flag"}
    view["virus_flag"] = 1 + str(row["symbols"]).find("VIRUS_FOUND") if "VIRUS_FOUND" in str(row["symbols"]) else 0  # LOCATE()
    return {key: view[key] for key in LIST_FIELDS}


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """process_get_return(..., false): ``[]`` for nothing."""
    rows = call.store.quarantine
    if obj == "all":
        data: Any = [_summary(rows[key]) for key in sorted(rows)]
    else:
        row = rows.get(php.intval(obj)) if php.is_numeric(obj) and not php.empty(obj) else None
        data = None
        if row is not None:
            data = {key: row[key] for key in DETAIL_FIELDS}
            data["created"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["created"]))
    return phpjson.encode_pretty(data) if data else "[]"


def _log(action: str, data: Any) -> list[Any]:
    return ["quarantine", action, data]


def _row(call: Call, log: list[Any], item: Any) -> dict[str, Any] | None:
    """The row of a numeric id with a recipient, else ``access_denied`` queued."""
    row = call.store.quarantine.get(php.intval(item)) if php.is_numeric(item) else None
    if row is None or php.empty(row.get("rcpt")):
        call.push("danger", log, "access_denied")
        return None
    return row


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    action = php.array_get(data, "action")
    if action in ("release", "learnham"):
        _release(call, log, php.as_list(data.get("id")))
    elif action == "learnspam":
        _learn_spam(call, log, php.as_list(data.get("id")))
    return True


def _release(call: Call, log: list[Any], ids: list[Any]) -> None:
    services = call.store.quarantine_services
    for item in ids:
        row = _row(call, log, item)
        if row is None:
            continue
        if not services["postfix"]:
            refused: str | None = "Cannot connect to Postfix"
        else:
            # Postfix asks the emulator's tcp_table servers whether the recipient exists, and they take the store's
            # lock: let go of it while talking to Postfix (Mailcow's PHP holds no lock either).
            with _unlocked(call.store.lock):
                refused = _to_postfix(call.postfix_port, row)
        if refused is not None:
            call.push("warning", log, refused)
            return  # Mailcow returns here: later ids are not tried
        call.store.quarantine.pop(row["id"], None)
        call.push("success", log, ["item_released", item])
        if services["rspamd"]:
            call.push("success", log, ["learned_ham", item])
        else:
            call.push("danger", log, ["ham_learn_error", CURL_DOWN])


@contextlib.contextmanager
def _unlocked(lock: Any) -> Iterator[None]:
    """The request's hold on the store's re-entrant lock let go for a while, then taken again."""
    lock.release()
    try:
        yield
    finally:
        lock.acquire()


def _to_postfix(port: int, row: dict[str, Any]) -> str | None:
    """The raw release: HELO, MAIL FROM, RCPT TO, DATA with the message as held (X-Spam-Flag renamed); None when
    Postfix took it (or there is no Postfix to send to), else Mailcow's warning."""
    if not port:
        return None
    sender = row["sender"] if not php.empty(row.get("sender")) else "sender-unknown@rspamd"
    message = re.sub(r"(?m)^X-Spam-Flag: (.*)", r"X-Pre-Release-Spam-Flag: \1", str(row.get("msg") or ""))
    try:
        smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="quarantine", timeout=10)
    except (OSError, smtplib.SMTPException):
        return "Cannot connect to Postfix"
    try:
        steps = ((smtp.helo, ("quarantine",)), (smtp.mail, (sender,)), (smtp.rcpt, (row["rcpt"],)), (smtp.data, (message.encode("utf-8"),)))
        for step, args in steps:
            code, text = step(*args)
            if code != 250:
                return "Postfix returned SMTP code %d %s, expected 250" % (code, text.decode("utf-8", "replace"))
    except smtplib.SMTPResponseException as exc:
        return "Postfix returned SMTP code %d %s, expected 354" % (exc.smtp_code, exc.smtp_error.decode("utf-8", "replace"))
    except (OSError, smtplib.SMTPException):
        return "Cannot connect to Postfix"
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return None


def _learn_spam(call: Call, log: list[Any], ids: list[Any]) -> None:
    for item in ids:
        row = _row(call, log, item)
        if row is None:
            continue
        del call.store.quarantine[row["id"]]  # before learning: gone even when Rspamd does not answer
        if call.store.quarantine_services["rspamd"]:
            call.push("success", log, ["qlearn_spam", item])
        else:
            call.push("danger", log, ["spam_learn_error", CURL_DOWN])


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        if not php.is_numeric(item):
            call.push("danger", log, "access_denied")
            continue
        call.store.quarantine.pop(php.intval(item), None)
        call.push("success", log, ["item_deleted", item])
    return True


def edit_settings(call: Call, data: Any) -> bool:
    """edit/quarantine with action ``settings``: saved (the settings are not read by anything emulated)."""
    if php.array_get(data, "action") == "settings":
        call.store.quarantine_settings = dict(data) if isinstance(data, dict) else {}
        call.push("success", _log("edit", data), "saved_settings")
    return True
