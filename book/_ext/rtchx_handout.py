"""The Table 3 handout (rtchx.book.handout), written afresh by every build of the book.

Chapter 5 and the instructors' page link the handout's PDF and CSV with MyST's
{download} role, which copies a file into the built book (``_downloads/``) and warns,
an error in the strict build, when the file is missing. So the files are written
before Sphinx reads a page, on ``builder-inited``, into ``_build/handout/`` (the
build's own folder, which git and the book's pages ignore), from the data the
chapters read: ``data/``, or the folder ``$RTCHX_DATA_DIR`` names.

A file is rewritten only when its content changes (the PDF carries no creation
date), so an incremental build leaves the two linking pages alone; when the data
change, rtchx_book.py has every page re-read anyway.
"""

from pathlib import Path

from rtchx.book import handout
from rtchx.core import data

#: Where the files go, relative to the book's source folder (the repository's root, also when the PDF
#: build reads its configuration from elsewhere); the {download} links name this folder.
HANDOUT_DIR = Path("_build") / "handout"


def _write_handout(app):
    root = Path(app.srcdir)
    patients = data.with_derived_columns(data.load_patients(data.find_data_dir(root)))
    handout.write_handout(patients, root / HANDOUT_DIR)


def setup(app):
    app.connect("builder-inited", _write_handout)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
