#!/usr/bin/env bash
# The Python package's release files, made the standard way:
#   scripts/build-python.sh SOURCE_DIR OUT_DIR
# builds the sdist, then the wheel from that sdist (python -m build), checks
# with auditwheel that the wheel is an abi3 manylinux one and repairs its
# platform tag, and leaves in OUT_DIR: mailslot-V.tar.gz and
# mailslot-V-cp39-abi3-manylinux_*.whl.  The tools (python/requirements-
# build.txt) come from PyPI into a venv of $PYTHON (default: python3 on
# PATH) in OUT_DIR/.tools; offline, point PIP_FIND_LINKS at a folder
# holding them and set PIP_NO_INDEX=1.  SOURCE_DIR is not written to.
set -euo pipefail
src=$(cd "${1:?usage: build-python.sh SOURCE_DIR OUT_DIR}" && pwd)
out=${2:?usage: build-python.sh SOURCE_DIR OUT_DIR}
python=${PYTHON:-python3}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tools=$out/.tools
log=$out/build-python.log
: >"$log"

fail() {
    echo "build-python.sh: $1 (log: $log)" >&2
    tail -20 "$log" >&2
    exit 1
}

if [ ! -x "$tools/bin/python" ]; then
    "$python" -m venv "$tools" >>"$log" 2>&1 ||
        fail "cannot make a venv with $python (Debian: apt-get install python3-venv)"
fi
"$tools/bin/python" -m pip install -q -r "$src/python/requirements-build.txt" \
    >>"$log" 2>&1 ||
    fail "cannot install python/requirements-build.txt from PyPI (offline: see README.md, Python)"

# Build from a copy of the two directories the package needs, so the
# checkout stays clean and the sdist is proven to carry the core.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
cp -R "$src/core" "$src/python" "$work/src/"
rm -rf "$work/src/python/build" "$work/src/python"/*.egg-info
"$tools/bin/python" -m build --outdir "$work/dist" "$work/src/python" \
    >>"$log" 2>&1 || fail "python -m build failed"

sdist=$(ls "$work"/dist/mailslot-*.tar.gz)
wheel=$(ls "$work"/dist/mailslot-*.whl)
"$tools/bin/auditwheel" show "$wheel" >>"$log" 2>&1 ||
    fail "auditwheel does not accept $(basename "$wheel")"
rm -f "$out"/mailslot-*.tar.gz "$out"/mailslot-*.whl
PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" repair -w "$out" "$wheel" \
    >>"$log" 2>&1 || fail "auditwheel repair failed"
cp "$sdist" "$out/"
repaired=$(ls "$out"/mailslot-*-cp39-abi3-manylinux_*.whl 2>/dev/null) ||
    fail "no abi3 manylinux wheel came out of auditwheel repair"
echo "$(basename "$sdist")"
echo "$(basename "$repaired")"
