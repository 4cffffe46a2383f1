# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Build the HTML documentation site (make docs runs this with the docs venv's tools first on PATH).
#   bash tests/docs/build-site.sh REPO DEST VERSION
# 1. antsibull-docs sphinx-init --use-current writes the Sphinx project (conf.py, build.sh) to DEST/src;
# 2. the collection's README.md (and the docs/*.md pages it links to) and the changelog of the
#    coming release (antsibull-changelog release run on a copy of changelogs/, so the tree keeps
#    its fragments) are added as pages;
# 3. build.sh renders the module, role and playbook pages and runs sphinx-build -W (warnings fail).
# The site is DEST/src/build/html.
# The pages are generated from a copy of the collection without plugins/filter: those two filters only
# carry the mailboxes role's checks of its variables, and the site lists what users call (their own
# docs say they are internal to the role; `ansible-doc -t filter` still shows them).
set -eu -o pipefail
repo=$1 dest=$2 version=$3
src=$dest/src
rm -rf "$dest" && mkdir -p "$src" && chmod 755 "$dest" "$src"

copy=$dest/collection/ansible_collections/glassdome/mailcow
mkdir -p "$copy"
(cd "$repo" && git ls-files -co --exclude-standard -z | grep -zv -e '^plugins/filter/' -e '^tests/' \
	| while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null --no-recursion -T - -cf -) | tar -xf - -C "$copy"
export ANSIBLE_COLLECTIONS_PATH=$dest/collection

antsibull-docs sphinx-init --use-current --dest-dir "$src" \
	--index-rst-source "$repo/tests/docs/index.rst" \
	--project glassdome.mailcow --title "glassdome.mailcow" --copyright "glassdome.mailcow contributors" \
	glassdome.mailcow

# The changelog: release the fragments in a scratch copy, render it as reStructuredText.
work=$dest/changelog-work
mkdir -p "$work"
cp -r "$repo/changelogs" "$repo/galaxy.yml" "$work/"
(cd "$work" && antsibull-changelog release --version "$version" --date "$(date -u +%F)" >/dev/null \
	&& antsibull-changelog generate --output "$src/changelog.rst" --output-format rst)

# build.sh re-creates rst/ (antsibull-docs --cleanup everything): add the extra pages after that
# step, just before Sphinx runs; Sphinx reads Markdown through myst-parser.
cp "$repo/README.md" "$src/readme.md"
# The pages README links to (docs/*.md), at the same relative place.
mkdir -p "$src/docs" && cp "$repo"/docs/*.md "$src/docs/"
cp "$repo/tests/docs/external.rst" "$src/external.rst"
cat >>"$src/conf.py" <<'CONF'

# glassdome.mailcow: README.md (Markdown) and changelog.rst next to the generated rst/ tree.
extensions.append('myst_parser')
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 3
# Offline: no inventories to fetch; the labels the generated pages use live in external.rst.
intersphinx_mapping = {}
CONF
sed -i 's|^sphinx-build |cp -r readme.md changelog.rst external.rst docs rst/\n&|' "$src/build.sh"
grep -q '^cp -r readme.md changelog.rst external.rst docs rst/' "$src/build.sh"
bash "$src/build.sh"

# What the site must not show: the role's internal filters, and the collection under two names in its menu.
html=$src/build/html
if find "$html" -name '*_filter.html' | grep .; then
	echo "build-site.sh: the site lists the role's internal filters (above)" >&2; exit 1
fi
python3 - "$html/index.html" <<'PY'
import re, sys
menu = re.search(r'<div class="wy-menu wy-menu-vertical".*?</div>', open(sys.argv[1], encoding="utf-8").read(), re.S)
entries = [" ".join(text.split()) for text in re.findall(r">([^<>]+)</a>", menu.group(0) if menu else "")]
named = [entry for entry in entries if "glassdome.mailcow" in entry.lower()]
if not entries or len(named) > 1:
    sys.exit("build-site.sh: the menu of index.html names the collection more than once, or is missing: %s" % entries)
PY
