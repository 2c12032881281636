"""Plausibility checks on an extracted record: arithmetic and calendar facts every true record
satisfies, so that a record failing one is worth a second opinion.

The tolerances were set on verified data (``tests/test_extract.py`` checks that no verified
record of the generated sets or the hand-written dev set fails a check):

- per diem: lenders accrue on a 365- or 360-day year and on the principal or the payoff
  balance, and round the rate and the result, so the quoted per diem lies within
  ``PER_DIEM_TOLERANCE`` of balance × rate / 365;
- payoff: for an amortizing loan the payoff is the principal plus interest and fees, so never
  below the principal balance;
- due date: the next payment is due on or after the day the source was captured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from protege.contract.record import RECORD_KEYS

PER_DIEM_TOLERANCE = Decimal("0.10")  # relative: 360-day years and payoff-balance accrual
AMORTIZING = ("auto_loan", "mortgage", "student_loan", "personal_loan")
UNGROUNDED_KEYS = ("liability_type",)  # an enum read from the whole document, with no span


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def arithmetic_reasons(record: Mapping[str, Any], as_of: dt.date) -> list[str]:
    """What the record's values say against each other and against ``as_of``."""
    reasons = []
    balance = _decimal(record.get("current_balance"))
    rate = _decimal(record.get("interest_rate"))
    per_diem = _decimal(record.get("per_diem"))
    if balance and rate and per_diem is not None:
        expected = balance * rate / 100 / 365
        if expected > 0 and abs(per_diem - expected) > PER_DIEM_TOLERANCE * expected:
            reasons.append(
                f"per_diem: {per_diem} is not balance × rate / 365 "
                f"({balance} × {rate} % / 365 = {expected:.2f})"
            )
    payoff = _decimal(record.get("payoff_amount"))
    if (
        record.get("liability_type") in AMORTIZING
        and payoff is not None
        and balance is not None
        and payoff < balance
    ):
        reasons.append(f"payoff_amount: {payoff} is below the principal balance {balance}")
    due = _date(record.get("next_payment_due_date"))
    if due is not None and due < as_of:
        reasons.append(f"next_payment_due_date: {due} is before the source's as_of {as_of}")
    return reasons


def evidence_reasons(record: Mapping[str, Any], evidence: Mapping[str, Any]) -> list[str]:
    """Each non-null value that no span of the source supports."""
    return [
        f"{key}: no evidence in the source for {record[key]!r}"
        for key in RECORD_KEYS
        if key not in UNGROUNDED_KEYS and record.get(key) is not None and key not in evidence
    ]


def confidence_reasons(
    confidence: Mapping[str, float] | None, thresholds: Mapping[str, float]
) -> list[str]:
    """Each key whose confidence is below its threshold (none when the model gives none)."""
    if confidence is None:
        return []
    return [
        f"{key}: confidence {confidence[key]:.3f} below its threshold {thresholds[key]:.3f}"
        for key in RECORD_KEYS
        if key in thresholds and key in confidence and confidence[key] < thresholds[key]
    ]
