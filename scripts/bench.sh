#!/usr/bin/env bash
# Measure the build on this machine (cold, warm, after edits), each notebook, the HTML's size,
# the PDF's pages and size, and a fresh install; write _build/bench/report.md. A benchmark, not
# a test: see scripts/bench.py.
# Arguments go to scripts/bench.py, e.g. `bash scripts/bench.sh --skip-install`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --pdf
source scripts/env.sh
exec python scripts/bench.py "$@"
