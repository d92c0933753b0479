"""The Table 3 handout (rtchx.book.handout), written by the build whenever its inputs change.

Chapter 5 and the instructors' page link the handout's PDF and CSV with MyST's
{download} role, which copies a file into the built book (``_downloads/``) and warns,
an error in the strict build, when the file is missing. So the files are written
before Sphinx reads a page, on ``builder-inited``, into ``_build/handout/`` (the
build's own folder, which git and the book's pages ignore), from the data the
chapters read: ``data/``, or the folder ``$RTCHX_DATA_DIR`` names.

Drawing the PDF (and importing matplotlib and pandas to do it) took 1.5 s of every
build, a warm rebuild included. So the files are made again only when the inputs
the notebooks depend on changed (rtchx_book.inputs_fingerprint: the data, the
package, the extensions, the installed packages), or when one of them is missing;
the fingerprint they were made from is kept beside them. When they are made, it is after
the build has started the notebooks' kernels (rtchx_book), so the drawing overlaps them.
"""

from pathlib import Path

import rtchx_book

#: Where the files go, relative to the book's source folder (the repository's root, also when the PDF
#: build reads its configuration from elsewhere); the {download} links name this folder.
HANDOUT_DIR = Path("_build") / "handout"
#: The fingerprint of the inputs the files in HANDOUT_DIR were made from.
MADE_FROM = "made-from.sha256"


def _write_handout(app):
    root = Path(app.srcdir)
    folder = root / HANDOUT_DIR
    fingerprint = rtchx_book.build_fingerprint(app)
    made = [folder / name for name in ("table3-handout.pdf", "table3-handout.csv", MADE_FROM)]
    if all(path.is_file() for path in made) and (folder / MADE_FROM).read_text() == fingerprint:
        return
    from rtchx.book import handout  # deliberate: it imports matplotlib and pandas, needed only to make the files
    from rtchx.core import data  # deliberate: as above (pandas)

    patients = data.with_derived_columns(data.load_patients(data.find_data_dir(root)))
    handout.write_handout(patients, folder)
    (folder / MADE_FROM).write_text(fingerprint)


def setup(app):
    app.connect("builder-inited", _write_handout, priority=800)   # after rtchx_book started the kernels
    return {"parallel_read_safe": True, "parallel_write_safe": True}
