# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'edit'|'delete', 'syncjob') and get/syncjobs: imapsync job records only.

imapsync is not packaged for Debian 12, so no job ever runs here: the rows keep the status fields
a job has before its first run (is_running 0, last_run/success/exit_status null, an empty log),
unless the control API's POST /_sandbox/syncjob_run writes what Mailcow's imapsync runner would.
As recorded (transcripts-lifecycle.jsonl, add_syncjob_*): the add answer names the mailbox, not
the new id, and its log echoes the request with password1 in clear; add without `exclude` dies
(empty body); out-of-range maxage/timeouts/bandwidth silently become 0/600/600/0; add does not
validate host1 but edit does; a bad port, interval or encryption is a bare access_denied.
"""
from __future__ import annotations

import re
from typing import Any

from . import php, phpjson, validate
from .context import Call, masked
from .model import now_sql

# data/web/inc/vars.inc.php $IMAPSYNC_OPTIONS['whitelist'] (the only custom_params Mailcow accepts).
WHITELIST = frozenset("""
abort authmd51 authmd52 authmech1 authmech2 authuser1 authuser2 debug debugcontent debugcrossduplicates debugflags
debugfolders debugimap debugimap1 debugimap2 debugmemory debugssl delete1emptyfolders delete2folders disarmreadreceipts
domain1 domain2 domino1 domino2 dry errorsmax exchange1 exchange2 exitwhenover expunge1 f1f2 filterbuggyflags folder
folderfirst folderlast folderrec gmail1 gmail2 idatefromheader include inet4 inet6 justconnect justfolders
justfoldersizes justlogin keepalive1 keepalive2 log logdir logfile maxbytesafter maxlinelength maxmessagespersecond
maxsize maxsleep minage minsize noabletosearch noabletosearch1 noabletosearch2 noexpunge1 noexpunge2 nofoldersizesatend
noid nolog nomixfolders noresyncflags nossl1 nossl2 nosyncacls notls1 notls2 nouidexpunge2 nousecache oauthaccesstoken1
oauthaccesstoken2 oauthdirect1 oauthdirect2 office1 office2 pidfile pidfilelocking prefix1 prefix2 proxyauth1
proxyauth2 resyncflags resynclabels search search1 search2 sep1 sep2 showpasswords skipemptyfolders ssl2 sslargs1
sslargs2 subfolder1 subscribe subscribed syncacls syncduplicates syncinternaldates synclabels tests testslive
testslive6 tls2 truncmess usecache useheader useuid
""".split())
_FLAGS = ("active", "subscribeall", "delete2duplicates", "delete1", "delete2", "skipcrossduplicates", "automap", "dry")
_INT = re.compile(r"[+-]?(0|[1-9][0-9]*)\Z")
_INLINE_FLAGS = re.compile(r"\(\?[a-zA-Z]+\)")
# SHOW FIELDS order of the imapsync table (data/web/inc/init_db.inc.php); `log` is appended last.
COLUMNS = ("id", "user2", "host1", "authmech1", "regextrans2", "authmd51", "domain2", "subfolder2", "user1", "password1",
           "exclude", "maxage", "mins_interval", "maxbytespersecond", "port1", "enc1", "delete2duplicates", "delete1",
           "delete2", "automap", "skipcrossduplicates", "custom_params", "timeout1", "timeout2", "subscribeall", "dry",
           "is_running", "returned_text", "last_run", "success", "exit_status", "created", "modified", "active")


def _log(action: str, data: Any) -> list[Any]:
    return ["mailbox", action, "syncjob", masked(data), None]


def filter_int(value: Any, low: int, high: int) -> int | None:
    """filter_var($value, FILTER_VALIDATE_INT, min_range/max_range); None where PHP says false."""
    if isinstance(value, bool):
        value = "1" if value else ""
    if isinstance(value, float):
        value = php.strval(value)
    if isinstance(value, str):
        text = value.strip(" \t\n\r\v")
        if not _INT.match(text):
            return None
        value = int(text)
    if not isinstance(value, int):
        return None
    return value if low <= value <= high else None


def custom_params_refusal(custom_params: str) -> str | None:
    """Mailcow's check of custom_params: explode on '-', option before '=', no space, strtolower(option) whitelisted."""
    for param in custom_params.split("-"):
        if php.empty(param):
            continue
        param = param.split("=")[0] if "=" in param else param.rstrip(" ")
        if " " in param:
            return "bad character SPACE"
        if php.strtolower(param) not in WHITELIST:
            return "bad option " + param
    return None


def _regex_ok(exclude: Any) -> bool:
    """@preg_match("/" . $exclude . "/", null) !== false, as far as Python's re can tell."""
    text = php.strval(exclude)
    if re.search(r"(?<!\\)(\\\\)*/", text):
        return False  # an unescaped '/' ends the pattern early
    try:
        re.compile(_INLINE_FLAGS.sub("", text))
    except re.error:
        return False
    return True


def _ranges(values: dict[str, Any]) -> None:
    """The silent resets of out-of-range values (add and edit alike)."""
    if php.empty(values["subfolder2"]):
        values["subfolder2"] = ""
    if values["maxage"] is None or not filter_int(values["maxage"], 1, 32000):
        values["maxage"] = "0"
    for key in ("timeout1", "timeout2"):
        if values[key] is None or not filter_int(values[key], 1, 32000):
            values[key] = "600"
    if values["maxbytespersecond"] is None or not filter_int(values["maxbytespersecond"], 1, 125000000):
        values["maxbytespersecond"] = "0"


def _refusal(values: dict[str, Any], *, check_host: bool) -> str | None:
    """The checks that answer a bare access_denied, in Mailcow's order."""
    if filter_int(values["port1"], 1, 65535) is None or filter_int(values["mins_interval"], 1, 43800) is None:
        return "access_denied"
    if check_host and not validate.is_valid_domain_name(values["host1"]):
        return "access_denied"
    if values["enc1"] not in ("TLS", "SSL", "PLAIN") or not _regex_ok(values["exclude"]):
        return "access_denied"
    return None


# -- add -------------------------------------------------------------------------------------
def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    username = php.array_get(data, "username")
    if not validate.is_email(username):
        call.push("danger", log, "no_user_defined")
        return False
    if not call.has_mailbox_access(username):
        call.push("danger", log, "access_denied")
        return False
    values: dict[str, Any] = {key: php.intval(php.array_get(data, key)) for key in _FLAGS + ("timeout1", "timeout2")}
    for key in ("port1", "password1", "exclude", "maxage", "maxbytespersecond", "subfolder2", "user1", "mins_interval", "enc1"):
        values[key] = php.array_get(data, key)
    values["host1"] = php.strval(php.array_get(data, "host1")).lower()
    values["custom_params"] = php.trim(php.array_get(data, "custom_params"))
    refusal = custom_params_refusal(values["custom_params"])
    _ranges(values)
    refusal = refusal or _refusal(values, check_host=False)  # add/syncjob leaves host1 unchecked
    if refusal is not None:
        call.push("danger", log, refusal)
        return False
    if any(_same_job(row, username, values["user1"], values["host1"]) for row in call.store.syncjobs.values()):
        call.push("danger", log, ["object_exists", php.htmlspecialchars(values["host1"] + " / " + php.strval(values["user1"]))])
        return False
    if any(values[key] is None for key in ("exclude", "user1", "password1")):
        raise php.Uncaught("PDOException: Column cannot be null")  # INSERT into NOT NULL columns
    call.store.add_syncjob(_row(username, values))
    call.push("success", log, ["mailbox_modified", username])
    return True


def _same_job(row: dict[str, Any], user2: str, user1: Any, host1: str) -> bool:
    return bool(row["user2"].lower() == user2.lower() and row["user1"].lower() == php.strval(user1).lower() and row["host1"].lower() == host1.lower())


def _row(username: str, values: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {column: None for column in COLUMNS}
    row.update(user2=username, authmech1="PLAIN", regextrans2="", authmd51=0, domain2="", is_running=0, created=now_sql())
    _store(row, values)
    return row


def _store(row: dict[str, Any], values: dict[str, Any]) -> None:
    """The values as MariaDB keeps them: integer columns as numbers, maxbytespersecond (VARCHAR) as text."""
    for key in _FLAGS + ("timeout1", "timeout2", "maxage", "mins_interval", "port1"):
        row[key] = php.mysql_int(values[key])
    for key in ("host1", "user1", "password1", "exclude", "subfolder2", "enc1", "custom_params", "maxbytespersecond"):
        row[key] = php.strval(values[key])


# -- edit ------------------------------------------------------------------------------------
def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    for item in php.as_list(data.get("id")):
        row = _accessible(call, item)
        if row is None:
            call.push("danger", log, "access_denied")
            continue
        values = _edited(row, data)
        refusal = custom_params_refusal(php.strval(values["custom_params"]))
        if refusal is not None:
            call.push("danger", log, refusal)
            return False
        _ranges(values)
        refusal = _refusal(values, check_host=True)
        if refusal is not None:
            call.push("danger", log, refusal)
            continue
        before = dict(row)
        _store(row, values)
        row["last_run"], row["success"] = values["last_run"], values["success"]
        if row != before:
            row["modified"] = now_sql()
        call.push("success", log, ["mailbox_modified", row["user2"]])
    return True


def _accessible(call: Call, item: Any) -> dict[str, Any] | None:
    """syncjob_details($id): a numeric id of a job whose mailbox the caller may manage."""
    if not php.is_numeric(item):
        return None
    row = call.store.syncjobs.get(php.intval(item))
    return row if row is not None and call.has_mailbox_access(row["user2"]) else None


def _edited(row: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Each value from the request when given (Mailcow's isset/!empty per field), else the row's."""
    values: dict[str, Any] = {}
    for key in _FLAGS:
        values[key] = php.intval(data[key]) if php.isset(data, key) else row[key]
    for key in ("user1", "port1", "password1", "host1", "enc1", "mins_interval"):
        values[key] = data[key] if not php.empty(data.get(key)) else row[key]
    for key in ("subfolder2", "exclude", "custom_params"):
        values[key] = data[key] if php.isset(data, key) else row[key]
    for key in ("maxage", "maxbytespersecond", "timeout1", "timeout2"):
        given = php.isset(data, key) and data[key] != ""
        values[key] = php.intval(data[key]) if given else row[key]
    for key in ("last_run", "success"):
        values[key] = None if php.isset(data, key) else row[key]
    return values


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        if not php.is_numeric(item):
            return False  # "Cannot delete item"
        row = call.store.syncjobs.get(php.intval(item))
        if row is None or not call.has_mailbox_access(row["user2"]):
            call.push("danger", log, "access_denied")
            continue
        del call.store.syncjobs[row["id"]]
        call.push("success", log, ["deleted_syncjob", item])
    return True


# -- get -------------------------------------------------------------------------------------
def get(call: Call, obj: str | None, extra: str | None) -> str:
    """get/syncjobs/all|<mailbox>[/no_log|with_password]: the details of each job, mailbox by mailbox."""
    extras = extra.split(",") if extra is not None else []
    if obj == "all":
        if not call.store.domain_names():
            return "{}"
        users = [m.username for name in call.store.domain_names() for m in call.store.mailboxes_of(name)]
    else:
        users = [obj] if validate.is_email(obj) and call.has_mailbox_access(obj) else []
    data = [_details(row, extras) for user in users for row in _jobs_of(call, user)]
    call.charge("syncjob_list_item", len(data))
    return "{}" if not data else phpjson.encode_pretty(data)


def _jobs_of(call: Call, user: str) -> list[dict[str, Any]]:
    return [row for key, row in sorted(call.store.syncjobs.items()) if row["user2"].lower() == user.lower()]


def _details(row: dict[str, Any], extras: list[str]) -> dict[str, Any]:
    hidden = ("returned_text", "password1") if "no_log" in extras else () if "with_password" in extras else ("password1",)
    details = {key: value for key, value in row.items() if key not in hidden}
    details["log"] = details.pop("returned_text", None) or ""  # not selected with no_log: then ''
    return details


def record_run(call_store: Any, job_id: int, *, success: bool, exit_status: str, log: str) -> dict[str, Any]:
    """What Mailcow's imapsync runner writes after a run (for the control API; no run happens here)."""
    with call_store.lock:
        row = call_store.syncjobs.get(job_id)
        if row is None:
            raise ValueError(f"no sync job {job_id}")
        row.update(is_running=0, last_run=now_sql(), success=int(success), exit_status=exit_status, returned_text=log)
        return {"id": job_id, "last_run": row["last_run"]}
