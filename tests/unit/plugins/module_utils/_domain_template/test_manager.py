# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_domain_template's and mailcow_mailbox_template's writes as exact HTTP conversations.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-templates.jsonl: the listings
(ids 1 Default, 3 tpl-domain, 4 tpl-min-domain, 5 tpl-bad, 6 tpl-bad2; mailbox 2 Default, 7 tpl-mailbox ...).
"""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.manager import manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.manager import manage_one as manage_mailbox_template
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-templates.jsonl")["body"]


ALL = "/api/v1/get/domain/template/all"
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}
# tpl-domain (id 3) as listed, every value as the edit sends it back.
TPL_DOMAIN = {"template": "tpl-domain", "max_num_mboxes_for_domain": 20, "max_num_aliases_for_domain": 40, "def_quota_for_mbox": 256,
              "max_quota_for_mbox": 512, "max_quota_for_domain": 4096, "active": 1, "gal": 0, "backupmx": 0, "relay_all_recipients": 0,
              "relay_unknown_only": 0, "dkim_selector": "dkim", "key_size": 0, "rl_value": 50, "rl_frame": "h", "tags": ["tagA", "tagB"]}


def client(server) -> MailcowClient:
    return MailcowClient(server.url, "K", retries=0)


def test_values_read_back_in_other_types_compare_equal_and_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_domain_template_all"))
    # Bytes against MiB, the rate limit's number, 0/1 flags, tags in another order: nothing to write.
    same = dict(PARAMS, name="TPL-DOMAIN", max_mailboxes=20, default_quota=256, total_quota=4096, gal=False, dkim_key_size=0,
                rate_limit={"value": 50, "frame": "h"}, tags=["tagB", "tagA"])
    assert not manage_one(client(mailcow), same, check_mode=False, diff=True)["changed"]
    mailcow.expect("GET", ALL, reply=recorded("get_domain_template_all"))
    checked = manage_one(client(mailcow), dict(same, max_mailboxes=30), check_mode=True, diff=True)
    assert checked["changed"] and checked["domain_template"]["id"] == 3 and checked["diff"]["after"]["max_mailboxes"] == 30


def test_an_edit_sends_every_value_since_mailcow_replaces_the_whole_set(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_domain_template_all"))
    mailcow.expect("POST", "/api/v1/edit/domain/template", {"items": ["3"], "attr": dict(TPL_DOMAIN, max_num_mboxes_for_domain=30)},
                   reply=recorded("edit_domain_template_attrs"))
    result = manage_one(client(mailcow), dict(PARAMS, name="tpl-domain", max_mailboxes=30), check_mode=False, diff=True)
    assert result["action"] == "updated" and result["diff"]["before"]["max_mailboxes"] == 20


def test_a_purge_deletes_one_template_a_request_and_never_default(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_domain_template_all"))
    for template_id in ("4", "5", "6"):
        mailcow.expect("POST", "/api/v1/delete/domain/template", [template_id], reply=recorded("delete_domain_template_success"))
    params = dict(PARAMS, domain_templates=[{"name": "tpl-domain"}], purge=True, purge_max_share=100)
    result = manage_many(client(mailcow), params, check_mode=False, diff=False)
    expected = [("tpl-bad", "deleted"), ("tpl-bad2", "deleted"), ("tpl-min-domain", "deleted")]
    assert [(r["name"], r["action"]) for r in result["domain_templates"]] == expected


def test_a_mailbox_template_edit_sends_the_protocol_and_permission_lists(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/template/all", reply=recorded("get_mailbox_template_all"))
    attr = {"template": "tpl-mailbox", "quota": 200, "active": 1, "quarantine_notification": "daily", "quarantine_category": "add_header",
            "tagged_mail_handler": "subfolder", "force_pw_update": 1, "force_tfa": 0, "sogo_access": 0, "tls_enforce_in": 1, "tls_enforce_out": 0,
            "rl_value": 20, "rl_frame": "m", "tags": ["mtag"], "protocol_access": ["imap", "smtp"], "acl": []}
    mailcow.expect("POST", "/api/v1/edit/mailbox/template", {"items": ["7"], "attr": attr}, reply=recorded("edit_mailbox_template_attrs"))
    result = manage_mailbox_template(client(mailcow), dict(PARAMS, name="tpl-mailbox", quota=200, quarantine_category="add_header"),
                                     check_mode=False, diff=True)
    assert result["action"] == "updated" and result["diff"]["before"]["quota"] == 300
