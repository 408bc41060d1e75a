"""Registers models on a live MLflow tracking server with the real client, and writes what the client reads back.

Usage: python registry.py <tracking-url> <expected-registry-json>
(serve.py imports `register` and `expected_registry`; run alone, this logs three runs of its own to register from.)

The registry: a model with four versions from three runs, stage transitions (one version through Staging to
Archived, one in Production, one in Staging, one never staged), two aliases and tags, and a model whose name holds a
quote. The expected JSON lists every registered model with every field MlflowClient reads back for each version,
including the aliases it holds and its times.
"""

import json
import os
import sys

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate import name_filter  # noqa: E402
from mlflow import MlflowClient  # noqa: E402


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
    url, out = sys.argv[1], sys.argv[2]
    client = MlflowClient(url, url)
    experiment = client.create_experiment("registry")
    run_ids = []
    for i in range(3):
        run = client.create_run(experiment, run_name=f"train-{i}", start_time=1_700_000_000_000 + i)
        client.set_terminated(run.info.run_id, "FINISHED", end_time=1_700_000_001_000 + i)
        run_ids.append(run.info.run_id)
    register(client, run_ids)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(expected_registry(client), f, ensure_ascii=False, allow_nan=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
