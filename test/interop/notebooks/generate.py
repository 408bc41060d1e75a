"""Writes the notebook interop corpus with nbformat, and what nbstripout and nbdime make of it.

Usage: python generate.py <out-dir> [--full]

  <out-dir>/corpus/*.ipynb           notebooks written by nbformat (and in other writers' styles with json.dumps)
  <out-dir>/corpus/public/*.ipynb    public notebooks from nbdime's own test suite (BSD-3-Clause)
  <out-dir>/diff/*.ipynb             pairs of notebooks for the semantic diff (with and without cell ids)
  <out-dir>/expected/strip.json      nbstripout 0.9.1 output per option set and notebook: [sha256 prefix, bytes, changed]
  <out-dir>/expected/strip/*.ipynb   nbstripout output with default options, in full, for the generated notebooks
                                     (--full: for every option set and notebook, in expected/strip/<set>/)
  <out-dir>/expected/diff.json       nbdime 4.0.4 diff summaries per pair and ignore set
  <out-dir>/manifest.json            option sets (nbstripout arguments and the equivalent TypeScript options)

Everything is deterministic: cell ids are given, no random ids are left for nbformat to invent except where a
case needs it (and those cases are excluded from the option sets where the result would be random).
"""

import base64
import copy
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import warnings
import zlib

import nbformat
import nbformat.v3 as v3
import nbformat.v4 as v4
import nbdime
from nbdime.diffing.notebooks import diff_notebooks, reset_notebook_differ, set_notebook_diff_targets
from nbstripout._nbstripout import main as nbstripout_main

warnings.simplefilter("ignore")
# nbstripout reads extra keys from git config; keep the user's configuration out of the expected outputs.
os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
os.environ["GIT_CONFIG_NOSYSTEM"] = "1"


def png(width, height, seed):
    """A real PNG image (RGB, deterministic pixels)."""
    rows = b"".join(b"\x00" + bytes(((x * 7 + y * 13 + seed) % 256) for x in range(width * 3)) for y in range(height))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def b64png(width=4, height=3, seed=0):
    return base64.b64encode(png(width, height, seed)).decode("ascii")


def code(source, cell_id=None, outputs=(), count=None, metadata=None):
    cell = v4.new_code_cell(source=source, outputs=list(outputs), execution_count=count, metadata=metadata or {})
    if cell_id is None:
        cell.pop("id", None)
    else:
        cell["id"] = cell_id
    return cell


def markdown(source, cell_id=None, metadata=None, attachments=None):
    cell = v4.new_markdown_cell(source=source, metadata=metadata or {})
    if attachments is not None:
        cell["attachments"] = attachments
    if cell_id is None:
        cell.pop("id", None)
    else:
        cell["id"] = cell_id
    return cell


def raw(source, cell_id=None, metadata=None):
    cell = v4.new_raw_cell(source=source, metadata=metadata or {})
    if cell_id is None:
        cell.pop("id", None)
    else:
        cell["id"] = cell_id
    return cell


def stream(text, name="stdout"):
    return v4.new_output("stream", name=name, text=text)


def result(count, data, metadata=None):
    return v4.new_output("execute_result", data=data, execution_count=count, metadata=metadata or {})


def display(data, metadata=None):
    return v4.new_output("display_data", data=data, metadata=metadata or {})


def error(ename, evalue, traceback):
    return v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback)


def notebook(cells, minor=5, metadata=None):
    # new_notebook validates what it is given, and for 4.5 that invents ids: add the cells after the minor version.
    nb = v4.new_notebook(metadata=metadata or {})
    nb["nbformat_minor"] = minor
    nb["cells"] = nbformat.from_dict(cells)
    return nb


KERNEL = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "version": "3.11.7", "mimetype": "text/x-python", "file_extension": ".py"},
}

WIDGETS = {
    "application/vnd.jupyter.widget-state+json": {
        "state": {"a1b2": {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls", "state": {"value": 3, "max": 10}}},
        "version_major": 2,
        "version_minor": 0,
    }
}


def with_ids(cells, ids):
    out = []
    for cell, cell_id in zip(cells, ids):
        cell = copy.deepcopy(cell)
        if cell_id is None:
            cell.pop("id", None)
        else:
            cell["id"] = cell_id
        out.append(cell)
    return out


def basic_cells():
    """The cells of the main corpus notebook: every output type, volatile metadata, attachments, an empty cell."""
    return [
        markdown("# Training report\n\nThe model *improves* each epoch — naïvely, at 3 µs per step.", metadata={"heading_collapsed": True}),
        code(
            "import numpy as np\nimport pandas as pd\n\nrng = np.random.default_rng(0)",
            count=1,
            metadata={"collapsed": False, "ExecuteTime": {"end_time": "2024-05-01T10:00:01.000Z", "start_time": "2024-05-01T10:00:00.500Z"}},
        ),
        code(
            "for epoch in range(3):\n    print(f'epoch {epoch}: loss={1 / (epoch + 1):.3f}')\n",
            count=2,
            outputs=[stream("epoch 0: loss=1.000\nepoch 1: loss=0.500\nepoch 2: loss=0.333\n")],
            metadata={"scrolled": True, "execution": {"iopub.execute_input": "2024-05-01T10:00:02.1Z", "shell.execute_reply": "2024-05-01T10:00:02.3Z"}},
        ),
        code(
            "df = pd.DataFrame({'f1': [0.81, 0.84], 'loss': [0.52, 0.47]})\ndf",
            count=3,
            outputs=[
                result(
                    3,
                    {
                        "text/plain": "     f1  loss\n0  0.81  0.52\n1  0.84  0.47",
                        "text/html": "<table>\n<tr><th>f1</th><th>loss</th></tr>\n<tr><td>0.81</td><td>0.52</td></tr>\n</table>",
                    },
                )
            ],
            metadata={"tags": ["results"]},
        ),
        code(
            "plt.plot(history)",
            count=4,
            outputs=[
                result(4, {"text/plain": "[<matplotlib.lines.Line2D at 0x7f3a2c1d5e10>]"}),
                display({"image/png": b64png(4, 3, 1), "text/plain": "<Figure size 640x480 with 1 Axes>"}, metadata={"image/png": {"width": 400, "height": 300}}),
            ],
        ),
        code(
            "import sys\nprint('warning: low memory', file=sys.stderr)\n1 / 0",
            count=5,
            outputs=[
                stream("warning: low memory\n", name="stderr"),
                error("ZeroDivisionError", "division by zero", ["\x1b[0;31m---------------------------------------------------------------------------\x1b[0m", "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]),
            ],
            metadata={"hidden": True},
        ),
        markdown("A chart pasted into the notes:\n\n![chart](attachment:chart.png)", attachments={"chart.png": {"image/png": b64png(2, 2, 2)}}),
        raw("raw text for nbconvert", metadata={"format": "text/restructuredtext"}),
        code("", count=None),
        code("slider = widgets.IntSlider(value=3, max=10)\nslider", count=6, outputs=[result(6, {"text/plain": "IntSlider(value=3, max=10)", "application/vnd.jupyter.widget-view+json": {"model_id": "a1b2", "version_major": 2, "version_minor": 0}})]),
    ]


BASIC_IDS = ["intro", "imports", "train-loop", "results-table", "plot", "failing", "notes", "raw-cell", "empty", "widget"]


def corpus():
    """name -> (notebook node, writer) where writer is 'nbformat' or a json.dumps style."""
    items = {}
    basic = notebook(with_ids(basic_cells(), BASIC_IDS), minor=5, metadata={**KERNEL, "widgets": WIDGETS})
    items["basic-v4.5"] = basic
    items["basic-v4.4"] = notebook(with_ids(basic_cells(), [None] * len(BASIC_IDS)), minor=4, metadata={**KERNEL, "widgets": WIDGETS})

    items["keep-output"] = notebook(
        [
            code("print('kept by metadata')", "k1", [stream("kept by metadata\n")], 1, {"keep_output": True}),
            code("print('stripped by metadata')", "k2", [stream("stripped by metadata\n")], 2, {"keep_output": False}),
            code("print('kept by tag')", "k3", [stream("kept by tag\n")], 3, {"tags": ["keep_output"]}),
            code("print('init cell')", "k4", [stream("init cell\n")], 4, {"init_cell": True}),
            code("print('init false')", "k5", [stream("init false\n")], 5, {"init_cell": False, "keep_output": True}),
            code("x = 1\nx", "k6", [result(6, {"text/plain": "1"})], 6, {"keep_output": True}),
            code("print('plain')", "k7", [stream("plain\n")], 7),
        ],
        metadata=dict(KERNEL),
    )
    items["keep-output-notebook"] = notebook(
        [
            code("print('kept by notebook metadata')", "n1", [stream("kept\n")], 1),
            code("print('stripped by cell metadata')", "n2", [stream("stripped\n")], 2, {"keep_output": False}),
        ],
        metadata={**KERNEL, "keep_output": True},
    )
    items["unicode"] = notebook(
        [
            markdown("Ünïcödé — naïve café, 日本語のテキスト, emoji 🚀🧪, combining e\u0301, RTL שלום", "u1"),
            code("s = 'tab\\there'\nprint('line\\u2028separator', '\\x0c')", "u2", [stream("tab\there\nline\u2028separator \x0c\n")], 1),
            code("print('crlf\\r\\nline')", "u3", [stream("crlf\r\nline\rcarriage\n")], 2),
            code("'\"quotes\" and \\\\ backslash'", "u4", [result(3, {"text/plain": "'\"quotes\" and \\\\ backslash'"})], 3),
            code("# control \x01 and \x1f characters", "u5", [], None),
            markdown("Astral plane: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛, keys sort by code point", "u6", metadata={"ｆｕｌｌ": 1, "z": 2, "é": 3, "😀": 4, "\uffef": 5}),
        ],
        metadata=dict(KERNEL),
    )
    items["numbers"] = notebook(
        [
            code("metrics", "m1", [result(1, {"application/json": {"f1": 1.0, "tiny": 1e-05, "huge": 1e16, "int64": 2**64, "neg_zero": -0.0, "third": 1 / 3, "sum": 0.1 + 0.2, "max": 1.7976931348623157e308, "min": 5e-324, "big": 123456789012345678901234567890}})], 1),
        ],
        metadata={**KERNEL, "numbers": {"one": 1.0, "small": 0.0001, "smaller": 0.00001, "exp": 1.5e300, "ints": [0, -1, 9007199254740993], "e16": 1e15, "e17": 1e16}},
    )
    items["empty"] = notebook([], metadata=dict(KERNEL))
    items["empty-cells"] = notebook(
        [
            code("", "e1", [], None),
            code("   \n\t\n", "e2", [], None),
            markdown("", "e3"),
            markdown("\u00a0\u2003", "e4"),
            code("x = 1", "e5", [], 1),
            raw(" ", "e6"),
        ],
        metadata=dict(KERNEL),
    )
    items["tags"] = notebook(
        [
            code("scratch()", "t1", [stream("scratch\n")], 1, {"tags": ["scratch"]}),
            code("keep()", "t2", [stream("keep\n")], 2, {"tags": ["report"]}),
            code("both()", "t3", [stream("both\n")], 3, {"tags": ["report", "scratch"]}),
            markdown("notes", "t4", metadata={"tags": []}),
        ],
        metadata=dict(KERNEL),
    )
    items["output-sizes"] = notebook(
        [
            code("small()", "s1", [stream("ok\n"), stream("bad\n", name="stderr")], 1),
            code("medium()", "s2", [result(2, {"text/plain": "x" * 150})], 2),
            code("large()", "s3", [display({"image/png": b64png(16, 16, 3)})], 3),
            code("fails()", "s4", [error("ValueError", "bad value", ["Traceback", "ValueError: bad value"])], 4),
        ],
        metadata=dict(KERNEL),
    )
    items["metadata-keys"] = notebook(
        [
            code("a = 1", "x1", [], 1, {"collapsed": True, "scrolled": "auto", "jupyter": {"source_hidden": True, "outputs_hidden": False}, "tags": ["a"], "custom": {"keep": 1, "drop.me": 2}}),
            markdown("## Section", "x2", metadata={"heading_collapsed": True, "hidden": True, "slideshow": {"slide_type": "slide"}}),
        ],
        metadata={**KERNEL, "toc": {"number_sections": True}, "varInspector": {"window_display": False}},
    )
    return items


def variants(basic_text, basic_node):
    """The same notebook as other tools write it."""
    plain = json.loads(basic_text)
    return {
        "style-indent2-unsorted": json.dumps(json.loads(basic_text, object_pairs_hook=lambda pairs: dict(reversed(pairs))), indent=2, ensure_ascii=False),
        "style-indent4-ascii": json.dumps(plain, indent=4, sort_keys=True, ensure_ascii=True) + "\n",
        "style-compact": json.dumps(plain, separators=(",", ":"), ensure_ascii=False),
        "style-python-separators": json.dumps(plain, sort_keys=True) + "\n",
        "style-crlf": basic_text.replace("\n", "\r\n"),
        "style-trailing-space": json.dumps(plain, indent=1, sort_keys=True, separators=(", ", ": "), ensure_ascii=False) + "\n\n",
    }


def hand_written():
    """Notebooks nbformat would not write as they are: string sources, split base64, missing and duplicate ids."""
    items = {}
    items["source-strings"] = json.dumps(
        {
            "cells": [
                {"cell_type": "code", "execution_count": 7, "metadata": {"trusted": True}, "outputs": [{"data": {"image/png": [b64png(3, 3, 4)[:40] + "\n", b64png(3, 3, 4)[40:]], "text/plain": "<Figure>"}, "metadata": {}, "output_type": "display_data"}, {"name": "stdout", "output_type": "stream", "text": "one\ntwo\n"}], "source": "plot()\nshow()"},
                {"cell_type": "markdown", "metadata": {}, "source": "single string\nsource"},
                {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": []},
            ],
            "metadata": {"orig_nbformat": 3, "signature": "sha256:0123abcd", **KERNEL},
            "nbformat": 4,
            "nbformat_minor": 2,
        },
        indent=1,
        sort_keys=True,
        ensure_ascii=False,
    ) + "\n"
    items["missing-ids"] = json.dumps(
        {
            "cells": [
                {"cell_type": "code", "execution_count": 1, "id": "first", "metadata": {}, "outputs": [], "source": ["a = 1"]},
                {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [], "source": ["b = 2"]},
                {"cell_type": "markdown", "id": "first", "metadata": {}, "source": ["duplicate id"]},
            ],
            "metadata": dict(KERNEL),
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
        sort_keys=True,
    ) + "\n"
    items["nonfinite"] = json.dumps(
        {
            "cells": [{"cell_type": "code", "execution_count": 1, "id": "nan", "metadata": {}, "outputs": [{"data": {"application/json": {"loss": float("nan"), "best": float("inf"), "worst": float("-inf")}}, "execution_count": 1, "metadata": {}, "output_type": "execute_result"}], "source": ["losses"]}],
            "metadata": dict(KERNEL),
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
        sort_keys=True,
    ) + "\n"
    return items


# name -> (nbstripout arguments, equivalent StripOptions, which notebooks)
OPTION_SETS = {
    "default": ([], {}),
    "keep-output": (["--keep-output"], {"keepOutput": True}),
    "keep-count": (["--keep-count"], {"keepCount": True}),
    "keep-id": (["--keep-id"], {"keepId": True}),
    "keep-all": (["--keep-output", "--keep-count", "--keep-id"], {"keepOutput": True, "keepCount": True, "keepId": True}),
    "extra-keys": (
        ["--extra-keys", "metadata.kernelspec cell.metadata.tags metadata.language_info.version cell.metadata.custom.drop.me bogus.key", "--keep-metadata-keys", "cell.metadata.collapsed metadata.widgets"],
        {"extraKeys": ["metadata.kernelspec", "cell.metadata.tags", "metadata.language_info.version", "cell.metadata.custom.drop.me", "bogus.key"], "keepKeys": ["cell.metadata.collapsed", "metadata.widgets"]},
    ),
    "drop-empty": (["--drop-empty-cells"], {"dropEmptyCells": True}),
    "strip-init": (["--strip-init-cells"], {"stripInitCells": True}),
    "drop-tagged": (["--drop-tagged-cells", "scratch"], {"dropTaggedCells": ["scratch"]}),
    "keep-output-types": (["--keep-output-type", "stream:stderr", "error"], {"keepOutputTypes": ["stream:stderr", "error"]}),
    "drop-output-types": (["--keep-output", "--drop-output-type", "stream"], {"keepOutput": True, "dropOutputTypes": ["stream"]}),
    "max-size": (["--max-size", "200"], {"maxSize": 200}),
}

# Notebooks whose result under --keep-id would hold ids nbformat invents at random.
RANDOM_IDS = {"missing-ids", "public/cellids--base"}

PUBLIC = [
    "cellids--base", "cellids--local", "cellids--remote",
    "multilevel-test-base", "multilevel-test-local", "multilevel-test-remote",
    "src-and-output--1", "src-and-output--2", "error--1", "error--2",
    "attachment", "attachment--change_attachment", "attachment--remove_attachment",
    "unicode--1", "unicode--2", "apap", "apap--1", "apap--2", "foo--1", "foo--2",
    "markdown-only--1", "markdown-only--2", "multi_cell_nb", "multi_cell_nb--local", "multi_cell_nb--remote", "multi_cell_nb--cellchange",
    "single_cell_nb", "single_cell_nb--changed_ec", "single_cell_nb--changed_metadata", "single_cell_nb--changed_output",
    "single_cell_nb--changed_source", "single_cell_nb--changed_source_output_ec", "single_cell_nb--json_output", "single_cell_nb--json_output_changed",
    "output-conflict--1", "output-conflict--2",
]


class KeptBytes(io.BytesIO):
    def close(self):  # nbstripout's text wrapper closes its buffer when collected; keep the bytes readable
        pass


def run_nbstripout(args):
    """Runs the real nbstripout command line in this process; returns (exit code, stdout bytes)."""
    out = KeptBytes()
    saved = sys.argv, sys.stdout, sys.stdin
    sys.argv = ["nbstripout", *args]
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8")
    sys.stdin = io.TextIOWrapper(KeptBytes(b""), encoding="utf-8")
    code = 0
    try:
        nbstripout_main()
    except SystemExit as stop:
        code = stop.code or 0
    finally:
        sys.stdout.flush()
        sys.argv, sys.stdout, sys.stdin = saved
    return code, out.getvalue()


def diff_pairs():
    """Generated pairs: a base notebook and edits of it, with cell ids (4.5) and without (4.4)."""
    base_cells = [
        markdown("# Experiment\nCompare two optimisers on the validation set.", "intro"),
        code("import torch\nfrom model import Net", "imports", [], 1),
        code("net = Net()\noptimizer = torch.optim.Adam(net.parameters(), lr=1e-3)", "setup", [], 2),
        code("for epoch in range(10):\n    loss = train(net, optimizer)\n    print(epoch, loss)", "train", [stream("0 0.9\n1 0.7\n2 0.5\n")], 3),
        code("evaluate(net)", "evaluate", [result(4, {"text/plain": "{'f1': 0.81}"})], 4),
        markdown("## Plots\nThe loss curve flattens after epoch 6.", "plots-md"),
        code("plot_loss(history)", "plot", [display({"image/png": b64png(6, 4, 5), "text/plain": "<Figure size 640x480 with 1 Axes>"})], 5),
        code("save(net, 'model.pt')", "save", [], 6),
        markdown("## Conclusion\nAdam converges faster than SGD here.", "conclusion"),
    ]
    meta = dict(KERNEL)

    def edit(fn):
        cells = copy.deepcopy(base_cells)
        nb_meta = copy.deepcopy(meta)
        fn(cells, nb_meta)
        return cells, nb_meta

    def edit_source(cells, _):
        cells[2]["source"] = "net = Net()\noptimizer = torch.optim.SGD(net.parameters(), lr=1e-2, momentum=0.9)"
        cells[8]["source"] = "## Conclusion\nAdam converges faster than SGD here, by about two epochs."

    def rerun(cells, _):
        for cell in cells:
            if cell["cell_type"] == "code" and cell["execution_count"] is not None:
                cell["execution_count"] += 10
                for output in cell["outputs"]:
                    if "execution_count" in output:
                        output["execution_count"] += 10
        cells[3]["outputs"] = [stream("0 0.91\n1 0.72\n2 0.48\n")]
        cells[6]["outputs"][0]["data"]["image/png"] = b64png(6, 4, 6)

    def insert_ends(cells, _):
        cells.insert(0, markdown("Draft — do not share.", "banner"))
        cells.append(code("print('done')", "done", [stream("done\n")], 7))

    def remove(cells, _):
        del cells[7]
        del cells[5]

    def move(cells, _):
        cell = cells.pop(7)
        cells.insert(1, cell)

    def split(cells, _):
        cells[3:4] = [
            code("for epoch in range(10):\n    loss = train(net, optimizer)", "train", [], 3),
            code("    print(epoch, loss)\nprint('finished')", "train-report", [stream("finished\n")], 4),
        ]

    def merge(cells, _):
        cells[1:3] = [code("import torch\nfrom model import Net\nnet = Net()\noptimizer = torch.optim.Adam(net.parameters(), lr=1e-3)", "imports", [], 1)]

    def metadata(cells, nb_meta):
        cells[1]["metadata"]["tags"] = ["setup"]
        cells[4]["metadata"]["collapsed"] = True
        nb_meta["language_info"]["version"] = "3.12.1"

    def attachments(cells, _):
        cells[5]["attachments"] = {"curve.png": {"image/png": b64png(2, 2, 9)}}
        cells[5]["source"] = "## Plots\nThe loss curve flattens after epoch 6.\n![curve](attachment:curve.png)"

    def renumber(cells, _):
        for i, cell in enumerate(cells):
            cell["id"] = str(i)

    def mixed(cells, nb_meta):
        edit_source(cells, nb_meta)
        rerun(cells, nb_meta)
        cells.insert(4, code("validate(net)", "validate", [stream("ok\n")], 4))
        del cells[9]

    edits = {
        "edit-source": edit_source,
        "rerun": rerun,
        "insert-ends": insert_ends,
        "remove": remove,
        "move": move,
        "split": split,
        "merge": merge,
        "metadata": metadata,
        "attachments": attachments,
        "renumber-ids": renumber,
        "mixed": mixed,
    }
    files = {}
    pairs = []
    for flavour, minor in (("ids", 5), ("noids", 4)):
        def build(cells, nb_meta):
            if minor < 5:
                cells = with_ids(cells, [None] * len(cells))
            return notebook(copy.deepcopy(cells), minor=minor, metadata=nb_meta)

        base_name = f"{flavour}-base"
        files[base_name] = build(base_cells, meta)
        for name, fn in edits.items():
            if name == "renumber-ids" and flavour == "noids":
                continue
            cells, nb_meta = edit(fn)
            files[f"{flavour}-{name}"] = build(cells, nb_meta)
            pairs.append((f"diff/{base_name}", f"diff/{flavour}-{name}"))
    return files, pairs


PUBLIC_PAIRS = [
    ("cellids--base", "cellids--local"), ("cellids--base", "cellids--remote"), ("cellids--local", "cellids--remote"),
    ("multilevel-test-base", "multilevel-test-local"), ("multilevel-test-base", "multilevel-test-remote"),
    ("src-and-output--1", "src-and-output--2"), ("error--1", "error--2"),
    ("attachment", "attachment--change_attachment"), ("attachment", "attachment--remove_attachment"),
    ("unicode--1", "unicode--2"), ("apap", "apap--1"), ("apap--1", "apap--2"), ("foo--1", "foo--2"),
    ("markdown-only--1", "markdown-only--2"), ("multi_cell_nb", "multi_cell_nb--local"), ("multi_cell_nb", "multi_cell_nb--remote"),
    ("multi_cell_nb", "multi_cell_nb--cellchange"), ("single_cell_nb", "single_cell_nb--changed_ec"),
    ("single_cell_nb", "single_cell_nb--changed_metadata"), ("single_cell_nb", "single_cell_nb--changed_output"),
    ("single_cell_nb", "single_cell_nb--changed_source"), ("single_cell_nb", "single_cell_nb--changed_source_output_ec"),
    ("single_cell_nb--json_output", "single_cell_nb--json_output_changed"), ("output-conflict--1", "output-conflict--2"),
]

# name -> (nbdime set_notebook_diff_targets keywords, TypeScript ignore list)
IGNORE_SETS = {
    "none": ({}, []),
    "outputs": ({"outputs": False}, ["outputs"]),
    "metadata": ({"metadata": False}, ["metadata"]),
    "details": ({"details": False}, ["executionCount"]),
    "ids": ({"identifier": False}, ["id"]),
    "sources-only": ({"outputs": False, "metadata": False, "details": False, "attachments": False, "identifier": False}, ["outputs", "metadata", "executionCount", "attachments", "id"]),
}

CATEGORY = {"source": "source", "outputs": "outputs", "metadata": "metadata", "execution_count": "executionCount", "attachments": "attachments", "id": "id", "cell_type": "cellType"}


def summarize(base, diff):
    removed, added_at, modified = set(), {}, {}
    metadata = nbformat_changed = False
    for entry in diff:
        if entry["key"] == "cells":
            for op in entry["diff"]:
                if op["op"] == "removerange":
                    removed.update(range(op["key"], op["key"] + op["length"]))
                elif op["op"] == "addrange":
                    added_at[op["key"]] = added_at.get(op["key"], 0) + len(op["valuelist"])
                elif op["op"] == "patch":
                    modified[str(op["key"])] = sorted({CATEGORY.get(change["key"], "other") for change in op["diff"]})
        elif entry["key"] == "metadata":
            metadata = True
        elif entry["key"] in ("nbformat", "nbformat_minor"):
            nbformat_changed = True
    added, after = [], 0
    for index in range(len(base["cells"]) + 1):
        for _ in range(added_at.get(index, 0)):
            added.append(after)
            after += 1
        if index < len(base["cells"]) and index not in removed:
            after += 1
    return {"removed": sorted(removed), "added": added, "modified": modified, "notebookMetadataChanged": metadata, "nbformatChanged": nbformat_changed}


def nbdime_summaries(out, pairs):
    results = {}
    for before, after in pairs:
        base = nbformat.read(os.path.join(out, before + ".ipynb"), as_version=4)
        remote = nbformat.read(os.path.join(out, after + ".ipynb"), as_version=4)
        for name, (targets, _) in IGNORE_SETS.items():
            reset_notebook_differ()
            if targets:
                set_notebook_diff_targets(**{**{"sources": True, "outputs": True, "attachments": True, "metadata": True, "identifier": True, "details": True}, **targets})
            diff = diff_notebooks(copy.deepcopy(base), copy.deepcopy(remote))
            results[f"{before}|{after}|{name}"] = summarize(base, json.loads(json.dumps(diff)))
    reset_notebook_differ()
    return results


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def main(out, full=False):
    # Replace what this script writes, and only that (LICENSES.md and other notes stay).
    for generated in ("corpus", "diff", "expected", "special"):
        shutil.rmtree(os.path.join(out, generated), ignore_errors=True)
    corpus_dir = os.path.join(out, "corpus")
    names = []
    for name, node in corpus().items():
        buffer = io.StringIO()
        nbformat.write(node, buffer)
        write_text(os.path.join(corpus_dir, name + ".ipynb"), buffer.getvalue())
        names.append(name)
        if name == "basic-v4.5":
            for variant, text in variants(buffer.getvalue(), node).items():
                write_text(os.path.join(corpus_dir, variant + ".ipynb"), text)
                names.append(variant)
    for name, text in hand_written().items():
        write_text(os.path.join(corpus_dir, name + ".ipynb"), text)
        names.append(name)
    # A byte order mark (nbstripout refuses it; our reader keeps it) and an nbformat 3 notebook (refused).
    with open(os.path.join(corpus_dir, "basic-v4.5.ipynb"), encoding="utf-8") as handle:
        write_text(os.path.join(out, "special", "bom.ipynb"), "\ufeff" + handle.read())
    v3_notebook = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[v3.new_code_cell(input="1 + 1", prompt_number=1)])])
    write_text(os.path.join(out, "special", "v3.ipynb"), v3.writes_json(v3_notebook) + "\n")

    public_src = os.path.join(os.path.dirname(nbdime.__file__), "tests", "files")
    for name in PUBLIC:
        os.makedirs(os.path.join(corpus_dir, "public"), exist_ok=True)
        shutil.copyfile(os.path.join(public_src, name + ".ipynb"), os.path.join(corpus_dir, "public", name + ".ipynb"))
        names.append("public/" + name)

    strip = {}
    for set_name, (args, _) in OPTION_SETS.items():
        strip[set_name] = {}
        for name in names:
            if set_name in ("keep-id", "keep-all") and name in RANDOM_IDS:
                continue
            path = os.path.join(corpus_dir, name + ".ipynb")
            code, stripped = run_nbstripout(["--textconv", path, *args])
            _, dry = run_nbstripout(["--dry-run", path, *args])
            if code != 0:
                strip[set_name][name] = {"exit": code}
                continue
            # sha256 (first 16 hex digits), size in bytes, whether nbstripout saw a change
            strip[set_name][name] = [hashlib.sha256(stripped).hexdigest()[:16], len(stripped), b"would have stripped" in dry]
            if full or (set_name == "default" and not name.startswith("public/")):
                target = os.path.join(out, "expected", "strip", *([set_name] if full else []), name + ".ipynb")
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(stripped)
    with open(os.path.join(out, "expected", "strip.json"), "w", encoding="utf-8") as handle:
        json.dump(strip, handle, sort_keys=True, separators=(",", ":"))
        handle.write("\n")

    files, pairs = diff_pairs()
    for name, node in files.items():
        buffer = io.StringIO()
        nbformat.write(node, buffer)
        write_text(os.path.join(out, "diff", name + ".ipynb"), buffer.getvalue())
    pairs += [(f"corpus/public/{a}", f"corpus/public/{b}") for a, b in PUBLIC_PAIRS]
    diffs = nbdime_summaries(out, pairs)
    with open(os.path.join(out, "expected", "diff.json"), "w", encoding="utf-8") as handle:
        json.dump(diffs, handle, sort_keys=True, separators=(",", ":"))
        handle.write("\n")

    manifest = {
        "notebooks": names,
        "optionSets": {name: {"args": args, "options": options, "skip": sorted(RANDOM_IDS) if name in ("keep-id", "keep-all") else []} for name, (args, options) in OPTION_SETS.items()},
        "pairs": [[a, b] for a, b in pairs],
        "ignoreSets": {name: ignore for name, (_, ignore) in IGNORE_SETS.items()},
        "tools": {"nbformat": nbformat.__version__, "nbdime": nbdime.__version__, "nbstripout": "0.9.1"},
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--full"]
    if len(arguments) != 1:
        sys.exit(__doc__)
    main(arguments[0], full="--full" in sys.argv[1:])
