#!/usr/bin/env bash
# Install the Debian packages a task needs (as root), or say what to install.
#   scripts/deps.sh demo   - what the demo needs (compiler, CMake)
#   scripts/deps.sh test   - what every test suite needs
set -euo pipefail

demo_pkgs=(gcc make cmake pkg-config)
test_pkgs=("${demo_pkgs[@]}" g++ clang libclang-rt-14-dev valgrind
    liblua5.4-dev lua5.4 lua-socket luarocks
    python3 python3-dev python3-setuptools python3-wheel python3-pip
    python3-venv python3-matplotlib
    gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 wine64
    iproute2 tshark samba zip unzip jq spin strace)

case "${1:-test}" in
    demo) want=("${demo_pkgs[@]}") ;;
    test) want=("${test_pkgs[@]}") ;;
    *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
