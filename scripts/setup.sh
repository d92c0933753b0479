#!/usr/bin/env bash
# Install everything the project needs on a Debian/Ubuntu machine:
#   1. Debian packages, if missing: chromium (browser tests), npm (to fetch axe-core, the
#      accessibility checker the browser tests inject) and the Python venv module;
#   2. a virtual environment in .venv with the pinned packages of requirements-test.txt
#      (which includes requirements.txt and this repository's rtchx package);
#   3. axe-core, pinned in tests/axe/package-lock.json, into tests/axe/node_modules.
# Idempotent: a second run does nothing unless a requirements, package or lock file changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
if [ -z "$PYTHON" ]; then
  apt_packages+=(python3 python3-venv)
elif ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt_packages+=(python3-venv)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${apt_packages[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
fi

version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$version" != "3.11" ]; then
  echo "setup: Python 3.11 is required, but $PYTHON is $version (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

axe_stamp=tests/axe/node_modules/.installed
axe_wanted=$(cat tests/axe/package.json tests/axe/package-lock.json | sha256sum | cut -d' ' -f1)
if ! { [ -f "$axe_stamp" ] && [ "$(cat "$axe_stamp")" = "$axe_wanted" ]; }; then
  echo "setup: installing axe-core from npm (tests/axe)"
  npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error >/dev/null
  echo "$axe_wanted" > "$axe_stamp"
fi

stamp=.venv/.installed
wanted=$(cat requirements.txt requirements-test.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/python ]; then
  exit 0
fi
echo "setup: creating .venv with the pinned packages (a few minutes the first time)"
"$PYTHON" -m venv --clear .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-test.txt
# Build matplotlib's font cache now, so that the first notebook run prints nothing to stderr.
.venv/bin/python -c 'import matplotlib.pyplot' >/dev/null 2>&1
echo "$wanted" > "$stamp"
echo "setup: done"
