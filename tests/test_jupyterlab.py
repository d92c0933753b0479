"""The chapters as a Binder user reads them: in JupyterLab, with jupyterlab-myst, after "Run All".

The prose pastes every value with an {eval} role, one syntax for both readers. The book's
extension (book/_ext/rtchx_book.py) reads the value from the notebook's glued outputs, in two
forms only: {eval}`key` and {eval}`f"{key:fmt}"`. JupyterLab evaluates the same expression in
the kernel, where rtchx.book.glue has bound each plain key as a variable (a dotted key is a path
into a result the chapter holds). A figure is shown in the notebook as the output of the cell
that draws it (which the book hides, tag remove-output) and in the book as a numbered figure;
both show the caption of a caption-only {figure} that names the glued key (`:glue: key`).

Fast checks read the notebooks: the two forms, each key glued by its notebook, each figure's
drawing cell. The slow ones run the chapters: every {eval} must evaluate in the kernel to what
the book pastes, and a chapter opened in JupyterLab (from this venv, on loopback, in Debian's
Chromium) must, after "Run All", show no raw role or directive, a value for every expression,
its figures, its explorers, and folded solutions. Screenshots go to the test artefacts.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import itertools
import json
import re
import secrets
import socket
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from bookbuild import ARTEFACTS, REPO, clean_copy, tool_env
from IPython.core.formatters import PlainTextFormatter
from myst_nb.core.variables import format_plain_text
from plain_route import eval_expressions, markdown

import rtchx.book
from rtchx.book import exercises, glue, glue_result

sys.path.insert(0, str(REPO / "book" / "_ext"))
try:
    import rtchx_book  # the book's own forms of {eval}, so that test and build cannot disagree
finally:
    sys.path.remove(str(REPO / "book" / "_ext"))

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

#: Any same-page glue role or directive (cross-page `path::key` pastes stay glue roles); EVAL_ROLE: plain_route.
GLUE_LEFT = re.compile(r"\{glue(?::\w+)?\}`(?![^`]*::)[^`]*`|\{glue:figure\}")
#: A caption-only figure that takes its image from a glued output.
GLUED_FIGURE = re.compile(r"^(`{3,}|:{3,})\{figure\}[ \t]*\n(?:\s*:[\w-]+:.*\n)*?\s*:glue:[ \t]*(\S+)", re.MULTILINE)
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
FRAGMENT = r"[A-Za-z0-9_]+"   # a part of a key computed inside an f-string


def _code(cell: nbformat.NotebookNode) -> ast.Module:
    return ast.parse("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))))


def eval_key(expression: str) -> tuple[str, str | None]:
    """The glue key of an {eval} expression and its format (None for the bare key); ValueError for any other form."""
    if rtchx_book.EVAL_KEY.fullmatch(expression):
        return expression, None
    formatted = rtchx_book.EVAL_FORMATTED.fullmatch(expression)
    if formatted:
        return formatted["key"], formatted["format"]
    raise ValueError(expression)


# --- fast: what the notebooks say ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_pastes_with_eval_in_one_of_two_forms(path):
    expressions = eval_expressions(path)
    wrong = []
    for expression in expressions:
        try:
            eval_key(expression)
        except ValueError:
            wrong.append(expression)
    assert not wrong, f"{path.name}: {{eval}} must be `key` or `f\"{{key:format}}\"`, not {wrong}"
    left = [m for text in markdown(path) for m in GLUE_LEFT.findall(text)]
    assert not left, f"{path.name}: glue roles JupyterLab cannot show: {left[:5]}"


def _key_patterns(node: ast.expr, loops: dict[str, list[str]]) -> list[str]:
    """Regular expressions for the keys a glue call's first argument can produce; ``loops`` holds the names
    that enclosing for-loops take from literal lists of strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [re.escape(node.value)]
    if isinstance(node, ast.Name) and node.id in loops:
        return [re.escape(value) for value in loops[node.id]]
    if isinstance(node, ast.JoinedStr):
        parts = [[FRAGMENT if p == IDENTIFIER else p for p in _key_patterns(
                     part.value if isinstance(part, ast.FormattedValue) else part, loops)] for part in node.values]
        return ["".join(combination) for combination in itertools.product(*parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _key_patterns(node.left, loops) for b in _key_patterns(node.right, loops)]
    return [IDENTIFIER]   # computed at run time from something else: any identifier


def _glue_calls(node: ast.AST, loops: dict[str, list[str]]):
    """Each call in ``node`` with the literal values its enclosing for-loops give their names."""
    literal = isinstance(node, ast.For) and isinstance(node.iter, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.iter.elts)
    if literal and isinstance(node.target, ast.Name):
        loops = loops | {node.target.id: [e.value for e in node.iter.elts]}
    if isinstance(node, ast.Call):
        yield node, loops
    for child in ast.iter_child_nodes(node):
        yield from _glue_calls(child, loops)


def glued_key_patterns(path: Path) -> list[re.Pattern]:
    """What a notebook's code glues, read without running it: literal keys exactly, computed ones as patterns.

    glue(key, ...) and glue_result(prefix, ...) (which glues `prefix.field`), and the exercises'
    worked solutions (rtchx.book.exercises.glue_solutions, keys from solution_key).
    """
    patterns = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for call, loops in _glue_calls(_code(cell), {}):
            name = getattr(call.func, "attr", getattr(call.func, "id", None))
            if name == "glue" and call.args:
                patterns += _key_patterns(call.args[0], loops)
            elif name == "glue_result" and call.args:
                patterns += [p + rf"(\.{IDENTIFIER})+" for p in _key_patterns(call.args[0], loops)]
            elif name == "glue_solutions" and call.args and isinstance(call.args[0], (ast.List, ast.Tuple)):
                patterns += [re.escape(exercises.solution_key(label.value)) for label in call.args[0].elts]
    return [re.compile(p) for p in patterns]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_eval_key_is_glued_by_its_notebook(path):
    """Read, not run: a key whose name the code computes from anything but a literal loop (glue(key, ...) over
    a table's rows) is matched loosely here; the strict build, and the slow
    test_every_eval_evaluates_in_the_kernel_to_what_the_book_pastes, check every key exactly."""
    patterns = glued_key_patterns(path)
    missing = sorted({key for key, _ in map(eval_key, eval_expressions(path))
                      if not any(p.fullmatch(key) for p in patterns)})
    assert not missing, f"{path.name}: {{eval}} keys no code cell glues: {missing}"


def drawing_cell(cells: list, key: str) -> nbformat.NotebookNode:
    """The cell that shows a glued figure in Jupyter: the one that draws it, i.e. assigns the variable that
    glue(key, variable) passes, at or before the glue call (Jupyter shows a pyplot figure at the end of the
    cell that drew it; a figure drawn and glued in one cell, glue shows there)."""
    code = [c for c in cells if c.cell_type == "code"]
    calls = [(i, node) for i, c in enumerate(code) for node in ast.walk(_code(c)) if isinstance(node, ast.Call)
             and getattr(node.func, "id", getattr(node.func, "attr", None)) == "glue" and node.args
             and isinstance(node.args[0], ast.Constant) and node.args[0].value == key]
    assert len(calls) == 1, f"figure {key!r} is glued by {len(calls)} calls, not one"
    index, call = calls[0]
    if len(call.args) > 1 and isinstance(call.args[1], ast.Name):
        for cell in reversed(code[:index + 1]):
            for node in ast.walk(_code(cell)):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    if any(isinstance(n, ast.Name) and n.id == call.args[1].id for t in targets for n in ast.walk(t)):
                        return cell
    return code[index]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_glued_figure_shows_once_in_each_reader(path):
    """Its drawing cell shows it in JupyterLab and is hidden in the book, where the caption's figure pastes it."""
    keys = [key for text in markdown(path) for _, key in GLUED_FIGURE.findall(text)]
    assert len(keys) == len(set(keys)), f"{path.name}: a figure is pasted twice: {keys}"
    cells = nbformat.read(path, as_version=4).cells
    for key in keys:
        tags = set(drawing_cell(cells, key).metadata.get("tags", []))
        assert tags & {"remove-output", "remove-cell"}, (
            f"{path.name}: the cell that draws {key!r} shows it; tag it remove-output so the book shows it once")


# --- fast: glue in the kernel --------------------------------------------------------------------------------

class _Shell:
    def __init__(self):
        self.user_ns = {}
        self.display_formatter = types.SimpleNamespace(formatters={"text/plain": PlainTextFormatter()})


@pytest.fixture
def kernel(monkeypatch):
    """A stand-in for the IPython kernel running a chapter, and what glue() handed to myst-nb."""
    shell, glued = _Shell(), {}
    monkeypatch.setattr(rtchx.book, "get_ipython", lambda: shell)
    monkeypatch.setattr(rtchx.book, "_glue_output", lambda key, value, shown: glued.update({key: (value, shown)}))
    monkeypatch.setattr(rtchx.book, "_BOUND", {})
    return shell.user_ns, glued


def test_glue_names_a_plain_key_in_the_kernel(kernel):
    names, glued = kernel
    glue("n_patients", 11)
    assert names == {"n_patients": 11} and glued == {"n_patients": (11, False)}


def test_a_dotted_key_leads_into_the_chapters_result_or_a_namespace(kernel):
    names, glued = kernel
    primary = types.SimpleNamespace(p_exact=0.0123)
    names["primary"] = primary   # the chapter holds the result (glue_result's prefix)
    glue("primary.p_exact", 0.0123)
    assert names["primary"] is primary and glued["primary.p_exact"] == (0.0123, False)
    glue("solutions.ex_lc_5y", 70)   # nothing called solutions in the chapter: glue makes it
    glue("solutions.ex_os.median", 13)
    assert names["solutions"].ex_lc_5y == 70 and names["solutions"].ex_os.median == 13
    glue("solutions.ex_lc_5y", 71)   # the cell run again
    assert names["solutions"].ex_lc_5y == 71
    with pytest.raises(ValueError, match="identifier"):
        glue("fig-km", 1)


def test_glue_refuses_to_shadow_a_chapter_variable(kernel):
    names, glued = kernel
    names["median_level"] = 0.5   # the chapter's own variable
    with pytest.raises(ValueError, match="median_level"):
        glue("median_level", 50.0)
    assert names["median_level"] == 0.5 and not glued
    glue("median_level", names["median_level"])   # the very object: nothing changes
    assert names["median_level"] == 0.5


def test_running_a_cell_again_rebinds_what_glue_bound(kernel):
    names, _ = kernel
    glue("lc_5y_pct", 70.0)
    glue("lc_5y_pct", 70.0)   # a new float: the same cell run twice
    assert names["lc_5y_pct"] == 70.0


def test_plain_words_are_a_string_in_the_kernel(kernel):
    """JupyterLab lays out a Markdown result as a block of its own, and a string inline, like the prose."""
    from IPython.display import Markdown

    names, glued = kernel
    glue("position", Markdown("above"))
    glue("verdict", rtchx.book.Text("reproduces"))
    emphasis = Markdown("lies *inside* the interval")
    glue("benchmarks", emphasis)
    assert names["position"] == "above" and names["verdict"] == "reproduces"
    assert names["benchmarks"] is emphasis   # markup: JupyterLab must render it as Markdown
    assert isinstance(glued["position"][0], Markdown)   # the book pastes the Markdown, as before


def test_a_figure_shows_once_in_the_notebook(kernel):
    """Jupyter shows an open pyplot figure at the end of the cell that drew it, and closes it; glue shows
    one that is still open (drawn and glued in one cell, which closes it after), and no other."""
    names, glued = kernel
    drawn = plt.figure()
    drawn.add_subplot().plot([0, 1], [1, 0])
    glue("fig_open", drawn)   # drawn and glued in one cell
    plt.close(drawn)
    glue("fig_shown", drawn)   # glued in a later cell: Jupyter showed and closed it already
    image, display = glued["fig_open"]
    assert display and image.format == "png" and not glued["fig_shown"][1]
    assert "fig_open" not in names   # pasted by its figure, never by {eval}


def test_an_enum_field_shows_in_the_kernel_as_the_book_pastes_it(kernel):
    names, glued = kernel

    class Position(enum.Enum):
        ABOVE = "above"

    @dataclasses.dataclass(frozen=True)
    class Band:
        position: Position

    names["band"] = Band(Position.ABOVE)   # the chapter holds the result; {eval}`band.position` reads it
    glue_result("band", names["band"])
    assert repr(glued["band.position"][0]) == "above"
    formatter = rtchx.book.get_ipython().display_formatter.formatters["text/plain"]   # the stand-in's
    assert formatter(names["band"].position) == "above"   # not <Position.ABOVE: 'above'>


# --- slow: the kernel and JupyterLab -------------------------------------------------------------------------

def book_text(glued: dict, expression: str) -> tuple[str, str]:
    """What the book pastes for an {eval} expression, from the notebook's glued data: (mime type, text)."""
    key, fmt = eval_key(expression)
    data = glued[key]["data"]
    if fmt is not None:
        return "text/plain", format_plain_text(data["text/plain"], fmt)
    if "text/markdown" in data:
        return "text/markdown", data["text/markdown"]
    return "text/plain", data["text/plain"]


def kernel_text(result: dict, mime: str, expression: str) -> str:
    """What jupyterlab-myst shows for an expression's result: Markdown as it is, plain text without a
    string's quotes (glue binds plain words as a str, see rtchx.book.glue)."""
    assert result["status"] == "ok", f"{expression}: {result.get('ename')}: {result.get('evalue')}"
    if mime in result["data"]:
        text = result["data"][mime]
    else:
        text = result["data"]["text/plain"]
        mime = "text/plain"
    return re.sub(r"""^(["'])(.*)\1$""", r"\2", text, flags=re.DOTALL) if mime == "text/plain" else text


@pytest.mark.slow
def test_every_eval_evaluates_in_the_kernel_to_what_the_book_pastes(built_book, plain_route_run):
    """Each notebook run top to bottom in a fresh kernel of the plain route's environment (tests/test_binder.py
    runs them once for both tests), then its prose's expressions evaluated as jupyterlab-myst does."""
    root, _ = built_book
    wrong = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        expressions = sorted(set(eval_expressions(path)))
        if not expressions:
            continue
        glued = json.loads((root / "_build" / "jupyter_execute" / "notebooks" / f"{path.stem}.glue.json").read_text())
        results = plain_route_run.get("evaluated", {}).get(path.name)
        if results is None:   # tests/test_binder.py says why
            wrong.append(f"{path.name} did not run in the plain route's environment")
            continue
        for expression in expressions:
            mime, expected = book_text(glued, expression)
            try:
                shown = kernel_text(results[expression], mime, expression)
            except AssertionError as error:
                wrong.append(f"{path.name}: {error}")
                continue
            if shown != expected:
                wrong.append(f"{path.name}: {{eval}}`{expression}` is {shown!r} in the kernel, "
                             f"{expected!r} in the book")
    assert not wrong, "\n".join(wrong)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab from this venv, on loopback with a token, serving a clean copy of the repository: its URL and root.

    A home of its own: no user settings, workspaces or news; notebooks are laid out in full (no windowing),
    so that every cell is in the page to check.
    """
    root = clean_copy(tmp_path_factory.mktemp("lab"))
    home = tmp_path_factory.mktemp("lab-home")
    settings = home / "settings" / "@jupyterlab"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "apputils-extension/notification": {"fetchNews": "false"}}.items():
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))
    env = tool_env(root) | {"HOME": str(home), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
                            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
                            "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    port, token = _free_port(), secrets.token_hex(16)
    log = (home / "lab.log").open("w")
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert lab.poll() is None, (home / "lab.log").read_text()[-3000:]
                time.sleep(0.5)
        yield base, token, root
    finally:
        lab.terminate()
        lab.wait(30)
        log.close()


#: What a rendered markdown cell must never show: a role or directive JupyterLab did not understand.
RAW = ("{glue", "{eval}", "{term}", "{cite", "{numref}", "{doc}", "```", ":::", "Unknown Directive")

#: Per chapter: the figures it glues (shown as outputs) and the explorers it draws.
CHAPTERS = {"06_survival": {"explorers": 1}, "10_historical_comparison": {"explorers": 1}}


def _run_all(page) -> None:
    """Run > Run All Cells, as a reader does, once the kernel is idle; again if the first click came too early."""
    page.wait_for_selector("#jp-main-statusbar >> text=/\\| Idle/", timeout=120_000)
    for _ in range(3):
        page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.click("li[data-command='runmenu:run-all']")
        try:
            page.wait_for_function("""() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))""", timeout=15_000)
            return
        except Exception:   # JupyterLab ignored the command: the kernel was not ready after all
            page.keyboard.press("Escape")
    raise AssertionError("Run All never started")


def _screenshot(page, name: str) -> list[Path]:
    """The whole notebook, top to bottom, in as many screenshots as its length needs."""
    page.keyboard.press("Control+b")   # the file browser folded away, as a reader would
    folder = ARTEFACTS / "jupyterlab"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.png"):
        old.unlink()
    shots = []
    panel = ".jp-NotebookPanel .jp-WindowedPanel-outer"   # the notebook's scrolling box
    height = page.evaluate(f"document.querySelector('{panel}').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(height + 120, 12_000)})
    view = page.evaluate(f"document.querySelector('{panel}').clientHeight")
    parts = max(1, -(-(height - 8) // view))   # a few pixels over one screen need no second one
    for part, top in enumerate((min(i * view, height - view) for i in range(parts)), start=1):
        page.evaluate(f"document.querySelector('{panel}').scrollTop = {top}")
        page.wait_for_timeout(300)
        shots.append(folder / f"{name}-{part}.png")
        page.screenshot(path=str(shots[-1]))
    return shots


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapter_reads_in_jupyterlab_as_in_the_book(jupyterlab, browser, built_book, chapter):
    base, token, root = jupyterlab
    path = root / "notebooks" / f"{chapter}.ipynb"
    expressions = eval_expressions(path)
    figures = [key for text in markdown(path) for _, key in GLUED_FIGURE.findall(text)]
    solutions = sum(text.count("{solution}") for text in markdown(path))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    leaving = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (leaving.append(r.request.url),
                                                                                        r.abort()))
    page.goto(f"{base}/lab/tree/notebooks/{chapter}.ipynb?reset&token={token}")   # reset: this chapter alone
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=120_000)
    _run_all(page)
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
        const failed = document.querySelector(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']");
        return (failed || prompts.every(t => /\\[\\d+\\]/.test(t)))
            && document.querySelector("#jp-main-statusbar").innerText.includes("| Idle");
    }""", timeout=300_000, polling=500)
    failed = page.eval_on_selector_all(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                                       "els => els.map(e => e.innerText)")
    assert not failed, f"{chapter}: a cell failed or wrote to stderr:\n" + "\n".join(f[-2000:] for f in failed)
    page.keyboard.press("Control+s")   # what the kernel answered, in each markdown cell's metadata, read below
    page.wait_for_timeout(3000)
    _screenshot(page, chapter)

    cells = page.eval_on_selector_all(".jp-MarkdownCell .jp-InputArea > .myst", "els => els.map(e => e.innerText)")
    raw = [f"{mark!r} in: {text[:200]!r}" for text in cells for mark in RAW if mark in text]
    assert not raw, f"{chapter}: raw MyST in rendered cells:\n" + "\n".join(raw)
    errors = page.eval_on_selector_all(".jp-MarkdownCell [data-mime-type='application/vnd.jupyter.stderr']",
                                       "els => els.map(e => e.innerText)")
    assert not errors, f"{chapter}: expressions that failed: {errors}"
    unevaluated = page.eval_on_selector_all(".jp-MarkdownCell .jp-InputArea > .myst code",
                                            "els => els.map(e => e.innerText)")
    assert not set(unevaluated) & set(expressions), f"{chapter}: not evaluated: {set(unevaluated) & set(expressions)}"

    # every expression got a value from the kernel, the book's value (saved with the notebook by JupyterLab)
    saved = nbformat.read(path, as_version=4)
    answered = {e["expression"]: e["result"] for c in saved.cells if c.cell_type == "markdown"
                for e in c.metadata.get("user_expressions", [])}
    assert set(answered) == set(expressions), f"{chapter}: no answer for {set(expressions) - set(answered)}"
    book_root, _ = built_book
    glued = json.loads((book_root / "_build" / "jupyter_execute" / "notebooks" / f"{chapter}.glue.json").read_text())
    for expression, result in answered.items():
        mime, expected = book_text(glued, expression)
        assert kernel_text(result, mime, expression) == expected, expression

    shown = page.eval_on_selector_all(".jp-OutputArea-output[data-mime-type='image/png'] img", "els => els.length")
    captions = page.eval_on_selector_all(".jp-MarkdownCell figure figcaption", "els => els.map(e => e.innerText)")
    assert shown >= len(figures) and len(captions) >= len(figures), (chapter, shown, captions)
    assert all(re.match(r"Figure\s\d+:", c) for c in captions), captions
    widgets = page.eval_on_selector_all(".jp-OutputArea-output .jupyter-widgets img", "els => els.length")
    assert widgets >= CHAPTERS[chapter]["explorers"], f"{chapter}: an explorer drew no figure"
    assert "Error displaying widget" not in page.inner_text(".jp-Notebook")
    folded = page.eval_on_selector_all(".jp-MarkdownCell details", "els => els.map(e => [e.open, e.innerText])")
    solution_boxes = [f for f in folded if f[1].startswith("Solution")]
    assert len(solution_boxes) == solutions and not any(is_open for is_open, _ in solution_boxes), folded
    assert not leaving, f"{chapter}: requests off this machine: {leaving[:5]}"
    context.close()
