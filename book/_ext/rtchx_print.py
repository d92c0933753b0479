"""Sphinx additions for the printed book (scripts/build-pdf.sh), never loaded by the HTML build.

scripts/build-pdf.sh builds the whole book as one HTML page (Sphinx's ``singlehtml`` builder)
with a configuration that adds this extension, and prints that page to PDF with Chromium.
Two things the HTML build gets for free must be repeated for the single page:

- Sphinx looks up how to write a node under the builder's name ("singlehtml") and falls back to
  the format's ("html") only when no extension registered anything under that name.
  sphinx-exercise registers its nodes for "singlehtml", so every other extension's HTML-only
  nodes (myst-nb's folded code cell, for one) would have no writer. They are copied over.
- myst-nb chooses each output's MIME type by builder name: _config.yml's choices for "html"
  (tables as their numbered markdown, explorers as their static view) are repeated for
  "singlehtml".

It also links book/_static/print.css, the print layout (no navigation, a page break before
each chapter, wide tables shrunk to the page), and heads the theme's printed table of contents
with the book's title (from _config.yml) rather than the front page's: the first printed page
is the title and the contents.
"""

BUILDER = "singlehtml"


def _repeat_html_choices(app, config):
    overrides = list(config.nb_mime_priority_overrides)
    config.nb_mime_priority_overrides = overrides + [
        (BUILDER, mime, priority) for builder, mime, priority in overrides if builder == "html"
    ]


def _copy_html_writers(app):
    handlers = app.registry.translation_handlers
    for name, visitors in handlers.get("html", {}).items():
        handlers.setdefault(BUILDER, {}).setdefault(name, visitors)


def _book_title_on_first_page(app, pagename, templatename, context, doctree):
    if app.builder.name == BUILDER:
        context["pagetitle"] = app.config.html_title


def setup(app):
    app.connect("config-inited", _repeat_html_choices)
    app.connect("builder-inited", _copy_html_writers)
    app.connect("html-page-context", _book_title_on_first_page)
    app.add_css_file("print.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
