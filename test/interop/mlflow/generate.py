"""Writes an MLflow store with the real mlflow client and the expected values read back with mlflow's own API.

Usage: python generate.py <out-dir> <file|sqlite>
  file   -> <out-dir>/mlruns and <out-dir>/expected-file.json
  sqlite -> <out-dir>/mlflow.db and <out-dir>/expected-sqlite.json

The store holds several experiments (one deleted), runs with per-step histories, NaN and infinite values, nested
metric names (train/loss), keys with dots and spaces, params, tags, a deleted run, a failed run, a run still
running, and a registered model with versions, an alias, tags and a deleted version.

The copy the unit tests read (test/fixtures/mlflow: mlruns/, mlflow.db.gz, expected-*.json) was made by running
both backends into one temporary folder and gzipping mlflow.db (`gzip -9 -n`); the interop test regenerates it
every run and compares our readers with the fresh expected files.
"""

import json
import math
import os
import sys
import time

# Run context: mlflow records the main file and the user as tags; keep them neutral and reproducible.
sys.argv[0] = "train.py"
os.environ["USER"] = os.environ["LOGNAME"] = "mlops"
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag, ViewType  # noqa: E402


def encode_float(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def populate(client):
    """Logs the same logical content whatever the backend."""
    baseline = client.create_experiment("baseline", tags={"project": "fraud"})
    tuning = client.create_experiment("tuning")
    scratch = client.create_experiment("scratch")

    # A run with full per-step histories, long enough that the last lines are not in the first 4 KiB.
    run = client.create_run(baseline, run_name="resnet-baseline", tags={"team": "vision", "a/b": "x y"})
    rid = run.info.run_id
    start = 1_700_000_000_000
    metrics = []
    for step in range(300):
        metrics.append(Metric("train/loss", 2.0 / (step + 1) + 0.001 * (step % 7), start + step * 10, step))
        if step % 10 == 0:
            metrics.append(Metric("val_loss", 2.5 / (step + 1), start + step * 10 + 1, step))
            metrics.append(Metric("validation.accuracy", min(0.99, 0.5 + step / 600), start + step * 10 + 2, step))
    for i in range(0, len(metrics), 900):
        client.log_batch(rid, metrics=metrics[i : i + 900])
    client.log_batch(
        rid,
        params=[
            Param("lr", "0.001"),
            Param("model/depth", "50"),
            Param("optimizer", "adam"),
            Param("note", "naïve — ünïcode <b>bold</b> & 'quotes'"),
        ],
        tags=[RunTag("mlflow.note.content", "line one\nline two\n")],
    )
    client.log_metric(rid, "a/b/c", 1.5, timestamp=start + 5000, step=0)
    client.log_metric(rid, "test f1", 0.875, timestamp=start + 5001, step=299)
    client.set_terminated(rid, "FINISHED", end_time=start + 6000)

    # Special values: NaN, +/-inf, the extremes of float64, negative zero, the smallest subnormal.
    special = client.create_run(baseline, run_name="special-values")
    sid = special.info.run_id
    values = [float("nan"), float("inf"), float("-inf"), 1.7976931348623157e308, -0.0, 5e-324, 0.1, -1e-300]
    client.log_batch(sid, metrics=[Metric("weird", v, start + 100 + i, i) for i, v in enumerate(values)])
    client.log_batch(sid, metrics=[Metric("ends_nan", v, start + 200 + i, i) for i, v in enumerate([1.0, 2.0, float("nan")])])
    client.log_batch(sid, metrics=[Metric("ends_inf", v, start + 300 + i, i) for i, v in enumerate([1.0, float("-inf")])])
    # Logged three times at step 0 (no step given): the latest is the last timestamp.
    for i, v in enumerate([0.3, 0.1, 0.2]):
        client.log_metric(sid, "final_score", v, timestamp=start + 400 + i)
    client.set_terminated(sid, "FAILED", end_time=start + 7000)

    # A run still running, in another experiment, and one killed.
    running = client.create_run(tuning, run_name="sweep-1", tags={"sweep": "lr"})
    client.log_batch(running.info.run_id, metrics=[Metric("train_loss", 1.0 - s / 20, start + s, s) for s in range(20)], params=[Param("lr", "0.01")])
    killed = client.create_run(tuning, run_name="sweep-2")
    client.log_metric(killed.info.run_id, "train_loss", 0.9, timestamp=start, step=0)
    client.set_terminated(killed.info.run_id, "KILLED", end_time=start + 10)

    # A deleted run, and a deleted experiment with a run.
    gone = client.create_run(baseline, run_name="deleted-run")
    client.log_metric(gone.info.run_id, "train/loss", 9.0, timestamp=start, step=0)
    client.set_terminated(gone.info.run_id, "FINISHED", end_time=start + 1)
    client.delete_run(gone.info.run_id)
    old = client.create_run(scratch, run_name="scratch-run")
    client.log_metric(old.info.run_id, "loss", 3.0, timestamp=start, step=0)
    client.set_terminated(old.info.run_id, "FINISHED", end_time=start + 1)
    client.delete_experiment(scratch)

    # A registered model with three versions, an alias, tags, and one deleted version.
    client.create_registered_model("fraud-classifier", tags={"owner": "ml-team"}, description="Gradient-boosted fraud model")
    for _ in range(3):
        client.create_model_version("fraud-classifier", f"runs:/{rid}/model", rid, description="from baseline")
    client.set_registered_model_alias("fraud-classifier", "champion", "2")
    client.set_model_version_tag("fraud-classifier", "2", "validated", "true")
    client.delete_model_version("fraud-classifier", "3")
    client.create_registered_model("empty-model")


def name_filter(name):
    """A search filter for one model name: MLflow's filter has no escape, so a name with a single quote is double-quoted."""
    return f'name = "{name}"' if "'" in name else f"name = '{name}'"


def expected(client):
    experiments = client.search_experiments(view_type=ViewType.ALL, max_results=50000)
    out = {
        "experiments": sorted(
            (
                {
                    "id": e.experiment_id,
                    "name": e.name,
                    "lifecycle_stage": e.lifecycle_stage,
                    "tags": {k: v for k, v in e.tags.items()},
                }
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
        # data.metrics maps keys to values only; the step and timestamp of each latest value are on the
        # metric entities the run carries.
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
    for model in sorted(client.search_registered_models(max_results=1000), key=lambda m: m.name):
        versions = client.search_model_versions(name_filter(model.name), max_results=10000)
        out["registered_models"].append(
            {
                "name": model.name,
                "description": model.description,
                "tags": dict(sorted(model.tags.items())),
                "aliases": {k: str(v) for k, v in sorted(model.aliases.items())},
                "versions": [
                    {
                        "version": str(v.version),
                        "run_id": v.run_id,
                        "source": v.source,
                        "stage": v.current_stage,
                        "status": v.status,
                        "description": v.description,
                        "tags": dict(sorted(v.tags.items())),
                    }
                    for v in sorted(versions, key=lambda v: int(v.version))
                ],
            }
        )
    return out


def main():
    out_dir, backend = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    os.chdir(out_dir)
    if backend == "file":
        uri = "file:" + os.path.join(out_dir, "mlruns")
    elif backend == "sqlite":
        uri = "sqlite:///" + os.path.join(out_dir, "mlflow.db")
    else:
        raise SystemExit(f"unknown backend {backend!r}: use file or sqlite")
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(uri, uri)
    populate(client)
    with open(os.path.join(out_dir, f"expected-{backend}.json"), "w", encoding="utf-8") as f:
        json.dump(expected(client), f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
