"""Writes a small MLflow store with the mlflow release installed in this interpreter, and what that release's own
client reads back. Runs under every pinned release (1.x, 2.x, 3.x): features a release lacks are left out.

Usage: python releases.py <out-dir>
  <out-dir>/mlruns                  file store (experiments, runs, params, tags, metric histories, the registry
                                    where the release's file store has one)
  <out-dir>/mlflow.db               the same content in the SQLite backend
  <out-dir>/expected-file.json      what MlflowClient reads from mlruns/
  <out-dir>/expected-sqlite.json    what MlflowClient reads from mlflow.db
  <out-dir>/copied/...              the file store's run `train-a` copied as users copy runs: into a folder
                                    without its experiment's meta.yaml (copied/without-experiment-meta/<exp>/<run>),
                                    and straight into a store folder (copied/run-only/<run>)
  <out-dir>/release.json            the release, which registry features it has, and the copied run

The registered model has versions made from two runs, stages set with transition_model_version_stage (one archived
by a later promotion), aliases where the release has them (2.3 and later), tags, and one deleted version.

The committed copies (test/fixtures/mlflow/releases/<version>) were made by running this script in each release's
virtual environment and gzipping mlflow.db (`gzip -9 -n`); the interop test regenerates them every run.
"""

import json
import math
import os
import shutil
import sys
import warnings

sys.argv[0] = "train.py"
os.environ["USER"] = os.environ["LOGNAME"] = "mlops"
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
warnings.filterwarnings("ignore")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag, ViewType  # noqa: E402

START = 1_700_000_000_000


def encode_float(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def has_file_registry():
    try:
        import mlflow.store.model_registry.file_store  # noqa: F401

        return True
    except ImportError:
        return False


def populate(client, with_registry):
    baseline = client.create_experiment("baseline", tags={"project": "churn"})
    tuning = client.create_experiment("tuning")

    def train(experiment, name, offset, lr, status="FINISHED", tags=None):
        run = client.create_run(experiment, start_time=START + offset, tags=tags or {}, run_name=name)
        rid = run.info.run_id
        metrics = []
        for step in range(12):
            metrics.append(Metric("loss", round(1.0 / (step + 1) + lr, 6), START + offset + step * 10, step))
            if step % 3 == 0:
                metrics.append(Metric("val/accuracy", round(0.5 + step / 30 - lr, 6), START + offset + step * 10 + 1, step))
        client.log_batch(rid, metrics=metrics, params=[Param("lr", str(lr)), Param("epochs", "12")], tags=[RunTag("stage", "train")])
        # NaN as a last value: every release writes it, and reads it back.
        client.log_metric(rid, "grad_norm", float("nan") if name == "train-b" else 0.25, timestamp=START + offset + 500, step=11)
        if status != "RUNNING":
            client.set_terminated(rid, status, end_time=START + offset + 1000)
        return rid

    a = train(baseline, "train-a", 0, 0.01, tags={"team": "growth"})
    b = train(baseline, "train-b", 10_000, 0.001)
    train(tuning, "sweep-1", 20_000, 0.1, status="RUNNING")
    gone = train(baseline, "discarded", 30_000, 0.5, status="FAILED")
    client.delete_run(gone)

    features = {"stages": False, "aliases": False}
    if not with_registry:
        return features
    client.create_registered_model("churn-model", tags={"owner": "growth"}, description="Churn classifier")
    for rid in (a, b, b, a):
        client.create_model_version("churn-model", f"runs:/{rid}/model", rid, description=f"from {rid[:8]}")
    client.set_model_version_tag("churn-model", "2", "validated", "true")
    client.delete_model_version("churn-model", "4")
    if hasattr(client, "transition_model_version_stage"):
        features["stages"] = True
        client.transition_model_version_stage("churn-model", "1", "Production")
        # Promoting version 2 archives version 1.
        client.transition_model_version_stage("churn-model", "2", "Production", archive_existing_versions=True)
        client.transition_model_version_stage("churn-model", "3", "Staging")
    if hasattr(client, "set_registered_model_alias"):
        features["aliases"] = True
        client.set_registered_model_alias("churn-model", "champion", "2")
        client.set_registered_model_alias("churn-model", "challenger", "3")
    client.create_registered_model("empty-model")
    return features


def model_versions(client, name):
    try:
        return client.search_model_versions(f"name = '{name}'", max_results=10000)
    except TypeError:  # Releases before 2.x take no max_results.
        return client.search_model_versions(f"name = '{name}'")


def expected(client, with_registry):
    experiments = client.search_experiments(view_type=ViewType.ALL, max_results=50000)
    out = {
        "experiments": sorted(
            (
                {"id": e.experiment_id, "name": e.name, "lifecycle_stage": e.lifecycle_stage, "tags": dict(e.tags)}
                for e in experiments
            ),
            key=lambda e: e["id"],
        ),
        "runs": [],
        "registered_models": [],
    }
    runs = client.search_runs([e.experiment_id for e in experiments], run_view_type=ViewType.ALL, max_results=50000)
    for r in sorted(runs, key=lambda r: r.info.run_id):
        history = {}
        for key in sorted(r.data.metrics):
            history[key] = [[m.step, encode_float(m.value), m.timestamp] for m in client.get_metric_history(r.info.run_id, key)]
        latest = {m.key: [m.step, encode_float(m.value), m.timestamp] for m in r.data._metric_objs}
        out["runs"].append(
            {
                "id": r.info.run_id,
                "experiment_id": r.info.experiment_id,
                "name": r.info.run_name,
                "status": r.info.status,
                "start_time": r.info.start_time,
                "end_time": r.info.end_time,
                "lifecycle_stage": r.info.lifecycle_stage,
                "params": dict(sorted(r.data.params.items())),
                "tags": dict(sorted(r.data.tags.items())),
                "latest": dict(sorted(latest.items())),
                "history": history,
            }
        )
    if not with_registry:
        return out
    for model in sorted(client.search_registered_models(max_results=1000), key=lambda m: m.name):
        versions = model_versions(client, model.name)
        out["registered_models"].append(
            {
                "name": model.name,
                "description": model.description or None,
                "tags": dict(sorted(model.tags.items())),
                "aliases": {k: str(v) for k, v in sorted(getattr(model, "aliases", {}).items())},
                "versions": [
                    {
                        "version": str(v.version),
                        "run_id": v.run_id,
                        "source": v.source,
                        "stage": v.current_stage,
                        "status": v.status,
                        "description": v.description or None,
                        "tags": dict(sorted(v.tags.items())),
                    }
                    for v in sorted(versions, key=lambda v: int(v.version))
                ],
            }
        )
    return out


def write(out_dir, backend):
    if backend == "file":
        uri = "file:" + os.path.join(out_dir, "mlruns")
        with_registry = has_file_registry()
    else:
        uri = "sqlite:///" + os.path.join(out_dir, "mlflow.db")
        with_registry = True
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(uri, uri)
    features = populate(client, with_registry)
    with open(os.path.join(out_dir, f"expected-{backend}.json"), "w", encoding="utf-8") as f:
        json.dump(expected(client, with_registry), f, ensure_ascii=False, allow_nan=False, indent=1, sort_keys=True)
        f.write("\n")
    return {"registry": with_registry, **features}


def copy_run(out_dir):
    """Copies a real run folder the way runs get copied between machines, without the experiment's meta.yaml."""
    with open(os.path.join(out_dir, "expected-file.json"), encoding="utf-8") as f:
        run = next(r for r in json.load(f)["runs"] if r["name"] == "train-a")
    source = os.path.join(out_dir, "mlruns", run["experiment_id"], run["id"])
    copied = os.path.join(out_dir, "copied")
    shutil.copytree(source, os.path.join(copied, "without-experiment-meta", run["experiment_id"], run["id"]))
    shutil.copytree(source, os.path.join(copied, "run-only", run["id"]))
    return {"experiment_id": run["experiment_id"], "run_id": run["id"], "name": run["name"]}


def main():
    out_dir = os.path.abspath(sys.argv[1])
    os.makedirs(out_dir, exist_ok=True)
    os.chdir(out_dir)
    release = {"mlflow": mlflow.__version__, "file": write(out_dir, "file"), "sqlite": write(out_dir, "sqlite")}
    release["copied"] = copy_run(out_dir)
    with open(os.path.join(out_dir, "release.json"), "w", encoding="utf-8") as f:
        json.dump(release, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
