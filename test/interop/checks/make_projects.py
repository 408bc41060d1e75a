"""Builds two projects without mlops.yaml with the real tools, as a user would find them after `git clone`.

Usage: python make_projects.py <out-dir>

<out-dir>/dvc: a DVC pipeline (dvc add of a dataset, a train stage writing a model and a metrics file, a model
  artifact in dvc.yaml) run with `dvc repro` and committed; then only the files git tracks are kept, so the data and
  the model are DVC-tracked but not pulled (no cache), the normal state of a fresh clone.
<out-dir>/mlflow: a training script logging to an MLflow SQLite store (mlflow.db, kept as mlflow.db.gz; artifacts in
  ./mlruns) with a registered model, a requirements.txt with one pinned and one unpinned package, and a model file
  saved beside the script.

The committed fixtures are refreshed with
  .cache/venv/bin/python test/interop/checks/make_projects.py test/fixtures/checks/projects
"""

import gzip
import os
import shutil
import subprocess
import sys
import tempfile

TRAIN_DVC = '''import json
import os

os.makedirs("models", exist_ok=True)
os.makedirs("metrics", exist_ok=True)
rows = open("data/train.csv").read().splitlines()[1:]
with open("models/model.pkl", "wb") as f:
    f.write(b"model trained on %d rows\\n" % len(rows))
with open("metrics/eval.json", "w") as f:
    json.dump({"accuracy": 0.75, "rows": len(rows)}, f, indent=2)
'''

DVC_YAML = '''stages:
  train:
    cmd: python train.py
    deps:
      - train.py
      - data/train.csv
    outs:
      - models/model.pkl
    metrics:
      - metrics/eval.json:
          cache: false
artifacts:
  churn-model:
    path: models/model.pkl
    type: model
    desc: Predicts churn from the training data.
'''

TRAIN_MLFLOW = '''import pickle

import mlflow

mlflow.set_tracking_uri("sqlite:///mlflow.db")
mlflow.set_experiment("churn")
with mlflow.start_run(run_name="baseline") as run:
    mlflow.log_param("alpha", 0.5)
    mlflow.log_metric("accuracy", 0.8)
    with open("models/model.pkl", "wb") as f:
        pickle.dump({"alpha": 0.5}, f, protocol=4)
    mlflow.log_artifact("models/model.pkl", artifact_path="model")
    client = mlflow.MlflowClient()
    client.create_registered_model("churn-classifier")
    client.create_model_version("churn-classifier", run.info.artifact_uri + "/model", run_id=run.info.run_id)
'''


def run(cwd, *args, env=None):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write(text)


def git_env():
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="Fixture",
        GIT_AUTHOR_EMAIL="fixture@example.com",
        GIT_COMMITTER_NAME="Fixture",
        GIT_COMMITTER_EMAIL="fixture@example.com",
        GIT_AUTHOR_DATE="2026-01-05T10:00:00Z",
        GIT_COMMITTER_DATE="2026-01-05T10:00:00Z",
    )
    return env


def make_dvc(out):
    bin_dir = os.path.dirname(sys.executable)
    dvc = os.path.join(bin_dir, "dvc")
    env = git_env()
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        os.makedirs(repo)
        run(repo, "git", "init", "-q", "-b", "main", env=env)
        run(repo, dvc, "init", "-q", env=env)
        run(repo, dvc, "config", "core.analytics", "false", env=env)
        write(os.path.join(repo, "data", "train.csv"), "x,y\n" + "".join("%d,%d\n" % (i, i % 2) for i in range(40)))
        write(os.path.join(repo, "train.py"), TRAIN_DVC)
        write(os.path.join(repo, "dvc.yaml"), DVC_YAML)
        write(os.path.join(repo, "requirements.txt"), "dvc==3.51.2\npandas\n")
        write(os.path.join(repo, "README.md"), "# Churn\n\nA DVC pipeline: `dvc pull` fetches the data and the model.\n")
        run(repo, dvc, "add", "-q", "data/train.csv", env=env)
        env_py = dict(env)
        env_py["PATH"] = bin_dir + os.pathsep + env_py.get("PATH", "")
        run(repo, dvc, "repro", "-q", env=env_py)
        run(repo, "git", "add", "-A", env=env)
        run(repo, "git", "commit", "-q", "-m", "Pipeline", env=env)
        files = subprocess.run(["git", "ls-files"], cwd=repo, check=True, capture_output=True, text=True).stdout.split()
        shutil.rmtree(out, ignore_errors=True)
        for name in files:
            if name.startswith(".dvc/") and name not in (".dvc/config", ".dvc/.gitignore"):
                continue
            target = os.path.join(out, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(os.path.join(repo, name), target)


def relative_locations(db, folder):
    """MLflow stores absolute artifact locations; the committed store keeps them relative to the project folder."""
    import sqlite3

    prefix = os.path.abspath(folder)
    con = sqlite3.connect(db)
    for table, column in [
        ("experiments", "artifact_location"),
        ("runs", "artifact_uri"),
        ("model_versions", "source"),
        ("model_versions", "storage_location"),
    ]:
        columns = [row[1] for row in con.execute(f"PRAGMA table_info({table})")]
        if column in columns:
            con.execute(f"UPDATE {table} SET {column} = replace({column}, ?, '.')", (prefix,))
    con.commit()
    con.execute("VACUUM")
    con.close()


def make_mlflow(out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "models"))
    write(os.path.join(out, "train.py"), TRAIN_MLFLOW)
    write(os.path.join(out, "requirements.txt"), "mlflow==2.17.2\nscikit-learn\n")
    env = dict(os.environ)
    env["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    env["PYTHONWARNINGS"] = "ignore"
    run(out, sys.executable, "train.py", env=env)
    relative_locations(os.path.join(out, "mlflow.db"), out)
    # Kept compressed in the repository (the store is mostly empty pages); tests unpack it.
    with open(os.path.join(out, "mlflow.db"), "rb") as src, gzip.open(os.path.join(out, "mlflow.db.gz"), "wb", 9) as dst:
        shutil.copyfileobj(src, dst)
    os.remove(os.path.join(out, "mlflow.db"))


def main():
    out = os.path.abspath(sys.argv[1])
    make_dvc(os.path.join(out, "dvc"))
    make_mlflow(os.path.join(out, "mlflow"))


if __name__ == "__main__":
    main()
