# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the sync job model (Mailcow's imapsync migration jobs).

A job copies one remote IMAP account into a Mailcow mailbox. It is named by its mailbox, remote
host and remote user, which Mailcow keeps unique, never by Mailcow's numeric id (which only the
edit and delete requests use). Mailcow never returns the remote password, so it is compared
never and sent on create (or always, with update_password=always). Every value Mailcow checks is
checked here first, because Mailcow silently resets out-of-range numbers, answers a bare
access_denied to others, and accepts on add a host name that makes every later edit fail
(docs/mailcow-api.md#sync-jobs).
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_password, check_text, flag, parse_address, to_int, view


class Field(t.NamedTuple):
    """One option of a job: Mailcow's field, its kind, its default on create and its bounds."""

    option: str
    api: str
    kind: str  # "int" | "bool" | "text" | "choice"
    default: t.Any
    low: int = 0
    high: int = 0  # int: largest value; text: most characters (Mailcow's column size)


# Defaults on create are those of Mailcow's own "add sync job" form.
FIELDS = (
    Field("remote_port", "port1", "int", None, 1, 65535),  # None: 993 with SSL, else 143
    Field("encryption", "enc1", "choice", "SSL"),
    Field("interval", "mins_interval", "int", 20, 1, 43800),
    Field("subfolder", "subfolder2", "text", "", 0, 255),
    Field("exclude", "exclude", "text", "(?i)spam|(?i)junk", 0, 500),
    Field("max_age", "maxage", "int", 0, 0, 32000),
    Field("max_bytes_per_second", "maxbytespersecond", "int", 0, 0, 125000000),
    Field("timeout_remote", "timeout1", "int", 600, 1, 32000),
    Field("timeout_local", "timeout2", "int", 600, 1, 32000),
    Field("custom_params", "custom_params", "text", "", 0, 512),
    Field("delete_duplicates", "delete2duplicates", "bool", True),
    Field("delete_from_source", "delete1", "bool", False),
    Field("delete_from_destination", "delete2", "bool", False),
    Field("automap", "automap", "bool", True),
    Field("skip_cross_duplicates", "skipcrossduplicates", "bool", False),
    Field("subscribe_all", "subscribeall", "bool", True),
    Field("dry_run", "dry", "bool", False),
    Field("active", "active", "bool", True),
)
BY_OPTION = {field.option: field for field in FIELDS}
ENCRYPTIONS = ("SSL", "TLS", "PLAIN")
PORT_OF = {"SSL": 993, "TLS": 143, "PLAIN": 143}
TEXT_LIMITS = {"remote_user": 255, "remote_password": 255}

# data/web/inc/vars.inc.php, $IMAPSYNC_OPTIONS['whitelist']: the only imapsync options Mailcow takes in custom_params.
ALLOWED_OPTIONS = frozenset("""
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
# Allowed by Mailcow, refused here: imapsync would write the remote password into the job's log, which
# Mailcow's UI, its API and mailcow_syncjob_info show.
REFUSED_HERE = frozenset(("showpasswords",))
# Mailcow's is_valid_domain_name() (data/web/inc/functions.inc.php), which edit/syncjob applies to host1.
_HOST_RE = re.compile(r"^([a-z\d](-*[a-z\d])*)(\.([a-z\d](-*[a-z\d])*))*\Z")
_LABELS_RE = re.compile(r"^[^.]{1,63}(\.[^.]{1,63})*\Z")


# -- checks --------------------------------------------------------------------------------------


def check_host(value: t.Any, option: str) -> str:
    """A remote host as Mailcow's edit accepts it (add accepts anything, then every edit fails)."""
    text = str(value or "").strip().rstrip(".").lower()
    try:
        ascii_name = text.encode("idna").decode("ascii") if text else ""
    except UnicodeError:
        ascii_name = ""
    if not (ascii_name and _HOST_RE.match(ascii_name) and len(ascii_name) <= 253 and _LABELS_RE.match(ascii_name)):
        raise MailcowOptionError("%s %r is not a valid host name (letters, digits, hyphens and dots, such as imap.example.org, or an IPv4 "
                                 "address). Mailcow would create such a job but refuse every later change to it (state=absent can "
                                 "still delete one)" % (option, value))
    return ascii_name


def php_strtolower(text: str) -> str:
    """PHP 8's strtolower(): A-Z only (Python's lower() also folds, say, the Kelvin sign U+212A to 'k', which Mailcow does not)."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def custom_params_options(text: str) -> t.Iterator[tuple[str, str, bool]]:
    """Mailcow's reading of custom_params (add/syncjob, edit/syncjob in data/web/inc/functions.mailbox.inc.php):
    explode on every '-', skip PHP-empty parts ('' and '0'), the option name is what comes before
    the first '='. Yields (the part, its option name, whether the part began inside a value)."""
    position = 0
    for part in text.split("-"):
        start, position = position, position + len(part) + 1
        if part in ("", "0"):  # PHP's empty()
            continue
        name = part.split("=")[0] if "=" in part else part.rstrip(" ")
        yield part, name, start >= 2 and text[start - 2] not in "- "


def check_custom_params(value: t.Any, option: str) -> str:
    """imapsync options exactly as Mailcow checks them: split at every '-', the name before '=', no space, and
    strtolower(name) (A-Z only) on Mailcow's list; refused before anything is sent, naming the option."""
    text = check_text(value, option).strip(" ")
    for part, name, inside_value in custom_params_options(text):
        hint = " (Mailcow splits custom_params at every '-', so a value must not contain one)" if inside_value else ""
        if " " in name:
            raise MailcowOptionError("%s: %r has a space where Mailcow expects an option name%s; give options as --name=value, "
                                     "not --name value (Mailcow answers 'bad character SPACE')" % (option, "-" + part, hint))
        if php_strtolower(name) in REFUSED_HERE:
            raise MailcowOptionError("%s: --%s is refused by this module: imapsync would write the remote password into the job's log, "
                                     "which Mailcow shows to anyone who can read the job" % (option, name))
        if php_strtolower(name) not in ALLOWED_OPTIONS:
            raise MailcowOptionError("%s: imapsync option --%s is not on Mailcow's list of allowed options%s (Mailcow answers 'bad option %s'). "
                                     "Mailcow refuses options that run programs or rewrite or delete mail (such as --pipemess, --regexmess, "
                                     "--skipmess, --delete2, --delete2foldersonly); the allowed ones are listed in the documentation of "
                                     "custom_params" % (option, name, hint, name))
    return text


# IO::Socket::SSL's SSL_VERIFY_PEER bit; imapsync's own default for host1 is SSL_VERIFY_NONE.
SSL_VERIFY_PEER = 1
WEAK_SSL_VERSIONS = frozenset(("sslv2", "sslv3", "tlsv1", "tlsv1_1"))
WEAK_CIPHERS = frozenset(("null", "enull", "anull", "export", "low", "exp"))


def _perl_number(value: str) -> int:
    """What Perl makes of a string in a number context: its leading decimal digits ("0x01" and "SSL_VERIFY_PEER" are 0)."""
    match = re.match(r"\s*[+-]?(\d+)", value)
    return int(match.group(1)) if match else 0


def remote_tls_weakened(custom_params: str) -> list[str]:
    """The options in custom_params that switch off or weaken TLS towards the remote server (host1), as imapsync applies them.

    imapsync takes options case-insensitively (Getopt::Long). --nossl1 and --notls1 come after the --ssl1 or --tls1 that
    Mailcow derives from the job's encryption, so they win (Mailcow takes neither --ssl1 nor --tls1 in custom_params).
    Each --sslargs1=KEY=VALUE sets one IO::Socket::SSL argument; the last value of a key wins.
    """
    found: list[str] = []
    sslargs: dict[str, tuple[str, str]] = {}
    for part, name, _inside in custom_params_options(custom_params):
        lowered = php_strtolower(name)
        if lowered in ("nossl1", "notls1"):
            found.append("--" + part.strip())
        elif lowered == "sslargs1" and "=" in part:
            key, _sep, value = part.split("=", 1)[1].strip().partition("=")
            sslargs[php_strtolower(key.strip())] = (value.strip(), "--" + part.strip())
    verify = sslargs.get("ssl_verify_mode")
    if verify and not _perl_number(verify[0]) & SSL_VERIFY_PEER:
        found.append(verify[1])
    scheme = sslargs.get("ssl_verifycn_scheme")
    if scheme and php_strtolower(scheme[0]) in ("", "none"):
        found.append(scheme[1])
    version = sslargs.get("ssl_version")
    if version and any(php_strtolower(word.strip()) in WEAK_SSL_VERSIONS for word in re.split(r"[:\s]+", version[0]) if not word.startswith("!")):
        found.append(version[1])
    ciphers = sslargs.get("ssl_cipher_list")
    if ciphers and any(php_strtolower(word.strip()) in WEAK_CIPHERS for word in re.split(r"[:,\s]+", ciphers[0]) if word[:1] not in "!-"):
        found.append(ciphers[1])
    return found


def _check_text(value: t.Any, option: str, limit: int) -> str:
    text = check_text(value, option)
    if len(text) > limit:
        raise MailcowOptionError("%s must be at most %d characters long, got %d" % (option, limit, len(text)))
    return text


def _check_exclude(value: t.Any, option: str) -> str:
    text = _check_text(value, option, BY_OPTION["exclude"].high)
    if re.search(r"(?<!\\)(\\\\)*/", text):
        # Mailcow tests it as preg_match("/" . exclude . "/"): an unescaped '/' ends the pattern (bare access_denied).
        raise MailcowOptionError("%s: write '/' as '\\/' in the regular expression %r (Mailcow reads an unescaped '/' as the end of "
                                 "the pattern and refuses the job)" % (option, text))
    return text


def check_value(field: Field, value: t.Any, prefix: str) -> t.Any:
    """One option's value, refused (naming the option and the fix) where Mailcow would refuse or silently change it."""
    option = prefix + field.option
    if field.kind == "bool":
        return bool(value)
    if field.kind == "choice":
        if value not in ENCRYPTIONS:
            raise MailcowOptionError("%s must be one of %s, got %r" % (option, ", ".join(ENCRYPTIONS), value))
        return value
    if field.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or not field.low <= value <= field.high:
            # Out of range, Mailcow silently stores its default instead (maxage 0, timeouts 600, bandwidth 0) or refuses.
            raise MailcowOptionError("%s must be a whole number from %d to %d, got %r" % (option, field.low, field.high, value))
        return value
    if field.option == "custom_params":
        return check_custom_params(value, option)
    if field.option == "exclude":
        return _check_exclude(value, option)
    return _check_text(value, option, field.high)


# -- reading -------------------------------------------------------------------------------------


def normalize(raw: dict[str, t.Any], *, include_raw: bool = False) -> dict[str, t.Any]:
    """A Mailcow sync job as users think of it (no password: Mailcow never returns it)."""
    job: dict[str, t.Any] = {
        "id": to_int(raw.get("id")),
        "mailbox": str(raw.get("user2") or "").lower(),
        "remote_host": str(raw.get("host1") or ""),
        "remote_user": str(raw.get("user1") or ""),
    }
    for field in FIELDS:
        value = raw.get(field.api)
        job[field.option] = flag(value) if field.kind == "bool" else to_int(value) if field.kind == "int" else str(value or "")
    job.update({
        "is_running": flag(raw.get("is_running")),
        "last_run": raw.get("last_run"),
        "success": None if raw.get("success") is None else flag(raw.get("success")),
        "exit_status": raw.get("exit_status"),
        "created": raw.get("created"),
        "modified": raw.get("modified"),
    })
    job["status"] = status(job)
    if include_raw:
        job["raw"] = {key: value for key, value in raw.items() if key not in ("log", "password1")}
    return job


def status(job: dict[str, t.Any]) -> str:
    """running, never_run, succeeded, failed; or unknown when a run is recorded without its outcome."""
    if job["is_running"]:
        return "running"
    if job["last_run"] is None and job["success"] is None:
        return "never_run"
    if job["success"] is None:
        return "unknown"
    return "succeeded" if job["success"] else "failed"


def job_key(mailbox: str, host: str, user: str) -> str:
    """Mailcow's uniqueness key (mailbox, host1, user1), compared case-insensitively as MariaDB does."""
    return "%s|%s|%s" % (mailbox.lower(), host.lower(), user.lower())


def key_of(job: dict[str, t.Any]) -> str:
    return job_key(job["mailbox"], job["remote_host"], job["remote_user"])


def label(mailbox: str, host: str, user: str) -> str:
    """How a job is named in results and messages: ``bob@example.org <- imap.old.example:bob``."""
    return "%s <- %s:%s" % (mailbox, host, user)


COMPARED = tuple(field.option for field in FIELDS)


def compared_view(job: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The part of a normalised job that options manage: what diffs show."""
    return view(job, ("mailbox", "remote_host", "remote_user") + COMPARED)


# -- desired state -------------------------------------------------------------------------------


class Desired(t.NamedTuple):
    """One job as a task wants it. ``attrs`` holds only the options the user set (checked)."""

    mailbox: str
    host: str
    user: str
    state: str
    attrs: dict[str, t.Any]
    password: str | None
    update_password: str

    @property
    def key(self) -> str:
        return job_key(self.mailbox, self.host, self.user)

    @property
    def address(self) -> str:
        return label(self.mailbox, self.host, self.user)

    @property
    def domain(self) -> str:
        return self.mailbox.rpartition("@")[2]


def desired_from_params(params: dict[str, t.Any], *, default_domain: str | None = None, where: str = "") -> Desired:
    """Validate options (before anything is sent) and keep only those set."""
    prefix = where + ": " if where else ""
    mailbox = str(params.get("mailbox") or "").strip()
    if not mailbox:
        raise MailcowOptionError("%smailbox is required: the Mailcow mailbox the job copies mail into" % prefix)
    if "@" not in mailbox and default_domain:
        mailbox = "%s@%s" % (mailbox, default_domain)
    local, domain = parse_address(mailbox, option=prefix + "mailbox")
    for option in ("remote_host", "remote_user"):
        if not str(params.get(option) or "").strip():
            raise MailcowOptionError("%s%s is required: a job is named by mailbox, remote_host and remote_user" % (prefix, option))
    state = params.get("state") or "present"
    if state == "absent":
        # Any host Mailcow's add took can be deleted, also one that makes every edit fail.
        host = check_text(str(params["remote_host"]).strip().lower(), prefix + "remote_host")
    else:
        host = check_host(params["remote_host"], prefix + "remote_host")
    user = _check_text(str(params["remote_user"]).strip(), prefix + "remote_user", TEXT_LIMITS["remote_user"])
    attrs = {field.option: check_value(field, params[field.option], prefix) for field in FIELDS if params.get(field.option) is not None}
    password = params.get("remote_password")
    if password is not None:
        password = check_password(password, prefix + "remote_password")
        if len(password) > TEXT_LIMITS["remote_password"]:
            raise MailcowOptionError("%sremote_password must be at most %d characters long" % (prefix, TEXT_LIMITS["remote_password"]))
    return Desired("%s@%s" % (local.lower(), domain), host, user, state, attrs, password,
                   params.get("update_password") or "on_create")


# -- planning ------------------------------------------------------------------------------------


class Plan(t.NamedTuple):
    """What to write for one job. ``after`` is the predicted normalised job (None: absent)."""

    address: str  # the job's label (see label())
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    id: t.Any = None
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None
    password_set: bool = False
    key: str = ""

    @property
    def changed(self) -> bool:
        return self.action != "none"


def plan(desired: Desired, before: dict[str, t.Any] | None) -> Plan:
    """The smallest set of writes from ``before`` (normalised or None) to ``desired``."""
    if desired.state == "absent":
        if before is None:
            return Plan(desired.address, "none", None, None, key=desired.key)
        return Plan(desired.address, "delete", before, None, id=before["id"], key=desired.key)
    if before is None:
        return _plan_create(desired)
    return _plan_update(desired, before)


def _plan_create(desired: Desired) -> Plan:
    if not desired.password:
        raise MailcowOptionError("remote_password is required to create sync job %s" % desired.address)
    after = {field.option: field.default for field in FIELDS}
    after.update(desired.attrs)
    if after["remote_port"] is None:
        after["remote_port"] = PORT_OF[after["encryption"]]
    # Every field is sent: without exclude (or others) Mailcow's INSERT fails and it answers an empty body.
    body: dict[str, t.Any] = {"username": desired.mailbox, "host1": desired.host, "port1": after["remote_port"], "user1": desired.user,
                              "password1": desired.password}
    body.update((field.api, int(after[field.option]) if field.kind == "bool" else after[field.option]) for field in FIELDS)
    predicted = dict(after, id=None, mailbox=desired.mailbox, remote_host=desired.host, remote_user=desired.user, is_running=False,
                     last_run=None, success=None, exit_status=None, created=None, modified=None, status="never_run")
    return Plan(desired.address, "create", None, predicted, add_body=body, password_set=True, key=desired.key)


def _plan_update(desired: Desired, before: dict[str, t.Any]) -> Plan:
    differs = {key: value for key, value in desired.attrs.items() if before.get(key) != value}
    password_set = bool(desired.password) and desired.update_password == "always"
    edit_attr = {BY_OPTION[key].api: int(value) if isinstance(value, bool) else value for key, value in differs.items()}
    if password_set:
        edit_attr["password1"] = desired.password
    after = dict(before, **differs)
    action = "update" if edit_attr else "none"
    return Plan(desired.address, action, before, after, id=before["id"], edit_attr=edit_attr or None, password_set=password_set, key=desired.key)


def diff_view(plan_: Plan) -> dict[str, t.Any]:
    """before/after for --diff; a password that is sent shows as a marker, never itself."""
    after = compared_view(plan_.after)
    if plan_.password_set and after:
        after["remote_password"] = "(set)"
    return {"before": compared_view(plan_.before), "after": after}


def mismatches(plan_: Plan, now: dict[str, t.Any] | None) -> list[str]:
    """What Mailcow stored differently from the plan (it resets some values silently): ``option: stored X, wanted Y``."""
    if plan_.after is None:
        return [] if now is None else ["still exists"]
    if now is None:
        return ["not found after the write"]
    return ["%s: stored %r, wanted %r" % (key, now[key], plan_.after[key]) for key in COMPARED if now.get(key) != plan_.after[key]]
