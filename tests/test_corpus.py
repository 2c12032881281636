"""The corpus: coverage, variety, determinism, consistency, and honest ``expected`` records."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from protege.contract import KINDS, LIABILITY_TYPES, MONEY_KEYS, RECORD_KEYS
from protege.corpus import HARD_CASES, TEMPLATES, GeneratedSource, generate, names
from protege.corpus.draft import Evidence

import evidence as ev

N = 2000


@pytest.fixture(scope="module")
def corpus() -> list[GeneratedSource]:
    return list(generate(N, seed=1))


def decode(item: Evidence, as_of: dt.date) -> Any:
    """The value an evidence surface states, read independently of the generator."""
    if item.key == "liability_type":
        return ev.product(item.surface)
    if item.key == "account_last4":
        return ev.last4(item.surface)
    if item.form == "relative":
        return ev.relative(item.surface, as_of)
    if item.form == "zero_phrase":
        lowered = item.surface.lower()
        if any(
            w in lowered
            for w in (
                "nothing",
                "no past",
                "not past",
                "current",
                "none",
                "zero",
                "caught up",
                "up to date",
            )
        ):
            return Decimal(0)
        return ev.written_amount(item.surface.replace("past due", ""))
    if item.key in MONEY_KEYS:
        if item.form == "spoken":
            return ev.spoken_amount(item.surface)
        return ev.written_amount(item.surface, ocr=item.form == "ocr")
    if item.key == "interest_rate":
        return ev.rate(item.surface)
    return ev.date(item.surface, as_of)


def test_every_kind_has_eight_templates() -> None:
    for kind in KINDS:
        assert len(TEMPLATES[kind]) >= 8, f"{kind} has {len(TEMPLATES[kind])} templates"


def test_coverage_of_kinds_types_and_hard_cases(corpus: list[GeneratedSource]) -> None:
    kinds = Counter(g.kind for g in corpus)
    types = Counter(g.expected.liability_type for g in corpus)
    tags = Counter(t for g in corpus for t in g.tags)
    assert set(kinds) == set(KINDS)
    assert set(LIABILITY_TYPES) <= set(types)
    missing = [t for t in HARD_CASES if tags[t] == 0]
    assert not missing, f"hard cases never generated: {missing}"
    # auto loans and mortgages are the most common types
    top_two = {t for t, _ in types.most_common(2)}
    assert top_two == {"auto_loan", "mortgage"}


def test_every_template_is_used(corpus: list[GeneratedSource]) -> None:
    used = {g.template for g in corpus}
    for kind in KINDS:
        for tmpl in TEMPLATES[kind]:
            assert tmpl.qualified_name in used


def test_expected_is_recoverable_from_text(corpus: list[GeneratedSource]) -> None:
    """Each non-null expected value is stated in the text, in a form that decodes to it."""
    problems: list[str] = []
    for g in corpus:
        record = g.expected.model_dump()
        stated = {item.key for item in g.evidence}
        for key in RECORD_KEYS:
            if record[key] is not None and key not in stated:
                problems.append(f"{g.id} {g.template}: {key} has no evidence")
        for item in g.evidence:
            if item.surface not in g.text:
                problems.append(f"{g.id} {g.template}: {item.surface!r} not in text")
                continue
            try:
                got = decode(item, g.as_of)
            except (ValueError, KeyError, ArithmeticError) as exc:
                problems.append(f"{g.id} {g.template}: cannot read {item.surface!r}: {exc}")
                continue
            want = record[item.key]
            if item.key in MONEY_KEYS or item.key == "interest_rate":
                ok = Decimal(got) == Decimal(want)
            else:
                ok = got == want
            if not ok:
                problems.append(
                    f"{g.id} {g.template}: {item.key} {item.surface!r} reads {got!r}, expected {want!r}"
                )
    assert not problems, "\n".join(problems[:20])


def test_generator_is_deterministic() -> None:
    first = [g.to_row() for g in generate(50, seed=7)]
    again = [g.to_row() for g in generate(50, seed=7)]
    other = [g.to_row() for g in generate(50, seed=8)]
    assert first == again
    assert first != other


def test_values_are_consistent(corpus: list[GeneratedSource]) -> None:
    for g in corpus:
        r = g.expected
        if r.next_payment_due_date is not None:
            assert r.next_payment_due_date > g.as_of, g.id
        if r.payoff_good_through is not None:
            assert r.payoff_good_through >= g.as_of, g.id
        if r.payoff_amount is not None and r.current_balance is not None:
            assert r.payoff_amount >= r.current_balance, g.id
        if r.per_diem is not None and r.current_balance is not None and r.interest_rate is not None:
            implied = r.current_balance * r.interest_rate / 100 / 365
            assert abs(r.per_diem - implied) <= Decimal("0.01"), g.id
        if r.credit_limit is not None:  # a card's limit, or a personal line of credit's line
            assert r.liability_type in (None, "credit_card", "personal_loan"), g.id
            assert r.liability_type != "personal_loan" or "credit_line" in g.template, g.id


def test_lengths_span_short_to_long(corpus: list[GeneratedSource]) -> None:
    lengths = [len(g.text) for g in corpus]
    assert min(lengths) < 300
    assert max(lengths) >= 4000
    assert max(lengths) <= 6500  # the contract: "any length up to ~6,000 characters"


_TYPE_WORDS = re.compile(
    r"\b(auto|vehicle|car|truck|vin|mortgage|escrow|home loan|property|credit card|card|visa|"
    r"mastercard|student|education|school|tuition|personal loan|signature loan|line of credit|"
    r"1098-e)\b",
    re.IGNORECASE,
)


def test_unstated_type_is_really_unstated(corpus: list[GeneratedSource]) -> None:
    """When the record's liability_type is null, nothing in the text names the product."""
    makes = {v.split()[0] for v in names.VEHICLES}  # Honda, Toyota, ...
    collateral = re.compile("|".join(re.escape(v) for v in (*sorted(makes), *names.SCHOOLS)))
    problems = []
    for g in corpus:
        if g.expected.liability_type is None:
            hit = _TYPE_WORDS.search(g.text) or collateral.search(g.text)
            if hit:
                problems.append(f"{g.id} {g.template}: {hit.group(0)!r} names the product")
    assert not problems, "\n".join(problems[:20])


# Phenomena of real sources the corpus keeps writing, each by a marker of its text.
_PHENOMENA = {
    "three-way call": r"\[call merged\]|\[third party conferenced in\]|\[borrower joined the call\]"
    r"|on the line with me|is on the call too|I have them on the line",
    "transfer to a second agent": r"\[transferring\]|\[call transferred\]|\[transfer - hold music\]",
    "IVR reads figures": r"^(?:\S+ )?(?i:ivr|automated(?: voice)?|system):.*(?:\$\d|dollars)",
    "ASR without punctuation": r"^(?:[\[(]?[\d:]+[\])]? )?(?:spk_\d|Speaker \d|S\d|speaker_\d)\b",
    "superseded quote": r"supersedes|expired on|older quote",
    "payoff netting a credit": r" CR$|\(credit\)|^Less: |[Rr]ebate of unearned|unearned interest rebate",
    "promotional APR": r"Promotional APR|Promotional Balance Transfer",
    "minimum payment warning": r"only the minimum payment",
    "escrow account summary": r"Escrow Account Summary|Escrow account summary|Year-to-date escrow"
    r"|ESCROW ACCOUNT ACTIVITY|Escrow Activity This Period|Escrow Account History",
}
# A source declining to give the payoff: written only, or not online.
_PAYOFF_REFUSED = re.compile(
    r"payoff (?:figures?|quotes?)[^.\n]*(?:in writing|over (?:the phone|chat)|by email)"
    r"|payoff quote unavailable|unavailable online|eligible for an online payoff"
    r"|can't read you a payoff|cannot be sent by email",
    re.IGNORECASE,
)


def test_real_source_phenomena_are_generated(corpus: list[GeneratedSource]) -> None:
    rare = {}
    for name, pattern in _PHENOMENA.items():
        hits = sum(bool(re.search(pattern, g.text, re.MULTILINE)) for g in corpus)
        if hits < 3:
            rare[name] = hits
    assert not rare, f"phenomena (almost) never generated: {rare}"


def test_a_refused_payoff_is_not_recorded(corpus: list[GeneratedSource]) -> None:
    """A source that will not give the payoff (only in writing, unavailable online) states no
    payoff amount, good-through date or per diem: those keys are null."""
    refused = [g for g in corpus if _PAYOFF_REFUSED.search(g.text)]
    assert len(refused) >= 10
    problems = [
        f"{g.id} {g.template}"
        for g in refused
        if (g.expected.payoff_amount, g.expected.payoff_good_through, g.expected.per_diem)
        != (None, None, None)
    ]
    assert not problems, "\n".join(problems[:20])
