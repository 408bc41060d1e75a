"""Times nbdime on a pair of notebooks, for the nbdiff-5mb benchmark.

Usage: python time_nbdime.py <before.ipynb> <after.ipynb>
Prints {"seconds": ..., "readSeconds": ..., "summary": ...}: seconds covers nbformat.read of both notebooks and
nbdime.diff_notebooks (what `nbdiff` does before printing), without the interpreter's start-up and imports; summary
lists the added, removed and modified cells as generate.py records them.
"""

import json
import os
import sys
import time
import warnings

import nbformat
from nbdime import diff_notebooks

warnings.simplefilter("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import summarize  # noqa: E402

if len(sys.argv) != 3:
    sys.exit(__doc__)
started = time.perf_counter()
before = nbformat.read(sys.argv[1], as_version=4)
after = nbformat.read(sys.argv[2], as_version=4)
read = time.perf_counter()
diff = diff_notebooks(before, after)
finished = time.perf_counter()
summary = summarize(before, json.loads(json.dumps(diff)))
json.dump({"seconds": finished - started, "readSeconds": read - started, "summary": summary}, sys.stdout)
