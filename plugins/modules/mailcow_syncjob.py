#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_syncjob
short_description: Create, change and delete Mailcow sync jobs (imapsync migrations of remote mailboxes)
version_added: 0.1.0
description:
  - Ensures one Mailcow sync job is present with the given settings, or absent. A sync job makes Mailcow
    copy the mail of a remote IMAP account into one of its mailboxes with imapsync, every O(interval) minutes.
  - A job is named by O(mailbox), O(remote_host) and O(remote_user), which Mailcow keeps unique. Mailcow's
    numeric id is used internally and returned, never needed.
  - With O(syncjobs), ensures the jobs of a whole domain's mailboxes in one call (one read of the jobs, then
    only the writes that differ), e.g. a migration of a domain from a list kept in the inventory. This is the
    form the role C(glassdome.mailcow.mailboxes) uses.
  - Only the options you set are compared and changed. A new job gets the defaults of Mailcow's own form for
    the options not set.
  - Every value is checked before any request, because Mailcow silently replaces out-of-range numbers with
    its defaults, refuses other values with a bare C(access_denied), and creates a job with an invalid host
    name that it then refuses to change. After writing, the module reads the jobs again and fails if Mailcow
    stored anything else than planned.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.bulk
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the jobs (and, for a job to create, whether its mailbox exists) and predicts C(changed),
        the actions and the diff exactly, without writing.
  diff_mode:
    support: full
    details:
      - The single form shows the job's settings before and after; the bulk form gives one diff per job that
        changes. A remote password that is sent shows as C((set)), never itself.
  idempotent:
    support: full
    details:
      - Mailbox, host and remote user compare case-insensitively, as Mailcow does. The remote password cannot be
        compared (Mailcow never returns it); see O(update_password).
options:
  mailbox:
    description:
      - The Mailcow mailbox the job copies mail into, V(local_part@domain).
      - In an entry of O(syncjobs), a local part alone is completed with O(domain).
      - Required in the single form. Mutually exclusive with O(syncjobs).
      - The mailbox must exist; a job to create in a missing mailbox is refused before anything is written.
    type: str
  remote_host:
    description:
      - Host name (or IPv4 address) of the remote IMAP server (Mailcow's C(host1)). Required.
      - It must be a valid host name; Mailcow would create a job with any text here but refuse every later change to it.
    type: str
  remote_user:
    description:
      - Login name on the remote server (Mailcow's C(user1)), at most 255 characters. Required.
    type: str
  remote_password:
    description:
      - Password on the remote server (Mailcow's C(password1)), at most 255 characters. Required to create a job.
      - Never shown in results, diffs or messages. Mailcow echoes it in clear in the answer to the add request;
        the module never keeps that answer.
    type: str
  update_password:
    description:
      - V(on_create) sets O(remote_password) only when the job is created (Mailcow never returns a password, so it
        cannot be compared).
      - V(always) sends it on every run, which then always reports C(changed).
    type: str
    choices: [on_create, always]
    default: on_create
  encryption:
    description:
      - How to connect to the remote server (Mailcow's C(enc1)), V(SSL) (implicit TLS, usually port 993),
        V(TLS) (STARTTLS, usually port 143) or V(PLAIN) (no encryption).
      - A new job without it uses V(SSL).
    type: str
    choices: [SSL, TLS, PLAIN]
  remote_port:
    description:
      - Port of the remote server (Mailcow's C(port1)), from V(1) to V(65535).
      - A new job without it uses V(993) with O(encryption=SSL), else V(143).
    type: int
  interval:
    description:
      - Minutes between runs (Mailcow's C(mins_interval)), from V(1) to V(43800). A new job without it uses V(20).
    type: int
  subfolder:
    description:
      - Folder of the mailbox under which the remote folders are copied (Mailcow's C(subfolder2)); empty copies
        them to the top. At most 255 characters. A new job without it uses an empty one.
    type: str
  exclude:
    description:
      - Regular expression (PCRE) of remote folders not to copy (Mailcow's C(exclude)), at most 500 characters.
      - A V(/) must be written V(\\/); an empty string excludes nothing.
      - A new job without it uses Mailcow's default V((?i\)spam|(?i\)junk).
    type: str
  max_age:
    description:
      - Copy only messages younger than this many days (Mailcow's C(maxage)), from V(0) (no limit) to V(32000).
      - A new job without it uses V(0).
    type: int
  max_bytes_per_second:
    description:
      - Bandwidth limit in bytes per second (Mailcow's C(maxbytespersecond)), from V(0) (no limit) to V(125000000).
      - A new job without it uses V(0).
    type: int
  timeout_remote:
    description:
      - Timeout in seconds on the remote server (Mailcow's C(timeout1)), from V(1) to V(32000). A new job without it uses V(600).
    type: int
  timeout_local:
    description:
      - Timeout in seconds on Mailcow's own server (Mailcow's C(timeout2)), from V(1) to V(32000). A new job without it uses V(600).
    type: int
  custom_params:
    description:
      - More imapsync options (Mailcow's C(custom_params)), such as V(--nofoldersizesatend --useuid), at most 512 characters.
      - Mailcow accepts only options on its list, checked here first with Mailcow's own rules (the text is split at
        every C(-), so a value must not contain one; give C(--name=value), not C(--name value); an option name is
        compared with only its letters A-Z lower-cased, so V(--NoSSL1) is on the list and a look-alike letter is not). The list is
        V(abort), V(authmd51), V(authmd52), V(authmech1), V(authmech2), V(authuser1), V(authuser2), V(debug),
        V(debugcontent), V(debugcrossduplicates), V(debugflags), V(debugfolders), V(debugimap), V(debugimap1),
        V(debugimap2), V(debugmemory), V(debugssl), V(delete1emptyfolders), V(delete2folders), V(disarmreadreceipts),
        V(domain1), V(domain2), V(domino1), V(domino2), V(dry), V(errorsmax), V(exchange1), V(exchange2),
        V(exitwhenover), V(expunge1), V(f1f2), V(filterbuggyflags), V(folder), V(folderfirst), V(folderlast),
        V(folderrec), V(gmail1), V(gmail2), V(idatefromheader), V(include), V(inet4), V(inet6), V(justconnect),
        V(justfolders), V(justfoldersizes), V(justlogin), V(keepalive1), V(keepalive2), V(log), V(logdir),
        V(logfile), V(maxbytesafter), V(maxlinelength), V(maxmessagespersecond), V(maxsize), V(maxsleep), V(minage),
        V(minsize), V(noabletosearch), V(noabletosearch1), V(noabletosearch2), V(noexpunge1), V(noexpunge2),
        V(nofoldersizesatend), V(noid), V(nolog), V(nomixfolders), V(noresyncflags), V(nossl1), V(nossl2),
        V(nosyncacls), V(notls1), V(notls2), V(nouidexpunge2), V(nousecache), V(oauthaccesstoken1),
        V(oauthaccesstoken2), V(oauthdirect1), V(oauthdirect2), V(office1), V(office2), V(pidfile),
        V(pidfilelocking), V(prefix1), V(prefix2), V(proxyauth1), V(proxyauth2), V(resyncflags), V(resynclabels),
        V(search), V(search1), V(search2), V(sep1), V(sep2), V(skipemptyfolders), V(ssl2), V(sslargs1),
        V(sslargs2), V(subfolder1), V(subscribe), V(subscribed), V(syncacls), V(syncduplicates),
        V(syncinternaldates), V(synclabels), V(tests), V(testslive), V(testslive6), V(tls2), V(truncmess),
        V(usecache), V(useheader) and V(useuid).
      - Mailcow refuses options that run programs or rewrite or delete mail (such as C(--pipemess), C(--regexmess),
        C(--skipmess), C(--delete2)). This module also refuses C(--showpasswords), which Mailcow allows, because imapsync
        would write the remote password into the job's log.
      - The task warns about options that switch off or weaken TLS towards the remote server (imapsync's host1),
        that is V(--nossl1), V(--notls1), and C(--sslargs1=) with an C(SSL_verify_mode) without its C(SSL_VERIFY_PEER) bit,
        C(SSL_verifycn_scheme=none), an C(SSL_version) that allows SSLv2, SSLv3, TLSv1 or TLSv1_1, or an C(SSL_cipher_list)
        with NULL, EXPORT or LOW ciphers. imapsync itself does not check host1's certificate unless told to;
        V(--sslargs1=SSL_verify_mode=1) makes it check.
      - An empty string removes all. A new job without it has none.
    type: str
  delete_duplicates:
    description: Delete duplicate messages in the mailbox (imapsync C(--delete2duplicates)). A new job without it does.
    type: bool
  delete_from_source:
    description: Delete the messages from the remote server once copied (imapsync C(--delete1)). A new job without it does not.
    type: bool
  delete_from_destination:
    description:
      - Delete messages from the mailbox that are not on the remote server (imapsync C(--delete2)). A new job without it does not.
    type: bool
  automap:
    description: Map the remote special folders (Sent, Trash...) to Mailcow's (imapsync C(--automap)). A new job without it does.
    type: bool
  skip_cross_duplicates:
    description: Skip messages already copied to another folder (imapsync C(--skipcrossduplicates)). A new job without it does not.
    type: bool
  subscribe_all:
    description: Subscribe the mailbox to every copied folder (imapsync C(--subscribeall)). A new job without it does.
    type: bool
  dry_run:
    description: Only show what would be copied, copy nothing (imapsync C(--dry)). A new job without it copies.
    type: bool
  active:
    description: Whether the job runs. A new job without it is active.
    type: bool
  state:
    description:
      - V(present) creates the job or changes it to match; V(absent) deletes it.
      - Ignored with O(syncjobs), where each entry has its own O(syncjobs[].state).
    type: str
    choices: [present, absent]
    default: present
  domain:
    description:
      - With O(syncjobs), the domain whose mailboxes the jobs copy into; every entry's mailbox must be in it, and
        O(purge) deletes only jobs of its mailboxes.
      - If not set, the value of the E(MAILCOW_DOMAIN) environment variable is used.
    type: str
  syncjobs:
    description:
      - The bulk form, a list of jobs of O(domain)'s mailboxes, each with the same options as the single form.
      - Mutually exclusive with O(mailbox).
      - Every entry is checked before anything is read or written.
    type: list
    elements: dict
    suboptions:
      mailbox:
        description: The mailbox, V(local_part@domain) or a local part of O(domain).
        type: str
      remote_host:
        description: Remote IMAP server, as O(remote_host).
        type: str
      remote_user:
        description: Remote login name, as O(remote_user).
        type: str
      remote_password:
        description: Remote password, as O(remote_password).
        type: str
      update_password:
        description: When to send the password, as O(update_password).
        type: str
        choices: [on_create, always]
        default: on_create
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
      encryption:
        description: As O(encryption).
        type: str
        choices: [SSL, TLS, PLAIN]
      remote_port:
        description: As O(remote_port).
        type: int
      interval:
        description: As O(interval).
        type: int
      subfolder:
        description: As O(subfolder).
        type: str
      exclude:
        description: As O(exclude).
        type: str
      max_age:
        description: As O(max_age).
        type: int
      max_bytes_per_second:
        description: As O(max_bytes_per_second).
        type: int
      timeout_remote:
        description: As O(timeout_remote).
        type: int
      timeout_local:
        description: As O(timeout_local).
        type: int
      custom_params:
        description: As O(custom_params).
        type: str
      delete_duplicates:
        description: As O(delete_duplicates).
        type: bool
      delete_from_source:
        description: As O(delete_from_source).
        type: bool
      delete_from_destination:
        description: As O(delete_from_destination).
        type: bool
      automap:
        description: As O(automap).
        type: bool
      skip_cross_duplicates:
        description: As O(skip_cross_duplicates).
        type: bool
      subscribe_all:
        description: As O(subscribe_all).
        type: bool
      dry_run:
        description: As O(dry_run).
        type: bool
      active:
        description: As O(active).
        type: bool
  purge:
    description:
      - With O(syncjobs), delete the jobs of O(domain)'s mailboxes that the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  concurrency:
    description:
      - With O(syncjobs), how many jobs are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - The jobs run in Mailcow's own containers; this module only manages them. M(glassdome.mailcow.mailcow_syncjob_info)
    shows each job's last run, its outcome and the end of its log.
  - Reading the jobs of a domain (bulk form) reads Mailcow's list of all jobs, which Mailcow builds by walking every mailbox.
seealso:
  - module: glassdome.mailcow.mailcow_syncjob_info
  - module: glassdome.mailcow.mailcow_mailbox
"""

EXAMPLES = r"""
- name: Migrate one mailbox from the old server
  glassdome.mailcow.mailcow_syncjob:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    mailbox: alice@example.org
    remote_host: imap.old-provider.example
    remote_user: alice@old-provider.example
    remote_password: "{{ vault_old_passwords['alice'] }}"
    subfolder: Migrated
    custom_params: --nofoldersizesatend --useuid

- name: Stop the job once the migration is done
  glassdome.mailcow.mailcow_syncjob:
    mailbox: alice@example.org
    remote_host: imap.old-provider.example
    remote_user: alice@old-provider.example
    active: false

- name: Migrate a whole domain from a CSV file (mailbox,remote_user,remote_password) in one task
  glassdome.mailcow.mailcow_syncjob:
    domain: example.org
    syncjobs: "{{ lookup('ansible.builtin.file', 'migration.csv') | community.general.from_csv
                  | map('combine', {'remote_host': 'imap.old-provider.example', 'interval': 30}) }}"
  no_log: true

- name: Remove every job of the domain that the list does not name
  glassdome.mailcow.mailcow_syncjob:
    domain: example.org
    purge: true
    syncjobs: "{{ migration_jobs }}"
"""

RETURN = r"""
syncjob:
  description:
    - The job after the task, as read back from Mailcow (predicted in check mode); empty when absent.
    - Its status fields and those not listed here are described in M(glassdome.mailcow.mailcow_syncjob_info).
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the job; null in check mode for a job not yet created.
      type: int
      sample: 23
    mailbox:
      description: The mailbox the job copies into.
      type: str
      sample: alice@example.org
    remote_host:
      description: Remote server.
      type: str
      sample: imap.old-provider.example
    remote_user:
      description: Remote login name.
      type: str
      sample: alice@old-provider.example
    remote_port:
      description: Remote port.
      type: int
      sample: 993
    encryption:
      description: V(SSL), V(TLS) or V(PLAIN).
      type: str
      sample: SSL
    interval:
      description: Minutes between runs.
      type: int
      sample: 20
    active:
      description: Whether the job runs.
      type: bool
      sample: true
    status:
      description: V(never_run), V(running), V(succeeded), V(failed) or V(unknown).
      type: str
      sample: never_run
  sample:
    id: 23
    mailbox: alice@example.org
    remote_host: imap.old-provider.example
    remote_user: alice@old-provider.example
    remote_port: 993
    encryption: SSL
    interval: 20
    subfolder: Migrated
    exclude: (?i)spam|(?i)junk
    max_age: 0
    max_bytes_per_second: 0
    timeout_remote: 600
    timeout_local: 600
    custom_params: --nofoldersizesatend --useuid
    delete_duplicates: true
    delete_from_source: false
    delete_from_destination: false
    automap: true
    skip_cross_duplicates: false
    subscribe_all: true
    dry_run: false
    active: true
    is_running: false
    last_run: null
    success: null
    exit_status: null
    status: never_run
    created: "2026-11-25 20:41:15"
    modified: null
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
syncjobs:
  description:
    - With O(syncjobs), one result per job that was (or in check mode would be) created, updated or deleted, in list
      order, purged ones last; each names its job as C(mailbox <- remote_host:remote_user).
    - Each may carry C(outcome) (see RV(outcome)) when its write's answer was lost or ambiguous and re-reading decided it.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {job: "alice@example.org <- imap.old-provider.example:alice", action: created, changed: true}
summary:
  description: With O(syncjobs), how many jobs each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 0, unchanged: 2}
msg:
  description: With O(syncjobs), what was done in words, naming the jobs (the first ten of each action, then a count).
  returned: success, bulk form
  type: str
  sample: "created 1 (alice@example.org <- imap.old-provider.example:alice), 2 unchanged"
outcome:
  description:
    - Only when a write's answer was lost or ambiguous (no answer, an empty body, or "already exists" on an add) and
      re-reading the jobs decided it; V(created_concurrently), V(deleted_concurrently) (a delete refused because another
      run deleted the job at the same time), V(confirmed) or V(retried).
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description:
    - The result of a failed task says C(changed=true) when any write was carried out before it failed (the entries in
      RV(done) and RV(partly_done)).
    - On failure, every job Mailcow refused (or would refuse; a refusal the domain's limits predict fails the task before
      any write, in check mode too) or whose write failed, with the reason in words; the message names them (the first 10).
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: "bob@example.org <- imap.old-provider.example:bob", error: "Mailcow refused POST /add/syncjob: access denied"}
not_attempted:
  description:
    - On failure, the jobs whose writes were not started because the server stopped answering
      (3 consecutive connection failures, or HTTP 502, 503, 504 answers of a proxy in front of Mailcow).
  returned: failure
  type: list
  elements: str
  sample: []
done:
  description: On failure, the jobs whose writes all succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: ["alice@example.org <- imap.old-provider.example:alice"]
partly_done:
  description:
    - On failure, the jobs of which one write succeeded and another failed (for example one added whose later edit Mailcow
      refused); each is also in RV(failed_entries).
  returned: failure, when there are any
  type: list
  elements: str
  sample: []
"""


from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import single_or_bulk_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.argspec import SYNCJOB_CONSTRAINTS, syncjob_attr_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.manager import manage_many, manage_one


def main() -> None:
    module = BulkModule(argument_spec=single_or_bulk_argspec(syncjob_attr_argspec(), "syncjobs"), supports_check_mode=True, **SYNCJOB_CONSTRAINTS)
    run(module, "syncjobs", manage_one, manage_many)


if __name__ == "__main__":
    main()
