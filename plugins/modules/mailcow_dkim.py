#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_dkim
short_description: Ensure a Mailcow domain has a DKIM key, and get the TXT record to publish
version_added: 0.1.0
description:
  - Ensures a domain (or alias domain) of Mailcow has a DKIM signing key with the given selector and key size, or none.
  - Returns the selector, the public key and the exact TXT record to publish in DNS (name and value). The private key
    stays on the server and is never returned.
  - Mailcow creates a key (selector V(dkim), 2048 bits) when a domain is added; that key counts as the domain's key.
  - An existing key is never replaced unless O(rotate=true). Mailcow cannot overwrite a key, so a rotation deletes the
    old key and then adds the new one.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the domain and its key, and predicts C(changed), the diff and the failures that come from the
        options. The public key of a key still to be generated is unknown then (null).
  diff_mode:
    support: full
    details:
      - The diff shows the selector, key size and public key before and after.
  idempotent:
    support: full
    details:
      - A key that matches O(selector) and O(key_size) is left alone, so a second run changes nothing, also with O(rotate=true).
options:
  domain:
    description:
      - The domain, or alias domain, whose key is managed. It must exist on the server.
      - An internationalised name is converted to its ASCII form.
    type: str
    required: true
  state:
    description:
      - V(present) ensures the domain has a key as described; V(absent) deletes its key (mail is then sent unsigned).
    type: str
    choices: [present, absent]
    default: present
  selector:
    description:
      - The DKIM selector, the first label(s) of the TXT record's name C(<selector>._domainkey.<domain>).
      - Letters, digits, V(-) and V(_), in dot-separated labels of 1 to 63 characters.
      - When not set, any selector of an existing key will do, and a new key gets V(dkim), as Mailcow's own.
    type: str
  key_size:
    description:
      - Size of the RSA key in bits.
      - When not set, any size of an existing key will do, and a new key gets V(2048), as Mailcow's own.
      - Mailcow reads a key's size back as a guess from the public key's length; a 512-bit key made elsewhere reads as V(1024).
    type: int
    choices: [1024, 2048, 3072, 4096]
  rotate:
    description:
      - When the domain's key has another selector or size than O(selector) and O(key_size), replace it with a new key.
      - Without it such a task fails and names the existing key, so that a published key is never lost by surprise. Before
        failing, a real run reads the key again, once a second for up to 5 seconds, in case another run is replacing it at
        this moment (two pipelines, one of which just created the domain and rotates Mailcow's own key); when the key
        becomes the wanted one the task succeeds unchanged, with RV(outcome) V(created_concurrently).
      - The old key is deleted before the new one is added (Mailcow cannot overwrite a key); mail sent in between is
        unsigned, and mail signed with the old key fails DKIM checks once the old TXT record is gone. Publish the new
        record (RV(dkim.txt_record)) at once; use a new selector so that both records can be published side by side.
      - A key that already matches is left alone, so the task stays idempotent.
    type: bool
    default: false
notes:
  - Mailcow answers one message, C(dkim_domain_or_sel_invalid), for a domain that already has a key, a bad selector and
    a missing key size. The module checks the selector and key size before any request and, after such an answer,
    reads the key again to say which it was.
  - A DKIM TXT value of a 2048-bit key or longer is more than 255 bytes, the most one DNS string holds. RV(dkim.txt_record.value)
    is the whole value (what most DNS APIs and the community.dns modules take); RV(dkim.txt_record.strings) is the same
    value in 255-byte strings and RV(dkim.txt_record.rdata) the zone-file form with each string quoted (what
    M(amazon.aws.route53) and M(community.general.nsupdate) take).
seealso:
  - module: glassdome.mailcow.mailcow_dns_records
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: Ensure example.org has a DKIM key (Mailcow's own, made with the domain, will do)
  glassdome.mailcow.mailcow_dkim:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    domain: example.org
  register: dkim

- name: Publish the TXT record with Route 53 (quoted 255-byte strings)
  amazon.aws.route53:
    state: present
    zone: example.org
    record: "{{ dkim.dkim.txt_record.name }}"
    type: TXT
    ttl: 3600
    value: "{{ dkim.dkim.txt_record.rdata }}"

- name: Rotate to a new 4096-bit key under a new selector; idempotent once done
  glassdome.mailcow.mailcow_dkim:
    domain: example.org
    selector: mail2026
    key_size: 4096
    rotate: true
  register: rotated

- name: Say what changed
  ansible.builtin.debug:
    msg: >-
      {{ rotated.previous.txt_record.name }} replaced by {{ rotated.dkim.txt_record.name }}:
      publish {{ rotated.dkim.txt_record.value }}
  when: rotated.action == 'rotated'

- name: Remove the key of a domain that no longer sends mail
  glassdome.mailcow.mailcow_dkim:
    domain: old.example
    state: absent
"""

RETURN = r"""
dkim:
  description:
    - The domain's key after the task (predicted in check mode, where a new key's public key is null); empty when it has none.
  returned: success
  type: dict
  contains:
    domain:
      description: The domain, lower-case ASCII.
      type: str
      sample: example.org
    selector:
      description: The selector.
      type: str
      sample: dkim
    key_size:
      description: Size in bits as Mailcow guesses it from the public key, or null when Mailcow reads it as V(>= 8192).
      type: int
      sample: 2048
    length:
      description: Mailcow's own reading of the size, a string.
      type: str
      sample: "2048"
    public_key:
      description: The public key, base64 (DER), as in the TXT record's C(p=) tag.
      type: str
      sample: MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqftPMBzF...IDAQAB
    txt_record:
      description: The TXT record to publish.
      type: dict
      contains:
        type:
          description: Always V(TXT).
          type: str
          sample: TXT
        name:
          description: Its name, C(<selector>._domainkey.<domain>).
          type: str
          sample: dkim._domainkey.example.org
        prefix:
          description: Its name relative to the domain.
          type: str
          sample: dkim._domainkey
        value:
          description: The whole value, unquoted.
          type: str
          sample: v=DKIM1;k=rsa;t=s;s=email;p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqftPMBzF...IDAQAB
        strings:
          description: The value split into strings of at most 255 bytes, as DNS stores it.
          type: list
          elements: str
        rdata:
          description: The zone-file form, each 255-byte string quoted and separated by a space.
          type: str
          sample: '"v=DKIM1;k=rsa;t=s;s=email;p=MIIBIjAN..." "...IDAQAB"'
        ttl:
          description: A TTL for the record, 3600 seconds.
          type: int
          sample: 3600
previous:
  description: The key before a rotation, in the form of RV(dkim), with its TXT record (remove it from DNS once unused).
  returned: when the key was rotated (or would be, in check mode)
  type: dict
action:
  description: What was done (or would be done in check mode).
  returned: success
  type: str
  choices: [created, rotated, deleted, unchanged]
  sample: created
outcome:
  description:
    - V(confirmed) when the answer to the add was lost and reading the key again showed it was added;
      V(created_concurrently) when Mailcow refused the add because another run had just added the same key, or when a
      differing key became the wanted one while it was read again (see O(rotate)).
  returned: when a re-read decided a write, or another run replaced the key meanwhile
  type: str
  sample: confirmed
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.argspec import dkim_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **dkim_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
