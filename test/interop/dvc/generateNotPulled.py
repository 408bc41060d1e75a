"""Builds a DVC project whose outputs live in the DVC cache (not in git), with the real dvc, and clones it without the
cache, as a user meets a DVC repository on a fresh clone.

Usage: python generateNotPulled.py <work-dir> <fixture-dir>

The project: `data/raw.csv` tracked by `dvc add` (a .dvc file), a `train` stage whose model (`models/model.pkl`) and
metrics (`metrics/eval.json`, cached: not in git) are DVC outputs. Two commits tagged `model@v1.0.0` and
`model@v1.1.0`; `dvc exp run -n tuned` on each (the same experiment name on two baselines) and `dvc exp run -n deep`
on the second.

<fixture-dir> receives:
  project.bundle         `git bundle create --all` (commits, tags, refs/exps): restoring it is a clone without the cache
  expected/clone.json    what DVC reports in such a clone: `dvc data status --json` (not_in_cache), `dvc exp show
                         --json --all-commits` names with their revisions, and the outs of dvc.lock and data/raw.csv.dvc
The committed fixture is refreshed with
  .cache/venv/bin/python test/interop/dvc/generateNotPulled.py <tmp> test/fixtures/dvc-not-pulled
"""

import json
import os
import shutil
import subprocess
import sys

TRAIN = r'''
import json
import os

import yaml

params = yaml.safe_load(open("params.yaml"))["train"]
rows = open("data/raw.csv").read().count("\n") - 1
os.makedirs("models", exist_ok=True)
os.makedirs("metrics", exist_ok=True)
with open("models/model.pkl", "w") as f:
    f.write("model lr=%s layers=%d rows=%d\n" % (params["lr"], params["layers"], rows))
acc = round(0.5 + params["lr"] + 0.05 * params["layers"], 5)
with open("metrics/eval.json", "w") as f:
    json.dump({"acc": acc, "loss": round(1 - acc, 5)}, f, indent=2)
'''

DVC_YAML = """stages:
  train:
    cmd: python train.py
    deps:
      - train.py
      - data/raw.csv
    params:
      - train
    outs:
      - models/model.pkl
    metrics:
      - metrics/eval.json
"""


def main():
    work, fixture = (os.path.abspath(a) for a in sys.argv[1:3])
    repo = os.path.join(work, "repo")
    clone = os.path.join(work, "clone")
    home = os.path.join(work, "home")
    for d in (repo, home):
        os.makedirs(d, exist_ok=True)
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
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        }
    )
    clock = [1767605400]

    def run(cwd, *cmd, capture=False):
        clock[0] += 3600
        date = "%d +0000" % clock[0]
        e = dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        result = subprocess.run(cmd, cwd=cwd, env=e, check=True, text=True, capture_output=True)
        return result.stdout if capture else None

    def write(path, text):
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full) or ".", exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def params(lr, layers):
        return "train:\n  lr: %s\n  layers: %d\n" % (lr, layers)

    run(repo, "git", "init", "-q", "-b", "main")
    run(repo, "git", "config", "user.name", "Interop Tester")
    run(repo, "git", "config", "user.email", "interop@example.com")
    run(repo, "dvc", "init", "-q")
    run(repo, "dvc", "config", "core.analytics", "false")
    write("data/raw.csv", "x,y\n" + "".join("%d,%d\n" % (i, i % 2) for i in range(40)))
    run(repo, "dvc", "add", "-q", "data/raw.csv")
    write("train.py", TRAIN)
    write("dvc.yaml", DVC_YAML)
    write("params.yaml", params(0.01, 2))
    run(repo, "dvc", "repro", "-q")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "Baseline model")
    run(repo, "git", "tag", "-a", "model@v1.0.0", "-m", "first release")
    run(repo, "dvc", "exp", "run", "-q", "-n", "tuned", "-S", "train.lr=0.05")
    write("params.yaml", params(0.02, 3))
    run(repo, "dvc", "repro", "-q")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "Deeper model")
    run(repo, "git", "tag", "-a", "model@v1.1.0", "-m", "second release")
    run(repo, "dvc", "exp", "run", "-q", "-n", "tuned", "-S", "train.lr=0.1")
    run(repo, "dvc", "exp", "run", "-q", "-n", "deep", "-S", "train.layers=6")

    os.makedirs(fixture, exist_ok=True)
    bundle = os.path.join(fixture, "project.bundle")
    run(repo, "git", "bundle", "create", "-q", bundle, "--all")

    # A clone without the cache: what DVC says there.
    run(work, "git", "clone", "-q", repo, clone)
    run(clone, "git", "fetch", "-q", "origin", "refs/exps/*:refs/exps/*")
    status = json.loads(run(clone, "dvc", "data", "status", "--json", capture=True))
    rows = json.loads(run(clone, "dvc", "exp", "show", "--json", "--all-commits", capture=True))
    experiments = []
    for row in rows:
        for exp in row.get("experiments") or []:
            for rev in exp.get("revs") or []:
                experiments.append({"name": exp.get("name"), "rev": rev["rev"], "baseline": row["rev"]})
    import yaml  # noqa: E402 (dvc's dependency)

    lock = yaml.safe_load(open(os.path.join(clone, "dvc.lock")))
    dot_dvc = yaml.safe_load(open(os.path.join(clone, "data", "raw.csv.dvc")))
    expected = {
        "notInCache": status.get("not_in_cache", []),
        "workspaceFiles": sorted(
            os.path.relpath(os.path.join(d, f), clone).replace(os.sep, "/")
            for d, _, fs in os.walk(clone)
            if "/.git" not in d + "/" and "/.dvc" not in d + "/"
            for f in fs
        ),
        "experiments": sorted(experiments, key=lambda e: (e["name"], e["baseline"])),
        "lockOuts": lock["stages"]["train"]["outs"],
        "dotDvcOuts": dot_dvc["outs"],
    }
    os.makedirs(os.path.join(fixture, "expected"), exist_ok=True)
    with open(os.path.join(fixture, "expected", "clone.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    shutil.rmtree(clone, ignore_errors=True)


if __name__ == "__main__":
    main()
