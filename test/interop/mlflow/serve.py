"""Logs runs to a live MLflow tracking server with the real client, then writes what the client reads back.

Usage: python serve.py <tracking-url> <expected-json>

Usage: python serve.py <tracking-url> <expected-json> <expected-registry-json>

The server is started on a copy of the mlflow.db that generate.py wrote (so it already holds that content); this
adds a run with 10,000 steps and special values, and 15 small runs (enough to page through runs/search and
metrics/get-history with small page sizes), then writes the expected JSON the same way as generate.py.

It also registers, through the server, a model with four versions from two runs, stage transitions (one version
through Staging to Archived, one in Production, one in Staging, one never staged), two aliases and tags, and a model
whose name holds a quote; the expected registry JSON is every registered model with every field MlflowClient reads
back for each version (including the aliases it holds and its times).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate import expected, name_filter  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param  # noqa: E402


def register(client, run_ids):
    """The registry the server-side tests read: versions, stages, aliases, tags, and a name with a quote."""
    name = "credit-risk"
    client.create_registered_model(name, tags={"team": "risk"}, description="Scores loan applications")
    for run_id in [run_ids[0], run_ids[1], run_ids[1], run_ids[2]]:
        client.create_model_version(name, f"runs:/{run_id}/model", run_id, description=f"trained by {run_id[:8]}")
    client.transition_model_version_stage(name, "1", "Staging")
    client.transition_model_version_stage(name, "1", "Archived")
    client.transition_model_version_stage(name, "2", "Production")
    client.transition_model_version_stage(name, "3", "Staging")
    client.set_registered_model_alias(name, "champion", "2")
    client.set_registered_model_alias(name, "challenger", "3")
    client.set_model_version_tag(name, "2", "approved_by", "risk-board")
    quoted = "analyst's-model"
    client.create_registered_model(quoted)
    client.create_model_version(quoted, f"runs:/{run_ids[0]}/model", run_ids[0])
    client.set_registered_model_alias(quoted, "latest-good", "1")


def expected_registry(client):
    out = []
    for model in sorted(client.search_registered_models(max_results=1000), key=lambda m: m.name):
        versions = client.search_model_versions(name_filter(model.name), max_results=10000)
        out.append(
            {
                "name": model.name,
                "description": model.description,
                "tags": dict(sorted(model.tags.items())),
                "aliases": {k: str(v) for k, v in sorted(model.aliases.items())},
                "versions": [
                    {
                        "version": str(v.version),
                        "stage": v.current_stage,
                        "aliases": sorted(client.get_model_version(model.name, v.version).aliases),
                        "run_id": v.run_id,
                        "source": v.source,
                        "status": v.status,
                        "description": v.description,
                        "tags": dict(sorted(v.tags.items())),
                        "creation_timestamp": v.creation_timestamp,
                        "last_updated_timestamp": v.last_updated_timestamp,
                        "user_id": v.user_id,
                    }
                    for v in sorted(versions, key=lambda v: int(v.version))
                ],
            }
        )
    return out


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
