"""Helpers the chapters use to hand values to the book."""

from __future__ import annotations

import sys

import numpy as np


def glue(key: str, value) -> None:
    """Glue a value for the page's prose (myst-nb), without displaying it in the notebook.

    NumPy scalars are turned into plain Python numbers first: their repr under
    NumPy 2 ('np.float64(5.0)') cannot be formatted by ``{glue:text}`key:.0f```.
    A matplotlib figure is glued as the book's PNG (``rtchx.figures.png_bytes``),
    which records the size of its smallest text for the legibility tests.
    """
    from myst_nb import glue as myst_glue

    if isinstance(value, np.generic):
        value = value.item()
    # only a chapter that drew something has matplotlib loaded; the others skip importing it (2 s)
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is not None and isinstance(value, figure_module.Figure):
        from IPython.display import Image

        from .figures import png_bytes

        value = Image(data=png_bytes(value), format="png")
    myst_glue(key, value, display=False)


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
