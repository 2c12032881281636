"""Layout helpers for printed and scanned documents: fixed-width tables, boxes, label/value
lines, two-column blocks (clean, or broken the way OCR reads them), and a ``Sheet`` that applies
OCR noise to running text while leaving the values a ``Draft`` recorded untouched.

Nothing here records a contract value: templates write values with ``Draft`` methods and pass the
resulting strings in. Noise is applied only to labels and prose, never to a value's surface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from protege.corpus.draft import Draft
from protege.corpus.money import cents, fmt_money
from protege.corpus.noise import ocr_line

Pair = tuple[str, str]

# Remarks printed in parentheses after a label, between it and its value ("Escrow Balance
# (taxes and insurance) ..... $812.40"): what the figure covers or where a footnote explains it.
# Only remarks true of every account of a key's kind; NOTE_P is the share of label lines with one.
NOTE_P = 0.15
FOOTNOTES = ("see note 1", "see reverse", "*", "see page 2")
LABEL_NOTES: dict[str, tuple[str, ...]] = {
    "current_balance": ("principal only", "does not include accrued interest", "unpaid principal"),
    "interest_rate": ("annual", "per annum", "annual percentage"),
    "next_payment_amount": ("regular installment", "scheduled", "amount due each period"),
    "next_payment_due_date": ("next installment", "late charge after grace period"),
    "past_due_amount": ("late charges not included", "overdue installments"),
    "payoff_amount": ("certified funds", "subject to final verification"),
    "per_diem": ("daily interest", "each day after the good-through date"),
    "escrow_balance": ("taxes and insurance", "held in reserve"),
    "credit_limit": ("total revolving line",),
}


def statement_date(d: Draft) -> dt.date:
    """A statement (closing) date on or before ``as_of``, two to four weeks before the due
    date, and not before the last payment it reports."""
    s = d.s
    day = min(
        s.as_of - dt.timedelta(days=d.rng.randint(0, 5)),
        s.next_payment_due_date - dt.timedelta(days=d.rng.choice((14, 16, 18, 21, 25))),
    )
    if s.last_payment_date is not None and s.liability_type != "credit_card":
        day = max(day, s.last_payment_date + dt.timedelta(days=1))
    return min(day, s.as_of)


def split_amount(total: Decimal, parts: int, d: Draft) -> list[Decimal]:
    """``total`` split into ``parts`` positive cent amounts (random shares) that add up."""
    if parts <= 1 or total < Decimal("1.00") * parts:
        return [total]
    weights = [d.rng.uniform(0.3, 1.0) for _ in range(parts)]
    scale = float(total) / sum(weights)
    amounts = [cents(Decimal(str(w * scale))) for w in weights[:-1]]
    amounts.append(total - sum(amounts, Decimal(0)))
    if amounts[-1] <= 0:
        return [total]
    return amounts


def ocr_safe(value: Decimal, style: str) -> bool:
    """Whether OCR confusions keep ``value`` readable: a leading 5 read as "S" would look like
    a dollar sign ("S02.97" for 502.97), so such amounts are left clean."""
    return fmt_money(value, style).lstrip("$ ")[:1] != "5"


def pad(label: str, value: str, width: int, fill: str = " ") -> str:
    """``label`` and ``value`` on one line, the value right-aligned at ``width``."""
    gap = max(2, width - len(label) - len(value))
    if fill == " ":
        return label + " " * gap + value
    leader = (" " + fill * (gap - 2) + " ") if gap > 2 else " " * gap
    return label + leader + value


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    align: str | None = None,
    gap: int = 2,
    rule: str = "-",
) -> list[str]:
    """A fixed-width table: header, a rule line (unless ``rule`` is empty), rows. ``align`` has
    one letter per column, ``l`` or ``r`` (default: first column left, others right)."""
    cols = len(headers)
    align = align or ("l" + "r" * (cols - 1))
    widths = [max([len(headers[i])] + [len(r[i]) for r in rows]) for i in range(cols)]

    def fmt(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            out.append(cell.ljust(widths[i]) if align[i] == "l" else cell.rjust(widths[i]))
        return (" " * gap).join(out).rstrip()

    lines = [fmt(headers)]
    if rule:
        lines.append(rule * len(lines[0]))
    lines += [fmt(r) for r in rows]
    return lines


def box(title: str, body: Sequence[str], width: int, style: str = "ascii") -> list[str]:
    """``body`` lines framed in a box with ``title``: ``ascii`` (+--+ |), ``double`` (====),
    or ``rule`` (a title bar and an underline, no sides)."""
    inner = max([width, len(title) + 2] + [len(b) + 2 for b in body])
    if style == "rule":
        return [title, "=" * inner, *body, "-" * inner]
    if style == "double":
        bar = "=" * (inner + 2)
        return [bar, f" {title}", bar, *(f" {b}" for b in body), bar]
    top = "+" + "-" * inner + "+"
    out = [top, "| " + title.ljust(inner - 1) + "|", top]
    out += ["| " + b.ljust(inner - 1) + "|" for b in body]
    out.append(top)
    return out


def two_columns(
    left: Sequence[Pair], right: Sequence[Pair], col: int = 38, gutter: int = 4
) -> list[str]:
    """Two label/value columns side by side, as printed."""
    lines = []
    for i in range(max(len(left), len(right))):
        a = pad(*left[i], col) if i < len(left) else ""
        b = pad(*right[i], col) if i < len(right) else ""
        lines.append((a.ljust(col) + " " * gutter + b).rstrip())
    return lines


def broken_columns(left: Sequence[Pair], right: Sequence[Pair], mode: str) -> list[str]:
    """Two label/value columns as an OCR engine that lost the column structure reads them.

    ``stacked``: per printed row, the two labels, then the two values, each on its own line.
    ``joined``: per printed row, one line with both labels, the next with both values.
    Callers pair a money value with a non-money value on each printed row, so that every value
    stays unambiguous to a careful reader.
    """
    lines: list[str] = []
    for i in range(max(len(left), len(right))):
        row = [
            p
            for p in (left[i] if i < len(left) else None, right[i] if i < len(right) else None)
            if p
        ]
        if mode == "joined":
            lines.append("  ".join(label for label, _ in row))
            lines.append("   ".join(value for _, value in row))
        else:
            lines += [label for label, _ in row]
            lines += [value for _, value in row]
    return lines


class Sheet:
    """A document being laid out, optionally as a scan: ``t()`` noises running text when
    ``scanned``; values are appended as given."""

    def __init__(
        self, d: Draft, scanned: bool = False, width: int = 76, rate: float = 0.03
    ) -> None:
        self.d = d
        self.scanned = scanned
        self.width = width
        self.rate = rate
        self.lines: list[str] = []

    def t(self, text: str) -> str:
        """Running text (labels, prose), noised when the sheet is a scan."""
        return ocr_line(text, self.d.rng, self.rate) if self.scanned and text else text

    def add(self, *lines: str) -> None:
        """Append lines as given (they may hold value surfaces: never noised)."""
        self.lines.extend(lines)

    def say(self, *lines: str) -> None:
        """Append prose lines (noised when scanned); they must hold no value surface."""
        self.lines.extend(self.t(line) for line in lines)

    def kv(self, label: str, value: str, width: int | None = None, fill: str = " ") -> None:
        """A label/value line, the value right-aligned; sometimes a remark in parentheses
        follows the label (``LABEL_NOTES``)."""
        self.lines.append(pad(self.t(self.noted(label, value)), value, width or self.width, fill))

    def noted(self, label: str, value: str) -> str:
        """``label`` with a parenthesized remark about the value it labels, ``NOTE_P`` of the
        time (before a trailing colon)."""
        keys = [e.key for e in self.d.evidence if e.surface == value]
        if not keys or not self.d.chance(NOTE_P):
            return label
        note = self.d.pick(*LABEL_NOTES.get(keys[-1], ()), *FOOTNOTES)
        stem, colon = (label[:-1], ":") if label.endswith(":") else (label, "")
        return f"{stem.rstrip()} ({note}){colon}"

    def blank(self) -> None:
        """An empty line (never two in a row)."""
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def money(self, key: str, style: str, p_ocr: float = 0.5) -> str:
        """Write ``key`` (record it); on a scan, with OCR confusions some of the time."""
        noisy = self.scanned and self.d.chance(p_ocr) and ocr_safe(getattr(self.d.s, key), style)
        return self.d.money(key, style, ocr=noisy)

    def render(self) -> str:
        """The finished text."""
        return "\n".join(self.lines).strip("\n")
