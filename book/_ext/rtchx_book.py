"""Small Sphinx fixes for this book, loaded through `sphinx: local_extensions` in _config.yml.

sphinx-thebe (bundled with jupyter-book 1.x) registers its inline configuration
script on `env-before-read-docs`, which fires more than once in a full build, so
every page declared `const THEBE_JS_URL` twice and the browser raised
"Identifier 'THEBE_JS_URL' has already been declared". Keep one copy of each script.

myst-nb also embeds the saved state of every ipywidget in the page. The book
never renders widgets (a page has no kernel; each explorer in rtchx.widgets
shows its static HTML view instead, see _config.yml), so that state is dead
weight: it holds the explorers' last figures. Drop it.
"""

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _script_key(script):
    """What makes two scripts the same: the file (None and '' both mean inline) and the attributes."""
    if not hasattr(script, "filename"):
        return ("plain", str(script))
    return (script.filename or "", tuple(sorted(script.attributes.items())))


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


def setup(app):
    # after myst-nb's own handler (default priority 500) has added the notebook's scripts
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
