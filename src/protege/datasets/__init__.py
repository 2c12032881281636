"""Datasets from production logs: select, relabel, verify, dedupe, split, export.

``build_dataset(BuildSpec(...))`` turns logged calls (or a JSONL file) into the directory
``$PROTEGE_HOME/datasets/NAME/`` with ``rows.jsonl`` (OpenAI chat fine-tuning format plus
``metadata``) and ``meta.json`` (query, counts after each step, content hash, relabel model,
prompt versions, seed, and the production/relabel/verified agreement table).
"""

from protege.datasets.build import BuildResult, BuildSpec, build_dataset
from protege.datasets.catalog import (
    dataset_dir,
    dataset_stats,
    export_openai,
    iter_rows,
    list_datasets,
    load_meta,
    resolve,
)
from protege.datasets.relabel import RelabelSettings
from protege.datasets.split import SplitSpec

__all__ = [
    "BuildResult",
    "BuildSpec",
    "RelabelSettings",
    "SplitSpec",
    "build_dataset",
    "dataset_dir",
    "dataset_stats",
    "export_openai",
    "iter_rows",
    "list_datasets",
    "load_meta",
    "resolve",
]
