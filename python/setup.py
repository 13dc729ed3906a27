"""The C extension of the mailslot package (metadata: pyproject.toml).

``mailslot._mailslot`` is compiled from ``src/`` together with the core
library's sources, which ``core/sources.txt`` lists once for every build
(CMake, LuaRocks and this file).  The core is found next to this directory
in a checkout (``../core``) and inside the sdist (``core/``), which this file
fills when it is made, so the sdist builds anywhere.  The extension is built
for the Limited API of Python 3.9: one ``abi3`` binary for every later
Python.
"""
import os
import re
import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
LIMITED_API = "0x03090000"


def find_core():
    for core in (HERE / "core", HERE.parent / "core"):
        if (core / "sources.txt").is_file():
            return core
    raise SystemExit("mailslot: the core library's sources are missing: "
                     "build from the mailslot source tree (python/ next to "
                     "core/) or from the sdist.")


CORE = find_core()


def read_sources(backend):
    """Sources, macros and libraries for BACKEND, from core/sources.txt."""
    sources, macros, libraries = [], [], []
    section = ""
    for line in (CORE / "sources.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section not in ("", backend):
            continue
        elif line.startswith("define "):
            key, _, value = line[len("define "):].partition("=")
            macros.append((key, value or None))
        elif line.startswith("library "):
            libraries.append(line[len("library "):])
        else:
            sources.append(CORE / line)
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise SystemExit(f"mailslot: core sources missing: {missing}")
    return sources, macros, libraries


def core_version():
    """The library version, read from mailslot.h (the one source of it)."""
    text = (CORE / "include" / "mailslot.h").read_text(encoding="utf-8")
    return re.search(r'#define MAILSLOT_VERSION_STRING "([^"]+)"',
                     text).group(1)


def relative(path):
    """PATH relative to this directory: setuptools wants relative sources."""
    return os.path.relpath(path, HERE).replace(os.sep, "/")


class sdist_with_core(sdist):
    """An sdist that carries the core's list, header and sources in core/."""

    def make_release_tree(self, base_dir, files):
        # The checkout's ../core files are put under core/ instead.
        files = [f for f in files if not f.startswith("..")]
        super().make_release_tree(base_dir, files)
        dest = Path(base_dir) / "core"
        dest.mkdir()
        shutil.copy2(CORE / "sources.txt", dest / "sources.txt")
        shutil.copytree(CORE / "include", dest / "include")
        shutil.copytree(CORE / "src", dest / "src",
                        ignore=shutil.ignore_patterns("*.o", "*.obj"))


SOURCES, MACROS, LIBRARIES = read_sources(
    "windows" if sys.platform == "win32" else "linux")

extension = Extension(
    "mailslot._mailslot",
    sources=[relative(p) for p in sorted(HERE.glob("src/*.c")) + SOURCES],
    depends=[relative(p) for p in HERE.glob("src/*.h")],
    include_dirs=[relative(CORE / "include"), relative(CORE / "src")],
    define_macros=MACROS + [("Py_LIMITED_API", LIMITED_API)],
    libraries=LIBRARIES,
    py_limited_api=True,
)

setup(
    version=core_version(),
    ext_modules=[extension],
    cmdclass={"sdist": sdist_with_core},
    options={"bdist_wheel": {"py_limited_api": "cp39"}},
)
