"""Writes the stores MLflow leaves behind where a script only opened a tracking URI: an `mlruns` file store and an
SQLite store holding the Default experiment and no run (the Experiments view folds them). Run with the pinned
mlflow: python emptyStores.py <output folder>."""
import gzip
import os
import shutil
import sys

import mlflow
from mlflow.tracking import MlflowClient

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
out = os.path.abspath(sys.argv[1])
# Written in a fixed place so the paths MLflow records (artifact locations) do not depend on the checkout.
work = "/tmp/mlflow-fixture-empty"
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
MlflowClient(tracking_uri="file://" + os.path.join(work, "mlruns")).search_experiments()
os.chdir(work)
database = os.path.join(work, "empty.db")
MlflowClient(tracking_uri="sqlite:///" + database).search_experiments()
os.makedirs(out, exist_ok=True)
shutil.rmtree(os.path.join(out, "mlruns"), ignore_errors=True)
shutil.copytree(os.path.join(work, "mlruns"), os.path.join(out, "mlruns"))
with open(database, "rb") as source, open(os.path.join(out, "empty.db.gz"), "wb") as raw:
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as target:
        shutil.copyfileobj(source, target)
shutil.rmtree(work)
print(mlflow.__version__)
