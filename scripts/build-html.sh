#!/usr/bin/env bash
# Build the HTML book strictly, with the packages already installed (scripts/setup.sh):
#   --all               rebuild every page, never reuse a previous build's pages;
#   --warningiserror    any warning (a broken reference, stderr from a cell, ...) fails the build;
#   --nitpick           also warn about references to missing targets;
#   --keep-going        report every warning before failing, not just the first.
# A failing cell stops the build (nb_execution_raise_on_error in _config.yml), and every
# notebook is executed afresh (execute_notebooks: force), so nothing stale is served.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
jupyter-book build . --all --warningiserror --nitpick --keep-going
