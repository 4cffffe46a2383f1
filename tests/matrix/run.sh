# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The ansible-core matrix, against the running sandbox (.sandbox/env.sh) with the installed artifact
# (.build/installed).  Each leg, under one ansible-core: tests/matrix/smoke.yml, then role_rerun.yml
# (changed=0 required), then an ad-hoc `ansible localhost -m glassdome.mailcow.mailcow_domain_info`
# that must list the smoke's domain; all of it twice: in process (the default) and with
# glassdome_mailcow_in_process=false (a module process each task).  A series on which the in-process
# path is not verified (VERIFIED_SERIES in plugins/plugin_utils/_in_process.py) starts a module
# process either way, so it runs once.  The in-process run must run in process (-vvv of the ad-hoc
# says so) with no fallback warning.  Any deprecation warning fails the leg unless
# tests/matrix/deprecations.txt lists it.
#   bash tests/matrix/run.sh REPO SANDBOX_DIR VERSION...
# A VERSION whose tests/requirements/ansible-core-VERSION.txt says "# venv: debian-13-root" runs in the
# Debian 13 root ($MATRIX_ROOT, default REPO/.build/debian-13-root) from /opt/venvs/ansible-core-VERSION
# (tests/matrix/in-root.sh); the others from REPO/.build/venvs/ansible-core-VERSION on this machine.
set -u -o pipefail
repo=$1 sandbox=$2
shift 2
# shellcheck disable=SC1091
source "$sandbox/env.sh"
export ANSIBLE_COLLECTIONS_PATH=$repo/.build/installed ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_DEPRECATION_WARNINGS=1
root=${MATRIX_ROOT:-$repo/.build/debian-13-root}
as_root=; [ "$(id -u)" = 0 ] || as_root='sudo -n --preserve-env'
logs=$repo/.build/reports/matrix
mkdir -p "$logs"
verified=" $(sed -n 's/^VERIFIED_SERIES = (\(.*\))$/\1/p' "$repo/plugins/plugin_utils/_in_process.py" | tr -d '",') "
allowed=$(grep -v '^#' "$repo/tests/matrix/deprecations.txt" | cut -d'|' -f1 | sed 's/[[:space:]]*$//' | grep . || true)
fallback="running API modules inside the task's worker does not work with ansible-core"

# in_leg VERSION TOOL ARG...: an ansible tool of that leg's venv, on this machine or in the root.
in_leg() {
	local version=$1 tool=$2
	shift 2
	if grep -q '^# venv: debian-13-root' "$repo/tests/requirements/ansible-core-$version.txt"; then
		$as_root bash "$repo/tests/matrix/in-root.sh" "$root" --bind "$repo/.build/installed" --bind "$repo/tests/matrix" \
			--bind "$(realpath "$sandbox")" --bind "$(dirname "$(realpath "$MAILCOW_CA_PATH")")" \
			-- "/opt/venvs/ansible-core-$version/bin/$tool" "$@"
	else
		"$repo/.build/venvs/ansible-core-$version/bin/$tool" "$@"
	fi
}

# one_path VERSION PATH SCRATCH: smoke, role re-run (changed=0), ad-hoc read; PATH is in-process or module-process.
one_path() {
	local version=$1 path=$2 log=$3 switch=() expect domain
	domain=matrix-${version//./-}-$path-$(date +%s).example
	[ "$path" = module-process ] && switch=(-e glassdome_mailcow_in_process=false)
	local extra=(-e "matrix_domain=$domain" -e "matrix_password=Matrix-$RANDOM-$RANDOM!" "${switch[@]}")
	echo "==== $path"
	in_leg "$version" ansible-playbook -i localhost, "$repo/tests/matrix/smoke.yml" "${extra[@]}" || return 1
	in_leg "$version" ansible-playbook -i localhost, "$repo/tests/matrix/role_rerun.yml" "${extra[@]}" | tee "$log.rerun" || return 1
	grep -Eq '^localhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "$log.rerun" || { echo "role re-run reported changes"; return 1; }
	in_leg "$version" ansible localhost -vvv -m glassdome.mailcow.mailcow_domain_info -a "domain=$domain" "${switch[@]}" >"$log.adhoc" 2>&1
	local rc=$?
	grep -v '^<localhost>\|^ESTABLISH\|^EXEC\|^PUT\|^Using module file' "$log.adhoc"
	if [ $rc != 0 ] || ! grep -q "\"domain\": \"$domain\"" "$log.adhoc"; then echo "the ad-hoc read did not list $domain"; return 1; fi
	if [[ $verified != *" ${version} "* ]]; then expect=": module process (ansible-core "
	elif [ "$path" = module-process ]; then expect=": module process (glassdome_mailcow_in_process is false)"
	else expect=": in process (local connection, the controller's Python)"; fi
	grep -qF "glassdome.mailcow.mailcow_domain_info$expect" "$log.adhoc" || { echo "the ad-hoc read did not run as expected (-vvv: ...$expect)"; return 1; }
}

# warnings LOG: the [WARNING] lines of a log, sorted, the smoke's names made alike.
warnings() {
	grep -F '[WARNING]' "$1" | sed -E 's/matrix-[0-9a-z-]+\.example/DOMAIN/g' | sort -u
}

rc=0 summary=()
for version in "$@"; do
	log=$logs/ansible-core-$version.log
	paths=(in-process module-process)
	[[ $verified == *" ${version} "* ]] || paths=(module-process)
	for path in "${paths[@]}"; do
		start=$SECONDS
		scratch=$logs/scratch-$version-$path
		{ in_leg "$version" ansible-playbook --version | head -1; one_path "$version" "$path" "$scratch"; } >"$log.$path" 2>&1
		result=$?
		rm -f "$scratch.rerun" "$scratch.adhoc"
		if grep -qF "$fallback" "$log.$path"; then echo "the in-process path fell back to a module process" >>"$log.$path"; result=1; fi
		# Deprecation warnings: each must be listed (with the release that removes it) in tests/matrix/deprecations.txt.
		unlisted=$(grep -F '[DEPRECATION WARNING]' "$log.$path" | sort -u | while IFS= read -r line; do
			listed=; while IFS= read -r pattern; do [ -n "$pattern" ] && [[ $line =~ $pattern ]] && listed=1; done <<<"$allowed"
			[ -n "$listed" ] || printf '%s\n' "$line"; done)
		if [ -n "$unlisted" ]; then printf 'deprecation warnings not in tests/matrix/deprecations.txt:\n%s\n' "$unlisted" >>"$log.$path"; result=1; fi
		# The same results both ways: no warning in process that the module processes did not give as well.
		if [ "$path" = module-process ] && [ ${#paths[@]} = 2 ]; then
			extra_warnings=$(comm -23 <(warnings "$log.in-process") <(warnings "$log.$path"))
			if [ -n "$extra_warnings" ]; then
				printf 'warnings in process only:\n%s\n' "$extra_warnings" | tee -a "$log.$path"; result=1
			fi
		fi
		where=host; grep -q '^# venv: debian-13-root' "$repo/tests/requirements/ansible-core-$version.txt" && where=debian-13-root
		if [ $result = 0 ]; then
			summary+=("$(printf 'ansible-core %-5s %-15s %-14s PASS %4ds' "$version" "$where" "$path" $((SECONDS - start)))")
		else
			rc=1; summary+=("$(printf 'ansible-core %-5s %-15s %-14s FAIL %4ds  (log: %s)' "$version" "$where" "$path" $((SECONDS - start)) "$log.$path")")
			tail -40 "$log.$path"
		fi
	done
done
printf '%s\n' "${summary[@]}"
exit $rc
