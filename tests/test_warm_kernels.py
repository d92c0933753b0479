"""Kernels forked from one warm process (book/_ext/rtchx_kernels.py), as the build starts them.

A forked kernel must be what a fresh one is, only quicker to start: its own process, namespace,
folder and environment; the same outputs for a chapter; gone when the kernel manager stops it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from bookbuild import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
import rtchx_book  # noqa: E402  (book/_ext is a Sphinx extension folder, not a package)
import rtchx_kernels  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not rtchx_kernels.available(), reason="kernels are forked on Linux only")]

#: A cell that reports, as JSON on stdout, what the kernel it runs in is.
REPORT = """\
import json, os, sys
print(json.dumps({"pid": os.getpid(), "cwd": os.getcwd(), "probe": os.environ.get("RTCHX_PROBE"),
                  "seaborn_loaded": "seaborn" in sys.modules, "rtchx_loaded": "rtchx" in sys.modules,
                  "path": sys.path, "left_over": "left_over" in globals()}))"""


def notebook(folder: Path, name: str, *sources: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}}), path)
    return path


def report(result) -> dict:
    assert result.err is None, result.exc_string
    return json.loads(result.nb.cells[-1].outputs[0].text)


@pytest.fixture
def warm(tmp_path):
    process = rtchx_kernels.WarmProcess(tmp_path)
    process.start()
    yield process
    process.stop()


def gone(pid: int, within: float = 5.0) -> bool:
    """Whether process ``pid`` has ended (and been collected) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_each_notebook_gets_its_own_warm_kernel(tmp_path, warm, monkeypatch):
    """Two notebooks in turn: each a new process with the heavy modules already imported, in its own
    folder, with the kernel manager's environment and a fresh kernel's sys.path, nothing of the other
    notebook, and no rtchx yet."""
    monkeypatch.setenv("RTCHX_PROBE", "from the build")
    kernels = warm.kernel_manager_class()
    first = notebook(tmp_path / "a", "first.ipynb", "left_over = 1", REPORT)
    second = notebook(tmp_path / "b", "second.ipynb", REPORT)
    one = report(rtchx_book.execute_notebook(first, 60, False, kernel_manager_class=kernels))
    two = report(rtchx_book.execute_notebook(second, 60, False, kernel_manager_class=kernels))
    assert one["pid"] != two["pid"] and warm.process.pid not in (one["pid"], two["pid"])
    assert (one["cwd"], two["cwd"]) == (str(tmp_path / "a"), str(tmp_path / "b"))
    fresh = report(rtchx_book.execute_notebook(second, 60, False))   # the same notebook in a fresh kernel
    assert two["path"] == fresh["path"] and not fresh["seaborn_loaded"]
    assert one["probe"] == two["probe"] == "from the build"
    assert one["seaborn_loaded"] and two["seaborn_loaded"]
    assert not one["rtchx_loaded"] and not two["rtchx_loaded"]
    assert one["left_over"] and not two["left_over"]
    assert gone(one["pid"]) and gone(two["pid"])   # stopped with the kernel manager's kill


def test_without_the_warm_process_a_fresh_kernel_starts(tmp_path):
    """A relay that finds no warm process starts an ordinary kernel, which imports nothing ahead."""
    absent = rtchx_kernels.WarmProcess(tmp_path)   # never started: its socket does not exist
    path = notebook(tmp_path / "n", "alone.ipynb", REPORT)
    seen = report(rtchx_book.execute_notebook(path, 60, False, kernel_manager_class=absent.kernel_manager_class()))
    assert not seen["seaborn_loaded"] and seen["cwd"] == str(tmp_path / "n")


def test_stopping_the_warm_process_stops_its_kernels(tmp_path, warm):
    """A build that fails stops the warm process; a kernel still running from it must not outlive it."""
    pid_file = tmp_path / "pid"
    path = notebook(tmp_path / "n", "long.ipynb",
                    f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)")
    kernels = warm.kernel_manager_class()
    outcome = []

    def run() -> None:   # in a thread, as in the build, while the test stops the warm process
        try:
            outcome.append(rtchx_book.execute_notebook(path, 120, True, kernel_manager_class=kernels))
        except Exception as error:   # noqa: BLE001  (what the kernel manager saw is the point)
            outcome.append(error)

    running = threading.Thread(target=run, daemon=True)
    running.start()
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the kernel never started"
        time.sleep(0.05)
    warm.stop()
    assert gone(int(pid_file.read_text()))
    running.join(timeout=60)
    assert outcome and type(outcome[0]).__name__ == "DeadKernelError", outcome   # not a minute's wait


def normalised(nb: nbformat.NotebookNode) -> list[str]:
    """Every code cell's outputs, less what differs between any two runs: execution counts, pandas
    Styler's random table ids, widget model ids and objects' memory addresses."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            text = json.dumps([{k: v for k, v in o.items() if k != "execution_count"} for o in cell.outputs],
                              sort_keys=True)
            text = re.sub(r"T_[0-9a-f]{5}", "T_", text)
            text = re.sub(r"[0-9a-f]{32}", "<id>", text)
            cells.append(re.sub(r" at 0x[0-9a-f]+", " at 0x", text))
    return cells


def test_a_chapter_gives_the_same_outputs_in_a_warm_kernel(warm):
    """The survival chapter (figures, tables, an explorer, glued values) in a fresh and a warm kernel:
    the same outputs, figures byte for byte."""
    path = REPO / "notebooks" / "06_survival.ipynb"
    fresh = rtchx_book.execute_notebook(path, 300, False)
    forked = rtchx_book.execute_notebook(path, 300, False, kernel_manager_class=warm.kernel_manager_class())
    assert fresh.err is None and forked.err is None
    assert any("image/png" in json.dumps(c.get("outputs", [])) for c in forked.nb.cells)
    assert normalised(forked.nb) == normalised(fresh.nb)
