"""Shared test set-up: a private slot directory, unique names, helpers.

Slot names are per user and machine-wide, so every test session gets its
own slot directory (MAILSLOT_DIR, mode 0700) and every name carries the
pid and a counter.  The directory is set here, at import time, before any
test creates a slot; child processes inherit it through the environment.
"""
import itertools
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

_SLOT_DIR = tempfile.mkdtemp(prefix="mailslot-pytest-")
os.chmod(_SLOT_DIR, 0o700)
os.environ["MAILSLOT_DIR"] = _SLOT_DIR

import mailslot  # noqa: E402  (after MAILSLOT_DIR is set)

ROOT = Path(__file__).resolve().parents[2]
_counter = itertools.count(1)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SLOT_DIR, ignore_errors=True)


if os.environ.get("MAILSLOT_EXPECT_INSTALLED"):
    # CTest runs the tests against the package pip installed into a venv
    # (python/tests/make_venv.sh), never against a source or build tree.
    _site = Path(mailslot.__file__).resolve()
    assert Path(sys.prefix).resolve() in _site.parents and \
        "site-packages" in _site.parts, f"mailslot from {_site}"


def pytest_report_header(config):
    return f"mailslot {mailslot.__version__} from {mailslot.__file__}"


@pytest.fixture
def name(request):
    """A slot name unique to this process and test: test\\<tag>\\<pid>-<n>."""
    tag = request.node.name.split("[")[0]
    return f"pytest\\{tag}\\{os.getpid()}-{next(_counter)}"


@pytest.fixture
def slot(name):
    """A fresh slot that polls (timeout 0), closed after the test."""
    with mailslot.create(name, timeout=0) as s:
        yield s


@pytest.fixture(scope="session")
def cli():
    """The mailslot command (CTest sets MAILSLOT_CLI to the built one)."""
    path = os.environ.get("MAILSLOT_CLI") or shutil.which("mailslot")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("set MAILSLOT_CLI to the mailslot command (the CMake "
                    "build's cli/mailslot); ctest does this")
    return path


def python_child(code, *args, **kwargs):
    """Start ``python -c CODE ARGS`` with this interpreter and environment.

    The child imports the same mailslot package (PYTHONPATH is passed on,
    plus the directory this package was imported from).
    """
    env = dict(os.environ)
    pkg_parent = str(Path(mailslot.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (pkg_parent, env.get("PYTHONPATH")) if p)
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def wait_line(proc, expected, timeout=10):
    """Wait up to TIMEOUT seconds for the child's first line; check it."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, f"no {expected!r} from the child in {timeout} s"
    line = proc.stdout.readline()
    if line != expected + "\n":
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"child said {line!r}, not {expected!r}; stderr: {err}")


def wait_for(predicate, timeout=10.0):
    """Poll PREDICATE until true or TIMEOUT seconds passed."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True
