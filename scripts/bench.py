"""Measure what the book costs to build on this machine, and write a small report.

Run it through `bash scripts/bench.sh` (which installs first). It works on a clean
copy of the repository (the files git knows), so the working tree's _build is never
touched, and writes _build/bench/report.md and report.json:

- cold build (no _build, every notebook executed), warm rebuild (nothing changed),
  rebuild after one chapter's prose is edited, and rebuild after a change to data/,
  each for the serial build (RTCHX_BUILD_JOBS=0: myst-nb runs each notebook as Sphinx
  reads it, the way the book was built before issue 17) and for the default build
  (notebooks run several at a time, book/_ext/rtchx_book.py), alternating, `--runs`
  times each; the report gives the median of each and the ratio default / serial, so
  that the machine's noise weighs on both alike;
- each notebook's execution time in a fresh kernel, and the share spent on imports;
- the built HTML's size, its largest page (with the images it loads) and largest image;
- the PDF (scripts/build-pdf.sh) after those builds: its time, pages and size;
- install time and size of a fresh environment made from requirements.txt alone.

A benchmark, not a test: it prints each figure against its target and exits 0
either way. `--skip-install` leaves out the (slow) fresh environment.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from bookbuild import build, clean_copy, folder_bytes, fresh_environment, html_pages, tool_env  # beside this script
from bs4 import BeautifulSoup
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))
import rtchx_book  # noqa: E402  (the build's Sphinx extension: the notebooks are timed as it runs them)

#: The targets on a 2-core machine (issue 17): seconds, bytes for the page, or a ratio of the default
#: build's median time to the serial build's, measured in the same run.
TARGETS = {
    "cold_build_ratio": 0.6,
    "data_change_rebuild_ratio": 0.6,
    "warm_rebuild_s": 3,
    "notebook_s": 5,
    "page_with_images_bytes": 2_000_000,
}

#: The two ways of building that are compared: how many notebooks run at once (RTCHX_BUILD_JOBS).
MODES = {"serial": 0, "default": None}
#: What each run of a mode measures, in the order it does it.
MEASURES = ("cold_build_s", "warm_rebuild_s", "one_chapter_rebuild_s", "data_change_rebuild_s")

#: The chapter whose prose the "one chapter edited" rebuild changes.
EDITED_CHAPTER = "notebooks/03_patients.ipynb"


def timed_build(root: Path, what: str, jobs: int | None = None) -> float | None:
    """Run the project's strict build (scripts/build-html.sh) in ``root``; its wall time, or None if it failed."""
    print(f"bench: {what} ...", end=" ", flush=True)
    start = time.monotonic()
    result = build(root, jobs=jobs)
    seconds = round(time.monotonic() - start, 1)
    if result.returncode != 0:
        print(f"FAILED after {seconds} s:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}", flush=True)
        return None
    print(f"{seconds} s", flush=True)
    return seconds


def edit_chapter_prose(root: Path) -> None:
    """Append a sentence to the last markdown cell of one chapter (code cells untouched)."""
    path = root / EDITED_CHAPTER
    nb = nbformat.read(path, as_version=4)
    last = [c for c in nb.cells if c.cell_type == "markdown"][-1]
    last.source += "\n\nA sentence added by the benchmark."
    nbformat.write(nb, path)


def edit_data(root: Path) -> None:
    """Change one value in data/ (and its recorded checksum), as a correction to Table 3 would."""
    csv = root / "data" / "patients.csv"
    csv.write_text(csv.read_text().replace(",21,true,30,DOD", ",21,false,30,DOD"))
    subprocess.run([sys.executable, "-m", "rtchx", "rehash"], cwd=root, env=tool_env(root), check=True,
                   capture_output=True)


def one_run(root: Path, mode: str) -> dict:
    """Cold build, warm rebuild, rebuild after a prose edit, rebuild after a data edit, in a clean copy."""
    jobs = MODES[mode]
    times = {"cold_build_s": timed_build(root, f"{mode}: cold build", jobs),
             "warm_rebuild_s": timed_build(root, f"{mode}: warm rebuild", jobs)}
    edit_chapter_prose(root)
    times["one_chapter_rebuild_s"] = timed_build(root, f"{mode}: rebuild after editing one chapter's prose", jobs)
    edited = (root / "_build" / "html" / EDITED_CHAPTER.replace(".ipynb", ".html")).read_text()
    times["edit_reached_page"] = "A sentence added by the benchmark." in edited
    edit_data(root)
    times["data_change_rebuild_s"] = timed_build(root, f"{mode}: rebuild after a change to data/", jobs)
    return times


def median(values: list) -> float | None:
    """The median of the runs, or None if any of them failed."""
    return None if None in values else round(statistics.median(values), 1)


def builds(workdir: Path, runs: int) -> dict:
    """Each mode ``runs`` times, alternating (serial first, then default, then serial ...): every run and medians."""
    every = {mode: [] for mode in MODES}
    for run in range(runs):
        for mode in MODES:
            root = clean_copy(workdir / f"{mode}-{run}")
            every[mode].append(one_run(root, mode))
    medians = {mode: {m: median([r[m] for r in every[mode]]) for m in MEASURES} for mode in MODES}
    ratios = {m: (round(medians["default"][m] / medians["serial"][m], 2)
                  if medians["default"][m] and medians["serial"][m] else None) for m in MEASURES}
    return {"runs": runs, "every_run": every, "median": medians, "ratio": ratios,
            "edit_reached_page": all(r["edit_reached_page"] for rs in every.values() for r in rs),
            "html": html_sizes(root / "_build" / "html"), "pdf": pdf_build(root)}


def pdf_build(root: Path) -> dict | None:
    """The PDF (scripts/build-pdf.sh) after the HTML builds, reusing their notebook cache: time, pages, size."""
    print("bench: PDF ...", end=" ", flush=True)
    start = time.monotonic()
    result = subprocess.run(["bash", "scripts/build-pdf.sh", "--no-setup"], cwd=root, env=tool_env(root),
                            capture_output=True, text=True)
    seconds = round(time.monotonic() - start, 1)
    if result.returncode != 0:
        print(f"FAILED after {seconds} s:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}", flush=True)
        return None
    pdf = (root / "_build" / "pdf" / "book.pdf").read_bytes()
    print(f"{seconds} s", flush=True)
    return {"build_s": seconds, "pages": len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)),
            "mb": round(len(pdf) / 1e6, 1)}


def import_lines(nb) -> str:
    """Every top-level import statement of a notebook's code cells, in order (multi-line ones whole)."""
    statements = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:   # a cell with IPython magics: not plain Python
            continue
        statements += [ast.get_source_segment(cell.source, node) for node in tree.body
                       if isinstance(node, ast.Import | ast.ImportFrom)]
    return "\n".join(statements)


def cell_seconds(nb) -> float:
    """The seconds an executed notebook (run with record_timing) spent in its cells."""
    total = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            total += (end - start).total_seconds()
    return total


def run_cells(nb, path: Path) -> float:
    """Execute ``nb`` in a fresh kernel from ``path``'s folder; return the seconds spent in its cells."""
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return cell_seconds(nb)


def notebook_times(runs: int) -> list[dict]:
    """Each notebook in a fresh kernel, through the build's ``execute_notebook`` (book/_ext/rtchx_book.py) but
    not forked from the build's warm process, as the per-notebook target asks,
    ``runs`` rounds of all of them: the median wall time (from starting the kernel to stopping it), time in
    cells and time importing, and the slowest round's wall time."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"   # as in the build's kernels (book/_ext/rtchx_book.py, ONE_THREAD)
    paths = sorted((REPO / "notebooks").glob("*.ipynb"))
    seen = {path.name: [] for path in paths}
    for run in range(runs):
        for path in paths:
            result = rtchx_book.execute_notebook(path, timeout=600, allow_errors=False, record_timing=True)
            if result.err is not None:
                sys.exit(f"bench: {path.name} failed: {result.exc_string}")
            nb, wall, cells = result.nb, result.time, cell_seconds(result.nb)
            imports_only = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(import_lines(nb))])
            seen[path.name].append((wall, cells, run_cells(imports_only, path)))
            print(f"bench: {path.name} (round {run + 1}): {wall:.1f} s ({seen[path.name][-1][2]:.1f} s importing)",
                  flush=True)
    rows = []
    for name, measured in seen.items():
        wall, cells, importing = (statistics.median(m[i] for m in measured) for i in range(3))
        rows.append({"notebook": name, "runs": runs, "wall_s": round(wall, 2), "cells_s": round(cells, 2),
                     "imports_s": round(importing, 2), "import_share": round(importing / cells, 2) if cells else None,
                     "slowest_wall_s": round(max(m[0] for m in measured), 2)})
    return rows


def html_sizes(html: Path) -> dict:
    """Total size of the built HTML, the largest page with the local images it loads, the largest image."""
    pages = html_pages(html)
    weights = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        images = {(page.parent / img["src"]).resolve() for img in soup.find_all("img", src=True)
                  if not img["src"].startswith(("data:", "http:", "https:"))}
        size = page.stat().st_size + sum(i.stat().st_size for i in images if i.is_file())
        weights.append((size, page.relative_to(html).as_posix()))
    images = [p for p in html.rglob("*") if p.suffix.lower() in (".png", ".svg", ".jpg", ".jpeg", ".gif")]
    largest_image = max(images, key=lambda p: p.stat().st_size)
    biggest = max(weights)
    return {
        "total_mb": round(folder_bytes(html) / 1e6, 1),
        "pages": len(pages),
        "largest_page": biggest[1], "largest_page_with_images_bytes": biggest[0],
        "largest_image": largest_image.relative_to(html).as_posix(),
        "largest_image_bytes": largest_image.stat().st_size,
    }


def fresh_install(workdir: Path) -> dict:
    """A new virtual environment from requirements.txt alone (as Binder makes it): time and size.

    pip's download cache is not used, so every package is fetched, as on a new machine.
    """
    env_dir = workdir / "fresh-env"
    install, seconds = fresh_environment(env_dir, "--no-cache-dir")
    if install.returncode != 0:
        sys.exit(f"bench: requirements.txt did not install:\n{install.stderr[-3000:]}")
    return {"install_s": round(seconds, 1), "environment_mb": round(folder_bytes(env_dir) / 1e6)}


def verdict(value: float | None, target: float, *, inclusive: bool = False) -> str:
    if value is None:
        return "FAILED"
    return "meets" if value < target or (inclusive and value == target) else "MISSES"


def pdf_line(pdf: dict | None) -> str:
    if pdf is None:
        return "| PDF after the HTML build (scripts/build-pdf.sh) | FAILED | | |"
    return (f"| PDF after the HTML build (scripts/build-pdf.sh) | {pdf['build_s']} s, {pdf['pages']} pages, "
            f"{pdf['mb']} MB | | |")


def report_markdown(report: dict) -> str:
    b, html = report["builds"], report["builds"]["html"]
    serial, default, ratio = b["median"]["serial"], b["median"]["default"], b["ratio"]

    def row(label: str, measure: str, target: str, meets: str) -> str:
        return f"| {label} | {serial[measure]} s | {default[measure]} s | {ratio[measure]} | {target} | {meets} |"

    lines = [
        "# Build benchmark",
        "",
        f"{report['when']} on {report['machine']} ({report['cpus']} cores), Python {report['python']}.",
        "",
        f"Builds: the median of {b['runs']} runs of each, alternating serial and default, each run in a clean copy. "
        "Serial: RTCHX_BUILD_JOBS=0, myst-nb executes each notebook as Sphinx reads it (the build before "
        "issue 17). Default: the notebooks run several at a time while Sphinx reads, in kernels forked from one warm "
        "process (book/_ext/rtchx_book.py, rtchx_kernels.py).",
        "",
        "| build | serial | default | default / serial | target | |",
        "| --- | --- | --- | --- | --- | --- |",
        row("cold build", "cold_build_s", f"<= {TARGETS['cold_build_ratio']}x",
            verdict(ratio["cold_build_s"], TARGETS["cold_build_ratio"], inclusive=True)),
        row("rebuild after a change to data/", "data_change_rebuild_s", f"<= {TARGETS['data_change_rebuild_ratio']}x",
            verdict(ratio["data_change_rebuild_s"], TARGETS["data_change_rebuild_ratio"], inclusive=True)),
        row("warm rebuild", "warm_rebuild_s", f"default < {TARGETS['warm_rebuild_s']} s",
            verdict(default["warm_rebuild_s"], TARGETS["warm_rebuild_s"])),
        row("rebuild after one chapter's prose changed", "one_chapter_rebuild_s", "",
            "edit shown" if b["edit_reached_page"] else "EDIT NOT SHOWN"),
        "",
        "| every run (s) | " + " | ".join(MEASURES) + " |",
        "| --- | " + " | ".join("---" for _ in MEASURES) + " |",
        *(f"| {mode} {n + 1} | " + " | ".join(str(r[m]) for m in MEASURES) + " |"
          for mode, rs in b["every_run"].items() for n, r in enumerate(rs)),
        "",
        "| measure | value | target | |",
        "| --- | --- | --- | --- |",
        f"| largest page with its images | {html['largest_page_with_images_bytes'] / 1e6:.2f} MB "
        f"({html['largest_page']}) | < 2 MB "
        f"| {verdict(html['largest_page_with_images_bytes'], TARGETS['page_with_images_bytes'])} |",
        f"| largest image | {html['largest_image_bytes'] / 1e3:.0f} kB ({html['largest_image']}) | | |",
        f"| built HTML in all | {html['total_mb']} MB, {html['pages']} pages | | |",
        pdf_line(b["pdf"]),
    ]
    if report.get("install"):
        lines.append(f"| fresh environment from requirements.txt (no pip cache) | {report['install']['install_s']} s, "
                     f"{report['install']['environment_mb']} MB | | |")
    lines += ["", *notebook_table(report["notebooks"])]
    return "\n".join(lines) + "\n"


def notebook_table(rows: list[dict]) -> list[str]:
    """The notebooks' times as a Markdown table, with the sentence that says how they were measured."""
    runs = rows[0]["runs"] if rows else 0
    lines = [f"Each notebook alone, {runs} rounds of all of them; medians, and the slowest "
             f"round's wall time (target: median wall, kernel start and stop included, <= {TARGETS['notebook_s']} s), "
             "each run by the build's execute_notebook in a fresh kernel (the build itself forks its kernels "
             "from a warm process).", "",
             "| notebook | wall (fresh kernel) | slowest round | in cells | importing | import share | |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for nb in rows:
        lines.append(f"| {nb['notebook']} | {nb['wall_s']} s | {nb['slowest_wall_s']} s | {nb['cells_s']} s "
                     f"| {nb['imports_s']} s | {nb['import_share']:.0%} "
                     f"| {verdict(nb['wall_s'], TARGETS['notebook_s'], inclusive=True)} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-install", action="store_true", help="leave out the fresh-environment install")
    parser.add_argument("--runs", type=int, default=3,
                        help="how many times each build and each notebook is measured (median)")
    parser.add_argument("--notebooks-only", action="store_true",
                        help="time the notebooks alone (no builds, no install), printing their table")
    parser.add_argument("--out", type=Path, default=REPO / "_build" / "bench")
    args = parser.parse_args()
    report = {"when": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": platform.machine(),
              "cpus": os.cpu_count(), "python": platform.python_version(), "targets": TARGETS}
    if args.notebooks_only:
        report["notebooks"] = notebook_times(args.runs)
        print("\n" + "\n".join(notebook_table(report["notebooks"])))
        return
    with tempfile.TemporaryDirectory(prefix="rtchx-bench-") as tmp:
        workdir = Path(tmp)
        report["builds"] = builds(workdir, args.runs)
        report["notebooks"] = notebook_times(args.runs)
        report["install"] = None if args.skip_install else fresh_install(workdir)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    markdown = report_markdown(report)
    (args.out / "report.md").write_text(markdown)
    print("\n" + markdown)
    print(f"bench: report written to {args.out / 'report.md'}")


if __name__ == "__main__":
    main()
