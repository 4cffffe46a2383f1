# SPDX-License-Identifier: GPL-3.0-or-later
"""Let ``ansible-test sanity --requirements`` work without ansible-test's download host.

ansible-test bootstraps pip into each fresh ``--without-pip`` sanity venv with a ``get-pip.py``
script that it downloads from its own CI file host, unless the script is already cached at
``~/.ansible/test/cache/get_pip_<version with _ for .>.py``.  Networks that reach only the
package index cannot fetch that script, and ansible-test then fails with "does not have pip
available".  This file is a stand-in for that script.  It plays two roles:

``python tests/tools/ansible_test_offline.py install [--force]``
    Run with the Python that has ansible-test installed (the project's ``.venv``).  Reads the pip
    version ansible-test bootstraps from ansible-test itself, and when the cache file is missing
    (or with ``--force``) downloads the ``pip==<version>`` wheel from the package index into the
    cache directory and copies this file to the cache file name.  A present cache file is left
    alone, whoever wrote it.  ``path`` prints the cache file name, ``check`` exits 1 when missing.

``get_pip_<version>.py [pip options] [requirements]``
    How ansible-test runs the cached copy (through its ``quiet_pip.py``, as ``__main__``, with the
    venv's Python).  Like ``get-pip.py``: puts the pip wheel on ``sys.path`` and runs
    ``pip install`` with the given arguments, less ``--no-setuptools`` and ``--no-wheel``, which
    are ``get-pip.py`` options that ``pip install`` does not accept.  When the wheel is not next to
    the script any more, it is downloaded again with ``pip download`` run by the first Python on
    this machine that has pip (the venv being bootstrapped has none, by design).
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types

CACHE_DIR = os.path.expanduser('~/.ansible/test/cache')
STAND_IN_NAME = re.compile(r'^get_pip_(?P<version>\d+(?:_\d+)*)\.py$')
# get-pip.py options that `pip install` rejects; ansible-test always passes them.
GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


class OfflineError(Exception):
    """A step of the stand-in failed; the message says which and why."""


def cache_path(pip_version: str) -> str:
    """Return the file ansible-test looks for before it tries to download its pip bootstrap."""
    return os.path.join(CACHE_DIR, 'get_pip_%s.py' % pip_version.replace('.', '_'))


def expected_pip_version() -> str:
    """Return the pip version ansible-test installed next to this Python bootstraps into sanity venvs."""
    python_version = '%d.%d' % sys.version_info[:2]
    try:
        # pylint: disable-next=import-outside-toplevel
        from ansible_test._internal.python_requirements import get_venv_packages
    except ImportError as ex:
        raise OfflineError('ansible-test is not installed for %s: %s' % (sys.executable, ex)) from ex
    return str(get_venv_packages(types.SimpleNamespace(version=python_version))['pip'])


def find_wheel(pip_version: str, directory: str) -> str | None:
    """Return the pip wheel of that version in the directory, if there is one."""
    wheels = sorted(glob.glob(os.path.join(directory, 'pip-%s-*.whl' % pip_version)))
    return wheels[0] if wheels else None


def python_with_pip() -> str:
    """Return a Python on this machine that can run ``-m pip``, trying the likeliest first."""
    candidates = [
        sys.executable,
        shutil.which('python3'),
        shutil.which('python'),
        getattr(sys, '_base_executable', None),
        os.path.realpath(sys.executable),
    ]
    seen: set[str] = set()
    for candidate in candidates:
        if not candidate or candidate in seen or not os.path.exists(candidate):
            continue
        seen.add(candidate)
        probe = subprocess.run([candidate, '-m', 'pip', '--version'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if probe.returncode == 0:
            return candidate
    raise OfflineError('no Python with pip found to download the pip wheel (tried %s)' % ', '.join(sorted(seen)))


def fetch_wheel(pip_version: str, directory: str, python: str) -> str:
    """Download the pip wheel from the package index into the directory and return its path."""
    os.makedirs(directory, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='get-pip-', dir=directory) as scratch:
        command = [python, '-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps',
                   '--only-binary=:all:', '--dest', scratch, 'pip==%s' % pip_version]
        if subprocess.run(command, stdout=sys.stderr, check=False).returncode != 0:
            raise OfflineError('could not download pip==%s: %s failed' % (pip_version, ' '.join(command)))
        downloaded = find_wheel(pip_version, scratch)
        if downloaded is None:
            raise OfflineError('pip download left no pip-%s wheel in %s' % (pip_version, scratch))
        target = os.path.join(directory, os.path.basename(downloaded))
        os.replace(downloaded, target)
    return target


def install(force: bool) -> int:
    """Put the stand-in where ansible-test looks for its pip bootstrap, unless one is there."""
    pip_version = expected_pip_version()
    target = cache_path(pip_version)
    if os.path.exists(target) and not force:
        print('ansible-test pip %s bootstrap already cached: %s (left alone)' % (pip_version, target))
        return 0
    wheel = find_wheel(pip_version, CACHE_DIR) or fetch_wheel(pip_version, CACHE_DIR, sys.executable)
    temporary = target + '.tmp'
    shutil.copyfile(os.path.abspath(__file__), temporary)
    os.replace(temporary, target)
    print('ansible-test pip %s bootstrap: installed offline stand-in %s (wheel %s)' % (pip_version, target, os.path.basename(wheel)))
    return 0


def bootstrap(pip_version: str, arguments: list[str]) -> int:
    """Behave like get-pip.py: install pip (and whatever else is asked) from the pip wheel."""
    directory = os.path.dirname(os.path.abspath(__file__))
    wheel = find_wheel(pip_version, directory) or fetch_wheel(pip_version, directory, python_with_pip())
    sys.path.insert(0, wheel)  # pip supports running from its wheel, as get-pip.py does from its zip
    # pylint: disable-next=import-outside-toplevel,import-error
    from pip._internal.cli.main import main as pip_main

    pip_arguments = [argument for argument in arguments if argument not in GET_PIP_ONLY_OPTIONS]
    if not any(not argument.startswith('-') for argument in pip_arguments):
        pip_arguments.append('pip==%s' % pip_version)  # bare get-pip.py run: install pip itself
    return int(pip_main(['install', *pip_arguments]))


def main(argv: list[str]) -> int:
    """Dispatch on the name this file runs under: ansible-test's cache name or our own."""
    stand_in = STAND_IN_NAME.match(os.path.basename(os.path.abspath(__file__)))
    try:
        if stand_in:
            return bootstrap(stand_in.group('version').replace('_', '.'), argv)
        parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
        parser.add_argument('action', choices=('install', 'path', 'check'))
        parser.add_argument('--force', action='store_true', help='replace an existing cache file')
        options = parser.parse_args(argv)
        if options.action == 'install':
            return install(options.force)
        path = cache_path(expected_pip_version())
        print(path)
        return 0 if options.action == 'path' or os.path.exists(path) else 1
    except OfflineError as ex:
        print('ansible_test_offline: %s' % ex, file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
