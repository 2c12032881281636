"""The liability extraction contract (``liability-v1``) in code: models, normalization,
JSON Schema, output parsing, scoring and JSONL I/O. Imports nothing else of protege's but
``protege.errors``."""

from protege.contract.io import (
    load_predictions,
    load_sources,
    load_verified,
    read_jsonl,
    write_jsonl,
)
from protege.contract.normalize import (
    normalize_date,
    normalize_last4,
    normalize_money,
    normalize_rate,
    normalize_value,
)
from protege.contract.parse import ParsedOutput, check_record, parse_output
from protege.contract.record import (
    CONTRACT_VERSION,
    DATE_KEYS,
    KINDS,
    LIABILITY_TYPES,
    MONEY_KEYS,
    NUMBER_KEYS,
    RATE_KEYS,
    RECORD_KEYS,
    Kind,
    LiabilityRecord,
    LiabilityType,
    Source,
    VerifiedSource,
)
from protege.contract.schema import record_json_schema
from protege.contract.scoring import GroupScore, RowResult, ScoreReport, score, wilson_interval

__all__ = [
    "CONTRACT_VERSION",
    "DATE_KEYS",
    "KINDS",
    "LIABILITY_TYPES",
    "MONEY_KEYS",
    "NUMBER_KEYS",
    "RATE_KEYS",
    "RECORD_KEYS",
    "GroupScore",
    "Kind",
    "LiabilityRecord",
    "LiabilityType",
    "ParsedOutput",
    "RowResult",
    "ScoreReport",
    "Source",
    "VerifiedSource",
    "check_record",
    "load_predictions",
    "load_sources",
    "load_verified",
    "normalize_date",
    "normalize_last4",
    "normalize_money",
    "normalize_rate",
    "normalize_value",
    "parse_output",
    "read_jsonl",
    "record_json_schema",
    "score",
    "wilson_interval",
    "write_jsonl",
]
