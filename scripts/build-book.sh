#!/usr/bin/env bash
# The README's first command: install everything (scripts/setup.sh), build the book
# strictly (scripts/build-html.sh), and say where the HTML is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
start=$(date +%s)
bash scripts/build-html.sh
echo
echo "Built in $(( $(date +%s) - start )) s. Open the book at:"
echo "  file://$PWD/_build/html/index.html"
