#!/bin/sh
# Install Attune into a virtual environment, from a wheel built out of a source tree. The one install
# command: README ("Running it 24/7", "Upgrading"), the Dockerfile and tests/test_packaging.py all run
# this file, so the way that is tested is the way that is deployed.
#
#   deploy/install.sh VENV [SOURCE]
#
# VENV is created when missing (with $PYTHON, default python3, 3.11 or newer); SOURCE defaults to the
# checkout this script is in. Run it again to upgrade: it replaces Attune even when the version number
# has not changed, and installs whatever new dependencies it needs.
set -eu
# Readable by everyone, writable by its owner: the service's own user runs what root installed.
umask 022

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 VENV [SOURCE]" >&2
    exit 2
fi
venv=$1
source=${2:-$(dirname "$0")/..}
python=${PYTHON:-python3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The wheel is built from a copy of exactly what the package is made of, so a stale build/ folder or
# anything else lying in the checkout cannot slip into it.
mkdir "$work/source"
for part in pyproject.toml README.md bot cogs content; do
    cp -R "$source/$part" "$work/source/"
done

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip() { "$venv/bin/python" -m pip "$@"; }
pip wheel --quiet --no-deps --wheel-dir "$work/wheel" "$work/source"
wheel=$(ls "$work"/wheel/attune-*.whl)
# First Attune with its dependencies (a working install stays if this fails halfway), then this very
# build over it: pip skips a wheel whose version is already installed unless told to reinstall.
pip install --quiet "$wheel"
pip install --quiet --no-deps --force-reinstall "$wheel"
echo "Attune installed in $venv: $venv/bin/attune"
