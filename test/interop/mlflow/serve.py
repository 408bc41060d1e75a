"""Logs runs to a live MLflow tracking server with the real client, then writes what the client reads back.

Usage: python serve.py <tracking-url> <expected-json>

Usage: python serve.py <tracking-url> <expected-json> <expected-registry-json>

The server is started on a copy of the mlflow.db that generate.py wrote (so it already holds that content); this
adds a run with 10,000 steps and special values, and 15 small runs (enough to page through runs/search and
metrics/get-history with small page sizes), then writes the expected JSON the same way as generate.py.

It also registers models through the server (registry.py) and writes what MlflowClient reads back of the registry.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate import expected  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param  # noqa: E402
from registry import expected_registry, register  # noqa: E402


def main():
    url, out, registry_out = sys.argv[1], sys.argv[2], sys.argv[3]
    client = MlflowClient(url, url)
    paging = client.create_experiment("paging")
    start = 1_700_000_000_000
    long = client.create_run(paging, run_name="long-run")
    steps = [Metric("loss", 1.0 / (s + 1), start + s, s) for s in range(10_000)]
    for i in range(0, len(steps), 1000):
        client.log_batch(long.info.run_id, metrics=steps[i : i + 1000])
    client.log_batch(long.info.run_id, metrics=[Metric("special", v, start + i, i) for i, v in enumerate([float("nan"), float("inf"), float("-inf"), 2.5])])
    client.set_terminated(long.info.run_id, "FINISHED", end_time=start + 20_000)
    small = []
    for i in range(15):
        run = client.create_run(paging, run_name=f"small-{i:02d}", start_time=start + i)
        small.append(run.info.run_id)
        client.log_batch(run.info.run_id, metrics=[Metric("acc", i / 15, start + i, 0)], params=[Param("index", str(i))])
    register(client, [long.info.run_id, *small[:2]])
    with open(registry_out, "w", encoding="utf-8") as f:
        json.dump(expected_registry(client), f, ensure_ascii=False, allow_nan=False, indent=1)
        f.write("\n")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(expected(client), f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
