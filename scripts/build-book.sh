#!/usr/bin/env bash
# The README's first command: install what the build needs and nothing more (scripts/setup.sh:
# a supported Python's .venv with requirements.txt; no browser, no npm), build the book strictly
# (scripts/build-html.sh), and say where the HTML is. PYTHON=/path/to/python3.1x picks the Python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
start=$(date +%s)
bash scripts/build-html.sh
echo
echo "Built in $(( $(date +%s) - start )) s. Open the book at:"
echo "  file://$PWD/_build/html/index.html"
