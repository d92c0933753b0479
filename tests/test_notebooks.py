"""The executable chapters: listed in the table of contents, committed clean, and runnable as Binder runs them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def toc_files() -> set[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = {toc["root"]}
    for part in toc.get("parts", []):
        files |= {chapter["file"] for chapter in part["chapters"]}
    return files


def test_every_notebook_is_in_the_table_of_contents():
    assert NOTEBOOKS, "no notebooks found"
    listed = toc_files()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.stem}" in listed, f"{path.name} is not in _toc.yml"
    for entry in listed:
        assert list(REPO.glob(entry + ".*")), f"_toc.yml lists {entry}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; run scripts/strip-outputs.sh"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_a_fresh_kernel_from_its_folder(path):
    """Top to bottom in a new kernel, working directory notebooks/, as Binder runs it; no error, no stderr."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name}, cell {index}: {output.get('ename')}"
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"{path.name}, cell {index} wrote to stderr: {output.text[:300]}"
