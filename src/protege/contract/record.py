"""The liability record and source models of contract ``liability-v1``.

A record has exactly twelve keys (``RECORD_KEYS``, in contract order). Values the source does
not state are ``None``. Money and rates are ``Decimal`` so that no float rounding ever touches a
score; dates are ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from protege.validation import FrozenModel

CONTRACT_VERSION = "liability-v1"


class Kind(StrEnum):
    """The six kinds of source the contract knows."""

    TRANSCRIPT = "transcript"
    STATEMENT = "statement"
    PAYOFF_LETTER = "payoff_letter"
    PORTAL = "portal"
    EMAIL = "email"
    CHAT = "chat"


class LiabilityType(StrEnum):
    """The five liability types of the contract's ``liability_type`` enum."""

    AUTO_LOAN = "auto_loan"
    MORTGAGE = "mortgage"
    CREDIT_CARD = "credit_card"
    STUDENT_LOAN = "student_loan"
    PERSONAL_LOAN = "personal_loan"


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)
LIABILITY_TYPES: tuple[str, ...] = tuple(t.value for t in LiabilityType)

# Contract order; the fine-tuning target is the record as compact JSON in this order.
RECORD_KEYS: tuple[str, ...] = (
    "liability_type",
    "account_last4",
    "current_balance",
    "interest_rate",
    "next_payment_amount",
    "next_payment_due_date",
    "past_due_amount",
    "payoff_amount",
    "payoff_good_through",
    "per_diem",
    "escrow_balance",
    "credit_limit",
)
MONEY_KEYS: frozenset[str] = frozenset(
    {
        "current_balance",
        "next_payment_amount",
        "past_due_amount",
        "payoff_amount",
        "per_diem",
        "escrow_balance",
        "credit_limit",
    }
)
RATE_KEYS: frozenset[str] = frozenset({"interest_rate"})
NUMBER_KEYS: frozenset[str] = MONEY_KEYS | RATE_KEYS
DATE_KEYS: frozenset[str] = frozenset({"next_payment_due_date", "payoff_good_through"})

LiabilityTypeName = Literal["auto_loan", "mortgage", "credit_card", "student_loan", "personal_loan"]


class LiabilityRecord(FrozenModel):
    """One record of liability data points: the contract's output."""

    liability_type: LiabilityTypeName | None = None
    account_last4: str | None = Field(default=None, pattern=r"^\d{4}$")
    current_balance: Decimal | None = None
    interest_rate: Decimal | None = None
    next_payment_amount: Decimal | None = None
    next_payment_due_date: dt.date | None = None
    past_due_amount: Decimal | None = None
    payoff_amount: Decimal | None = None
    payoff_good_through: dt.date | None = None
    per_diem: Decimal | None = None
    escrow_balance: Decimal | None = None
    credit_limit: Decimal | None = None

    @field_serializer(*sorted(NUMBER_KEYS), when_used="json")
    def _number(self, value: Decimal | None) -> float | None:
        # JSON numbers, not strings: the contract's types. Values are cents (or rates with at
        # most three decimals), so float repr round-trips them exactly.
        return None if value is None else float(value)

    def to_json_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict with keys in contract order."""
        data = self.model_dump(mode="json")
        return {key: data[key] for key in RECORD_KEYS}


class Source(BaseModel):
    """One unstructured source about one consumer liability account (the contract's input)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    kind: Kind
    as_of: dt.date
    text: str


class VerifiedSource(Source):
    """A source with its verified record: one line of a verified data set."""

    expected: LiabilityRecord
    tags: list[str] = Field(default_factory=list)
    template: str | None = None
    corpus_version: str | None = None  # the generator's version, on generated sources
