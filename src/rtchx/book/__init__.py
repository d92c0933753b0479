"""The book layer: what a reader sees, made from the core's results.

This module holds the helpers that hand values to the book's prose (``glue``,
``Text``). Its modules:

``tables``
    Reader-facing tables, numbered and captioned (``BookTable``).
``figures``
    The book's figures, one theme and one colour-blind-safe palette.
``prose``
    Sentences whose wording follows the numbers.
``reasons``
    The audit's reasons in words (why each claim of the ledger has its status).
``widgets``
    The live explorers, each with a static view for the HTML book.
``exercises``
    Self-checks for the exercises.
``entries``
    What a reader types: one convention for rates, in self-checks and explorers.
``reading``
    Reading times computed from a chapter's text.

Imports go one way: this layer imports ``rtchx.core``, never the reverse.
"""

from __future__ import annotations

import dataclasses
import enum
import keyword
import re
import sys
import types

import numpy as np
from IPython import get_ipython
from IPython.core.formatters import format_display_data
from IPython.display import Image, display

#: Glue's output format, which myst-nb reads when it builds a page (myst_nb.ext.glue): a display output
#: whose metadata names the key under "scrapbook", its MIME types prefixed with this when the notebook
#: is not to show the value. Written here rather than by calling myst_nb.glue, whose module imports
#: nbformat and jsonschema (with its grammar-compiling format checkers): 1.9 s in every kernel.
GLUE_PREFIX = "application/papermill.record/"


def glue(key: str, value) -> None:
    """Glue a value for the page's prose, and name it in the notebook's kernel.

    The book pastes the value where the prose says {eval}`key` or
    {eval}`f"{key:.0f}"` (book/_ext/rtchx_book.py reads it from the glued
    output, as myst-nb's glue roles do). In JupyterLab, jupyterlab-myst
    evaluates the same expression in the kernel, so the key is bound there too:
    a plain key as a variable holding the value (plain words, a ``Text`` or
    Markdown without markup, as a ``str``: JupyterLab lays out a Markdown result
    as a block of its own, a string inline like the prose). A key may not rebind
    a chapter's own variable that holds something else, since the notebook and
    the book would then disagree: that raises (a name glue bound itself, when a
    cell is run again, is rebound). A dotted key (``glue_result``) leads into the
    chapter's variable of its first name, or else into a namespace glue makes
    under that name (``solutions.ex_lc_5y``).

    NumPy scalars are turned into plain Python numbers first: their repr under
    NumPy 2 ('np.float64(5.0)') cannot be formatted by ``f"{key:.0f}"`` in the book.
    A matplotlib figure is glued as the book's PNG (``rtchx.book.figures.png_bytes``),
    which records the size of its smallest text for the legibility tests. The
    notebook shows a figure once: Jupyter shows a pyplot figure at the end of the
    cell that drew it (and closes it); one still open when glued (drawn and glued
    in one cell, which then closes it) glue shows itself. The book hides that
    cell's output (tag ``remove-output``) and shows the figure in the numbered
    figure whose caption names the key (``{figure}`` with ``:glue: key``).

    Parameters
    ----------
    key : str
        A Python identifier (``n_patients``) or a dotted path of them (``primary.p_exact``).
    value : object
        A number, a ``Text``, an ``IPython.display.Markdown`` or a matplotlib Figure.

    Returns
    -------
    None

    Example
    -------
    >>> glue("n_patients", 11)  # doctest: +SKIP
    >>> n_patients  # in the chapter's kernel  # doctest: +SKIP
    11
    """
    if isinstance(value, np.generic):
        value = value.item()
    # only a chapter that drew something has matplotlib loaded; the others skip importing it (2 s)
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is not None and isinstance(value, figure_module.Figure):
        from rtchx.book.figures import png_bytes  # deliberate: figures imports matplotlib, needed only here

        _glue_output(key, Image(data=png_bytes(value), format="png"), shown=not _shown_already(value))
        return
    if not all(part.isidentifier() and not keyword.iskeyword(part) for part in key.split(".")):
        raise ValueError(f"glue key {key!r} is not an identifier or a dotted path of identifiers")
    _bind_in_kernel(key, value)
    _glue_output(key, value, shown=False)


def _glue_output(key: str, value, shown: bool) -> None:
    """Write the cell output myst-nb reads as the glued ``key`` (see GLUE_PREFIX); ``shown``: the
    notebook shows the value too."""
    bundle, metadata = format_display_data(value)
    prefix = "" if shown else GLUE_PREFIX
    metadata["scrapbook"] = {"name": key, "mime_prefix": prefix}
    display({prefix + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)


def _shown_already(fig) -> bool:
    """Whether Jupyter has shown a figure: its inline backend shows each open pyplot figure at the end of
    the cell that drew it, then closes it."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    number = getattr(fig, "number", None)
    return pyplot is not None and number is not None and not pyplot.fignum_exists(number)


#: What glue() bound in the kernel, by name: running a cell again may rebind these, and nothing else.
_BOUND: dict[str, object] = {}

#: Markdown markup: a glued text without any is plain words.
_MARKUP = re.compile(r"[*_`\[\]{}<>#|\\$~]|\n\s*\n|^\s*[-+>]")


def _kernel_value(value):
    """What the kernel holds for a glued value: plain words (``Text``, or Markdown without markup) as a
    ``str``, which JupyterLab shows inline like the prose around it; anything else as it is."""
    to_markdown = getattr(value, "_repr_markdown_", None)
    words = to_markdown() if to_markdown is not None else None
    if isinstance(words, str) and not _MARKUP.search(words):
        return words
    return value


def _bind_in_kernel(key: str, value) -> None:
    """Make ``key`` evaluate to ``value`` in the IPython kernel running the chapter, if there is one.

    A plain key becomes a variable. A dotted key (``primary.p_exact``) leads into the object its first
    name holds: the chapter's own variable if it has one (glue_result's prefix), else a namespace that
    glue makes for it (``solutions.ex_lc_5y``).
    """
    shell = get_ipython()   # None outside a kernel (the command line, the tests): nothing to bind
    if shell is None:
        return
    names = shell.user_ns
    root, *path = key.split(".")
    ours = root in _BOUND and names.get(root) is _BOUND[root]
    if not path:
        if root in names and names[root] is value:   # the chapter's own variable, glued as it is
            return
        if root in names and not ours:
            raise ValueError(f"glue key {key!r} is already a variable of this notebook holding "
                             f"{type(names[root]).__name__} {names[root]!r:.60}; rename the key, since the "
                             f"notebook's {{eval}}`{key}` would read the variable")
        names[root] = _BOUND[root] = _kernel_value(value)
        return
    if root in names and not ours:   # the chapter holds the result: the path evaluates by itself
        return
    space = names[root] if ours else types.SimpleNamespace()
    names[root] = _BOUND[root] = space
    for name in path[:-1]:
        if not isinstance(getattr(space, name, None), types.SimpleNamespace):
            setattr(space, name, types.SimpleNamespace())
        space = getattr(space, name)
    setattr(space, path[-1], _kernel_value(value))


def glue_result(prefix: str, result) -> list[str]:
    """Glue every field of a typed result for the prose, under ``prefix.field``.

    One call replaces a glue line per number. Name the prefix after the
    chapter's variable that holds the result, so that the key reads like the
    Python expression for the same value (``primary.p_exact``).

    Parameters
    ----------
    prefix : str
        The first part of each key, usually the name of the variable.
    result : dataclass instance
        A frozen dataclass from ``rtchx.core``. Numbers are glued as numbers
        (for a format spec in the prose), strings and enum members as plain
        ``Text``, nested dataclasses under ``prefix.field.subfield``; ``None``,
        collections and tables are skipped, since prose cannot paste them.

    Returns
    -------
    list of str
        The keys glued, in field order.

    Example
    -------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Estimate:
    ...     rate: float
    ...     label: str
    >>> glue_result("lc", Estimate(0.7, "five years"))  # doctest: +SKIP
    ['lc.rate', 'lc.label']
    """
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        raise TypeError(f"glue_result needs a dataclass instance, not {type(result).__name__}")
    keys = []
    for field in dataclasses.fields(result):
        key, value = f"{prefix}.{field.name}", getattr(result, field.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            keys += glue_result(key, value)
            continue
        if isinstance(value, enum.Enum):
            _show_as_value(type(value))
            value = Text(str(value.value))
        elif isinstance(value, str):
            value = Text(value)
        elif not isinstance(value, (bool, int, float, np.generic)):
            continue
        glue(key, value)
        keys.append(key)
    return keys


def _show_as_value(kind: type[enum.Enum]) -> None:
    """Show the members of an enum as their value in the chapter's kernel, as the book pastes them.

    glue_result glues a member as ``Text`` of its value, while ``{eval}`result.field``` in JupyterLab
    evaluates to the member itself, which IPython would show as ``<Kind.NAME: 'value'>``.
    """
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/plain"].for_type(kind, _value_text)


def _value_text(member: enum.Enum, printer, cycle: bool) -> None:
    printer.text(str(member.value))


class Text:
    """Words glued for another page to paste as plain text.

    myst-nb pastes from another page only as ``{glue:text}``, which shows the
    value's plain-text form; a ``str`` would show with its quotes, and a Markdown
    object as its type name. A ``Text`` shows as the words themselves, and the
    same key can still be pasted with ``{eval}`` on its own page. No Markdown
    markup belongs in it, since ``{glue:text}`` would print the markup literally.

    Example
    -------
    >>> repr(Text("reproduces"))
    'reproduces'
    """

    def __init__(self, words: str):
        if any(mark in words for mark in ("*", "`", "{", "[")):
            raise ValueError(f"plain words only, no Markdown markup: {words!r}")
        self.words = words

    def __repr__(self) -> str:
        return self.words

    def _repr_markdown_(self) -> str:
        return self.words


#: How a value that cannot be computed on the data in hand reads in the prose.
NOT_COMPUTABLE_WORDS = "not computable"


class NotComputableValue:
    """A number the chapter would paste but the data in hand cannot give (no event, an empty group).

    It formats with any format spec as "not computable", so the sentence around
    ``{eval}`f"{key:.2f}"``` still reads, in the book (book/_ext/rtchx_book.py
    pastes it as these words) and in JupyterLab alike, instead of a crash or "nan".

    Example
    -------
    >>> f"p = {NotComputableValue():.3f}"
    'p = not computable'
    """

    def __format__(self, spec: str) -> str:
        return NOT_COMPUTABLE_WORDS

    def __repr__(self) -> str:
        return NOT_COMPUTABLE_WORDS


def number_or_not_computable(value):
    """``value`` itself if it is a finite number, else a ``NotComputableValue`` (for None, NaN or infinity).

    Parameters
    ----------
    value : float, int or None
        A number a chapter pastes, which may be missing on altered data.

    Returns
    -------
    float, int or NotComputableValue

    Example
    -------
    >>> number_or_not_computable(0.05), number_or_not_computable(float("nan"))
    (0.05, not computable)
    """
    if value is None or not np.isfinite(value):
        return NotComputableValue()
    return value
