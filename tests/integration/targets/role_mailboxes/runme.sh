#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The mailboxes role is tested from plays of its own (play vars, the inventory vars of an added
# host), so this target runs its playbook itself. ansible-test copies integration_config.yml (the
# sandbox's connection) two levels up, and gives the inventory in INVENTORY_PATH.
set -eu
config=../../integration_config.yml
if [ ! -f "$config" ]; then
    echo "runme.sh: $config is missing: start the sandbox (make sandbox-start) before ansible-test integration" >&2
    exit 1
fi
set -x
ansible-playbook playbook.yml -i "${INVENTORY_PATH}" -e "@$config" --diff "$@"
