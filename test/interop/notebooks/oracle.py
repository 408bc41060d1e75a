"""Answers questions about notebooks with the real tools, for the interop test.

Usage:
  python oracle.py validate <file>...   JSON list of [file, null or nbformat.validate's error] on stdout
  python oracle.py repr                 reads a JSON list of 16-hex-digit IEEE-754 bit patterns on stdin and
                                        prints the JSON list of repr(float) for each
"""

import json
import struct
import sys
import warnings

import nbformat
from nbformat.warnings import DuplicateCellId, MissingIDFieldWarning


def validate(files):
    results = []
    for path in files:
        with warnings.catch_warnings():
            # nbformat repairs missing or duplicate ids with a warning only: count those as failures.
            warnings.simplefilter("error", MissingIDFieldWarning)
            warnings.simplefilter("error", DuplicateCellId)
            try:
                with open(path, encoding="utf-8") as handle:
                    nb = nbformat.reads(handle.read(), as_version=nbformat.NO_CONVERT)
                nbformat.validate(nb)
                results.append([path, None])
            except Exception as error:  # noqa: BLE001 - every failure is reported, not raised
                results.append([path, f"{type(error).__name__}: {error}"])
    return results


def reprs(patterns):
    return [repr(struct.unpack(">d", bytes.fromhex(pattern))[0]) for pattern in patterns]


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "validate":
        json.dump(validate(sys.argv[2:]), sys.stdout)
    elif len(sys.argv) == 2 and sys.argv[1] == "repr":
        json.dump(reprs(json.load(sys.stdin)), sys.stdout)
    else:
        sys.exit(__doc__)
