"""Fail when a commit message's subject line is longer than 72 characters (a commit-msg hook).

The detail belongs in the body, after a blank line.
"""

import sys
from pathlib import Path

LIMIT = 72
lines = [line for line in Path(sys.argv[1]).read_text().splitlines() if not line.startswith("#")]
subject = lines[0] if lines else ""
if len(subject) > LIMIT:
    print(f"The subject line has {len(subject)} characters; keep it to {LIMIT} and put the detail in the body.")
    sys.exit(1)
