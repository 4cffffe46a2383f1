# SPDX-License-Identifier: GPL-3.0-or-later
"""The mailboxes role's optional steps (plugin_utils/_role_steps.py) and the action that runs them (mailboxes_role_step)."""

from __future__ import annotations

import yaml

from ansible_collections.glassdome.mailcow.plugins.action import mailboxes_role_step
from ansible_collections.glassdome.mailcow.plugins.modules import mailboxes_role_step as step_doc
from ansible_collections.glassdome.mailcow.plugins.plugin_utils._role_steps import role_steps

GUARDS = {"purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}


def test_a_domain_without_optional_objects_has_no_step() -> None:
    assert role_steps(dict(GUARDS, domain="example.org", dkim={}, app_passwords={}, syncjobs=[], syncjobs_purge=False, alias_domains=[],
                           domain_admins=[], bcc_maps=[], bcc_maps_purge="no", recipient_maps=None)) == []


def test_every_kind_in_order_with_its_module_and_options() -> None:
    steps = role_steps(dict(
        GUARDS, domain="example.org", check_mode=False, created=True, dkim={"selector": "s1"},
        app_passwords={"alice": [{"name": "Phone"}], "bob@example.org": []}, app_passwords_purge=True,
        syncjobs=[], syncjobs_purge=True, alias_domains=[{"alias_domain": "alias.example", "active": False}],
        domain_admins=[{"username": "admin1", "password": "secret-pw", "acl": None}], bcc_maps=[{"local_dest": "example.org", "kind": "sender"}],
        recipient_maps=[], recipient_maps_purge="yes"))
    assert [(s["kind"], s["label"], s["module"]) for s in steps] == [
        ("dkim", "DKIM key", "mailcow_dkim"),
        ("app_passwords", "app passwords of alice@example.org", "mailcow_app_password"),
        ("app_passwords", "app passwords of bob@example.org", "mailcow_app_password"),
        ("syncjobs", "sync jobs", "mailcow_syncjob"),
        ("alias_domains", "alias domain alias.example", "mailcow_alias_domain"),
        ("domain_admins", "domain administrator admin1", "mailcow_domain_admin"),
        ("bcc_maps", "BCC maps", "mailcow_bcc_map"),
        ("recipient_maps", "recipient maps", "mailcow_recipient_map"),
    ]
    # A domain this run created: its key is replaced without rotate (nobody published it yet).
    assert steps[0]["args"] == {"selector": "s1", "domain": "example.org", "rotate": True}
    assert steps[1]["args"] == {"mailbox": "alice@example.org", "app_passwords": [{"name": "Phone"}], "purge": True, "purge_max_share": 50}
    assert steps[1]["key"] == "alice" and steps[2]["key"] == "bob@example.org"
    assert steps[3]["args"] == {"domain": "example.org", "syncjobs": [], "purge": True, "purge_allow_empty": False, "purge_max_share": 50,
                                "concurrency": 4}
    assert steps[4]["args"] == {"alias_domain": "alias.example", "active": False, "target_domain": "example.org"}
    assert steps[5]["args"] == {"username": "admin1", "password": "secret-pw", "domains": ["example.org"]}
    assert steps[7]["args"]["domain"] == "example.org" and steps[7]["args"]["recipient_maps"] == []
    # No secret is ever part of what a loop shows.
    assert all("secret-pw" not in step["label"] for step in steps)


def test_dkim_waits_in_check_mode_for_a_domain_the_run_would_create() -> None:
    given = dict(GUARDS, domain="example.org", dkim={"key_size": 2048, "rotate": "false"})
    assert role_steps(dict(given, check_mode=True, created=True)) == []
    assert role_steps(dict(given, check_mode=True, created=False))[0]["args"] == {"key_size": 2048, "domain": "example.org", "rotate": False}


def test_the_action_runs_exactly_the_modules_its_documentation_lists() -> None:
    choices = yaml.safe_load(step_doc.DOCUMENTATION)["options"]["module"]["choices"]
    assert sorted(choices) == sorted(mailboxes_role_step.STEP_MODULES)
    assert {step["module"] for step in role_steps(dict(
        GUARDS, domain="d.example", dkim={"selector": "x"}, app_passwords={"a": []}, syncjobs_purge=True, alias_domains=[{"alias_domain": "a.example"}],
        domain_admins=[{"username": "u"}], bcc_maps_purge=True, recipient_maps_purge=True, spam_policy_purge=True,
        sieve_filters_purge=True, resources_purge=True))} == set(mailboxes_role_step.STEP_MODULES)


def test_the_allow_and_deny_lists_are_one_step_after_the_maps() -> None:
    given = dict(GUARDS, domain="example.org", recipient_maps_purge=True)
    assert [s["kind"] for s in role_steps(dict(given, spam_policy={}))] == ["recipient_maps"]
    steps = role_steps(dict(given, spam_policy={"deny": ["junk.example"]}, spam_policy_purge=False))
    assert [s["kind"] for s in steps] == ["recipient_maps", "spam_policy"]
    assert steps[1]["module"] == "mailcow_spam_policy" and steps[1]["args"] == {
        "domain": "example.org", "allow": [], "deny": ["junk.example"], "purge": False, "purge_allow_empty": False, "purge_max_share": 50,
        "concurrency": 4}
    assert role_steps(dict(GUARDS, domain="example.org", spam_policy=None, spam_policy_purge="yes"))[0]["args"]["purge"] == "yes"


def test_the_resources_are_one_step_last_in_the_domain() -> None:
    given = dict(GUARDS, domain="example.org", spam_policy={"deny": ["junk.example"]})
    assert [s["kind"] for s in role_steps(dict(given, resources=[], resources_purge=False))] == ["spam_policy"]
    steps = role_steps(dict(given, resources=[{"description": "Room 1", "kind": "location"}], resources_purge=True))
    assert [(s["kind"], s["label"], s["module"]) for s in steps[1:]] == [("resources", "resources", "mailcow_resource")]
    assert steps[1]["args"] == {"domain": "example.org", "resources": [{"description": "Room 1", "kind": "location"}], "purge": True,
                                "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}
    assert role_steps(dict(GUARDS, domain="example.org", resources=None, resources_purge="yes"))[0]["args"]["resources"] == []


def test_a_step_by_its_index_names_its_module_and_arguments() -> None:
    steps = role_steps(dict(GUARDS, domain="d.example", syncjobs_purge=True, bcc_maps=[{"local_dest": "a@d.example", "bcc_dest": "b@d.example"}]))
    assert mailboxes_role_step.step_call(steps, 0) == ("mailcow_syncjob", steps[0]["args"])
    # A loop's index var arrives as an int, or as a string when templated by an older ansible-core.
    assert mailboxes_role_step.step_call(steps, "1") == ("mailcow_bcc_map", steps[1]["args"])


def test_a_step_that_is_not_there_is_refused_with_the_reason() -> None:
    steps = role_steps(dict(GUARDS, domain="d.example", syncjobs_purge=True))
    missing = "needs the role's list of steps in the variable _glassdome_mailcow_steps, got NoneType"
    for steps_, index, words in ((steps, 1, "step 1 is not one of the role's 1 steps"), (steps, -1, "step -1 is not one of"),
                                 (steps, "x", "step must be the index"), (None, 0, missing)):
        try:
            mailboxes_role_step.step_call(steps_, index)
        except mailboxes_role_step.CallRefused as ex:
            assert words in str(ex), ex
        else:
            raise AssertionError("step %r of %r was not refused" % (index, steps_))
