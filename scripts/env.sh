# Sourced by the other scripts: run everything from the repository's .venv.
# JUPYTER_PATH puts the venv's own 'python3' kernel first, so notebooks never
# run in some other Python that a user-wide kernelspec points to.
export PATH="$PWD/.venv/bin:$PATH"
export JUPYTER_PATH="$PWD/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export PYTHONDONTWRITEBYTECODE=1
# matplotlib keeps its font list in the venv, not in ~/.cache: a list written by another
# environment (or by one deleted half-way) can name fonts this one does not have, and the
# warnings it then prints would fail the strict build.
export MPLCONFIGDIR="${MPLCONFIGDIR:-$PWD/.venv/matplotlib}"
