"""The executable chapters: listed in the table of contents, and committed without outputs.

Running them is tested twice elsewhere: the strict book build executes every notebook in a
fresh kernel and fails on an error or on stderr (test_book.py), and test_binder.py runs each
from notebooks/ in an environment made from requirements.txt alone, as Binder does.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from bookbuild import toc_pages

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_every_notebook_is_in_the_table_of_contents():
    assert NOTEBOOKS, "no notebooks found"
    listed = set(toc_pages(REPO))
    for path in NOTEBOOKS:
        assert f"notebooks/{path.stem}" in listed, f"{path.name} is not in _toc.yml"
    for entry in listed:
        assert list(REPO.glob(entry + ".*")), f"_toc.yml lists {entry}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; run scripts/strip-outputs.sh"
