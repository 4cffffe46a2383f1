#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_oauth2_client
short_description: Create, change and delete Mailcow OAuth2 clients
version_added: 0.1.0
description:
  - Ensures one OAuth2 client of Mailcow (an app that logs Mailcow users in, "Sign in with Mailcow") is present with
    the given redirect URI, or absent; can renew its secret and revoke its tokens.
  - With O(oauth2_clients), ensures the server's clients in one call - one read of the clients, then only the writes
    that differ (deletes batched into one request, adds in parallel).
  - A client is named by its redirect URI (O(redirect_uri)), or picked by its client id (O(client_id)), which Mailcow
    makes itself. Mailcow's numeric id is looked up, never needed.
  - Mailcow checks neither the URI nor duplicates; the module checks the URI before any request and refuses to manage a
    URI that Mailcow holds more than once (pick one with O(client_id); V(state=absent) deletes every one of them).
  - B(The client secret) is returned once, in RV(client_secret), to the task that creates the client or renews its
    secret (O(renew_secret)); never in the diff, a warning, a message or any other return value, and never by
    M(glassdome.mailcow.mailcow_oauth2_client_info). Register the result to hand the secret to the app, and set
    C(no_log) on the task so that Ansible does not print it (the registered variable still holds it).
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the clients and predicts C(changed), the action and the diff exactly, without writing (and
        without a secret to return).
  diff_mode:
    support: full
    details:
      - The redirect URI and client id before and after; a secret that is made or renewed shows as C((new)), revoked
        tokens as C((revoked)), never the secret itself.
  idempotent:
    support: partial
    details:
      - Idempotent, except that O(renew_secret=true) renews the secret and O(revoke_tokens=true) revokes the tokens on
        every run, as asked (both report C(changed)).
options:
  redirect_uri:
    description:
      - Where Mailcow sends the user back to the app after the login, an absolute URI such as
        V(https://app.example.org/oauth/callback); an app on a device may use its own scheme (V(com.example.app:/callback)).
      - No spaces, user name, password or fragment (C(#)); at most 2000 characters. Scheme and host compare regardless of case.
      - Names the client; with O(client_id), the redirect URI that client is to have.
      - Mutually exclusive with O(oauth2_clients).
    type: str
  client_id:
    description:
      - Picks an existing client by its client id (hex digits, such as V(e952dfd9654b)), to change its redirect URI or to
        pick one of several clients with the same redirect URI.
      - Mailcow makes the client id of a new client itself, so a client is created with O(redirect_uri) alone.
      - Moving a client to a redirect URI another client already has is refused before any request.
    type: str
  renew_secret:
    description:
      - Give the client a new secret, returned in RV(client_secret). The old one stops working at once.
      - Every run with V(true) renews it again (and reports C(changed)). Ignored when the task creates the client.
      - Default V(false).
    type: bool
  revoke_tokens:
    description:
      - Revoke every access and refresh token Mailcow issued to the client, so each user must log in again.
      - Every run with V(true) revokes them again (and reports C(changed)). Ignored when the task creates the client.
      - Default V(false).
    type: bool
  state:
    description:
      - V(present) creates the client or changes it to match; V(absent) deletes the client of O(client_id), or every
        client of O(redirect_uri).
      - Ignored with O(oauth2_clients), where each entry has its own O(oauth2_clients[].state).
    type: str
    choices: [present, absent]
    default: present
  oauth2_clients:
    description:
      - The bulk form, a list of the server's clients by redirect URI.
      - Mutually exclusive with O(redirect_uri), O(client_id), O(renew_secret) and O(revoke_tokens).
    type: list
    elements: dict
    suboptions:
      redirect_uri:
        description: The redirect URI, as O(redirect_uri); required in each entry.
        type: str
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(oauth2_clients), delete the clients of the server whose redirect URI the list does not name.
      - Run in check mode first to see what would go.
      - Guarded by O(purge_allow_empty) and O(purge_max_share).
    type: bool
    default: false
  purge_allow_empty:
    description:
      - With O(purge=true), allow an empty O(oauth2_clients) list, which deletes every client of the server.
      - Without it such a run is refused before anything is written (also in check mode), naming what would be deleted.
      - O(purge_max_share) still applies, so deleting every client takes both options.
    type: bool
    default: false
  purge_max_share:
    description:
      - With O(purge=true), the largest share, in percent from V(0) to V(100), of the server's clients (counted by redirect
        URI) that one run may delete because the list does not name them.
      - A run that would delete more is refused before anything is written (also in check mode).
      - Entries with C(state=absent) are not counted; they are deleted as asked.
    type: int
    default: 50
  concurrency:
    description:
      - With O(oauth2_clients), how many clients are added at the same time.
      - From V(1) to V(32).
    type: int
    default: 4
notes:
  - Mailcow's API returns client secrets in clear to any API key, read-only ones included. The module returns a secret
    only in RV(client_secret) (single form) or C(client_secret) in RV(oauth2_clients) (bulk form), to the task that made it.
  - Mailcow gives every client the scope C(profile), whatever is asked.
seealso:
  - module: glassdome.mailcow.mailcow_oauth2_client_info
"""

EXAMPLES = r"""
- name: Manage OAuth2 clients with the connection set once
  module_defaults:
    group/glassdome.mailcow.mailcow:
      api_url: https://mail.example.org
      api_key: "{{ vault_mailcow_api_key }}"
  block:
    - name: Let the wiki log users in through Mailcow
      glassdome.mailcow.mailcow_oauth2_client:
        redirect_uri: https://wiki.example.org/oauth/callback
      register: wiki_client
      no_log: true  # the result holds the client secret

    - name: Hand the client id and secret to the wiki (only when the client was just created)
      ansible.builtin.copy:
        dest: /etc/wiki/oauth.env
        content: |
          OAUTH_CLIENT_ID={{ wiki_client.oauth2_client.client_id }}
          OAUTH_CLIENT_SECRET={{ wiki_client.client_secret }}
        mode: "0600"
      when: wiki_client.client_secret is defined
      no_log: true

    - name: Move the wiki to a new address
      glassdome.mailcow.mailcow_oauth2_client:
        client_id: e952dfd9654b
        redirect_uri: https://docs.example.org/oauth/callback

    - name: Rotate the secret and log every user out of the wiki
      glassdome.mailcow.mailcow_oauth2_client:
        redirect_uri: https://docs.example.org/oauth/callback
        renew_secret: true
        revoke_tokens: true
      register: rotated
      no_log: true

    - name: Ensure exactly these clients, deleting the others
      glassdome.mailcow.mailcow_oauth2_client:
        purge: true
        oauth2_clients:
          - redirect_uri: https://docs.example.org/oauth/callback
          - redirect_uri: https://git.example.org/user/oauth2/mailcow/callback
      no_log: true
"""

RETURN = r"""
oauth2_client:
  description: The client after the task (predicted in check mode), empty when absent. Never its secret.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Mailcow's numeric id of the client; null in check mode for one not yet created.
      type: int
      sample: 3
    client_id:
      description: The client id Mailcow made, which the app sends; null in check mode for one not yet created.
      type: str
      sample: e952dfd9654b
    redirect_uri:
      description: The redirect URI, as stored.
      type: str
      sample: https://wiki.example.org/oauth/callback
    scope:
      description: The scope (always V(profile)).
      type: str
      sample: profile
client_secret:
  description:
    - The client secret, B(only) when this task created the client or renewed its secret (not in check mode).
    - Set C(no_log) on the task; the registered variable holds it. It is returned by no other task or module.
  returned: when the client was created or its secret renewed, single form
  type: str
  sample: 7718920d1dbc7172e17abd03
action:
  description: What was done (or would be done in check mode).
  returned: success, single form
  type: str
  sample: created
oauth2_clients:
  description:
    - With O(oauth2_clients), one result per client that was (or in check mode would be) created or deleted, in list
      order, purged ones last. A created one carries C(client_id) and C(client_secret) (not in check mode).
    - Unchanged clients are counted in RV(summary) only.
  returned: success, bulk form
  type: list
  elements: dict
  sample:
    - {redirect_uri: "https://wiki.example.org/oauth/callback", action: created, changed: true, client_id: e952dfd9654b,
       client_secret: 7718920d1dbc7172e17abd03}
summary:
  description: With O(oauth2_clients), how many clients each action touched.
  returned: success, bulk form
  type: dict
  sample: {created: 1, updated: 0, deleted: 1, unchanged: 1}
msg:
  description: With O(oauth2_clients), what was done in words (the first ten of each action, then a count).
  returned: success, bulk form
  type: str
  sample: "created 1 (https://wiki.example.org/oauth/callback), 1 unchanged"
outcome:
  description:
    - Only when a write's answer was lost and re-reading the clients once decided it (V(confirmed), V(retried)).
  returned: when re-reading decided a write
  type: str
  sample: confirmed
failed_entries:
  description: On failure of several writes, every failed client with its error.
  returned: failure
  type: list
  elements: dict
  sample:
    - {item: "https://wiki.example.org/oauth/callback", error: "Mailcow refused POST /edit/oauth2-client: ..."}
not_attempted:
  description: On failure, the clients whose writes were not started because the server stopped answering.
  returned: failure
  type: list
  elements: str
  sample: ["https://git.example.org/callback"]
done:
  description: On failure of several writes, the clients whose writes succeeded before the task failed.
  returned: failure
  type: list
  elements: str
  sample: ["https://wiki.example.org/oauth/callback"]
"""

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import BulkModule, run
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.argspec import (
    OAUTH2_CLIENT_CONSTRAINTS,
    oauth2_client_entry_argspec,
    oauth2_client_single_argspec,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.manager import manage_many, manage_one


def main() -> None:
    spec = dict(server_single_or_bulk_argspec(oauth2_client_entry_argspec(), "oauth2_clients"), **oauth2_client_single_argspec())
    module = BulkModule(argument_spec=spec, supports_check_mode=True, **OAUTH2_CLIENT_CONSTRAINTS)
    run(module, "oauth2_clients", manage_one, manage_many)


if __name__ == "__main__":
    main()
