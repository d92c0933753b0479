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
"""

import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
from pathlib import Path

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: What the notebooks read besides their own cells, relative to the book's root (data/ may be
#: replaced by the folder RTCHX_DATA_DIR names, as rtchx.core.data does).
INPUTS = ("data", "src", "book/_ext", "requirements.txt")
DATA_DIR_ENV = "RTCHX_DATA_DIR"
FINGERPRINT_FILE = "rtchx-inputs.sha256"
CROSS_PAGE_GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+\.ipynb)::")


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


def inputs_fingerprint(root: Path) -> str:
    """A hash of every file the notebooks depend on outside their own cells, of the Python running
    them and of the installed packages' versions."""
    digest = hashlib.sha256(sys.version.encode())
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(installed).encode())
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


def _cache_dir(app) -> Path:
    """The jupyter-cache folder myst-nb uses (set by myst-nb on builder-inited)."""
    return Path(app.env.mystnb_config.execution_cache_path)


def _check_inputs(app):
    """Before reading: if data/, src/, ... changed since the last good build, drop the notebook cache."""
    app._rtchx_fingerprint = inputs_fingerprint(Path(app.confdir))
    recorded = _cache_dir(app) / FINGERPRINT_FILE
    app._rtchx_inputs_changed = not (recorded.is_file() and recorded.read_text() == app._rtchx_fingerprint)
    if app._rtchx_inputs_changed and _cache_dir(app).exists():
        shutil.rmtree(_cache_dir(app))


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
    strict = app.warningiserror or app.keep_going   # Sphinx keeps -W in keep_going when --keep-going is given
    failed = exception is not None or (strict and getattr(app, "_warncount", 0))
    if failed:
        Path(app.doctreedir, "environment.pickle").unlink(missing_ok=True)
    elif _cache_dir(app).exists():
        (_cache_dir(app) / FINGERPRINT_FILE).write_text(app._rtchx_fingerprint)


def setup(app):
    app.connect("builder-inited", _check_inputs, priority=600)   # after myst-nb sets its cache path
    app.connect("env-get-outdated", _outdated_pages)
    app.connect("source-read", _note_pasted_notebooks)
    app.connect("build-finished", _after_build)
    # after myst-nb's own handler (default priority 500) has added the notebook's scripts
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _accessibility_fixes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
