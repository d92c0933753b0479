"""rtchx: the analysis code behind the executable companion to Eckert et al. (2010).

The name is the paper's own abbreviation for radiochemotherapy. The package has
two layers, and imports run one way only, from the book to the core:

``rtchx.core``, the computing core. It reads files only through ``data`` and
returns typed results (dataclasses, enums, DataFrames of numbers), never
sentences or symbols meant for a reader.

``rtchx.book``, the book layer. It turns those results into what a reader
sees: glued values, tables, figures, sentences, live explorers, exercises.

``python -m rtchx`` (``__main__``) is the command line: it prints the core's
results as JSON, with the book layer's words where a row carries a label or a reason.
"""

__version__ = "0.1.0"
