"""Writes MLflow stores as users have them on day one, with the mlflow release installed in this interpreter, and
what the script put in them (expected.json), for the readers' tests.

Pinned releases (each in its own virtual environment; see requirements-<version>.txt and constraints-<version>.txt):
  mlflow==1.30.1, mlflow==2.17.2, and the main environment's mlflow==3.17.2 (test/interop/requirements.txt).

Usage: python realStores.py <out-dir>
  <out-dir>/mlruns.db        an SQLite store not named mlflow.db: experiments, a parent run with two nested runs, a
                             note (the `mlflow.note.content` tag MLflow's UI edits), an empty param, a deleted run, a
                             deleted experiment, and a registered model with a description, versions, version notes,
                             stages and aliases (where the release has them)
  <out-dir>/.env             MLFLOW_TRACKING_URI=sqlite:///mlruns.db, as a project commits it
  <out-dir>/copied/mlruns    the same runs written to a file store by the same client, then copied by hand as runs
                             get copied between machines: an experiment folder without its meta.yaml, a run put into
                             another experiment's folder (its meta.yaml names the other experiment), the `.trash`
                             folder of a deleted experiment, and a metric file whose last line was cut in the middle;
                             every artifact_uri points at the machine that wrote them
  <out-dir>/expected.json    what the script logged (runs by name: params, tags, note, parent, status, latest metric
                             values and histories; the registry), checked against what the release's own client reads
                             back, and what was done to the copied store

The committed copies (test/fixtures/mlflow/real/<version>) were made by running this script with <out-dir> set to
/tmp/mlflow-real in each release's environment and gzipping mlruns.db (`gzip -9 -n`). CI's unit tier reads the
committed copies; the interop tier (`npm run test:interop`, which creates the three environments) runs this script
with each release and compares what it writes with the committed copy.
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
NOTE = "Best so far: lr 0.01.\nRetrain with the **new** features (see #42)."
PARENT_TAG = "mlflow.parentRunId"
NOTE_TAG = "mlflow.note.content"


def encode(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def populate(client, with_registry):
    """Logs the runs; returns what was logged, by run name."""
    churn = client.create_experiment("churn")
    other = client.create_experiment("features")
    gone_experiment = client.create_experiment("abandoned")
    logged = {}

    def train(experiment, name, offset, lr, parent=None, status="FINISHED", note=None, extra_params=None):
        tags = {"team": "growth"}
        if parent:
            tags[PARENT_TAG] = parent
        run = client.create_run(experiment, start_time=START + offset, tags=tags, run_name=name)
        rid = run.info.run_id
        history = {"loss": [], "val_f1": []}
        metrics = []
        for step in range(6):
            loss = round(1.0 / (step + 1) + lr, 6)
            f1 = round(0.5 + step / 20 - lr, 6)
            metrics.append(Metric("loss", loss, START + offset + step * 10, step))
            metrics.append(Metric("val_f1", f1, START + offset + step * 10 + 1, step))
            history["loss"].append([step, loss, START + offset + step * 10])
            history["val_f1"].append([step, f1, START + offset + step * 10 + 1])
        params = {"lr": str(lr), "epochs": "6", **(extra_params or {})}
        client.log_batch(rid, metrics=metrics, params=[Param(k, v) for k, v in params.items()], tags=[])
        if note is not None:
            client.set_tag(rid, NOTE_TAG, note)
        if status != "RUNNING":
            client.set_terminated(rid, status, end_time=START + offset + 1000)
        logged[name] = {
            "id": rid,
            "experiment": client.get_experiment(experiment).name,
            "experiment_id": experiment,
            "params": dict(sorted(params.items())),
            "tags": {"team": "growth"},
            "note": note,
            "parent": None,
            "status": status,
            "start_time": START + offset,
            "end_time": START + offset + 1000 if status != "RUNNING" else None,
            "deleted": False,
            "latest": {k: v[-1] for k, v in history.items()},
            "history": history,
        }
        return rid

    sweep = train(churn, "sweep", 0, 0.01, note=NOTE, extra_params={"comment": ""})
    train(churn, "trial-1", 10_000, 0.01, parent=sweep)
    train(churn, "trial-2", 20_000, 0.1, parent=sweep, status="FAILED")
    logged["trial-1"]["parent"] = logged["trial-2"]["parent"] = "sweep"
    train(other, "features-a", 30_000, 0.05)
    train(other, "features-b", 40_000, 0.02, status="RUNNING")
    discarded = train(churn, "discarded", 50_000, 0.5)
    client.delete_run(discarded)
    logged["discarded"]["deleted"] = True
    train(gone_experiment, "abandoned-run", 60_000, 0.3)
    client.delete_experiment(gone_experiment)
    logged["abandoned-run"]["deleted"] = True

    registry = None
    if with_registry:
        client.create_registered_model("churn-model", tags={"owner": "growth"}, description="Churn classifier")
        versions = []
        for n, run_name in enumerate(["sweep", "trial-1", "trial-1"], start=1):
            rid = logged[run_name]["id"]
            description = f"version {n} from {run_name}"
            client.create_model_version("churn-model", f"runs:/{rid}/model", rid, description=description)
            versions.append({"version": str(n), "run": run_name, "description": description, "stage": "None", "aliases": []})
        stages = hasattr(client, "transition_model_version_stage")
        if stages:
            client.transition_model_version_stage("churn-model", "1", "Production")
            client.transition_model_version_stage("churn-model", "2", "Staging")
            versions[0]["stage"], versions[1]["stage"] = "Production", "Staging"
        aliases = hasattr(client, "set_registered_model_alias")
        if aliases:
            client.set_registered_model_alias("churn-model", "champion", "1")
            client.set_registered_model_alias("churn-model", "candidate", "2")
            versions[0]["aliases"], versions[1]["aliases"] = ["champion"], ["candidate"]
        registry = {
            "name": "churn-model",
            "description": "Churn classifier",
            "tags": {"owner": "growth"},
            "stages": stages,
            "aliases": aliases,
            "versions": versions,
        }
    return logged, registry


def check_readback(client, logged, registry):
    """The release's own client reads back what was logged (so expected.json is what MLflow itself shows)."""
    for name, want in logged.items():
        run = client.get_run(want["id"])
        assert run.info.run_name == name, (name, run.info.run_name)
        assert dict(run.data.params) == want["params"], (name, run.data.params)
        assert run.data.tags.get(NOTE_TAG) == want["note"], name
        for key, points in want["history"].items():
            got = [[m.step, m.value, m.timestamp] for m in client.get_metric_history(want["id"], key)]
            assert sorted(got) == sorted(points), (name, key, got)
        if name == "discarded":
            assert run.info.lifecycle_stage == "deleted", name
    if registry:
        model = client.get_registered_model(registry["name"])
        assert model.description == registry["description"]
        for v in registry["versions"]:
            got = client.get_model_version(registry["name"], v["version"])
            assert got.current_stage == v["stage"], (v, got.current_stage)
            assert got.description == v["description"]


def write_store(uri, with_registry):
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(uri, uri)
    logged, registry = populate(client, with_registry)
    check_readback(client, logged, registry)
    return logged, registry


def has_file_registry():
    try:
        import mlflow.store.model_registry.file_store  # noqa: F401

        return True
    except ImportError:
        return False


def copy_by_hand(store, logged):
    """What happens to a file store copied between machines, done to the real files."""
    features_id = logged["features-a"]["experiment_id"]
    churn_id = logged["sweep"]["experiment_id"]
    # The experiment folder arrives without its meta.yaml.
    os.remove(os.path.join(store, features_id, "meta.yaml"))
    # A run moved into another experiment's folder: its meta.yaml still names its own experiment.
    moved = logged["features-b"]["id"]
    shutil.move(os.path.join(store, features_id, moved), os.path.join(store, churn_id, moved))
    # The copy of a metric file stopped in the middle of its last line (its step and newline are missing).
    cut = os.path.join(store, churn_id, logged["trial-1"]["id"], "metrics", "loss")
    with open(cut, "rb") as f:
        data = f.read()
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    with open(cut, "wb") as f:
        f.write(data[: len(data) - 1 - len(last.split(b" ")[-1]) - 1])
    return {
        "experiment_without_meta": features_id,
        "moved_run": {"name": "features-b", "from": features_id, "into": churn_id},
        "truncated_metric": {"run": "trial-1", "key": "loss"},
        "trash": [e for e in os.listdir(os.path.join(store, ".trash"))],
    }


def main():
    out_dir = os.path.abspath(sys.argv[1])
    os.makedirs(out_dir, exist_ok=True)
    os.chdir(out_dir)
    logged, registry = write_store("sqlite:///" + os.path.join(out_dir, "mlruns.db"), True)
    # The SQLite store's default artifact root (./mlruns), empty here: not a file store.
    artifacts = os.path.join(out_dir, "mlruns")
    if os.path.isdir(artifacts) and not any(files for _, _, files in os.walk(artifacts)):
        shutil.rmtree(artifacts)
    with open(os.path.join(out_dir, ".env"), "w", encoding="utf-8") as f:
        f.write("# Where train.py logs its runs\nMLFLOW_TRACKING_URI=sqlite:///mlruns.db\n")
    copied_store = os.path.join(out_dir, "copied", "mlruns")
    file_logged, file_registry = write_store("file:" + copied_store, has_file_registry())
    copied = copy_by_hand(copied_store, file_logged)

    def strip(runs):
        return {name: {k: v for k, v in run.items() if k not in ("id", "experiment_id")} for name, run in runs.items()}

    assert strip(logged) == strip(file_logged), "the same runs in both stores"
    expected = {
        "mlflow": mlflow.__version__,
        "sqlite": {
            "runs": logged,
            "registry": registry,
        },
        "copied": {
            "runs": file_logged,
            "registry": file_registry,
            "changes": copied,
        },
    }
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, allow_nan=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
