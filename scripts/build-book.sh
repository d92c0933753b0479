#!/usr/bin/env bash
# Install everything (scripts/setup.sh), then build the book strictly:
# every warning is an error, a failing notebook cell fails the build,
# every notebook is executed afresh. Prints where the HTML is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh
start=$(date +%s)
jupyter-book build . --all --warningiserror --nitpick --keep-going
echo
echo "Built in $(( $(date +%s) - start )) s. Open the book at:"
echo "  file://$PWD/_build/html/index.html"
