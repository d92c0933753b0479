#!/usr/bin/env bash
# Build the HTML book strictly, with the packages already installed (scripts/setup.sh):
#   --warningiserror    any warning (a broken reference, stderr from a cell, ...) fails the build;
#   --nitpick           also warn about references to missing targets;
#   --keep-going        report every warning before failing, not just the first.
# A failing cell stops the build (nb_execution_raise_on_error in _config.yml). Rebuilds are
# incremental: a page is re-read when its source changed, a notebook re-executed when its
# code changed, and every page re-read and re-executed when data/, src/ or requirements.txt
# changed (book/_ext/rtchx_book.py). `--all` forces a full build: it also empties the
# notebook cache, so that every notebook runs again. Notebooks run one per core while
# Sphinx reads, in kernels forked from one process with the heavy modules imported
# (book/_ext/rtchx_book.py, rtchx_kernels.py); RTCHX_BUILD_JOBS=N runs N at once, 0 runs
# them one after another as Sphinx reads them (the serial build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
for argument in "$@"; do
  if [ "$argument" = "--all" ]; then rm -rf _build/.jupyter_cache; fi
done
# jupyter-book, started so that it skips one import: it checks _config.yml with jsonschema, whose optional
# IRI format checker (rfc3987-syntax, which JupyterLab's packages install) compiles 38 grammars on import,
# 1.6 s of every build. Nothing in the build checks an IRI; jsonschema leaves the format out when the
# import fails, as it does where the package is not installed.
python -c 'import sys; sys.modules["rfc3987_syntax"] = None; sys.argv[0] = "jupyter-book"
from jupyter_book.cli.main import main; sys.exit(main())' build . --warningiserror --nitpick --keep-going "$@"
