"""Helpers the chapters use to hand values to the book."""

from __future__ import annotations

import numpy as np


def glue(key: str, value) -> None:
    """Glue a value for the page's prose (myst-nb), without displaying it in the notebook.

    NumPy scalars are turned into plain Python numbers first: their repr under
    NumPy 2 ('np.float64(5.0)') cannot be formatted by ``{glue:text}`key:.0f```.
    """
    from myst_nb import glue as myst_glue

    if isinstance(value, np.generic):
        value = value.item()
    myst_glue(key, value, display=False)
