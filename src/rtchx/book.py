"""Helpers the chapters use to hand values to the book."""

from __future__ import annotations

import numpy as np


def glue(key: str, value) -> None:
    """Glue a value for the page's prose (myst-nb), without displaying it in the notebook.

    NumPy scalars are turned into plain Python numbers first: their repr under
    NumPy 2 ('np.float64(5.0)') cannot be formatted by ``{glue:text}`key:.0f```.
    A matplotlib figure is glued as the book's PNG (``rtchx.figures.png_bytes``),
    which records the size of its smallest text for the legibility tests.
    """
    from IPython.display import Image
    from matplotlib.figure import Figure
    from myst_nb import glue as myst_glue

    from .figures import png_bytes

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Figure):
        value = Image(data=png_bytes(value), format="png")
    myst_glue(key, value, display=False)
