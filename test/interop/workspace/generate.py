"""Writes a small ML project with the real DVC and MLflow, and what those tools report about it.

Usage: python generate.py <out-dir>
  <out-dir>/project        a git + DVC repository: `dvc add` of a file and of a folder (DVC writes the .dvc files
                           and the .gitignore entries), a dvc.yaml with a stage, plots, metrics and artifacts
                           (`dvc repro` writes dvc.lock), and an MLflow file store with a model registry.
  <out-dir>/expected.json  DVC's outs (path, md5, size, nfiles, declaring file), DVC's artifacts, and the registered
                           model versions as MlflowClient reports them (deleted versions excluded).
"""

import json
import os
import subprocess
import sys

os.environ["USER"] = os.environ["LOGNAME"] = "mlops"
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
os.environ["DVC_NO_ANALYTICS"] = "1"
os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
os.environ["GIT_CONFIG_NOSYSTEM"] = "1"

DVC_YAML = """stages:
  train:
    cmd: 'cp data/raw.csv models/out.pkl && echo "f1: 0.5" > metrics/eval.yaml'
    deps:
      - data/raw.csv
    outs:
      - models/out.pkl
    metrics:
      - metrics/eval.yaml:
          cache: false
plots:
  - plots/curve.csv:
      x: step
      y: loss
artifacts:
  classifier:
    path: models/model.pt
    type: model
    desc: A small classifier
    labels:
      - tabular
      - demo
  training-images:
    path: data/images
    type: dataset
    desc: Labelled images
"""


def write(path, content):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode("utf-8"))


def run(args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def dvc_project(root):
    run(["git", "init", "-q"], root)
    run([sys.executable, "-m", "dvc", "init", "-q"], root)
    run([sys.executable, "-m", "dvc", "config", "core.analytics", "false"], root)
    write(os.path.join(root, "data/raw.csv"), "id,label\n1,0\n2,1\n3,0\n")
    # Names chosen to exercise DVC's ordering (by path parts) and its ASCII-only JSON.
    images = {
        "a/b.txt": b"ab",
        "a-b/c.txt": b"a-b-c",
        "nested/deep/x.bin": bytes(range(256)),
        "\u00e9t\u00e9.txt": "summer".encode("utf-8"),
        "Z.txt": b"upper",
        "empty.txt": b"",
    }
    for name, content in images.items():
        write(os.path.join(root, "data/images", name), content)
    run([sys.executable, "-m", "dvc", "add", "-q", "data/raw.csv", "data/images"], root)
    write(os.path.join(root, "models/model.pt"), b"\x80\x02weights")
    write(os.path.join(root, "plots/curve.csv"), "step,loss\n0,1.0\n1,0.5\n")
    os.makedirs(os.path.join(root, "metrics"), exist_ok=True)
    write(os.path.join(root, "dvc.yaml"), DVC_YAML)
    run([sys.executable, "-m", "dvc", "repro", "-q"], root)

    from dvc.repo import Repo

    os.chdir(root)
    repo = Repo(root)
    outs = []
    for out in repo.index.outs:
        stage_file = os.path.relpath(out.stage.path, root).replace(os.sep, "/")
        meta = out.meta
        outs.append(
            {
                "path": os.path.relpath(out.fs_path, root).replace(os.sep, "/"),
                "md5": out.hash_info.value,
                "size": meta.size,
                "nfiles": meta.nfiles,
                "isDirectory": bool(out.hash_info.isdir),
                "declaredIn": stage_file,
                "cache": bool(out.use_cache),
            }
        )
    artifacts = []
    for dvc_file, entries in repo.artifacts.read().items():
        for name, artifact in entries.items():
            artifacts.append(
                {
                    "name": name,
                    "path": artifact.path,
                    "type": artifact.type,
                    "description": artifact.desc,
                    "labels": list(artifact.labels or []),
                    "declaredIn": os.path.relpath(dvc_file, root).replace(os.sep, "/"),
                }
            )
    repo.close()
    return sorted(outs, key=lambda o: o["path"]), sorted(artifacts, key=lambda a: a["name"])


def mlflow_registry(root):
    import mlflow
    from mlflow import MlflowClient

    store = os.path.join(root, "mlruns")
    mlflow.set_tracking_uri("file:" + store)
    client = MlflowClient()
    with mlflow.start_run() as run_info:
        mlflow.log_metric("f1", 0.8)
    run_id = run_info.info.run_id
    client.create_registered_model("fraud-classifier", tags={"team": "risk"}, description="Fraud model")
    for i in range(3):
        client.create_model_version(
            "fraud-classifier",
            f"runs:/{run_id}/model",
            run_id=run_id,
            description=f"version {i + 1}" if i != 1 else None,
            tags={"validated": "yes"} if i == 0 else None,
        )
    client.transition_model_version_stage("fraud-classifier", "1", "Production")
    client.transition_model_version_stage("fraud-classifier", "2", "Staging")
    client.set_registered_model_alias("fraud-classifier", "champion", "2")
    client.delete_model_version("fraud-classifier", "3")
    client.create_registered_model("churn")
    client.create_model_version("churn", f"runs:/{run_id}/churn", run_id=run_id)

    versions = []
    for model in client.search_registered_models():
        for v in client.search_model_versions(f"name='{model.name}'"):
            versions.append(
                {
                    "name": v.name,
                    "version": str(v.version),
                    "stage": v.current_stage,
                    "description": v.description or model.description or None,
                    "aliases": sorted(v.aliases),
                    "tags": dict(v.tags),
                    "runId": v.run_id,
                    "source": v.source,
                    "status": v.status,
                }
            )
    return sorted(versions, key=lambda v: (v["name"], int(v["version"])))


def main():
    out_dir = os.path.abspath(sys.argv[1])
    root = os.path.join(out_dir, "project")
    os.makedirs(root, exist_ok=True)
    outs, artifacts = dvc_project(root)
    versions = mlflow_registry(root)
    expected = {"dvcOuts": outs, "dvcArtifacts": artifacts, "registeredVersions": versions}
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
