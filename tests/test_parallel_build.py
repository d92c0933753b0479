"""The build executes notebooks several at a time (book/_ext/rtchx_book.py, `_Execution`);
its guarantees must hold as they do for a serial build.

Each build here forces two notebooks at once (RTCHX_BUILD_JOBS=2), whatever the machine's cores.
The pitfalls of running kernels side by side are checked too: the jupyter-cache (SQLite) is written
by one thread only and holds one record per notebook, every kernel runs with one BLAS/OpenMP thread,
and kernels started at the same moment in one process each get their own ports.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from bookbuild import REPO, build, clean_copy, only_chapters
from bs4 import BeautifulSoup

from rtchx.core import data

pytestmark = pytest.mark.slow

sys.path.insert(0, str(REPO / "book" / "_ext"))
import rtchx_book  # noqa: E402  (book/_ext is a Sphinx extension folder, not a package)
import rtchx_kernels  # noqa: E402

#: What the pre-execution step logs for each notebook it starts, and what myst-nb logs when it runs one itself.
PARALLEL = "Executing notebook using local CWD, 2 at a time"
SERIAL = re.compile(r"Executing notebook using local CWD(?!, 2 at a time)")


def looked_at(result) -> str:
    """What the build's first step says about the notebooks: how many Sphinx will read, how many it must run."""
    return re.search(r"Notebooks Sphinx will read: \d+, of which not in the cache: \d+", output(result)).group()


@pytest.fixture(autouse=True)
def two_at_a_time(monkeypatch):
    monkeypatch.setenv(rtchx_book.JOBS_ENV, "2")   # bookbuild.tool_env passes it on to the build


def output(result) -> str:
    return result.stdout + result.stderr


def add_cell(notebook: Path, source: str) -> nbformat.NotebookNode:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, notebook)
    return nb


def test_a_failing_cell_in_one_notebook_fails_the_parallel_build(tmp_path):
    root = only_chapters(clean_copy(tmp_path), "notebooks/90_the_data", "notebooks/01_cohort_at_a_glance",
                         "book/references")
    add_cell(root / "notebooks" / "01_cohort_at_a_glance.ipynb", "raise RuntimeError('deliberately broken cell')")
    result = build(root)
    assert output(result).count(PARALLEL) == 2, output(result)[-3000:]
    assert result.returncode != 0, "the build passed despite a failing cell"
    assert "deliberately broken cell" in output(result)


def test_parallel_rebuilds_follow_code_data_and_pasted_values(tmp_path):
    """Cold, unchanged, one notebook's code changed, data/ changed: what runs, and what the pages say."""
    root = only_chapters(clean_copy(tmp_path), "notebooks/90_the_data", "notebooks/01_cohort_at_a_glance",
                         "book/probe", "book/references")
    (root / "book" / "probe.md").write_text(
        "# Probe\n\nThe probe says {glue}`../notebooks/01_cohort_at_a_glance.ipynb::probe_value`.\n\n"
        "Kernel threads: {glue}`../notebooks/01_cohort_at_a_glance.ipynb::probe_threads`.\n")
    chapter = root / "notebooks" / "01_cohort_at_a_glance.ipynb"
    threads = " + '/' + ".join(f"os.environ.get({name!r}, 'unset')" for name in rtchx_book.ONE_THREAD)
    add_cell(chapter, f"import os\nglue('probe_threads', {threads})")
    nb = add_cell(chapter, 'glue("probe_value", 41)')
    html = root / "_build" / "html"
    page = html / "notebooks" / "01_cohort_at_a_glance.html"
    cache = root / "_build" / ".jupyter_cache" / "global.db"

    def probe() -> str:
        text = BeautifulSoup((html / "book" / "probe.html").read_text(encoding="utf-8"), "html.parser").get_text()
        return " ".join(text.split())

    def cache_records() -> list[str]:
        with sqlite3.connect(cache) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            return sorted(Path(uri).name for (uri,) in db.execute("SELECT uri FROM nbcache"))

    first = build(root)
    assert first.returncode == 0, output(first)[-3000:]
    # both ran side by side before reading, and myst-nb found them in the cache (none ran twice)
    assert output(first).count(PARALLEL) == 2 and not SERIAL.search(output(first))
    assert looked_at(first) == "Notebooks Sphinx will read: 2, of which not in the cache: 2"
    # Sphinx read the pages before the notebooks while the kernels ran, and waited only for the notebooks
    log = re.sub(r"\x1b\[[0-9;]*m", "", output(first))   # without Sphinx's colours
    assert log.index("reading sources... [ 25%] book/probe") < log.index("Executed notebooks/01_cohort"), log[-3000:]
    if rtchx_kernels.available():   # each kernel a fork of one process with the heavy modules imported
        assert "Executed 2 notebooks, 2 at a time, in kernels forked from one warm process" in log, log[-3000:]
    assert cache_records() == ["01_cohort_at_a_glance.ipynb", "90_the_data.ipynb"]
    assert "70%</span> at five years" in page.read_text() and "The probe says 41" in probe()
    assert re.search(r"Kernel threads: '?1/1/1'?\.", probe()), probe()

    unchanged = build(root)
    assert unchanged.returncode == 0, output(unchanged)[-3000:]
    assert "Executing notebook" not in output(unchanged) and "0 added, 0 changed, 0 removed" in unchanged.stdout
    assert looked_at(unchanged) == "Notebooks Sphinx will read: 0, of which not in the cache: 0"   # none opened

    nb.cells[-1].source = 'glue("probe_value", 42)'   # one chapter's code changes
    nbformat.write(nb, chapter)
    code_edit = build(root)
    assert code_edit.returncode == 0, output(code_edit)[-3000:]
    assert output(code_edit).count(PARALLEL) == 1 and not SERIAL.search(output(code_edit))
    assert looked_at(code_edit) == "Notebooks Sphinx will read: 1, of which not in the cache: 1"
    assert "The probe says 42" in probe()

    # Count patient 5's local failure as censored: local control at 5 years becomes 7/8 = 88%.
    csv = root / "data" / "patients.csv"
    csv.write_text(csv.read_text().replace(",21,true,30,DOD", ",21,false,30,DOD"))
    data.rehash(root / "data")
    data_edit = build(root)
    assert data_edit.returncode == 0, output(data_edit)[-3000:]
    assert output(data_edit).count(PARALLEL) == 2 and not SERIAL.search(output(data_edit))
    assert looked_at(data_edit) == "Notebooks Sphinx will read: 2, of which not in the cache: 2"
    assert "88%</span> at five years" in page.read_text()
    assert cache_records() == ["01_cohort_at_a_glance.ipynb", "90_the_data.ipynb"]


def test_kernels_started_together_each_run(tmp_path):
    """Four kernels started at once from one process (as the build's threads do): no port is handed out twice."""
    notebooks = []
    for n in range(4):
        path = tmp_path / f"n{n}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print({n} * 7)")],
                                                metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                         "display_name": "Python 3"}}), path)
        notebooks.append(path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda p: rtchx_book.execute_notebook(p, 120, False), notebooks))
    assert [r.err for r in results] == [None] * 4
    assert [r.nb.cells[0].outputs[0].text for r in results] == [f"{n * 7}\n" for n in range(4)]
