#!/usr/bin/env bash
# Install the build's and the tests' parts if needed (scripts/setup.sh --tests: chromium, npm and
# axe-core, poppler-utils, the test tools), then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --tests
source scripts/env.sh
exec python -m pytest "$@"
