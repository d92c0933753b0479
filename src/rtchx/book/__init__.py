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

Imports go one way: this layer imports ``rtchx.core``, never the reverse.
"""

from __future__ import annotations

import dataclasses
import enum
import sys

import numpy as np
from IPython.display import Image
from myst_nb import glue as myst_glue


def glue(key: str, value) -> None:
    """Glue a value for the page's prose (myst-nb), without displaying it in the notebook.

    NumPy scalars are turned into plain Python numbers first: their repr under
    NumPy 2 ('np.float64(5.0)') cannot be formatted by ``{glue:text}`key:.0f```.
    A matplotlib figure is glued as the book's PNG (``rtchx.book.figures.png_bytes``),
    which records the size of its smallest text for the legibility tests.
    """
    if isinstance(value, np.generic):
        value = value.item()
    # only a chapter that drew something has matplotlib loaded; the others skip importing it (2 s)
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is not None and isinstance(value, figure_module.Figure):
        from rtchx.book.figures import png_bytes  # deliberate: figures imports matplotlib, needed only here

        value = Image(data=png_bytes(value), format="png")
    myst_glue(key, value, display=False)


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
            value = Text(str(value.value))
        elif isinstance(value, str):
            value = Text(value)
        elif not isinstance(value, (bool, int, float, np.generic)):
            continue
        glue(key, value)
        keys.append(key)
    return keys


class Text:
    """Words glued for another page to paste as plain text.

    myst-nb pastes from another page only as ``{glue:text}``, which shows the
    value's plain-text form; a ``str`` would show with its quotes, and a Markdown
    object as its type name. A ``Text`` shows as the words themselves, and the
    same key can still be pasted with ``{glue:md}`` on its own page. No Markdown
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
