#!/usr/bin/env bash
# Remove outputs and execution counts from notebooks (they are committed clean): the notebooks
# named as arguments (as pre-commit passes them), or every chapter in notebooks/ if none is named.
# A notebook already clean is left untouched, byte for byte.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
python - "$@" <<'PY'
import glob
import sys

import nbformat

for path in sys.argv[1:] or sorted(glob.glob("notebooks/*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    dirty = any(cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None) for cell in nb.cells)
    if dirty:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, path)
        print("stripped", path)
PY
