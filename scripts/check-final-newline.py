"""Fail, naming the files, when a text file does not end with exactly one newline (a pre-commit hook)."""

import sys
from pathlib import Path

bad = []
for name in sys.argv[1:]:
    content = Path(name).read_bytes()
    if content and (not content.endswith(b"\n") or content.endswith(b"\n\n")):
        bad.append(name)
for name in bad:
    print(f"{name}: should end with exactly one newline")
sys.exit(1 if bad else 0)
