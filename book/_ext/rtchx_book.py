"""Small Sphinx fixes for this book, loaded through `sphinx: local_extensions` in _config.yml.

sphinx-thebe (bundled with jupyter-book 1.x) registers its inline configuration
script on `env-before-read-docs`, which fires more than once in a full build, so
every page declared `const THEBE_JS_URL` twice and the browser raised
"Identifier 'THEBE_JS_URL' has already been declared". Keep one copy of each script.

myst-nb also embeds the saved state of every ipywidget in the page. The book
never renders widgets (a page has no kernel; each explorer in rtchx.book.widgets
shows its static HTML view instead, see _config.yml), so that state is dead
weight: it holds the explorers' last figures. Drop it.

Two accessibility fixes (found by axe-core in tests/test_browser.py) are made to
each page's body, listed in ACCESSIBILITY_FIXES; two more are templates in
book/_templates (the search button and the colour-mode switch).

Notebook outputs are cached between builds (execute_notebooks: cache), but
jupyter-cache keys a notebook on its code cells alone, and Sphinx re-reads a page
only when its own source changes. The chapters also read data/ and call the rtchx
package, so this extension fingerprints those inputs: when the fingerprint differs
from the last successful build's, the cache is cleared and every page is re-read,
so a change to data/ or src/ can never leave a stale number in the book.

A page that pastes a value glued in a notebook ({glue}`../notebooks/x.ipynb::name`)
is recorded as depending on that notebook, so Sphinx re-reads (and rewrites) it
when the notebook changes; myst-nb resolves such values only when writing.

One syntax for the book and for JupyterLab. A chapter's prose pastes values with
{eval}`expression`: jupyterlab-myst evaluates the expression in the reader's kernel,
and this extension's `eval` role (replacing myst-nb's, which would need
nb_execution_mode "inline" and so give up the cached build) reads it from the
notebook's glued values instead, through myst-nb's own glue roles, so the page is
what {glue} roles made of it. Two forms, anything else is a build warning:
    {eval}`key`            as {glue}`key`, or {glue:md}`key` if the value is Markdown;
    {eval}`f"{key:fmt}"`   as {glue:text}`key:fmt`; a value the data in hand cannot give
                           (rtchx.book.NotComputableValue) reads "not computable" whatever the format.
The key is an identifier, which rtchx.book.glue also binds in the kernel, or a dotted
path (`primary.p_exact`) into a result the chapter holds (rtchx.book.glue_result).
A figure likewise: its drawing cell shows the glued figure in the notebook (and is
tagged remove-output), and a caption-only {figure} names the glued key, `:glue: key`,
which JupyterLab shows, numbered, under the cell's output and the book fills with the
glued image, as {glue:figure} does.

Notebooks are executed as many at a time as the machine has cores, starting before
Sphinx reads a page (`_Execution`): Sphinx reads pages one by one, and its own `-j`
splits them into uneven chunks (with 17 pages and 2 processes, one process gets 8
notebooks and the other 3). Each notebook runs in its own kernel, in a thread of the
build. Sphinx goes on reading meanwhile, and waits for a notebook's kernel only when it
comes to that page; the build's main thread then writes the notebook to the jupyter-cache
(SQLite; no other thread writes to it), and myst-nb reads the page from the cache as
before. Kernels get one BLAS/OpenMP thread each, so two kernels do not fight over two
cores, and on Linux each is a fork of one warm process that has the heavy modules
imported (rtchx_kernels.py), so no notebook pays for those imports. A notebook that
fails is left out of the cache: myst-nb runs it again while reading, and fails the build
with its own message, as a serial build does. Only the notebooks Sphinx will read are
looked at, so a warm rebuild opens none.
`RTCHX_BUILD_JOBS=0` turns the step off (myst-nb executes each notebook as it reads it,
the serial build that scripts/bench.py compares with); another number sets how many
kernels run at once.
"""

import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import rtchx_kernels
from docutils import nodes
from docutils.parsers.rst import directives
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.variables import RetrievalError, create_warning
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteRoleAny, PasteTextRole
from myst_nb.ext.glue.utils import glue_warning, retrieve_glue_data
from myst_nb.ext.utils import RoleBase
from sphinx.directives.patches import Figure
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: What the notebooks read besides their own cells, relative to the book's root (data/ may be
#: replaced by the folder RTCHX_DATA_DIR names, as rtchx.core.data does).
INPUTS = ("data", "src", "book/_ext", "requirements.txt")
DATA_DIR_ENV = "RTCHX_DATA_DIR"
FINGERPRINT_FILE = "rtchx-inputs.sha256"
#: What rtchx.book.NotComputableValue glues: pasted as these words whatever the format asked for.
NOT_COMPUTABLE = "not computable"
#: How many notebooks run at once (default: the cores this process may use); 0 leaves execution to myst-nb.
JOBS_ENV = "RTCHX_BUILD_JOBS"
#: Set to 1 in every kernel: numpy's BLAS and OpenMP would otherwise start a thread per core in each of them.
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
CROSS_PAGE_GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+\.ipynb)::")


#: The two forms an {eval} role may take in a chapter: a glued key, or one formatted in an f-string.
EVAL_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
EVAL_FORMATTED = re.compile(r'f"\{(?P<key>' + EVAL_KEY.pattern + r'):(?P<format>[^{}"]+)\}"')


class EvalGlued(RoleBase):
    """{eval}`key` or {eval}`f"{key:fmt}"`, pasted from the page's glued values (see the module's docstring)."""

    def __call__(self, name, rawtext, text, lineno, inliner, options=None, content=()):
        self.lineno = lineno   # for the glue role this one hands over to
        return super().__call__(name, rawtext, text, lineno, inliner, options, content)

    def run(self):
        if EVAL_KEY.fullmatch(self.text):
            try:
                glued = retrieve_glue_data(self.document, self.text)
            except RetrievalError as exc:
                return [], [glue_warning(str(exc), self.document, self.line)]
            paste = PasteMarkdownRole() if "text/markdown" in glued.data else PasteRoleAny()
            return paste("glue", self.rawtext, self.text, self.lineno, self.inliner)
        formatted = EVAL_FORMATTED.fullmatch(self.text)
        if formatted:
            try:
                glued = retrieve_glue_data(self.document, formatted["key"])
            except RetrievalError as exc:
                return [], [glue_warning(str(exc), self.document, self.line)]
            if glued.data.get("text/plain") == NOT_COMPUTABLE:   # rtchx.book.NotComputableValue: any format
                return [nodes.inline(self.rawtext, NOT_COMPUTABLE, classes=["pasted-text"])], []
            return PasteTextRole()("glue:text", self.rawtext, f"{formatted['key']}:{formatted['format']}",
                                   self.lineno, self.inliner)
        message = f'{{eval}}`{self.text}` is neither `key` nor `f"{{key:format}}"` (see book/_ext/rtchx_book.py)'
        return [], [create_warning(message, self.document, self.line, subtype="eval")]


class GluedFigure(Figure):
    """Sphinx's figure; without an image path, `:glue: key` pastes a glued notebook output as its image."""

    required_arguments = 0
    optional_arguments = 1
    option_spec = {**Figure.option_spec, "glue": directives.unchanged_required}

    def run(self):
        key = self.options.pop("glue", None)
        if key is None and not self.arguments:
            raise self.error("a figure needs an image path or, in a notebook, a `:glue:` key")
        if key is None:
            return super().run()
        if self.arguments:
            raise self.error(f"a figure takes an image path or `:glue: {key}`, not both")
        return PasteFigureDirective(self.name, [key], self.options, self.content, self.lineno, self.content_offset,
                                    self.block_text, self.state, self.state_machine).run()


def _script_key(script):
    """What makes two scripts the same: the file (None and '' both mean inline) and the attributes."""
    if not hasattr(script, "filename"):
        return ("plain", str(script))
    return (script.filename or "", tuple(sorted(script.attributes.items())))


#: Markup that axe-core (tests/test_browser.py) flags, and what replaces it in every page's body.
ACCESSIBILITY_FIXES = {
    # Sphinx's reference list says role="list", but its entries are not list items (aria-required-children)
    '<div role="list" class="citation-list">': '<div class="citation-list">',
    # myst-nb names a hidden cell's toggle "Toggle hidden content" while it shows "Show code cell source"
    # (label-content-name-mismatch); without the label, the toggle is named by what it shows
    '<summary aria-label="Toggle hidden content">': "<summary>",
    # on a phone a figure scrolls sideways in its own box (rtchx.css), which a keyboard must be able
    # to reach (scrollable-region-focusable); the figure is named by its caption
    '<figure class="align-default"': '<figure tabindex="0" class="align-default"',
}


def _accessibility_fixes(app, pagename, templatename, context, doctree):
    if "body" in context:
        for old, new in ACCESSIBILITY_FIXES.items():
            context["body"] = context["body"].replace(old, new)


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = _script_key(script)
        if getattr(script, "attributes", {}).get("type") == WIDGET_STATE:
            continue
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _installed_packages() -> list[str]:
    """``name==version`` of every installed distribution, read from the header of its metadata file.

    importlib.metadata parses each whole file as an e-mail message to give the same two fields: 0.4 s
    for the 400 packages here, in every build, a warm rebuild included.
    """
    installed = []
    for dist in importlib.metadata.distributions():
        text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
        header = text.split("\n\n", 1)[0].splitlines()
        fields = dict(line.split(": ", 1) for line in header if line.startswith(("Name: ", "Version: ")))
        installed.append(f"{fields.get('Name')}=={fields.get('Version')}")
    return sorted(installed)


def inputs_fingerprint(root: Path) -> str:
    """A hash of every file the notebooks depend on outside their own cells, of the Python running
    them and of the installed packages' versions."""
    digest = hashlib.sha256(sys.version.encode())
    digest.update("\n".join(_installed_packages()).encode())
    for name in INPUTS:
        base = root / name
        if name == "data" and os.environ.get(DATA_DIR_ENV):
            base = Path(os.environ[DATA_DIR_ENV])
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts and ".egg-info" not in str(path):
                digest.update(path.relative_to(base.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def build_fingerprint(app) -> str:
    """`inputs_fingerprint` of the book being built, computed once per build: the cache check and
    the handout (book/_ext/rtchx_handout.py) both need it."""
    if getattr(app, "_rtchx_fingerprint", None) is None:
        app._rtchx_fingerprint = inputs_fingerprint(Path(app.srcdir))
    return app._rtchx_fingerprint


def _cache_dir(app) -> Path:
    """The jupyter-cache folder myst-nb uses (set by myst-nb on builder-inited)."""
    return Path(app.env.mystnb_config.execution_cache_path)


def _check_inputs(app):
    """Before reading: if data/, src/, ... changed since the last good build, drop the notebook cache."""
    recorded = _cache_dir(app) / FINGERPRINT_FILE
    app._rtchx_inputs_changed = not (recorded.is_file() and recorded.read_text() == build_fingerprint(app))
    if app._rtchx_inputs_changed and _cache_dir(app).exists():
        shutil.rmtree(_cache_dir(app))


def build_jobs() -> int:
    """How many notebooks the build executes at once (RTCHX_BUILD_JOBS, else the usable cores)."""
    if os.environ.get(JOBS_ENV, "").strip():
        return max(0, int(os.environ[JOBS_ENV]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def execute_notebook(path: Path, timeout: int | None, allow_errors: bool, record_timing: bool = False,
                     kernel_manager_class=None):
    """Run one notebook in a new kernel, in its own folder (as myst-nb does); jupyter-cache's result
    (``.nb`` executed, ``.time`` in seconds from starting the kernel to stopping it, ``.err``).

    The kernel is stopped at once when the last cell has finished: every output has arrived by then,
    and a polite shutdown, waiting for the kernel process to exit, added 0.8-0.9 s to every notebook.
    ``kernel_manager_class``: how the kernel is started; the build passes
    `rtchx_kernels.WarmProcess.kernel_manager_class` (a fork of a process that has the heavy modules
    imported), None starts a fresh kernel, as scripts/bench.py does to time each notebook alone.
    """
    notebook = nbformat.read(path, as_version=4)
    starting = {} if kernel_manager_class is None else {"kernel_manager_class": kernel_manager_class}
    return single_nb_execution(notebook, cwd=str(path.parent), timeout=timeout, allow_errors=allow_errors,
                               meta_override=True, record_timing=record_timing, shutdown_kernel="immediate",
                               **starting)


def _notebooks_to_read(app) -> list[str]:
    """The notebooks Sphinx is about to read, by docname, in the order it reads them.

    After a change to the inputs, every one. Otherwise the ones Sphinx finds new or outdated (its own
    test: source or dependency newer than the saved environment, or no doctree), so that a warm rebuild
    opens no notebook. A page Sphinx re-reads for another reason (a changed _config.yml) finds its
    notebook in the cache, as its code did not change; if not, myst-nb runs it as it reads it.
    """
    found = app.project.discover(app.config.exclude_patterns, app.config.include_patterns)
    if not app._rtchx_inputs_changed:
        added, changed, _removed = app.env.get_outdated_files(config_changed=False)
        found = added | changed
    return sorted(d for d in found if Path(app.env.doc2path(d)).suffix == ".ipynb")


class _Execution:
    """Notebooks executing in the background, one kernel per thread, while Sphinx goes on.

    Started on builder-inited. Sphinx reads pages one at a time in docname order; just before it reads a
    notebook (source-read), `collect` waits for that notebook's kernel and caches its result, so reading
    the pages already done overlaps the kernels still running. Only the thread calling `collect` (the
    build's main thread) writes to the cache.
    """

    def __init__(self, app, docnames: list[str], jobs: int):
        config = app.env.mystnb_config
        self.app, self.jobs, self.start = app, jobs, time.monotonic()
        self.cache = get_cache(str(_cache_dir(app)))
        self.warm, kernels = None, None
        if rtchx_kernels.available():
            self.warm = rtchx_kernels.WarmProcess()
            self.warm.start()
            kernels = self.warm.kernel_manager_class()
        self.pool = ThreadPoolExecutor(max_workers=min(jobs, len(docnames)))
        self.futures = {}
        for docname in docnames:
            path = Path(app.env.doc2path(docname))
            LOGGER.info(f"Executing notebook using local CWD, {jobs} at a time: {path.relative_to(app.srcdir)}")
            self.futures[docname] = self.pool.submit(execute_notebook, path, config.execution_timeout,
                                                     config.execution_allow_errors, kernel_manager_class=kernels)
        self.count = len(docnames)

    def collect(self, docname: str) -> None:
        """Wait for ``docname``'s kernel, if it has one running, and cache the notebook it executed.
        A notebook that failed is left out: myst-nb runs it again and fails the build with its message."""
        future = self.futures.pop(docname, None)
        if future is None:
            return
        path, result = Path(self.app.env.doc2path(docname)), future.result()
        name = path.relative_to(self.app.srcdir)
        if result.err is not None:
            LOGGER.info(f"{name} failed; left for myst-nb to run and report")
            return
        record = self.cache.add_nb_to_project(str(path))
        self.cache.cache_notebook_bundle(CacheBundleIn(result.nb, record.uri,
                                                       data={"execution_seconds": result.time}),
                                         check_validity=False, overwrite=True)
        LOGGER.info(f"Executed {name} in {result.time:.2f} s")

    def collect_all(self) -> None:
        """Cache whatever Sphinx did not read, and stop the threads."""
        for docname in sorted(self.futures):
            self.collect(docname)
        self.pool.shutdown()
        if self.warm is not None:
            self.warm.stop()
        kernels = "fresh kernels" if self.warm is None else "kernels forked from one warm process"
        LOGGER.info(f"Executed {self.count} notebooks, {self.jobs} at a time, in {kernels}, "
                    f"in {time.monotonic() - self.start:.1f} s (Sphinx reading meanwhile)")

    def cancel(self) -> None:
        """The build failed: start no more kernels, and stop those running."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.warm is not None:
            self.warm.stop()


def _start_execution(app):
    """Before reading: start executing every notebook Sphinx will read and the cache lacks."""
    for name in ONE_THREAD:
        os.environ[name] = "1"   # inherited by every kernel started from now on, myst-nb's included
    config, jobs = app.env.mystnb_config, build_jobs()
    app._rtchx_execution = None
    if jobs == 0 or config.execution_mode != "cache" or config.execution_in_temp:
        return
    to_read = _notebooks_to_read(app)
    missing = []
    if to_read:
        cache = get_cache(str(_cache_dir(app)))
        for docname in to_read:
            try:
                cache.match_cache_notebook(nbformat.read(app.env.doc2path(docname), as_version=4))
            except KeyError:
                missing.append(docname)
    LOGGER.info(f"Notebooks Sphinx will read: {len(to_read)}, of which not in the cache: {len(missing)}")
    if missing:
        app._rtchx_execution = _Execution(app, missing, jobs)
        if app.parallel > 1:   # sphinx -j reads in forked processes, which cannot wait on these threads
            app._rtchx_execution.collect_all()


def _collect_notebook(app, docname, source):
    """Just before Sphinx reads a notebook: make sure its executed copy is in the cache."""
    if getattr(app, "_rtchx_execution", None) is not None:
        app._rtchx_execution.collect(docname)


def _collect_all_notebooks(app, env):
    """Every page read: cache the rest (a notebook Sphinx read elsewhere, e.g. in a forked process)."""
    if getattr(app, "_rtchx_execution", None) is not None:
        app._rtchx_execution.collect_all()
        app._rtchx_execution = None
    return []


def _outdated_pages(app, env, added, changed, removed):
    """After an input changed, every page is re-read (Sphinx itself only re-reads changed sources)."""
    return sorted(env.found_docs) if app._rtchx_inputs_changed else []


def _note_pasted_notebooks(app, docname, source):
    """A page that pastes a notebook's glued value depends on that notebook (re-read when it changes)."""
    folder = Path(app.env.doc2path(docname)).parent
    for target in CROSS_PAGE_GLUE.findall(source[0]):
        app.env.note_dependency(str((folder / target).resolve()))


def _after_build(app, exception):
    """Remember the inputs of a good build. After a failed one (an error, or a warning under -W),
    forget the saved environment, so that the next build reads every page again and reports
    the same problems instead of skipping the pages that caused them."""
    if getattr(app, "_rtchx_execution", None) is not None:
        app._rtchx_execution.cancel()
    strict = app.warningiserror or app.keep_going   # Sphinx keeps -W in keep_going when --keep-going is given
    failed = exception is not None or (strict and getattr(app, "_warncount", 0))
    if failed:
        Path(app.doctreedir, "environment.pickle").unlink(missing_ok=True)
    elif _cache_dir(app).exists():
        (_cache_dir(app) / FINGERPRINT_FILE).write_text(build_fingerprint(app))


def setup(app):
    # after myst-nb's setup (local extensions load last), so these replace myst-nb's eval role and Sphinx's figure
    app.add_role("eval", EvalGlued(), override=True)
    app.add_directive("figure", GluedFigure, override=True)
    app.connect("builder-inited", _check_inputs, priority=600)   # after myst-nb sets its cache path
    app.connect("builder-inited", _start_execution, priority=700)   # after _check_inputs cleared the cache
    app.connect("source-read", _collect_notebook)
    app.connect("env-updated", _collect_all_notebooks)
    app.connect("env-get-outdated", _outdated_pages)
    app.connect("source-read", _note_pasted_notebooks)
    app.connect("build-finished", _after_build)
    # after myst-nb's own handler (default priority 500) has added the notebook's scripts
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _accessibility_fixes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
