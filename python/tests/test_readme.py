"""The README's Python section is tested, so README and code cannot drift.

The ```python block under "## Python" is a doctest and runs as one; the
three ```sh blocks (from PyPI, offline with a wheelhouse, offline on
Debian) run for real, each into a fresh venv made from a copy of the
sources (core/ and python/ only).
"""
import doctest
import os
import re
import shutil
import subprocess
import sys

from conftest import ROOT


def python_section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Python\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, "README.md has no '## Python' section"
    return match.group(1)


def blocks(language):
    return re.findall(rf"^```{language}\n(.*?)^```", python_section(),
                      re.S | re.M)


def test_quick_start_doctest():
    (source,) = blocks("python")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(source, {}, "README.md ## Python",
                              "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 10
    assert result.failed == 0


def install_blocks():
    """The README's install blocks, each a list of commands (no sudo)."""
    result = []
    for source in blocks("sh"):
        commands = []
        for line in source.splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("sudo "):
                commands.append(line)
        result.append(commands)
    return result


def run_block(commands, tmp_path, **extra_env):
    """Runs COMMANDS in a fresh copy of core/ and python/, in this
    environment less any build-tree package or pip index settings, plus
    EXTRA_ENV; returns the venv the commands made."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("build", "*.egg-info", "__pycache__",
                                    ".pytest_cache")
    shutil.copytree(ROOT / "core", src / "core", ignore=ignore)
    shutil.copytree(ROOT / "python", src / "python", ignore=ignore)
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith("PIP_")}
    env.update(extra_env)
    for command in commands:
        # "python3" in the README is the one on PATH: this test's base.
        command = re.sub(r"^python3 ", f"{BASE_PYTHON} ", command)
        result = subprocess.run(command, shell=True, cwd=src, env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        assert result.returncode == 0, f"{command}\n{result.stdout}"
    return src / ".venv"


# The interpreter the test venv was made from, as a user's "python3".
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)


def check_installed(venv, cwd):
    check = (
        "import mailslot, os, sys\n"
        "assert mailslot.__file__.startswith(sys.prefix), mailslot.__file__\n"
        "assert os.path.exists(os.path.join(os.path.dirname("
        "mailslot.__file__), 'py.typed'))\n"
        "with mailslot.create('installed', timeout=1) as slot:\n"
        "    mailslot.send('installed', 'ok \\u2603')\n"
        "    print(slot.read_text(), mailslot.__version__)\n")
    result = subprocess.run([str(venv / "bin" / "python"), "-c", check],
                            cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert result.returncode == 0, result.stderr
    import mailslot
    assert result.stdout == f"ok \u2603 {mailslot.__version__}\n"
    so = list(venv.rglob("_mailslot*.so"))
    assert len(so) == 1 and so[0].name == "_mailslot.abi3.so"


def test_install_blocks_are_the_three_ways():
    kinds = install_blocks()
    assert len(kinds) == 3
    assert all(any("pip install" in c and "./python" in c for c in cmds)
               for cmds in kinds)


def test_install_from_pypi(tmp_path):
    online = install_blocks()[0]
    check_installed(run_block(online, tmp_path), tmp_path)


def test_install_offline_with_a_wheelhouse(tmp_path):
    """The download runs online; the install itself is run with pip's
    index switched off, as the README says."""
    commands = install_blocks()[1]
    assert any("PIP_NO_INDEX=1" in c for c in commands)
    check_installed(run_block(commands, tmp_path), tmp_path)


def test_install_offline_on_debian(tmp_path):
    if not os.path.exists("/usr/bin/python3") or not os.path.exists(
            "/etc/debian_version"):
        import pytest
        pytest.skip("not Debian: the README's Debian route does not apply")
    # Offline: no package index at all.
    venv = run_block(install_blocks()[2], tmp_path, PIP_NO_INDEX="1")
    check_installed(venv, tmp_path)
