#!/usr/bin/env bash
# The whole book as one PDF, _build/pdf/book.pdf: numbered figures and tables, the glued numbers,
# the explorers' static views, no navigation, each chapter on a new page.
#
#   1. install what it needs (scripts/setup.sh --pdf), unless --no-setup is given;
#   2. build the book as one HTML page (Sphinx's singlehtml builder) with the strict rules of
#      scripts/build-html.sh (warnings are errors), reusing the notebook cache of the HTML build
#      (_build/.jupyter_cache), so a notebook runs again only if it changed. The configuration is
#      _config.yml plus book/_ext/rtchx_print.py (written to _build/pdf/_config.yml); the page and
#      its own Sphinx state go to _build/pdf/_build, so the HTML build's state is never touched;
#   3. print that page with headless Chromium (print layout: book/_static/print.css).
# Other arguments go to scripts/build-html.sh (e.g. --all, which also empties the notebook cache).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

setup=yes
build_args=()
for argument in "$@"; do
  if [ "$argument" = "--no-setup" ]; then setup=no; else build_args+=("$argument"); fi
done
if [ "$setup" = yes ]; then
  bash scripts/setup.sh --pdf
fi
source scripts/env.sh

out=_build/pdf
mkdir -p "$out"
# The PDF build's configuration: _config.yml, with the print extension added. Paths that
# jupyter-book reads relative to the configuration file (local extensions, the notebook cache)
# are made absolute, since this copy lives in _build/pdf. Prints the root page's name.
root_page=$(python - "$out/_config.yml" <<'PY'
import sys
from pathlib import Path

import yaml

here = Path.cwd()
config = yaml.safe_load((here / "_config.yml").read_text(encoding="utf-8"))
extensions = config["sphinx"].setdefault("local_extensions", {})
for name, folder in extensions.items():
    extensions[name] = str(here / folder)
extensions["rtchx_print"] = str(here / "book" / "_ext")
config.setdefault("execute", {})["cache"] = str(here / "_build" / ".jupyter_cache")
Path(sys.argv[1]).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
print(yaml.safe_load((here / "_toc.yml").read_text(encoding="utf-8"))["root"])
PY
)

start=$(date +%s)
bash scripts/build-html.sh --builder singlehtml --config "$out/_config.yml" --path-output "$out" \
  ${build_args[@]+"${build_args[@]}"}

# Sphinx writes the single page under the root page's name (book/intro.html) but links its
# images and styles from the output folder; a copy at the top of that folder finds them.
page="$out/_build/singlehtml/book.html"
cp "$out/_build/singlehtml/$root_page.html" "$page"

chromium=$(command -v chromium || echo /usr/bin/chromium)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out/book.pdf"
# The network stays unused: the page and everything it loads are local files.
if ! timeout 300 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --no-pdf-header-footer --print-to-pdf="$out/book.pdf" \
    "file://$PWD/$page" > "$out/chromium.log" 2>&1 || [ ! -s "$out/book.pdf" ]; then
  cat "$out/chromium.log" >&2
  echo "build-pdf: Chromium did not print $page" >&2
  exit 1
fi

echo
echo "Built in $(( $(date +%s) - start )) s. The PDF ($(du -k "$out/book.pdf" | cut -f1) kB) is at:"
echo "  $PWD/$out/book.pdf"
