"""Builds a small DVC project with the real dvc and dvclive, and writes what DVC itself reports about it.

Usage: python generate.py <repo-dir> <expected-dir> [--fixture <dir>]

The project: a two-stage pipeline (prepare -> train) whose train stage logs per-step metrics with DVCLive and
writes metrics/eval.json plus metrics/summary.yaml (strings, booleans, lists, NaN, nested keys). It is committed
twice (`dvc repro` each time), then three experiments run with `dvc exp run -S ...` so refs/exps exist; the last
experiment's results stay in the workspace (as `dvc exp run` leaves them).

<expected-dir> receives DVC's own answers:
  metrics-show.json       dvc metrics show --json --all-commits (every commit and the workspace)
  metrics-diff.json       dvc metrics diff --json --all (HEAD against the workspace)
  metrics-diff-commits.json dvc metrics diff HEAD~1 HEAD --json --all
  params-diff.json        dvc params diff --json --all (HEAD against the workspace)
  exp-show.json           dvc exp show --json --all-commits (rev, name, params, metrics of each row)
  commits.json            sha, subject and refs of each commit and experiment (from git)

--fixture <dir> also writes <dir>/project.bundle (`git bundle create --all`: commits, branches, tags and experiment
refs) and copies the workspace's files that differ from HEAD into <dir>/workspace/, so tests can rebuild the exact
repository and workspace without DVC. The committed fixture is refreshed with
  .cache/venv/bin/python test/interop/dvc/generate.py <tmp>/repo test/fixtures/dvc/expected --fixture test/fixtures/dvc
"""

import json
import os
import shutil
import subprocess
import sys

TRAIN = r'''
"""Trains nothing: deterministic curves from the params, logged with DVCLive."""
import json
import math
import os

import yaml
from dvclive import Live

params = yaml.safe_load(open("params.yaml"))["train"]
lr, epochs, layers = params["lr"], params["epochs"], params["layers"]
os.makedirs("metrics", exist_ok=True)
with Live(dir="dvclive", dvcyaml=None, save_dvc_exp=False, report=None) as live:
    live.log_param("optimizer", params["optimizer"])
    for epoch in range(epochs):
        loss = round(1.0 / (1 + lr * 40 * (epoch + 1)) + 0.01 * layers, 5)
        acc = round(1 - loss * 0.8, 5)
        live.log_metric("train/loss", loss)
        live.log_metric("eval/acc", acc)
        live.next_step()
final_acc = round(1 - (1.0 / (1 + lr * 40 * epochs) + 0.01 * layers) * 0.8, 5)
with open("metrics/eval.json", "w") as f:
    json.dump({"train": {"loss": loss}, "test": {"acc": final_acc, "f1": round(final_acc - 0.03, 5)}, "epochs": epochs}, f, indent=2)
with open("metrics/summary.yaml", "w") as f:
    f.write(
        "model: mlp-%d\n"
        "converged: %s\n"
        "layers: [%s]\n"
        "nested:\n  deep:\n    value: %s\n"
        "unstable: .nan\n"
        % (layers, "true" if lr < 0.1 else "false", ", ".join(["64"] * layers), round(lr * 3, 6))
    )
'''

PREPARE = r'''
import os
import yaml

params = yaml.safe_load(open("params.yaml"))["prepare"]
os.makedirs("data", exist_ok=True)
with open("data/prepared.txt", "w") as f:
    f.write("rows=%d\n" % params["rows"])
'''

DVC_YAML = """stages:
  prepare:
    cmd: python prepare.py
    deps:
      - prepare.py
    params:
      - prepare.rows
    outs:
      - data/prepared.txt
  train:
    cmd: python train.py
    deps:
      - train.py
      - data/prepared.txt
    params:
      - train
    metrics:
      - metrics/eval.json:
          cache: false
      - metrics/summary.yaml:
          cache: false
metrics:
  - dvclive/metrics.json
params:
  - dvclive/params.yaml
plots:
  - dvclive/plots/metrics:
      x: step
"""


def params_yaml(lr, layers):
    return (
        "prepare:\n  rows: 100\n  unused: 1\n"
        "train:\n  lr: %s\n  epochs: 6\n  layers: %d\n  optimizer: adam\n"
        "extra:\n  note: not tracked by any stage\n" % (lr, layers)
    )


def compact_exp_show(rows):
    """Keeps rev, name, params and metrics of every row and experiment (deps and outs are not compared)."""
    out = []

    def add(row, experiment=None):
        data = row.get("data") or {}
        out.append(
            {
                "rev": row["rev"],
                "name": row.get("name"),
                "experiment": experiment,
                "params": {f: v.get("data") for f, v in (data.get("params") or {}).items()},
                "metrics": {f: v.get("data") for f, v in (data.get("metrics") or {}).items()},
            }
        )

    for row in rows:
        add(row)
        for exp in row.get("experiments") or []:
            for rev in exp.get("revs") or []:
                add(rev, exp.get("name"))
    return out


def main():
    args = sys.argv[1:]
    fixture = None
    if "--fixture" in args:
        i = args.index("--fixture")
        fixture = os.path.abspath(args[i + 1])
        del args[i : i + 2]
    repo, expected = (os.path.abspath(a) for a in args[:2])
    os.makedirs(repo, exist_ok=True)
    os.makedirs(expected, exist_ok=True)
    home = os.path.join(os.path.dirname(repo), "home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "DVC_NO_ANALYTICS": "1",
            "DVC_SITE_CACHE_DIR": os.path.join(home, "dvc-site"),
            "DVCLIVE_OPEN": "0",
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        }
    )
    clock = [1767605400]  # fixed, increasing commit dates

    def run(*cmd, capture=False):
        clock[0] += 3600
        date = "%d +0000" % clock[0]
        e = dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        result = subprocess.run(cmd, cwd=repo, env=e, check=True, text=True, capture_output=True)
        return result.stdout if capture else None

    def write(path, text):
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full) or ".", exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def dvc_json(*cmd):
        return json.loads(run("dvc", *cmd, "--json", capture=True))

    run("git", "init", "-q", "-b", "main")
    run("git", "config", "user.name", "Interop Tester")
    run("git", "config", "user.email", "interop@example.com")
    run("dvc", "init", "-q")
    run("dvc", "config", "core.analytics", "false")
    run("git", "commit", "-q", "-m", "Initialize DVC")
    write("train.py", TRAIN)
    write("prepare.py", PREPARE)
    write("dvc.yaml", DVC_YAML)
    write("params.yaml", params_yaml(0.01, 2))
    write(".gitignore", "/data/prepared.txt\n")
    run("dvc", "repro", "-q")
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "Baseline model")
    write("params.yaml", params_yaml(0.02, 2))
    run("dvc", "repro", "-q")
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "Faster learning rate")
    run("git", "tag", "-a", "model@v1.0.0", "-m", "first release")
    for name, change in [("lr-high", "train.lr=0.2"), ("deep", "train.layers=4"), ("lr-low", "train.lr=0.005")]:
        run("dvc", "exp", "run", "-q", "-n", name, "-S", change)

    with open(os.path.join(expected, "metrics-show.json"), "w") as f:
        json.dump(dvc_json("metrics", "show", "--all-commits"), f, indent=2, sort_keys=True)
    with open(os.path.join(expected, "metrics-diff.json"), "w") as f:
        json.dump(dvc_json("metrics", "diff", "--all"), f, indent=2, sort_keys=True)
    with open(os.path.join(expected, "metrics-diff-commits.json"), "w") as f:
        json.dump(dvc_json("metrics", "diff", "HEAD~1", "HEAD", "--all"), f, indent=2, sort_keys=True)
    with open(os.path.join(expected, "params-diff.json"), "w") as f:
        json.dump(dvc_json("params", "diff", "--all"), f, indent=2, sort_keys=True)
    with open(os.path.join(expected, "exp-show.json"), "w") as f:
        json.dump(compact_exp_show(dvc_json("exp", "show", "--all-commits")), f, indent=2, sort_keys=True)
    refs = run("git", "for-each-ref", "--format=%(objectname) %(*objectname) %(refname)", capture=True)
    log = run("git", "log", "--format=%H %s", "main", capture=True)
    commits = {
        "commits": [dict(zip(("sha", "subject"), line.split(" ", 1))) for line in log.strip().splitlines()],
        "refs": [{"ref": p[-1], "commit": p[1] if len(p) == 3 else p[0]} for p in (line.split() for line in refs.strip().splitlines())],
    }
    with open(os.path.join(expected, "commits.json"), "w") as f:
        json.dump(commits, f, indent=2, sort_keys=True)

    if fixture:
        os.makedirs(fixture, exist_ok=True)
        run("git", "bundle", "create", "-q", os.path.join(fixture, "project.bundle"), "--all")
        changed = run("git", "status", "--porcelain", "--untracked-files=all", capture=True)
        workspace = os.path.join(fixture, "workspace")
        shutil.rmtree(workspace, ignore_errors=True)
        for line in changed.splitlines():
            path = line[3:]
            if path.startswith(".dvc/"):
                continue
            os.makedirs(os.path.join(workspace, os.path.dirname(path)), exist_ok=True)
            shutil.copyfile(os.path.join(repo, path), os.path.join(workspace, path))


if __name__ == "__main__":
    main()
