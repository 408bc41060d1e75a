"""Writes notebooks for the notebook-hygiene check with nbformat, and their nbstripout-stripped form.

Usage: python make_notebooks.py <out-dir> [--with-secret]
The files are deterministic (fixed cell ids) so they can be committed as fixtures; the notebook with a fake
credential is only written with --with-secret, into a temporary folder.
"""
import os
import shutil
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

KERNEL = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "version": "3.11.9"},
}


def notebook(cells, metadata=KERNEL):
    nb = new_notebook(cells=cells, metadata=dict(metadata))
    nbformat.validate(nb)
    return nb


def write(nb, out, name):
    nbformat.write(nb, os.path.join(out, name))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with_outputs = notebook([
        new_markdown_cell("# Evaluate", id="md-1"),
        new_code_cell("x = 40 + 2\nx", id="code-1", execution_count=1,
                      outputs=[new_output("execute_result", data={"text/plain": "42"}, execution_count=1)]),
        new_code_cell("print('done')", id="code-2", execution_count=2,
                      outputs=[new_output("stream", name="stdout", text="done\n")]),
    ])
    write(with_outputs, out, "with-outputs.ipynb")
    write(notebook([
        new_code_cell("a = 1", id="code-1", execution_count=5),
        new_code_cell("b = 2", id="code-2", execution_count=3),
    ]), out, "out-of-order.ipynb")
    write(notebook([new_code_cell("print(1)", id="code-1")], metadata={}), out, "no-kernel.ipynb")
    shutil.copy(os.path.join(out, "with-outputs.ipynb"), os.path.join(out, "stripped.ipynb"))
    subprocess.run([sys.executable, "-m", "nbstripout", os.path.join(out, "stripped.ipynb")], check=True)
    if "--with-secret" in sys.argv:
        key = "AKIA" + "Q3EXAMPLE" + "7TESTKE"
        write(notebook([new_code_cell('import boto3\nclient = boto3.client("s3", aws_access_key_id="%s")' % key, id="code-1")]), out, "secret.ipynb")
        shutil.copy(os.path.join(out, "secret.ipynb"), os.path.join(out, "secret-stripped.ipynb"))
        subprocess.run([sys.executable, "-m", "nbstripout", os.path.join(out, "secret-stripped.ipynb")], check=True)


if __name__ == "__main__":
    main()
