# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Run a command inside the Debian 13 root of the matrix (.build/debian-13-root), as root:
#   bash tests/matrix/in-root.sh ROOT [--bind DIR | --bind-rw DIR]... -- COMMAND [ARG]...
# Each --bind DIR of this machine is visible at the same path inside the root, read-only (--bind-rw: writable). The root
# gets /proc, /dev and a /dev/shm of its own (ansible-playbook's worker queues need it). All of it is
# mounted in a mount namespace of this command's own (unshare --mount), so the mounts go away with
# the command whatever way it ends (failure, timeout, kill -9): nothing is left mounted in .build.
# The root shares this machine's network, loopback included: the sandbox is reachable from inside.
set -eu -o pipefail
root=$(realpath "$1")
shift
binds=() modes=() args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	case $1 in --bind) modes+=(ro) ;; --bind-rw) modes+=(rw) ;; *) echo "in-root.sh: expected --bind DIR, --bind-rw DIR or --, got $1" >&2; exit 2 ;; esac
	binds+=("$(realpath "$2")")
	args+=("$1" "$(realpath "$2")")
	shift 2
done
[ $# -gt 1 ] || { echo "in-root.sh: no command after --" >&2; exit 2; }
shift
[ -x "$root/usr/bin/python3" ] || { echo "in-root.sh: $root is not a Debian root (make debian-13-root makes it)" >&2; exit 2; }
if [ "${GLASSDOME_IN_ROOT_NS:-}" != "$root" ]; then
	export GLASSDOME_IN_ROOT_NS=$root
	exec unshare --mount --propagation private -- bash "${BASH_SOURCE[0]}" "$root" "${args[@]}" -- "$@"
fi
# Inside the private mount namespace from here on.  Name resolution and the CA bundle as on this machine.
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
for i in "${!binds[@]}"; do
	dir=${binds[$i]}
	mkdir -p "$root$dir"
	mount --bind "$dir" "$root$dir"
	mount -o "remount,bind,${modes[$i]}" "$root$dir"
done
# pip settings naming paths of this machine (local wheel folders, constraints) mean nothing in the root.
exec chroot "$root" /usr/bin/env -u GLASSDOME_IN_ROOT_NS -u PIP_FIND_LINKS -u PIP_CONSTRAINT "$@"
