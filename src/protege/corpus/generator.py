"""The seeded corpus generator: scenario -> template -> source with its verified record.

Deterministic: row ``i`` of seed ``s`` depends only on ``(s, i)`` (each row has its own RNG) and
on the generator's code (``corpus_version``), so a corpus is reproducible and a longer corpus
extends a shorter one of the same seed and version.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from protege.contract.record import KINDS, LiabilityRecord
from protege.corpus import kinds as _kinds  # noqa: F401  (registers every template)
from protege.corpus import names
from protege.corpus.draft import APPLICABLE, Draft, Evidence
from protege.corpus.registry import TEMPLATES, Template, templates_for
from protege.corpus.scenario import make_scenario
from protege.corpus.version import corpus_version
from protege.errors import UsageError

# Auto loans and mortgages are the most common, as in the production traffic we model.
TYPE_WEIGHTS: dict[str, float] = {
    "auto_loan": 0.32,
    "mortgage": 0.30,
    "credit_card": 0.14,
    "student_loan": 0.12,
    "personal_loan": 0.12,
}
# Of the personal loans of a kind that has line-of-credit layouts, the share that are lines
# (about 2 % of all rows; 2 of the 100 hand-written dev sources are personal lines).
LINE_SHARE = 0.3
WITHHOLD_P = 0.15  # share of rows that leave out 1-2 facts the account has (absent_fields)
# How complete a source is (``Draft.fullness``), drawn per row. Templates state many facts only
# now and then; real servicer documents mostly state every fact their layout has a place for:
# the 100 hand-written dev sources state the rate in 80 % of transcripts and 94 % of payoff
# letters, where fullness 0 alone gave 34 % and 32 %. A third of rows keep the sparse mix.
FULLNESS = (0.0, 0.6, 0.9)
FIRST_AS_OF = dt.date(2024, 1, 2)
AS_OF_SPAN_DAYS = 1050  # as_of dates run from early 2024 to late 2026


@dataclass(frozen=True)
class GeneratedSource:
    """One generated source: the contract fields, its tags and template, and the evidence."""

    id: str
    kind: str
    as_of: dt.date
    text: str
    expected: LiabilityRecord
    tags: tuple[str, ...]
    template: str
    evidence: tuple[Evidence, ...]

    def to_row(self) -> dict[str, Any]:
        """The contract JSONL row (plus ``tags``, ``template`` and ``corpus_version``)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "as_of": self.as_of.isoformat(),
            "text": self.text,
            "expected": self.expected.to_json_dict(),
            "tags": list(self.tags),
            "template": self.template,
            "corpus_version": corpus_version(),
        }


def check_kinds(kinds: Sequence[str] | None) -> tuple[str, ...]:
    """Validate a kind filter; ``None`` or empty means every kind."""
    if not kinds:
        return KINDS
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}; choose from {', '.join(KINDS)}")
    return tuple(dict.fromkeys(kinds))


def _choose(rng: random.Random, kinds: Sequence[str]) -> tuple[str, Template]:
    types = list(TYPE_WEIGHTS)
    weights = list(TYPE_WEIGHTS.values())
    while True:
        liability_type = rng.choices(types, weights)[0]
        kind = rng.choice(kinds)
        options = templates_for(kind, liability_type)
        lines = [t for t in options if t.revolving]
        if lines and rng.random() < LINE_SHARE:
            return liability_type, rng.choice(lines)
        options = [t for t in options if not t.revolving]
        if options:
            return liability_type, rng.choice(options)


def generate_one(seed: int, index: int, kinds: Sequence[str] = KINDS) -> GeneratedSource:
    """Row ``index`` of the corpus with ``seed``."""
    rng = random.Random(f"protege-corpus:{seed}:{index}")
    liability_type, tmpl = _choose(rng, kinds)
    as_of = FIRST_AS_OF + dt.timedelta(days=rng.randrange(AS_OF_SPAN_DAYS))
    scenario = make_scenario(rng, liability_type, as_of, revolving=tmpl.revolving)
    withheld: frozenset[str] = frozenset()
    if rng.random() < WITHHOLD_P:
        keys = sorted(APPLICABLE[liability_type])
        withheld = frozenset(rng.sample(keys, k=rng.choice((1, 1, 2))))
        if "liability_type" in withheld:
            if liability_type in ("mortgage", "credit_card"):
                # escrow, credit limits and APR tables name these products all by themselves
                withheld -= {"liability_type"}
            else:
                # nothing may name the product: not the servicer, nor another account that is
                # a card (it would read as the account's own type)
                scenario.servicer = rng.choice(names.NEUTRAL_SERVICERS)
                if scenario.other_account_product == "credit card":
                    scenario.other_account_product = "savings account"
    draft = Draft(s=scenario, rng=rng, withheld=withheld, fullness=rng.choice(FULLNESS))
    text = tmpl.render(draft).strip()
    draft.finish_length_tags(text)
    return GeneratedSource(
        id=f"s{seed}-{index:06d}",
        kind=tmpl.kind,
        as_of=as_of,
        text=text,
        expected=draft.record(),
        tags=tuple(draft.finish_tags()),
        template=tmpl.qualified_name,
        evidence=tuple(draft.evidence),
    )


def generate(n: int, seed: int, kinds: Sequence[str] | None = None) -> Iterator[GeneratedSource]:
    """Yield ``n`` sources of the corpus with ``seed`` (all kinds unless filtered)."""
    if n < 1:
        raise UsageError(f"--n must be at least 1, got {n}")
    chosen = check_kinds(kinds)
    missing = [k for k in chosen if not TEMPLATES[k]]
    if missing:
        raise UsageError(f"no templates registered for kind {missing[0]!r}")
    for index in range(n):
        yield generate_one(seed, index, chosen)
