"""Command line: ``python -m rtchx validate`` checks the data, ``python -m rtchx rehash`` records new checksums."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import data
from .schema import DataValidationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rtchx", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder holding datapackage.json (default: found from the working directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="validate every data file against datapackage.json")
    commands.add_parser("rehash", help="record the current sha256 of every data file in datapackage.json")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or data.find_data_dir()
    if args.command == "rehash":
        for path, digest in data.rehash(data_dir).items():
            print(f"{path}: sha256:{digest}")
        return 0
    failed = False
    for resource in data.read_datapackage(data_dir)["resources"]:
        try:
            frame = data.load_resource(resource["name"], data_dir)
        except DataValidationError as error:
            print(error, file=sys.stderr)
            failed = True
        else:
            print(f"{resource['path']}: {len(frame)} rows, valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
