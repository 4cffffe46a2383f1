#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Install Debian's Postfix and Dovecot for the sandbox mail stack, as root, idempotently.
# The system services are never started: the sandbox runs its own instances from private
# config dirs on loopback ports (tests/sandbox/mailstack.py).
# Also Java 17, which ansible-rulebook (the EDA tests against the sandbox, tests/integration/test_eda.py) needs.
set -eu

PACKAGES="postfix dovecot-core dovecot-imapd dovecot-lmtpd dovecot-auth-lua openssl procps openjdk-17-jre-headless"

say() { printf 'install-debs: %s\n' "$*"; }

missing_packages() {
    for pkg in $PACKAGES; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || printf '%s ' "$pkg"
    done
}

missing=$(missing_packages)
if [ -z "$missing" ]; then
    say "already installed: $PACKAGES"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    say "must run as root to install: $missing" >&2
    exit 1
fi

# policy-rc.d exiting 101 tells invoke-rc.d (and so every postinst) not to start services.
# Container images ship one; a full Debian does not, so lay one down for the install only.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$POLICY"
    chmod 755 "$POLICY"
    trap 'rm -f "$POLICY"' EXIT
    say "temporary $POLICY (services are not started)"
fi

export DEBIAN_FRONTEND=noninteractive
# Postfix's debconf default ("Internet Site") writes /etc/postfix/main.cf, which the private
# instances need for alternate_config_directories; the mail name only matters for that
# never-started system instance.
echo "postfix postfix/main_mailer_type select Internet Site" | debconf-set-selections
echo "postfix postfix/mailname string mail.sandbox.test" | debconf-set-selections

install() {
    # shellcheck disable=SC2086  # word splitting of the package list is intended
    apt-get install -y -q --no-install-recommends $missing
}

# Refresh the package lists only when they are absent or too stale to hold these packages.
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    say "apt-get update (no package lists)"
    apt-get update -q
fi
say "installing: $missing"
if ! install; then
    say "install failed; apt-get update and retry"
    apt-get update -q
    install
fi
say "installed: $missing"
