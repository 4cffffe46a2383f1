#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glassdome.mailcow contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mailcow_fail2ban
short_description: Set Mailcow's fail2ban (ban times, attempts, network sizes, allow and deny lists) and lift bans
version_added: 0.1.0
description:
  - Ensures Mailcow's fail2ban settings, that is how long a client is banned, after how many failed logins within which
    window, how large a network a ban covers, and which networks are never (O(allowlist)) or always (O(denylist)) banned.
  - Settings not given keep their value on the server. The lists, when given, are the whole lists.
  - Lifts current bans of the networks in O(unban).
  - Every option is checked before any request, with Mailcow's own limits, because Mailcow silently changes values it
    does not accept (a ban time below 60 seconds becomes 60, an invalid list entry is dropped) and still answers success.
    After a change the settings are read back and compared with what was sent.
  - Needs the read-write API key.
author:
  - glassdome.mailcow contributors (@glassdome)
extends_documentation_fragment:
  - glassdome.mailcow.attributes
  - glassdome.mailcow.api
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the settings and the current bans and predicts C(changed), the diff and the result.
  diff_mode:
    support: full
    details:
      - The diff shows the settings before and after, and the bans lifted.
  idempotent:
    support: full
    details:
      - Settings that already have the given values are not written, and a network that is not banned is not unbanned,
        so a second run changes nothing.
options:
  ban_time:
    description:
      - Seconds a client is banned after too many failed logins; at least 60.
    type: int
  max_ban_time:
    description:
      - Longest ban in seconds when O(ban_time_increment) doubles the ban time for each further ban; at least 60.
    type: int
  ban_time_increment:
    description:
      - Double the ban time for each further ban of the same network, up to O(max_ban_time).
      - Mailcow turns this off on any settings change that does not send it; this module always sends it (the current
        value when not given).
    type: bool
  max_attempts:
    description:
      - Failed logins within O(retry_window) that ban a client; at least 1.
    type: int
  retry_window:
    description:
      - Seconds within which O(max_attempts) failed logins ban a client; at least 1.
    type: int
  netban_ipv4:
    description:
      - Size of the IPv4 network a ban covers, as a prefix length (V(32) bans the one address, V(24) its /24); 8 to 32.
    type: int
  netban_ipv6:
    description:
      - Size of the IPv6 network a ban covers, as a prefix length; 8 to 128.
    type: int
  allowlist:
    description:
      - Addresses, networks (C(address/prefix)) and host names that are never banned, the whole list; V([]) empties it.
      - Not given, the list stays as it is.
    type: list
    elements: str
    aliases: [whitelist]
  denylist:
    description:
      - Addresses and networks that are always banned, the whole list; V([]) empties it. Host names are not allowed here.
      - Not given, the list stays as it is.
    type: list
    elements: str
    aliases: [blacklist]
  unban:
    description:
      - Addresses or networks whose current (temporary) bans are lifted. A ban is lifted when its network is given, or
        an address or network inside it. Networks that are not banned are left alone.
      - A network on O(denylist) stays banned; remove it from the list instead.
    type: list
    elements: str
    default: []
notes:
  - Mailcow lifts a ban through its netfilter container, within seconds; until then
    M(glassdome.mailcow.mailcow_fail2ban_info) shows the ban as RV(glassdome.mailcow.mailcow_fail2ban_info#module:bans[].queued_for_unban).
seealso:
  - module: glassdome.mailcow.mailcow_fail2ban_info
"""

EXAMPLES = r"""
- name: Ban for an hour after 5 failed logins in 10 minutes, doubling up to a day; never ban the office
  glassdome.mailcow.mailcow_fail2ban:
    api_url: https://mail.example.org
    api_key: "{{ vault_mailcow_api_key }}"
    ban_time: 3600
    ban_time_increment: true
    max_ban_time: 86400
    max_attempts: 5
    retry_window: 600
    netban_ipv4: 32
    netban_ipv6: 64
    allowlist:
      - 192.0.2.0/24
      - 2001:db8:10::/48
    denylist:
      - 203.0.113.7

- name: Lift the ban of a colleague's address
  glassdome.mailcow.mailcow_fail2ban:
    unban:
      - 198.51.100.7
  register: lifted

- name: Say what was lifted
  ansible.builtin.debug:
    msg: "{{ lifted.unbanned }}"
"""

RETURN = r"""
fail2ban:
  description: The settings after the task (predicted in check mode).
  returned: success
  type: dict
  contains:
    ban_time:
      description: Seconds a client is banned.
      type: int
      sample: 1800
    max_ban_time:
      description: Longest ban in seconds.
      type: int
      sample: 10000
    ban_time_increment:
      description: Whether further bans double the ban time.
      type: bool
      sample: true
    max_attempts:
      description: Failed logins that ban a client.
      type: int
      sample: 10
    retry_window:
      description: Seconds within which they count.
      type: int
      sample: 600
    netban_ipv4:
      description: Prefix length of an IPv4 ban.
      type: int
      sample: 32
    netban_ipv6:
      description: Prefix length of an IPv6 ban.
      type: int
      sample: 128
    allowlist:
      description: Never banned, sorted.
      type: list
      elements: str
      sample: [192.0.2.0/24]
    denylist:
      description: Always banned, sorted.
      type: list
      elements: str
      sample: [203.0.113.7]
    manage_external:
      description: Mailcow's "manage external" switch (bans carried out by a firewall outside Mailcow); kept as it is.
      type: bool
      sample: false
changes:
  description: Names of the settings that changed (or would, in check mode).
  returned: success
  type: list
  elements: str
  sample: [ban_time, allowlist]
unbanned:
  description: Banned networks lifted (or that would be, in check mode).
  returned: success
  type: list
  elements: str
  sample: [198.51.100.7/32]
outcome:
  description: V(confirmed) when the answer to the settings change was lost and reading them back showed it was made.
  returned: when a re-read decided the change
  type: str
  sample: confirmed
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.argspec import fail2ban_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.manager import manage
from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import run_api_module


def main() -> None:
    module = AnsibleModule(argument_spec=dict(api_argspec(), **fail2ban_argspec()), supports_check_mode=True)
    run_api_module(module, lambda client, params: manage(client, params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
