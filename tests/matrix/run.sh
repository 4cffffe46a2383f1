# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The ansible-core matrix: tests/matrix/smoke.yml, then role_rerun.yml (changed=0 required), under
# each ansible-core given, each from its own venv .build/venvs/ansible-core-<version>, against the
# running sandbox (.sandbox/env.sh) with the installed artifact (.build/installed).
#   bash tests/matrix/run.sh REPO SANDBOX_DIR VERSION...
set -u -o pipefail
repo=$1 sandbox=$2
shift 2
# shellcheck disable=SC1091
source "$sandbox/env.sh"
export ANSIBLE_COLLECTIONS_PATH=$repo/.build/installed ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_STDOUT_CALLBACK=default
logs=$repo/.build/reports/matrix
mkdir -p "$logs"
rc=0 summary=()
for version in "$@"; do
	bin=$repo/.build/venvs/ansible-core-$version/bin
	log=$logs/ansible-core-$version.log
	start=$SECONDS
	extra=(-e "matrix_domain=matrix-${version//./-}-$(date +%s).example" -e "matrix_password=Matrix-$RANDOM-$RANDOM!")
	{
		"$bin/ansible-playbook" --version | head -1
		"$bin/ansible-playbook" -i localhost, "$repo/tests/matrix/smoke.yml" "${extra[@]}" \
			&& "$bin/ansible-playbook" -i localhost, "$repo/tests/matrix/role_rerun.yml" "${extra[@]}" | tee "$log.rerun"
	} >"$log" 2>&1
	result=$?
	if [ $result = 0 ] && ! grep -Eq '^localhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "$log.rerun"; then
		echo "role re-run reported changes:" >>"$log"; result=1
	fi
	rm -f "$log.rerun"
	if [ $result = 0 ]; then
		summary+=("$(printf 'ansible-core %-5s PASS %4ds' "$version" $((SECONDS - start)))")
	else
		rc=1; summary+=("$(printf 'ansible-core %-5s FAIL %4ds  (log: %s)' "$version" $((SECONDS - start)) "$log")")
		tail -40 "$log"
	fi
done
printf '%s\n' "${summary[@]}"
exit $rc
