# SPDX-License-Identifier: GPL-3.0-or-later
# Build, test and demo glassdome.mailcow.  `make help` lists the targets.
#
# Everything lives in the work tree: .venv (tools), .build (collection link, artifact, installed
# copy, sanity tree, reports), .sandbox (the embedded Mailcow).  Outside it only pip's download
# cache, ansible-test's own cache and sanity venvs (~/.ansible/test), and Debian packages.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

NAMESPACE := glassdome
NAME := mailcow
VERSION := $(shell sed -n 's/^version:[[:space:]]*//p' galaxy.yml)

PYTHON ?= python3
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
BUILD := $(CURDIR)/.build
SANDBOX_DIR := $(or $(MAILCOW_SANDBOX_DIR),$(CURDIR)/.sandbox)

# The project's tools first; colour and prompts off, so logs read the same everywhere.
export PATH := $(VENV)/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0
export NO_COLOR := 1

# venv: a stamp keyed on the requirement files and the interpreter
VENV_KEY := $(shell cat requirements.txt requirements-dev.txt 2>/dev/null | cat - <($(PYTHON) --version 2>&1) | sha256sum | cut -c1-16)
VENV_STAMP := $(VENV)/.installed-$(VENV_KEY)

# collection: the link for unit tests, the artifact, and the installed copy of the artifact
COLLECTION_LINK := $(BUILD)/ansible_collections/$(NAMESPACE)/$(NAME)
ARTIFACT := $(BUILD)/dist/$(NAMESPACE)-$(NAME)-$(VERSION).tar.gz
INSTALLED := $(BUILD)/installed
INSTALLED_STAMP := $(INSTALLED)/ansible_collections/$(NAMESPACE)/$(NAME)/MANIFEST.json
# What goes into the artifact (galaxy.yml's build_ignore keeps the rest out): tracked and
# untracked-not-ignored files, less the developer-only ones.  Rebuilt when any of them changes.
REPO_FILES := $(shell git ls-files -co --exclude-standard 2>/dev/null || find . -path ./.git -prune -o -type f -print)
ARTIFACT_SOURCES := $(wildcard $(filter-out tests/% .ci/% Makefile requirements%.txt pyproject.toml .ansible-lint,$(REPO_FILES)))

SANITY_ROOT := $(BUILD)/sanity/ansible_collections/$(NAMESPACE)/$(NAME)
SANITY_PYTHON := 3.11
# ansible-test integration's copy of the collection, and the targets it runs (empty: all of them).
INTEGRATION_ROOT := $(BUILD)/integration/ansible_collections/$(NAMESPACE)/$(NAME)
INTEGRATION_TARGETS ?=
# --local --python X.Y: the python3.X first on PATH, .venv's (the modules need its requests).
INTEGRATION_PYTHON := $(SANITY_PYTHON)
REPORTS := $(BUILD)/reports

# Test suites run by `make unit`, each in its own pytest run (test file names may repeat): no root,
# no daemons. The mail-stack suite starts Debian's Postfix and Dovecot as root: `make integration`.
UNIT_SUITES := tests/unit tests/emulator
INTEGRATION_SUITE := tests/integration
MAILSTACK_SUITE := tests/mailstack
DEMO_PLAYBOOK := playbooks/demo.yml
DEMO_INVENTORY ?= $(firstword $(wildcard playbooks/inventory/sandbox.yml playbooks/inventory/sandbox.yaml playbooks/inventory/sandbox.ini playbooks/inventory/sandbox) playbooks/inventory)
BENCH_SCRIPT := tests/bench/run.py
SANDBOX_SCRIPT := tests/sandbox/sandbox.py
DEBS_SCRIPT := tests/sandbox/install-debs.sh
# Debian packages the build itself needs (ansible-test's shellcheck sanity test).
BUILD_DEBS := shellcheck
# Re-run when the package list or the sandbox's install script changes (or after `make clean`).
DEBS_KEY := $(shell cat $(DEBS_SCRIPT) 2>/dev/null | cat - <(echo $(BUILD_DEBS)) | sha256sum | cut -c1-16)

# Java 17 for ansible-rulebook (Debian's openjdk-17-jre-headless, from $(DEBS_SCRIPT)); a JAVA_HOME set outside wins.
JAVA_HOME ?= $(firstword $(wildcard /usr/lib/jvm/java-17-openjdk-*))
export JAVA_HOME

# Upper bounds, so that a hung step fails instead of eating CI's time.
SANITY_TIMEOUT := 20m
ANSIBLE_TEST_INTEGRATION_TIMEOUT := 15m
PYTEST_TIMEOUT := 15m

# This machine kind's pip configuration names local index folders that may not exist; pip warns
# about each for every package.  Drop those lines only (pipefail keeps the exit status).
PIP_NOISE_FILTER := { grep -v --line-buffered 'is ignored: it is neither a file nor a directory' || true; }

banner = @printf '\n==== %s ====\n' $(1)
# $(call need,FILE,what needs it): fail with a clear message when another part is missing.
# $(call content_copy,ROOT): a clean copy of the tracked and untracked-not-ignored files at ROOT
# (.../ansible_collections/<namespace>/<name>, where ansible-test must run).  The copy sits inside
# this repository's work tree, where it is git-ignored: ansible-test lists content with git from
# the nearest .git up, so the copy gets a repository of its own.
define content_copy
	@rm -rf $(1) && mkdir -p $(1)
	@git ls-files -co --exclude-standard -z \
		| while IFS= read -r -d '' f; do [ -e "$$f" ] && printf '%s\0' "$$f"; done \
		| tar --null --no-recursion -T - -cf - | tar -xf - -C $(1)
	@git -C $(1) init -q && git -C $(1) add -A
	@echo "$$(git -C $(1) ls-files | wc -l) files in $(1) (a git repository of its own)"
endef
need = @test -e $(1) || { printf 'make: %s is missing: %s cannot run until it is written.\n' '$(1)' '$(2)' >&2; exit 1; }

.PHONY: help setup venv debs collection lint changelog-lint sanity ansible-test-cache unit \
	integration eda ansible-test-integration sandbox-start sandbox-stop test demo bench clean distclean \
	tool-venvs role-readme role-readme-check galaxy-import docs-lint docs test-matrix sanity-newest

# `make help` shows the targets in two groups: first a user's (trying the collection), then a
# contributor's (make test first, then the rest in the order of this file).
USER_TARGETS := demo sandbox-start sandbox-stop setup clean distclean help
CONTRIBUTOR_FIRST := test unit integration lint sanity

help: ## Show this help
	@printf 'glassdome.mailcow: make targets (a fresh Debian 12 machine needs only `make demo`)\n'
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | awk -F ':.*## ' -v user='$(USER_TARGETS)' -v first='$(CONTRIBUTOR_FIRST)' ' \
		{ desc[$$1] = $$2; order[++n] = $$1 } \
		function show(name) { if (name in desc && !(name in shown)) { printf "  %-24s %s\n", name, desc[name]; shown[name] = 1 } } \
		END { \
			printf "\nTry the collection (then `. .sandbox/env.sh` puts ansible and the collection in your shell):\n"; \
			k = split(user, list, " "); for (i = 1; i <= k; i++) show(list[i]); \
			printf "\nContribute (`make test` runs every check CI runs):\n"; \
			k = split(first, list, " "); for (i = 1; i <= k; i++) show(list[i]); \
			for (i = 1; i <= n; i++) show(order[i]) }'

# --------------------------------------------------------------------------- setup

setup: venv debs collection ## venv + Debian packages + collection (everything the other targets need)

venv: $(VENV_STAMP) ## Create .venv and install the pinned requirements (fast when up to date)

$(VENV_STAMP): requirements.txt requirements-dev.txt
	$(call banner,"venv: $(VENV)")
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys' 2>/dev/null; then \
		rm -rf $(VENV); \
		$(PYTHON) -m venv $(VENV) || { echo "make: '$(PYTHON) -m venv' failed; on Debian: apt-get install python3-venv" >&2; exit 1; }; \
	fi
	$(PY) -m pip install --quiet --require-virtualenv -r requirements-dev.txt 2>&1 | $(PIP_NOISE_FILTER)
	@rm -f $(VENV)/.installed-*
	@touch $@

debs: $(BUILD)/stamps/debs-$(DEBS_KEY) ## Install the Debian packages of the sandbox and of the build (root or sudo)

$(BUILD)/stamps/debs-$(DEBS_KEY):
	$(call banner,"debs: Debian packages")
	@if [ "$$(id -u)" = 0 ]; then as_root=; else as_root='sudo -n'; fi; \
	missing=; for deb in $(BUILD_DEBS); do dpkg-query -W -f='$${Status}' $$deb 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$deb"; done; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install$$missing"; \
		$$as_root apt-get update -qq; \
		$$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi; \
	if [ -f $(DEBS_SCRIPT) ]; then \
		echo "bash $(DEBS_SCRIPT)"; $$as_root bash $(DEBS_SCRIPT); \
	else \
		echo "($(DEBS_SCRIPT) not written yet: no sandbox packages to install)"; \
	fi
	@mkdir -p $(dir $@) && rm -f $(dir $@)debs-* && touch $@

collection: $(COLLECTION_LINK) $(INSTALLED_STAMP) ## Link the source for unit tests; build and install the artifact

$(COLLECTION_LINK):
	@mkdir -p $(dir $@)
	ln -sfn ../../.. $@

$(ARTIFACT): $(ARTIFACT_SOURCES) $(VENV_STAMP)
	$(call banner,"collection: build $(notdir $@)")
	@rm -f $(BUILD)/dist/*.tar.gz
	ansible-galaxy collection build --force --output-path $(BUILD)/dist .

$(INSTALLED_STAMP): $(ARTIFACT)
	$(call banner,"collection: install into $(INSTALLED)")
	@rm -rf $(INSTALLED)
	ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) ansible-galaxy collection install --offline --force -p $(INSTALLED) $<
	@touch $@

# --------------------------------------------------------------------------- tool venvs

# Tools whose pins would clash with .venv's (galaxy-importer brings its own ansible-lint and
# ansible-core; the matrix needs other ansible-core versions) each get a venv of their own,
# .build/venvs/<tool>, installed from tests/requirements/<tool>.txt.  As for .venv, the stamp is
# keyed on that file and the interpreter: editing the file re-creates the venv.  Each file is a
# complete `pip freeze`, so pip installs it without resolving (--no-deps; `pip check` proves the
# set complete) and without compiling every module up front (--no-compile): half the time.
TOOL_REQS := tests/requirements
TOOL_VENVS := $(BUILD)/venvs
# A file with the line "# venv: debian-13-root" is installed in the Debian 13 root instead (below).
ROOT_TOOLS := $(sort $(basename $(notdir $(shell grep -l '^\# venv: debian-13-root' $(TOOL_REQS)/*.txt 2>/dev/null))))
TOOLS := $(filter-out $(ROOT_TOOLS),$(sort $(basename $(notdir $(wildcard $(TOOL_REQS)/*.txt)))))
tool_key = $(shell cat $(TOOL_REQS)/$(1).txt 2>/dev/null | cat - <($(PYTHON) --version 2>&1) | sha256sum | cut -c1-16)
tool_stamp = $(TOOL_VENVS)/$(1)/.installed-$(call tool_key,$(1))

define TOOL_VENV_RULE
.PHONY: venv-$(1)
venv-$(1): $(call tool_stamp,$(1))
$(call tool_stamp,$(1)): $(TOOL_REQS)/$(1).txt
	$$(call banner,"venv: $(TOOL_VENVS)/$(1) from $(TOOL_REQS)/$(1).txt")
	@rm -rf $(TOOL_VENVS)/$(1) && $(PYTHON) -m venv $(TOOL_VENVS)/$(1)
	$(TOOL_VENVS)/$(1)/bin/python -m pip install --quiet --require-virtualenv --no-deps --no-compile -r $(TOOL_REQS)/$(1).txt 2>&1 | $$(PIP_NOISE_FILTER)
	$(TOOL_VENVS)/$(1)/bin/python -m pip check >/dev/null
	@touch $$@
endef
$(foreach tool,$(TOOLS),$(eval $(call TOOL_VENV_RULE,$(tool))))

tool-venvs: $(foreach tool,$(TOOLS),$(call tool_stamp,$(tool))) ## Create every .build/venvs/<tool> from tests/requirements/<tool>.txt (make venv-<tool>: one)

# The Debian 13 (trixie) root for what needs a newer Python than this machine's (ansible-core 2.20 and
# later need 3.12+): made by debootstrap from Debian's packages when missing (~45 s), reused after.
# Commands run in it through tests/matrix/in-root.sh (mounts in a namespace of their own, so nothing
# stays mounted, whatever happens).  Its venvs: /opt/venvs/<tool> in the root, from tests/requirements/<tool>.txt.
DEBIAN_ROOT := $(BUILD)/debian-13-root
DEBIAN_ROOT_STAMP := $(DEBIAN_ROOT)/.glassdome-root-ready
AS_ROOT := $(if $(filter 0,$(shell id -u)),,sudo -n)
IN_ROOT := $(AS_ROOT) bash $(CURDIR)/tests/matrix/in-root.sh $(DEBIAN_ROOT)
root_tool_stamp = $(DEBIAN_ROOT)/opt/venvs/$(1)/.installed-$(shell cat $(TOOL_REQS)/$(1).txt 2>/dev/null | sha256sum | cut -c1-16)

.PHONY: debian-13-root
debian-13-root: $(DEBIAN_ROOT_STAMP) ## Make .build/debian-13-root (debootstrap trixie, minbase + python3) when missing

$(DEBIAN_ROOT_STAMP):
	$(call banner,"debian-13-root: debootstrap trixie $(DEBIAN_ROOT)")
	@command -v debootstrap >/dev/null || { $(AS_ROOT) apt-get update -qq && \
		$(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
	@$(AS_ROOT) rm -rf --one-file-system $(DEBIAN_ROOT) $(DEBIAN_ROOT).new
	@start=$$(date +%s); $(AS_ROOT) unshare --mount --propagation private -- \
		debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates trixie $(DEBIAN_ROOT).new >$(BUILD)/debootstrap.log 2>&1 \
		|| { tail -20 $(BUILD)/debootstrap.log; echo "make: debootstrap failed; full log: $(BUILD)/debootstrap.log" >&2; exit 1; }; \
	echo "debootstrap: $$(( $$(date +%s) - start )) s"
	@$(AS_ROOT) mv $(DEBIAN_ROOT).new $(DEBIAN_ROOT) && $(AS_ROOT) touch $@

define ROOT_VENV_RULE
.PHONY: venv-$(1)
venv-$(1): $(call root_tool_stamp,$(1))
$(call root_tool_stamp,$(1)): $(TOOL_REQS)/$(1).txt $(DEBIAN_ROOT_STAMP)
	$$(call banner,"venv: $(DEBIAN_ROOT)/opt/venvs/$(1) from $(TOOL_REQS)/$(1).txt")
	@$(AS_ROOT) rm -rf --one-file-system $(DEBIAN_ROOT)/opt/venvs/$(1)
	$(IN_ROOT) --bind $(CURDIR)/$(TOOL_REQS) -- sh -ec 'python3 -m venv /opt/venvs/$(1); \
		/opt/venvs/$(1)/bin/python -m pip install --quiet --require-virtualenv --no-deps --no-compile -r $(CURDIR)/$(TOOL_REQS)/$(1).txt; \
		/opt/venvs/$(1)/bin/python -m pip check >/dev/null' 2>&1 | $$(PIP_NOISE_FILTER)
	@$(AS_ROOT) touch $$@
endef
$(foreach tool,$(ROOT_TOOLS),$(eval $(call ROOT_VENV_RULE,$(tool))))

# --------------------------------------------------------------------------- static checks

# Each checker runs even when an earlier one failed; lint fails at the end if any did.
lint: venv $(COLLECTION_LINK) ## ansible-lint (production profile), ruff and mypy
# ANSIBLE_HOME inside .build: ansible-lint would otherwise also load a stale copy of this collection left in
# ~/.ansible/collections by other tools and report the modules added since as unresolved.
	@rc=0; \
	printf '\n==== %s ====\n' "lint: ansible-lint (production profile, offline, strict; collection from .build)"; \
	ANSIBLE_HOME=$(BUILD)/ansible-home ANSIBLE_COLLECTIONS_PATH=$(BUILD) ansible-lint --offline --strict || rc=1; \
	printf '\n==== %s ====\n' "lint: ruff check $(wildcard plugins tests extensions)"; \
	ruff check --no-cache $(wildcard plugins tests extensions) || rc=1; \
	printf '\n==== %s ====\n' "lint: mypy (plugins, through the .build link; tests/tools)"; \
	if [ -n "$$(find plugins -name '*.py' -print -quit 2>/dev/null)" ]; then \
		( cd $(BUILD) && mypy --config-file $(CURDIR)/pyproject.toml --cache-dir $(BUILD)/mypy-cache -p ansible_collections.$(NAMESPACE).$(NAME).plugins ) || rc=1; \
	else echo "(no Python files in plugins/ yet)"; fi; \
	mypy --config-file pyproject.toml --cache-dir $(BUILD)/mypy-cache tests/tools || rc=1; \
	exit $$rc

changelog-lint: venv ## antsibull-changelog lint (changelogs/fragments)
	$(call banner,"changelog-lint: antsibull-changelog lint")
	antsibull-changelog lint

ansible-test-cache: venv ## Put our offline pip bootstrap where ansible-test looks for it (only when missing)
	@$(PY) tests/tools/ansible_test_offline.py install

sanity: venv ansible-test-cache ## ansible-test sanity, all default tests, on a clean copy of the tree
	$(call banner,"sanity: copy tracked and untracked-not-ignored files")
	@rm -rf $(BUILD)/sanity
	$(call content_copy,$(SANITY_ROOT))
	$(call banner,"sanity: ansible-test sanity --python $(SANITY_PYTHON) --requirements")
	cd $(SANITY_ROOT) && timeout -k 30 $(SANITY_TIMEOUT) \
		ansible-test sanity --python $(SANITY_PYTHON) --requirements --color no 2>&1 | $(PIP_NOISE_FILTER)

# ansible-test sanity under the newest stable ansible-core (what Galaxy and Automation Hub check), in the
# Debian 13 root with its Python 3.13: git (ansible-test lists the content with it) and shellcheck are
# installed there from Debian's packages once.  Not part of `make test` (see README).
SANITY_NEWEST_CORE := 2.21
SANITY_NEWEST_PYTHON := 3.13
SANITY_NEWEST := $(BUILD)/sanity-newest/ansible_collections/$(NAMESPACE)/$(NAME)
ROOT_SANITY_DEBS_STAMP := $(DEBIAN_ROOT)/.glassdome-sanity-debs

$(ROOT_SANITY_DEBS_STAMP): $(DEBIAN_ROOT_STAMP)
	$(call banner,"debian-13-root: apt-get install git shellcheck")
	$(IN_ROOT) -- sh -ec 'apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git shellcheck >/dev/null' 2>&1 \
		| { grep -v 'Is /dev/pts mounted' || true; }
	@$(AS_ROOT) touch $@

sanity-newest: venv-ansible-core-$(SANITY_NEWEST_CORE) $(ROOT_SANITY_DEBS_STAMP) ## ansible-test sanity under ansible-core $(SANITY_NEWEST_CORE), Python $(SANITY_NEWEST_PYTHON), in the Debian 13 root
	$(call banner,"sanity-newest: copy tracked and untracked-not-ignored files")
	@rm -rf $(BUILD)/sanity-newest
	$(call content_copy,$(SANITY_NEWEST))
	$(call banner,"sanity-newest: ansible-test sanity --python $(SANITY_NEWEST_PYTHON) --requirements (ansible-core $(SANITY_NEWEST_CORE), Debian 13 root)")
	timeout -k 30 $(SANITY_TIMEOUT) $(IN_ROOT) --bind $(CURDIR)/tests/tools --bind-rw $(BUILD)/sanity-newest -- sh -ec ' \
		cd $(SANITY_NEWEST); \
		/opt/venvs/ansible-core-$(SANITY_NEWEST_CORE)/bin/python $(CURDIR)/tests/tools/ansible_test_offline.py install; \
		PATH=/opt/venvs/ansible-core-$(SANITY_NEWEST_CORE)/bin:$$PATH ansible-test sanity --python $(SANITY_NEWEST_PYTHON) --requirements --color no' \
		2>&1 | $(PIP_NOISE_FILTER)

# --------------------------------------------------------------------------- tests

# Shell function for recipes: run_pytest SUITE_DIR REPORT_NAME runs one suite (its exit status
# is pytest's); a suite without test files fails, so a lost directory cannot pass unnoticed.
RUN_PYTEST := run_pytest() { \
	if [ -z "$$(find "$$1" -name 'test_*.py' -print -quit 2>/dev/null)" ]; then \
		echo "$$1: no test files" >&2; return 1; fi; \
	echo "pytest $$1 $${*:3}"; \
	timeout -k 30 $(PYTEST_TIMEOUT) pytest -q -p no:cacheprovider --junitxml=$(REPORTS)/$$2.xml "$${@:3}" "$$1"; \
}
# The unit suites in two workers (pytest-xdist), each test file whole in one of them, in its order:
# the transcript replays run in sequence against one emulator.
UNIT_PYTEST_ARGS ?= -n 2 --dist loadfile

unit: venv collection ## pytest: tests/unit, tests/emulator (the collection from the source tree; no root, no daemons)
	$(call banner,"unit: pytest (PYTHONPATH=.build, collection from the source tree)")
	@mkdir -p $(REPORTS) && rm -f $(REPORTS)/unit-*.xml
	@$(RUN_PYTEST); export PYTHONPATH=$(BUILD) ANSIBLE_COLLECTIONS_PATH=$(BUILD); rc=0; \
	for suite in $(UNIT_SUITES); do run_pytest $$suite unit-$$(echo $$suite | tr / -) $(UNIT_PYTEST_ARGS) || rc=$$?; done; \
	exit $$rc

sandbox-start: ## Start the embedded Mailcow (API emulator + Postfix + Dovecot)
	$(call need,$(SANDBOX_SCRIPT),the sandbox)
	$(call banner,"sandbox: start")
	$(PY) $(SANDBOX_SCRIPT) start

sandbox-stop: ## Stop the sandbox
	$(call need,$(SANDBOX_SCRIPT),the sandbox)
	$(call banner,"sandbox: stop")
	$(PY) $(SANDBOX_SCRIPT) stop

# ansible-test integration runs tests/integration/targets (ansible-test layout: aliases, tasks/main.yml
# or runme.sh) from its own copy of the collection, on this machine (--local) with .venv's Python
# (the modules need requests), against the running sandbox: its connection comes from the
# integration_config.yml the sandbox writes.  --diff as a user's `ansible-playbook --diff` run.
# The full output goes to .build/reports/ansible-test-integration.log; the console gets each
# target's name and play recap, and the log's end when a target fails.
ansible-test-integration: venv $(COLLECTION_LINK) ## ansible-test integration (INTEGRATION_TARGETS=..., default all) against the running sandbox
	$(call need,$(SANDBOX_DIR)/integration_config.yml,ansible-test integration (make sandbox-start writes it))
	$(call banner,"ansible-test integration: copy tracked and untracked-not-ignored files")
	@rm -rf $(BUILD)/integration
	$(call content_copy,$(INTEGRATION_ROOT))
	@install -m 600 $(SANDBOX_DIR)/integration_config.yml $(INTEGRATION_ROOT)/tests/integration/integration_config.yml
	$(call banner,"ansible-test integration --local --python $(INTEGRATION_PYTHON) --diff $(INTEGRATION_TARGETS)")
	@mkdir -p $(REPORTS); log=$(REPORTS)/ansible-test-integration.log; rc=0; \
	( cd $(INTEGRATION_ROOT) && timeout -k 30 $(ANSIBLE_TEST_INTEGRATION_TIMEOUT) \
		ansible-test integration --local --python $(INTEGRATION_PYTHON) --diff --color no $(INTEGRATION_TARGETS) ) >$$log 2>&1 || rc=$$?; \
	grep -E '^Running [a-z_]+ integration test|^[a-z-]+ +: ok=[0-9]' $$log || true; \
	if [ $$rc != 0 ]; then tail -n 300 $$log; echo "make: ansible-test integration failed (exit status $$rc); full output: $$log" >&2; fi; \
	exit $$rc

integration: setup venv-ansible-runner venv-ansible-rulebook ## ansible-test integration (targets), then pytest tests/integration (installed artifact, AWX job via ansible-runner, EDA via ansible-rulebook), against the sandbox; tests/mailstack (Postfix, Dovecot as root)
	@mkdir -p $(REPORTS) && rm -f $(REPORTS)/integration*.xml
	@$(RUN_PYTEST); rc=0; \
	$(MAKE) sandbox-start || rc=$$?; \
	if [ $$rc = 0 ]; then \
		$(MAKE) ansible-test-integration || rc=$$?; \
		printf '\n==== %s ====\n' "integration: pytest (ANSIBLE_COLLECTIONS_PATH=.build/installed)"; \
		( source $(SANDBOX_DIR)/env.sh && export ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) && \
		  run_pytest $(INTEGRATION_SUITE) integration ) || rc=$$?; \
	fi; \
	$(MAKE) sandbox-stop || true; \
	printf '\n==== %s ====\n' "integration: pytest $(MAILSTACK_SUITE) (its own sandboxes)"; \
	( export PYTHONPATH=$(BUILD) ANSIBLE_COLLECTIONS_PATH=$(BUILD) && \
	  run_pytest $(MAILSTACK_SUITE) integration-mailstack ) || rc=$$?; \
	exit $$rc

# The EDA tests alone (they are part of `make integration` too): ansible-rulebook (.build/venvs/ansible-rulebook,
# Java 17 from JAVA_HOME) runs the example rulebooks of extensions/eda/rulebooks against the sandbox.
EDA_TESTS := $(INTEGRATION_SUITE)/test_eda.py

eda: setup venv-ansible-rulebook ## pytest tests/integration/test_eda.py (event sources under ansible-rulebook) against the sandbox
	@mkdir -p $(REPORTS) && rm -f $(REPORTS)/integration-eda.xml
	@$(RUN_PYTEST); rc=0; \
	$(MAKE) sandbox-start || rc=$$?; \
	if [ $$rc = 0 ]; then \
		printf '\n==== %s ====\n' "eda: pytest $(EDA_TESTS) (ANSIBLE_COLLECTIONS_PATH=.build/installed)"; \
		( source $(SANDBOX_DIR)/env.sh && export ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) && \
		  run_pytest $(EDA_TESTS) integration-eda ) || rc=$$?; \
	fi; \
	$(MAKE) sandbox-stop || true; \
	exit $$rc

# ansible-core versions of the matrix: one tests/requirements/ansible-core-<version>.txt each (those marked
# "# venv: debian-13-root" run in the Debian 13 root).  make test-matrix runs them all (MATRIX_ONLY="2.16 2.21": some);
# `make test` runs MATRIX_TEST: the oldest on this machine and every series in the root (2.20 and later); the newest on
# this machine is the one unit, integration and sanity run under, in process and as module processes, in `make test`.
MATRIX_VERSIONS := $(sort $(patsubst ansible-core-%,%,$(filter ansible-core-%,$(TOOLS) $(ROOT_TOOLS))))
HOST_MATRIX_VERSIONS := $(sort $(patsubst ansible-core-%,%,$(filter ansible-core-%,$(TOOLS))))
MATRIX_TEST := $(firstword $(HOST_MATRIX_VERSIONS)) 2.20 2.21 2.22
MATRIX_ONLY ?= $(MATRIX_VERSIONS)
MATRIX_RUN := $(filter $(MATRIX_ONLY),$(MATRIX_VERSIONS))

test-matrix: setup $(foreach v,$(MATRIX_RUN),venv-ansible-core-$(v)) ## Smoke (module_defaults, mailbox, role re-run, mail, ad-hoc; in process and not) under each ansible-core of the matrix (MATRIX_ONLY=...: some)
	$(call banner,"test-matrix: ansible-core $(MATRIX_RUN)$(if $(filter-out $(MATRIX_RUN),$(MATRIX_VERSIONS)), (not run: $(filter-out $(MATRIX_RUN),$(MATRIX_VERSIONS))))")
	@rc=0; $(MAKE) sandbox-start >/dev/null || rc=$$?; \
	if [ $$rc = 0 ]; then bash tests/matrix/run.sh $(CURDIR) $(SANDBOX_DIR) $(MATRIX_RUN) || rc=$$?; fi; \
	$(MAKE) sandbox-stop >/dev/null || true; \
	exit $$rc

# Every step runs even when an earlier one failed (but nothing runs without setup), so one log
# shows every failure; the summary at the end gives each step's result and time.
TEST_STEPS := lint changelog-lint role-readme-check sanity unit integration galaxy-import docs test-matrix

test: ## setup, lint, changelog-lint, role-readme-check, sanity, unit, integration, galaxy-import, docs, test-matrix (legs 2.16, 2.20, 2.21, 2.22); summary
	@rm -rf $(REPORTS); results=(); rc=0; \
	run() { local start=$$SECONDS; \
		if $(MAKE) "$$1" MATRIX_ONLY="$(MATRIX_TEST)" </dev/null; then results+=("$$(printf '%-18s PASS  %4ds' "$$1" $$((SECONDS - start)))"); \
		else rc=1; results+=("$$(printf '%-18s FAIL  %4ds' "$$1" $$((SECONDS - start)))"); return 1; fi; }; \
	if run setup; then for step in $(TEST_STEPS); do run $$step || true; done; \
	else for step in $(TEST_STEPS); do results+=("$$(printf '%-18s SKIP  (setup failed)' $$step)"); done; fi; \
	printf '\n==== %s ====\n' "make test: summary"; printf '%s\n' "$${results[@]}"; \
	$(PY) -c 'import glob, sys, xml.etree.ElementTree as ET; \
		suites = [s for f in sorted(glob.glob(sys.argv[1] + "/*.xml")) for s in ET.parse(f).getroot().iter("testsuite")]; \
		total = lambda key: sum(int(s.get(key, 0)) for s in suites); \
		failed, skipped = total("failures") + total("errors"), total("skipped"); \
		print("tests: %d passed, %d failed, %d skipped" % (total("tests") - failed - skipped, failed, skipped))' \
		$(REPORTS) 2>/dev/null || true; \
	if [ $$rc = 0 ]; then echo "make test: OK"; else echo "make test: FAILED"; fi; \
	exit $$rc

# --------------------------------------------------------------------------- publishing

ROLE_README_SCRIPT := tests/tools/role_readme.py
GALAXY_IMPORTER_CFG := tests/galaxy-importer.cfg
DOCS := $(BUILD)/docs
DOCS_SITE := $(DOCS)/src/build/html

role-readme: venv ## Rewrite the variables tables of each roles/*/README.md from its meta/argument_specs.yml
	$(PY) $(ROLE_README_SCRIPT)

role-readme-check: venv ## Fail when a roles/*/README.md's variables tables differ from its meta/argument_specs.yml
	$(call banner,"role-readme-check: $(ROLE_README_SCRIPT) --check")
	$(PY) $(ROLE_README_SCRIPT) --check

# galaxy-importer (what Galaxy runs on upload) on the built artifact: fails on its exit status and
# on any ERROR or WARNING line of its log (ansible-lint findings are WARNING lines). ANSIBLE_HOME inside .build, as
# for lint: its ansible-lint would otherwise also load a stale copy of this collection from ~/.ansible/collections.
galaxy-import: collection venv-galaxy-importer ## galaxy-importer (ansible-lint on, ansible-test off) on the built artifact
	$(call banner,"galaxy-import: galaxy-importer $(notdir $(ARTIFACT))")
	@rm -rf $(BUILD)/galaxy-import && mkdir -p $(BUILD)/galaxy-import
	cd $(BUILD)/galaxy-import && GALAXY_IMPORTER_CONFIG=$(CURDIR)/$(GALAXY_IMPORTER_CFG) PATH=$(TOOL_VENVS)/galaxy-importer/bin:$$PATH \
		ANSIBLE_HOME=$(BUILD)/galaxy-import/ansible-home python -m galaxy_importer.main $(ARTIFACT) 2>&1 | grep -v '^Loading ' | tee importer.log
	@if grep -E '^(ERROR|WARNING)' $(BUILD)/galaxy-import/importer.log; then \
		echo "make: galaxy-importer reported the lines above" >&2; exit 1; fi

docs-lint: $(COLLECTION_LINK) venv-docs ## antsibull-docs lint-collection-docs --plugin-docs
	$(call banner,"docs-lint: antsibull-docs lint-collection-docs --plugin-docs")
	PATH=$(TOOL_VENVS)/docs/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(BUILD) antsibull-docs lint-collection-docs --plugin-docs .

docs: docs-lint ## Build the HTML site (antsibull-docs + Sphinx, warnings fail) into .build/docs/src/build/html
	$(call banner,"docs: tests/docs/build-site.sh -> $(DOCS_SITE)")
	PATH=$(TOOL_VENVS)/docs/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(BUILD) bash tests/docs/build-site.sh $(CURDIR) $(DOCS) $(VERSION) 2>&1 \
		| grep -v "does not have a MANIFEST.json file, nor has it galaxy.yml"
	@echo "docs: open $(DOCS_SITE)/index.html"

# --------------------------------------------------------------------------- demo, bench

demo: ## Start the sandbox and run playbooks/demo.yml against it (leaves the sandbox running)
	$(call need,$(DEMO_PLAYBOOK),make demo)
	@$(MAKE) setup
	@$(MAKE) sandbox-start
	$(call banner,"demo: ansible-playbook $(DEMO_PLAYBOOK)")
	source $(SANDBOX_DIR)/env.sh && ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) \
		ansible-playbook -i $(DEMO_INVENTORY) $(DEMO_PLAYBOOK)
	@printf '\nThe sandbox is still running (make sandbox-stop stops it). In any shell, this line puts\n'
	@printf 'ansible, ansible-playbook, ansible-doc, the collection and the sandbox connection in place:\n\n'
	@printf '    . %q\n\n' '$(SANDBOX_DIR)/env.sh'
	@printf 'then try:  ansible localhost -m glassdome.mailcow.mailcow_mailbox_info -a domain=demo.example\n'

bench: ## Run the benchmark (tests/bench/run.py)
	$(call need,$(BENCH_SCRIPT),make bench)
	@$(MAKE) setup
	$(call banner,"bench: $(BENCH_SCRIPT)")
	ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) $(PY) $(BENCH_SCRIPT)

# --------------------------------------------------------------------------- clean

clean: ## Stop the sandbox; remove .build, .sandbox and tool caches (keeps .venv)
	@if [ -f $(SANDBOX_SCRIPT) ] && [ -x $(PY) ]; then $(PY) $(SANDBOX_SCRIPT) stop >/dev/null 2>&1 || true; fi
	rm -rf $(BUILD) $(SANDBOX_DIR) tests/output .pytest_cache .mypy_cache .ruff_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv
	rm -rf $(VENV)
