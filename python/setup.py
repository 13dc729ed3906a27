"""Build and install the mailslot package: ``pip install ./python``.

The C extension ``mailslot._mailslot`` is compiled from this directory's
``src/`` together with the core library's sources (``../core``), so the
installed package is self-contained: nothing else has to be installed
first.  It is built for the Limited API of Python 3.9 (one ``abi3``
binary for every later Python).

Building needs the mailslot source tree (this directory next to ``core/``),
a C compiler and the Python headers (Debian: ``python3-dev``).  Nothing is
fetched from PyPI: setuptools from the system is enough, hence
``--no-build-isolation`` in the documented command.
"""
import os
import re
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent
CORE = HERE.parent / "core"
LIMITED_API = "0x03090000"


if not (CORE / "CMakeLists.txt").is_file():
    raise SystemExit(f"{CORE} is missing: build the Python package from the "
                     "mailslot source tree (python/ next to core/).")


def core_version():
    """The library version, read from mailslot.h (the one source of it)."""
    text = (CORE / "include" / "mailslot.h").read_text(encoding="utf-8")
    return re.search(r'#define MAILSLOT_VERSION_STRING "([^"]+)"',
                     text).group(1)


def _cmake_values(text, var):
    """The words of ``set(VAR ...)`` in TEXT (CMake source), or []."""
    match = re.search(r"set\(" + var + r"\s+([^)]*)\)", text)
    return match.group(1).split() if match else []


def core_build():
    """Sources, macros and libraries of the core, as core/CMakeLists.txt has
    them, so pip builds exactly what CMake builds: the shared files plus the
    backend of the ``if(WIN32) ... else() ... endif()`` branch that applies.
    """
    text = (CORE / "CMakeLists.txt").read_text(encoding="utf-8")
    branches = re.search(r"^if\(WIN32\)\n(.*?)^else\(\)\n(.*?)^endif\(\)",
                         text, re.S | re.M)
    if branches is None:
        raise SystemExit("setup.py: cannot find the backend selection in "
                         "core/CMakeLists.txt")
    branch = branches.group(1 if os.name == "nt" else 2)
    files = (_cmake_values(text, "MAILSLOT_SHARED_SOURCES")
             + _cmake_values(branch, "MAILSLOT_BACKEND_SOURCES"))
    paths = [CORE / f for f in files]
    missing = [str(p) for p in paths if not p.is_file()]
    if not files or missing:
        raise SystemExit(f"setup.py: core sources missing: {missing}")
    macros = []
    for word in _cmake_values(branch, "MAILSLOT_BACKEND_DEFS"):
        key, _, value = word.partition("=")
        macros.append((key, value or None))
    libraries = ["pthread" if lib == "Threads::Threads" else lib
                 for lib in _cmake_values(branch, "MAILSLOT_BACKEND_LIBS")]
    return [str(p) for p in paths], macros, libraries


CORE_SOURCES, CORE_MACROS, CORE_LIBRARIES = core_build()

extension = Extension(
    "mailslot._mailslot",
    sources=sorted(str(f) for f in HERE.glob("src/*.c")) + CORE_SOURCES,
    include_dirs=[str(CORE / "include"), str(CORE / "src")],
    define_macros=CORE_MACROS + [("Py_LIMITED_API", LIMITED_API)],
    libraries=CORE_LIBRARIES,
    py_limited_api=True,
)

setup(
    name="mailslot",
    version=core_version(),
    description="Windows-style mailslots (one reader, many writers, whole "
                "messages) for Python, over the mailslot C library",
    python_requires=">=3.9",
    packages=["mailslot"],
    package_data={"mailslot": ["py.typed", "__init__.pyi"]},
    ext_modules=[extension],
    options={"bdist_wheel": {"py_limited_api": "cp39"}},
    zip_safe=False,
)
