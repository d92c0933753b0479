#!/usr/bin/env bash
# Build the HTML book strictly, with the packages already installed (scripts/setup.sh):
#   --warningiserror    any warning (a broken reference, stderr from a cell, ...) fails the build;
#   --nitpick           also warn about references to missing targets;
#   --keep-going        report every warning before failing, not just the first.
# A failing cell stops the build (nb_execution_raise_on_error in _config.yml). Rebuilds are
# incremental: a page is re-read when its source changed, a notebook re-executed when its
# code changed, and every page re-read and re-executed when data/, src/ or requirements.txt
# changed (book/_ext/rtchx_book.py). `--all` forces a full build: it also empties the
# notebook cache, so that every notebook runs again. Notebooks run one per core before
# Sphinx reads (book/_ext/rtchx_book.py); RTCHX_BUILD_JOBS=N runs N at once, 0 runs them
# one after another as Sphinx reads them (the serial build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
for argument in "$@"; do
  if [ "$argument" = "--all" ]; then rm -rf _build/.jupyter_cache; fi
done
jupyter-book build . --warningiserror --nitpick --keep-going "$@"
