#!/usr/bin/env bash
# CTest's set-up for the Python tests (fixture "python_venv"):
#   make_venv.sh SOURCE_DIR BUILD_DIR PYTHON
# makes the sdist and the manylinux wheel (scripts/build-python.sh), then a
# fresh venv of PYTHON in BUILD_DIR/python/venv with pytest from PyPI and
# the wheel installed: the tests import the installed package, never the
# source or build tree.
set -euo pipefail
src=$1 build=$2 python=$3
dist=$build/python/dist
venv=$build/python/venv
PYTHON=$python "$src/scripts/build-python.sh" "$src" "$dist"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q -r "$src/python/requirements-test.txt" || {
    echo "make_venv.sh: cannot install pytest from PyPI into $venv" \
         "(offline: see README.md, Python)" >&2
    exit 1
}
"$venv/bin/python" -m pip install -q "$dist"/mailslot-*-manylinux_*.whl
"$venv/bin/python" -c 'import mailslot, sys; print("installed:", mailslot.__file__)'
