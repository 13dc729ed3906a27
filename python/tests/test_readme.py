"""The README's Python section is tested, so README and code cannot drift.

The ```python block under "## Python" is a doctest and runs as one; the
```sh block's install commands run for real, offline, into a fresh venv
made from a copy of the sources (core/ and python/ only).
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


def install_commands():
    """The README's install commands, minus the apt-get line."""
    (source,) = blocks("sh")
    commands = []
    for line in source.splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("sudo "):
            commands.append(line)
    return commands


def test_install_command_works_offline(tmp_path):
    commands = install_commands()
    assert any("pip install" in c and "./python" in c for c in commands)
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("build", "*.egg-info", "__pycache__",
                                    ".pytest_cache")
    shutil.copytree(ROOT / "core", src / "core", ignore=ignore)
    shutil.copytree(ROOT / "python", src / "python", ignore=ignore)
    env = dict(os.environ, PIP_NO_INDEX="1")   # offline: no package index
    for var in ("PYTHONPATH", "PIP_FIND_LINKS"):
        env.pop(var, None)                     # no build-tree mailslot
    for command in commands:
        # "python3" in the README is the system's; use this interpreter.
        command = re.sub(r"^python3 ", f"{sys.executable} ", command)
        result = subprocess.run(command, shell=True, cwd=src, env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        assert result.returncode == 0, f"{command}\n{result.stdout}"
    venv_python = src / ".venv" / "bin" / "python"
    check = (
        "import mailslot, os, sys\n"
        "assert mailslot.__file__.startswith(sys.prefix), mailslot.__file__\n"
        "assert os.path.exists(os.path.join(os.path.dirname("
        "mailslot.__file__), 'py.typed'))\n"
        "with mailslot.create('installed', timeout=1) as slot:\n"
        "    mailslot.send('installed', 'ok \\u2603')\n"
        "    print(slot.read_text(), mailslot.__version__)\n")
    result = subprocess.run([str(venv_python), "-c", check], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert result.returncode == 0, result.stderr
    import mailslot
    assert result.stdout == f"ok \u2603 {mailslot.__version__}\n"
    so = list((src / ".venv").rglob("_mailslot*.so"))
    assert len(so) == 1 and so[0].name == "_mailslot.abi3.so"

