# Sourced by the other scripts: run everything from the repository's .venv.
# JUPYTER_PATH puts the venv's own 'python3' kernel first, so notebooks never
# run in some other Python that a user-wide kernelspec points to.
export PATH="$PWD/.venv/bin:$PATH"
export JUPYTER_PATH="$PWD/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export PYTHONDONTWRITEBYTECODE=1
