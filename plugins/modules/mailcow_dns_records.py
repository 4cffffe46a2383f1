#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_dns_records
short_description: The DNS records a Mailcow mail domain needs, ready for a DNS module, and an optional live check
version_added: 0.1.0
description:
  - Lists every DNS record a domain of Mailcow needs, as Mailcow's own DNS check page lists them (the MX record, the
    C(autodiscover) and C(autoconfig) CNAMEs, the C(_autodiscover._tcp) SRV record, SPF and DMARC TXT records, the DKIM
    TXT record of the domain's key, and an SRV record for each mail service on a port other than its standard one).
  - Each record is a dictionary that tasks of M(community.dns.hetzner_dns_record_set) and the other community.dns
    modules, M(amazon.aws.route53) or M(community.general.nsupdate) can loop over directly.
  - With O(check=true) it also resolves the records in DNS and says which are missing or different.
  - This is a module of its own rather than a return value of M(glassdome.mailcow.mailcow_domain_info) because the
    records depend on options that are not about the domain (the mail host name, SPF and DMARC policies, ports, TTL) and
    on the DKIM key, and because the live check is an action of its own.
  - Nothing is written to Mailcow or to DNS; a read-only API key is enough.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
  - glassdome.mailcow.attributes.INFO_MODULE
options:
  domain:
    description:
      - The domain, or alias domain, of this Mailcow. It must exist on the server.
      - An alias domain gets only its MX, SPF, DMARC and DKIM records, as on Mailcow's check page.
    type: str
    required: true
  mail_host:
    description:
      - The mail server's DNS host name, the target of the MX, CNAME and SRV records (Mailcow's C(MAILCOW_HOSTNAME)).
      - When not set, the host name of O(api_url) is used; an IP address there is refused, so set O(mail_host) then.
    type: str
  ttl:
    description: TTL of every record, in seconds, from V(60) to V(604800).
    type: int
    default: 3600
  mx_priority:
    description:
      - The preference of the MX record (V(0) to V(65535), lower is tried first), as published or to be published.
      - The live check (O(check)) compares it, so set it to what the zone holds.
    type: int
    default: 10
  spf_policy:
    description:
      - What the SPF record says of senders other than the domain's MX and A hosts (and O(spf_extra)).
      - V(fail) gives C(-all), V(softfail) C(~all), V(neutral) C(?all); V(omit) lists no SPF record.
    type: str
    choices: [fail, softfail, neutral, omit]
    default: fail
  spf_extra:
    description:
      - More SPF mechanisms, placed before the final C(all), such as V(include:_spf.example.net) or V(ip4:192.0.2.10).
    type: list
    elements: str
    default: []
  dmarc_policy:
    description:
      - The DMARC policy C(p=) of the C(_dmarc) TXT record; V(omit) lists no DMARC record.
      - V(none) only monitors; consider it first for a domain that already sends mail through other services.
    type: str
    choices: [none, quarantine, reject, omit]
    default: quarantine
  dmarc_rua:
    description: Address that receives DMARC aggregate reports (C(rua=mailto:...)).
    type: str
  https_port:
    description: The HTTPS port of Mailcow's web server, for the C(_autodiscover._tcp) SRV record.
    type: int
    default: 443
  ports:
    description:
      - Ports of the mail services when Mailcow serves them on other than the standard ports. An SRV record is listed
        for each service whose port differs from its standard one (or for all with O(all_srv_records)).
    type: dict
    suboptions:
      imap:
        description: IMAP with STARTTLS, standard V(143).
        type: int
      imaps:
        description: IMAP over TLS, standard V(993).
        type: int
      pop3:
        description: POP3 with STARTTLS, standard V(110).
        type: int
      pop3s:
        description: POP3 over TLS, standard V(995).
        type: int
      submission:
        description: SMTP submission with STARTTLS, standard V(587).
        type: int
      smtps:
        description: SMTP submission over TLS, standard V(465).
        type: int
      sieve:
        description: ManageSieve, standard V(4190).
        type: int
  all_srv_records:
    description:
      - List the SRV record of every mail service (RFC 6186), also those on standard ports, which Mailcow's check page
        leaves out.
    type: bool
    default: false
  check:
    description:
      - Resolve each record and report in RV(check) which are published as listed (V(ok)), V(missing), V(different)
        (with what DNS answered beside what was expected) or V(unresolved) (the query failed; with the reason).
      - Needs the Python library C(dnspython) on the host that runs the module (see the requirements). Without it
        RV(check.available) is false and a warning says so; the records are returned all the same.
      - A record counts as published as Mailcow's DNS check page counts it. The DKIM record by its public key C(p=)
        alone. An C(autodiscover) or C(autoconfig) name without a CNAME by A and AAAA records with the same addresses
        as O(mail_host). A C(_pop3._tcp) or C(_pop3s._tcp) SRV record by the target C(.) (service not offered).
        TXT values published in several strings are joined before they are compared.
      - Stricter than Mailcow's page, the MX priority, the SRV priority and weight, and the SPF and DMARC text (case and
        spacing aside) must be as listed.
      - The whole check takes at most O(timeout) seconds; records not asked by then are V(unresolved). Answers too long
        for UDP (the DKIM record of a key of 4096 bits) are read over TCP, so the name servers must answer on TCP port 53 too.
      - Nothing is ever changed in DNS, also not in check mode.
    type: bool
    default: false
  nameservers:
    description:
      - With O(check=true), ask these name servers instead of the system's resolver, for example the domain's
        authoritative servers to see a change before caches expire.
      - IP addresses, each optionally with a port (V(192.0.2.53:5353), V([2001:db8::53]:5353)).
      - Without it, the resolvers of the host that runs the module (C(/etc/resolv.conf)) are asked.
    type: list
    elements: str
requirements:
  - dnspython (only for O(check=true), on the host that runs the module; for example C(pip install dnspython))
notes:
  - Records that are not about one domain (the mail host's A, AAAA, PTR and TLSA records) and MTA-STS records are not
    listed.
  - A TXT value longer than 255 bytes (a DKIM key of 2048 bits or more) is split into 255-byte strings in RV(records[].rdata);
    RV(records[].value) is the whole value.
seealso:
  - module: glassdome.mailcow.mailcow_dkim
  - module: glassdome.mailcow.mailcow_domain
"""

EXAMPLES = r"""
- name: The records of example.org (mail host from api_url, https://mail.example.org)
  glassdome.mailcow.mailcow_dns_records:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_ro_key }}"
    domain: example.org
    dmarc_rua: dmarc-reports@example.org
  register: dns

- name: Print them as zone-file lines
  ansible.builtin.debug:
    msg: "{{ dns.lines }}"

- name: Publish them with Hetzner DNS (community.dns takes unquoted TXT values)
  community.dns.hetzner_dns_record_set:
    zone_name: example.org
    prefix: "{{ item.prefix }}"
    type: "{{ item.type }}"
    ttl: "{{ item.ttl }}"
    value: "{{ [item.value if item.type == 'TXT' else item.rdata] }}"
    state: present
    hetzner_token: "{{ vault_hetzner_token }}"
  loop: "{{ dns.records }}"
  loop_control:
    label: "{{ item.type }} {{ item.name }}"

- name: Publish them with Route 53 (the zone-file form, TXT quoted in 255-byte strings)
  amazon.aws.route53:
    state: present
    zone: example.org
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    ttl: "{{ item.ttl }}"
    value: "{{ item.rdata }}"
    overwrite: true
  loop: "{{ dns.records }}"

- name: Publish them by dynamic update (RFC 2136)
  community.general.nsupdate:
    server: ns1.example.org
    key_name: ansible
    key_secret: "{{ vault_tsig_secret }}"
    zone: example.org
    record: "{{ item.name }}."
    type: "{{ item.type }}"
    ttl: "{{ item.ttl }}"
    value: "{{ item.rdata }}"
  loop: "{{ dns.records }}"

- name: Check what the domain's own name servers publish (needs dnspython where the module runs)
  glassdome.mailcow.mailcow_dns_records:
    domain: example.org
    mail_host: mail.example.org
    check: true
    nameservers: [192.0.2.53, "[2001:db8::53]"]
    timeout: 20
  register: published

- name: Show each record that is not published as listed, with what DNS answered
  ansible.builtin.debug:
    msg: "{{ item.status }}: {{ item.type }} {{ item.name }} expected {{ item.expected }}, found {{ item.found }} {{ item.error | default('') }}"
  loop: "{{ published.check.records | rejectattr('status', 'equalto', 'ok') }}"
  loop_control:
    label: "{{ item.type }} {{ item.name }}"

- name: Fail when a record is missing or different
  ansible.builtin.assert:
    that: published.check.ok
    fail_msg: "missing: {{ published.check.missing }}, different: {{ published.check.different }}, unresolved: {{ published.check.unresolved }}"
  when: published.check.available
"""

RETURN = r"""
domain:
  description: The domain, lower-case ASCII.
  returned: success
  type: str
  sample: example.org
alias_domain:
  description: Whether the domain is an alias domain.
  returned: success
  type: bool
  sample: false
records:
  description: The records to publish, in the order of Mailcow's DNS check page.
  returned: success
  type: list
  elements: dict
  contains:
    type:
      description: V(MX), V(CNAME), V(SRV) or V(TXT).
      type: str
      sample: MX
    name:
      description: The record's name (FQDN, no final dot).
      type: str
      sample: example.org
    prefix:
      description: The name relative to the domain, empty for the domain itself.
      type: str
      sample: _dmarc
    value:
      description: The target host (MX, CNAME, SRV; no final dot) or the whole TXT value, unquoted.
      type: str
      sample: mail.example.org
    rdata:
      description:
        - The record data in zone-file form, host names with a final dot, TXT values quoted in 255-byte strings
          (C(10 mail.example.org.), C(0 1 443 mail.example.org.), C("v=spf1 mx a -all")).
      type: str
      sample: 10 mail.example.org.
    ttl:
      description: TTL in seconds.
      type: int
      sample: 3600
    priority:
      description: MX preference or SRV priority.
      type: int
      returned: for MX and SRV records
      sample: 10
    weight:
      description: SRV weight.
      type: int
      returned: for SRV records
      sample: 1
    port:
      description: SRV port.
      type: int
      returned: for SRV records
      sample: 443
    strings:
      description: The DKIM value in strings of at most 255 bytes.
      type: list
      elements: str
      returned: for the DKIM record
lines:
  description: One zone-file line per record, C(<name>. <ttl> IN <type> <rdata>).
  returned: success
  type: list
  elements: str
  sample: ["example.org. 3600 IN MX 10 mail.example.org."]
check:
  description: The live check's result.
  returned: when O(check=true)
  type: dict
  contains:
    available:
      description: Whether dnspython was found and the records were resolved.
      type: bool
      sample: true
    message:
      description: Why nothing was resolved.
      type: str
      returned: when RV(check.available) is false
    ok:
      description: Every record is published as listed (null when nothing was resolved).
      type: bool
      sample: false
    missing:
      description: The records DNS does not have, as C(<type> <name>).
      type: list
      elements: str
      sample: [TXT _dmarc.example.org]
    different:
      description: The records DNS has with other data.
      type: list
      elements: str
      sample: [MX example.org]
    unresolved:
      description: The records whose query failed (no answer within O(timeout), SERVFAIL, REFUSED), or that were not asked
        because the check's time limit had run out.
      type: list
      elements: str
    records:
      description: Each record as checked, in the order of RV(records).
      type: list
      elements: dict
      contains:
        type:
          description: The record's type.
          type: str
          sample: MX
        name:
          description: The record's name.
          type: str
          sample: example.org
        status:
          description: V(ok), V(missing), V(different) or V(unresolved).
          type: str
          sample: different
        expected:
          description:
            - The listed data, in the form of RV(check.records[].found).
          type: str
          sample: 10 mail.example.org
        found:
          description:
            - What DNS answered, MX C(<priority> <host>), SRV C(<priority> <weight> <port> <host>), CNAME C(<host>) (host names
              lower-case without the final dot, the root as C(.)), TXT the strings of each record joined (only the SPF,
              DMARC or DKIM records among a name's TXT records).
            - For a CNAME that is not there, the name's addresses as C(A <address>) and C(AAAA <address>).
          type: list
          elements: str
          sample: [20 mail.example.org]
        mail_host_addresses:
          description: The addresses of O(mail_host) the addresses of a name without its CNAME were compared with.
          type: list
          elements: str
          returned: for a CNAME record that is not there when the name has addresses
          sample: [A 192.0.2.10, AAAA 2001:db8::10]
        error:
          description: Why the record is unresolved, naming the name server and its answer, or the time limit.
          type: str
          returned: when RV(check.records[].status) is V(unresolved)
          sample: "LifetimeTimeout: The resolution lifetime expired after 20.002 seconds: Server Do53:192.0.2.53@53 answered The DNS
            operation timed out."
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.argspec import dns_records_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.manager import dns_records
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **dns_records_argspec()), supports_check_mode=True)
    run_api_module(module, dns_records)


if __name__ == "__main__":
    main()
