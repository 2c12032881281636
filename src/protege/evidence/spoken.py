"""Numbers said in words: amounts, rates, digit runs and day ordinals, with exact spans.

Each recognizer yields non-overlapping ``Found``s, leftmost and longest first, with offsets into
the original text. Number words run on across spaces, line breaks, one comma or a bare hyphen; a
period or a spaced dash (a correction: "four nine - no") ends a phrase, and no phrase starts
inside another number. What decides a value lies in its span: ``text[start:end]`` reads back alone.

Amounts: long forms ("... dollars and sixteen cents", "twelve dollars even", "ninety-five cents",
"a dollar ninety seven", "... four and nine cents") are always read. Short forms end in two digits
of cents ("fourteen thousand three hundred eighty-two sixty" = 14382.60), the dollars maybe said
in groups ("four eighty-six fifty" = 486.50, "nineteen forty-nine twenty-two" = 1949.22,
"fourteen four thirty-six sixty" = 14436.60); read anywhere when they say a scale word or two
dollar groups. Weak shapes ("twelve forty" = 12.40, a bare "eight thousand five hundred") need a
money word ("payment", "balance", "limit", "$") among the six words before them in their sentence
and line, or a period after ("a month", "per day"). "one twenty-five" is 125 unless a daily cue
("per diem", "a day") makes it 1.25, and a daily cue joins the span. Never beside a date (after a
month or an ordinal) or before a unit noun ("ten days"); small bare numbers ("one moment") never.
Before "dollars" groups are whole dollars ("one twenty-five dollars" = 125). A text that is only a
weak shape is read as asked.

Rates: a whole number, an optional fraction ("point four nine", "and an eighth", "1/8", "½") and
"percent", "%" or "APR"; without those, a number with a fraction after a label ("rate is": the
label joins the span) or with ``need_percent=False``. "6.49%" is the digit recognizers' job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import NamedTuple

from protege.evidence.types import CENTS, RATE_PLACES, Found


def _seq(words: str, first: int, step: int = 1) -> dict[str, int]:
    """Number a word list: ``_seq("twenty thirty", 20, 10) == {"twenty": 20, "thirty": 30}``."""
    return {w: first + step * i for i, w in enumerate(words.split())}


_UNITS = _seq("zero one two three four five six seven eight nine", 0) | {"oh": 0}
_TEENS = _seq("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 10)
_TENS = _seq("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10)
_SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9}
_NUMBER_WORDS = {*_UNITS, *_TEENS, *_TENS, "hundred", *_SCALES}
_ORDINALS = _seq(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth", 1
) | {"thirtieth": 30}  # fmt: skip
_DENOMINATORS = dict.fromkeys(("half", "halves"), 2) | dict.fromkeys(("eighth", "eighths"), 8)
_DENOMINATORS |= dict.fromkeys(("quarter", "quarters", "fourth", "fourths"), 4)
_VULGAR = set("½¼¾⅛⅜⅝⅞")  # halves, quarters, eighths: unicodedata.numeric gives them exactly
_DOLLARS, _CENTS = {"dollar", "dollars", "bucks"}, {"cent", "cents"}
# Not "credit": "credit score is seven hundred twenty" is no amount ("limit" and "line" cue those).
_MONEY_CUES = {
    "$", "payment", "payments", "pay", "paid", "paying", "balance", "payoff", "amount", "owe",
    "owed", "owing", "fee", "fees", "charge", "charges", "cost", "costs", "price", "limit", "line",
    "escrow", "principal", "interest", "total", "refund", "financed", "borrowed", "minimum",
}  # fmt: skip
# Words after a number that make it a count, not money ("ten days", "one moment", "two of").
_UNIT_NOUNS = {
    "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute",
    "minutes", "second", "seconds", "moment", "time", "times", "thing", "things", "digit", "digits",
    "business", "calendar", "payments", "installments", "people", "of", "more", "am", "pm",
}  # fmt: skip
_MONTHS = _seq(
    "january february march april may june july august september october november december", 1
)
_PERCENT_WORDS = ("percent", "per cent", "%", "pct", "apr", "a p r")
_PERIOD_FILLERS = {"for", "a", "an", "per", "each", "every", "extra", "additional"}
_CUE_WINDOW = 6  # words searched before a weak shape (number words not counted): one clause
# Letters (with inner apostrophes: "it's" is one word), numbers, and the symbols a reading uses.
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:\.\d+)?|[$%/½¼¾⅛⅜⅝⅞]")
_JOIN = re.compile(r"|\s+|\s*,\s*|-")  # gaps a number runs on across
_DIGIT_JOIN = re.compile(r"|\s+|\s*,\s*|-|\s*(?:\.{2,}|…)\s*")  # digit runs survive "zero... nine"
_SENTENCE = re.compile(r"[.?!;](?:\s|$)|\n")

_Hit = tuple[int, int, Decimal | str]  # first token, end token, value


class _Num(NamedTuple):
    """One reading of the whole-number part of a phrase that ends at token ``end``."""

    value: Decimal
    end: int
    groups: int  # 1 for a plain number; 2 or 3 when said in groups ("four eighty-six")
    scaled: bool  # says hundred/thousand/million
    bare_unit: bool = False  # its last group is one digit word ("twenty thousand five")


# Words after a number that make it a clock time ("three thirty tomorrow", "five fifteen pm").
_TIME_WORDS = frozenset({"am", "pm", "a.m", "p.m", "o'clock", "today", "tomorrow", "tonight"})


class _Reader:
    """The tokens of one text and the small grammar over them; readers return (value, end)."""

    def __init__(self, text: str) -> None:
        found = list(_TOKEN.finditer(text))
        gaps = [text[a.end() : b.start()] for a, b in pairwise(found)]
        self.n, self.spans = len(found), [m.span() for m in found]
        self.words = [m.group().lower() for m in found]
        self.joined = [False, *(bool(_JOIN.fullmatch(g)) for g in gaps)]  # a number runs on
        self.loose = [False, *(bool(_DIGIT_JOIN.fullmatch(g)) for g in gaps)]  # a digit run does
        self.fresh = [True, *(bool(_SENTENCE.search(g)) for g in gaps)]  # a sentence or line starts
        self.comma = [False, *("," in g for g in gaps)]  # a pause: "the next one, five hundred"

    def w(self, k: int) -> str:
        return self.words[k] if 0 <= k < self.n else ""

    def j(self, k: int) -> bool:
        return 0 < k < self.n and self.joined[k]

    def jw(self, k: int) -> str:
        """The word at k when it runs on from the token before, else ""."""
        return self.words[k] if self.j(k) else ""

    def unit(self, k: int, zero: bool = False) -> int | None:
        v = _UNITS.get(self.w(k))
        return v if v is not None and (zero or v > 0) else None

    def pair(self, k: int) -> tuple[int, int] | None:
        """Two digits: "sixteen", "forty", "forty-four", "oh eight" (08)."""
        w = self.w(k)
        if w in _TEENS:
            return _TEENS[w], k + 1
        if w in _TENS:
            u = self.unit(k + 1) if self.j(k + 1) else None
            return (_TENS[w] + u, k + 2) if u else (_TENS[w], k + 1)
        u = self.unit(k + 1, zero=True) if self.j(k + 1) else None
        return (u, k + 2) if w in ("oh", "zero") and u is not None else None

    def zero(self, k: int) -> tuple[int, int] | None:
        """A lone 0 ("five point five zero"): only where digits are read one by one."""
        return (0, k + 1) if self.w(k) in ("oh", "zero") else None

    def small(self, k: int) -> tuple[int, int] | None:
        """1..99 as a cardinal says it."""
        if (u := self.unit(k)) is not None:
            return u, k + 1
        return None if self.w(k) in ("oh", "zero") else self.pair(k)

    def g3(self, k: int) -> tuple[int, int] | None:
        """Three digits said as a group: "four thirty-six", "four oh six"."""
        u, p = self.unit(k), self.pair(k + 1) if self.j(k + 1) else None
        return (u * 100 + p[0], p[1]) if u and p else None

    def group(self, k: int) -> tuple[Decimal, int, bool, bool] | None:
        """Under 1000: (value, end, is one digit word, says hundred)."""
        w = self.w(k)
        if w in ("a", "an") and self.jw(k + 1) in {"hundred", *_SCALES}:
            v, end = 1, k + 1
        elif s := self.small(k):
            v, end = s
        else:
            return None
        if self.jw(end) != "hundred":
            return Decimal(v), end, end == k + 1 and v < 10 and w not in ("a", "an"), False
        v, end = v * 100, end + 1  # "three hundred", "twelve hundred"
        joiner = self.jw(end) == "and" and self.j(end + 1)  # "three hundred [and] five"
        s = self.small(end + 1) if joiner else self.small(end)
        if s and self.j(end) and not (joiner and self.jw(s[1]) in _CENTS):  # not "and nine cents"
            v, end = v + s[0], s[1]
        return Decimal(v), end, False, True

    def cardinal(self, k: int) -> _Num | None:
        """A standard number: [g million] [g thousand] [g], each g a group under 1000."""
        if self.w(k) in ("zero", "oh"):
            return _Num(Decimal(0), k + 1, 1, False)
        total, pos, top = Decimal(0), k, 0
        while (pos == k or self.j(pos)) and (g := self.group(pos)):
            gv, gend, gbare, hundred = g
            scale = _SCALES.get(self.jw(gend), 0)
            if scale and (not top or scale < top):
                total, top, pos = total + gv * scale, scale, gend + 1
                g = self.group(pos + 1) if self.jw(pos) == "and" and self.j(pos + 1) else None
                pos += bool(g and self.jw(g[1]) not in _CENTS)  # "five thousand and seventeen"
                continue
            return _Num(total + gv, gend, 1, bool(top) or hundred, gbare)
        return _Num(total, pos, 1, True) if top else None

    def readings(self, k: int) -> list[_Num]:
        """The ways to read whole dollars at k, longest first (see the module notes)."""
        if (base := self.cardinal(k)) is None:
            return []
        end, grouped = base.end, None
        if base.bare_unit and self.j(end) and (p := self.pair(end)):  # "four eighty-six"
            unit = _UNITS[self.w(end - 1)]
            grouped = _Num(base.value - unit + unit * 100 + p[0], p[1], 2, base.scaled)
            # a group before hundreds implies thousands: "two eighty-seven four fifty-five"
            if not base.scaled and self.j(p[1]) and (g := self.g3(p[1])):
                grouped = _Num(grouped.value * 1000 + g[0], g[1], 3, False)
        elif not base.scaled and 10 <= base.value < 100 and self.j(end):
            if g := self.g3(end):  # "fourteen four thirty-six": thousands implied
                grouped = _Num(base.value * 1000 + g[0], g[1], 3, False)
            elif p := self.pair(end):  # "nineteen forty-nine"
                grouped = _Num(base.value * 100 + p[0], p[1], 2, False)
        return [grouped, base] if grouped else [base]

    def cue(self, first: int, end: int, floor: int) -> tuple[bool, int, int] | None:
        """Whether a weak shape is money here: (daily cue, span first, span end), or None."""
        dated = any(self.w(k) in _MONTHS.keys() | _ORDINALS.keys() for k in (first - 1, first - 2))
        dated = dated or self.w(first - 1) in ("in", "since", "until")  # "in two thousand nine"
        # a clock time, not money: "at three thirty", "by five fifteen", "three thirty tomorrow"
        timed = self.w(first - 1) in ("at", "by", "around", "before", "after", "til", "till")
        timed = timed or self.w(end) in _TIME_WORDS
        # ... unless a period follows: "a gym at nineteen ninety-nine a month" is money
        timed = timed and self.w(end) not in _PERIOD_FILLERS | {"month", "week", "year", "day"}
        if dated or timed or self.w(end) in _UNIT_NOUNS | _ORDINALS.keys():  # "March ninth ..."
            return None
        k = end
        while self.w(k) in _PERIOD_FILLERS:
            k += 1
        if self.w(k) in ("day", "diem", "daily"):  # a bare "day" after the number was refused above
            return True, first, k + 1  # "three eighty-seven per day"
        if self.w(k) in ("month", "week", "year", "monthly"):
            return False, first, end
        k, seen = first, 0
        while k > 0 and seen < _CUE_WINDOW and not self.fresh[k]:
            k -= 1
            if self.w(k) == "diem":  # "per diem is three eighty-seven"
                start = k - 1 if self.w(k - 1) == "per" else k
                return (True, start, end) if start >= floor else (False, first, end)
            if self.w(k) in _MONEY_CUES:
                return False, first, end
            seen += self.w(k) not in _NUMBER_WORDS | {"and"}
        return (False, first, end) if first == 0 and end == self.n else None  # the whole text

    def no_rate_at(self, k: int) -> bool:
        words = (self.w(k), self.w(k + 1))
        return words[0] not in ("percent", "%", "point") and words != ("per", "cent")

    def cents_after(self, k: int) -> tuple[int, int]:
        """After a money word: "[and] sixteen cents", "fifty", "even"; (cents, end)."""
        pos = k + 1 if self.jw(k) == "and" else k
        if self.j(pos) and (s := self.small(pos) or self.pair(pos)):
            cents, end = s
            if self.jw(end) in _CENTS:
                return cents, end + 1
            two_digits = cents >= 10 or self.w(pos) in ("oh", "zero")
            free = self.jw(end) not in _NUMBER_WORDS | _DOLLARS | _UNIT_NOUNS
            if pos == k and two_digits and free and self.no_rate_at(end):
                return cents, end  # "a dollar ninety seven", "forty dollars fifty"
        return (0, k + 1) if self.jw(k) in ("even", "flat") else (0, k)

    def amount_at(self, i: int, floor: int) -> _Hit | None:
        """The amount at token i: the longest span, then the form tried first; none before floor."""
        if self.w(i) == "oh":
            return None
        hits: list[tuple[int, int, int, Decimal]] = []  # (first, end, rank, value)
        one = self.w(i) == "a" and self.jw(i + 1) == "dollar"  # "a dollar ninety seven"
        for num in [_Num(Decimal(1), i + 1, 1, False)] if one else self.readings(i):
            end, nxt, v = num.end, self.jw(num.end), num.value
            s = self.small(end + 1) if nxt == "and" and self.j(end + 1) else None
            p = self.pair(end) if self.j(end) else None
            if nxt in _DOLLARS:
                cents, stop = self.cents_after(end + 1)
                hits.append((i, stop, 0, v + Decimal(cents) / 100))
            elif s and self.jw(s[1]) in _CENTS:  # "two thousand one hundred four and nine cents"
                hits.append((i, s[1] + 1, 1, v + Decimal(s[0]) / 100))
            elif nxt in _CENTS and num.groups == 1 and v < 100:
                hits.append((i, end + 1, 2, v / 100))  # "ninety-five cents"
            elif nxt in ("even", "flat") and num.groups == 1:
                hits.append((i, end + 1, 4, v))  # "twelve hundred even"
            elif p and self.jw(p[1]) not in _NUMBER_WORDS and self.no_rate_at(p[1]):
                strong = num.scaled or num.groups > 1  # "... eighty-two sixty"
                cue = (False, i, p[1]) if strong else self.cue(i, p[1], floor)
                if cue and (strong or cue[0] or v >= 10):  # "one twenty-five" is 1.25 only per day
                    hits.append((cue[1], cue[2], 3, v + Decimal(p[0]) / 100))
            # a plain number that says hundred/thousand (or zero), or "one twenty-five" as 125
            bare = (num.scaled or v == 0) if num.groups == 1 else v < 1000
            bare = bare and nxt not in _DOLLARS | _CENTS | {"and", "even", "flat"}
            cue = self.cue(i, end, floor) if bare and self.no_rate_at(end) else None
            if cue and (num.groups == 1 or not cue[0]):  # per day, "one twenty-five" is not 125
                hits.append((i, end, 5, v))  # "limit is eight thousand five hundred"
        best = max(hits, key=lambda h: (h[1] - h[0], -h[2]), default=None)  # longest, then rank
        return (best[0], best[1], best[3].quantize(CENTS)) if best else None

    def fraction(self, k: int) -> tuple[Decimal, int] | None:
        """After a rate's whole number: "point four nine", "and an eighth", "1/8", "½"."""
        w = self.jw(k)
        if w == "point":  # digits one by one ("point one two five") or in pairs ("point twenty")
            digits, pos = "", k + 1
            while self.j(pos) and (p := self.pair(pos) or self.small(pos) or self.zero(pos)):
                one = p[1] == pos + 1 and p[0] < 10
                digits, pos = digits + (str(p[0]) if one else f"{p[0]:02d}"), p[1]
            return (Decimal("0." + digits), pos) if digits else None
        if w == "and" and self.j(k + 1) and self.jw(k + 2) in _DENOMINATORS:
            n = 1 if self.w(k + 1) in ("a", "an") else self.unit(k + 1)
            d = _DENOMINATORS[self.w(k + 2)]
            return (Decimal(n) / d, k + 3) if n and n < d else None
        if w in _VULGAR:
            return Decimal(str(unicodedata.numeric(w))), k + 1
        tight = k + 2 < self.n and self.spans[k + 2][0] - self.spans[k][1] == 1
        if w.isdigit() and self.w(k + 1) == "/" and self.w(k + 2).isdigit() and tight:
            n, d = int(w), int(self.w(k + 2))
            return (Decimal(n) / d, k + 3) if 0 < n < d and d in (2, 4, 8, 16) else None
        return None

    def label(self, i: int, floor: int) -> int | None:
        """The first token of a rate label right before i: "rate is", "APR of", "a p r"."""
        k = i - 2 if self.w(i - 1) in ("is", "of", "was", "at", "now", "still") else i - 1
        if [self.w(k - 2), self.w(k - 1), self.w(k)] == list("apr"):
            k -= 2
        elif self.w(k) not in ("rate", "rates", "rate's", "apr"):
            return None
        return None if k < floor or any(self.fresh[k + 1 : i + 1]) else k

    def rate_at(self, i: int, need_percent: bool, floor: int) -> _Hit | None:
        w = self.w(i)
        if w.isdigit() and len(w) <= 3:  # "6 1/8%", "6½%"
            whole, end, words = Decimal(w), i + 1, False
        elif w != "oh" and (num := self.cardinal(i)):
            whole, end, words = num.value, num.end, True
        else:
            return None
        if frac := self.fraction(end):  # a fraction in words counts as words ("6 and a half")
            end, words = frac[1], words or self.w(end) in ("point", "and")
        value = (whole + (frac[0] if frac else 0)).quantize(RATE_PLACES, ROUND_HALF_UP)
        if not (words or frac) or value > 100:
            return None
        after = " ".join(self.w(t) for t in range(end, end + 3)) + " " if self.j(end) else ""
        if word := next((p for p in _PERCENT_WORDS if after.startswith(p + " ")), None):
            return i, end + len(word.split()), value
        if frac and (first := self.label(i, floor)) is not None:
            return first, end, value
        return (i, end, value) if frac and not need_percent else None

    def digit_run(self, i: int, floor: int) -> tuple[int, int, str] | None:
        """Three or more spoken digits at i: "four four one seven", "double four", "forty-four"."""
        items: list[tuple[str, int]] = []  # (digits, end token)
        k = i
        while not items or (k < self.n and self.loose[k]):
            w, u, p = self.w(k), self.unit(k, zero=True), self.pair(k)
            if w in ("double", "triple") and (d := self.unit(k + 1, zero=True)) is not None:
                item = str(d) * (2 if w == "double" else 3), k + 2  # "double four"
            elif u is not None:
                item = str(u), k + 1  # "four", "oh"
            elif p:
                item = str(p[0]), p[1]  # "forty-four", "seventeen"
            else:
                break
            items.append(item)
            k = item[1]
        if items and self.jw(k) in {"hundred", *_SCALES}:  # "twenty two hundred" is a number
            items.pop()
        digits = "".join(d for d, _ in items)
        return (i, items[-1][1], digits) if len(digits) >= 3 else None

    def ordinal_at(self, i: int, floor: int) -> _Hit | None:
        w, nxt = self.w(i), self.jw(i + 1)
        compound = w in ("twenty", "thirty") and _ORDINALS.get(nxt, 10) < 10  # "twenty-first"
        day = _TENS[w] + _ORDINALS[nxt] if compound else _ORDINALS.get(w, 99)
        return (i, i + 1 + compound, Decimal(day)) if day <= 31 else None  # not "thirty-second"


def _scan(
    text: str, at: Callable[[_Reader, int, int], _Hit | None], restart: bool = False
) -> Iterator[Found]:
    """Leftmost-first, non-overlapping hits of ``at(reader, token, floor)`` in ``text``.

    No hit starts inside a number, unless ``restart``: then one may start after a comma when
    the words before it read as nothing ("the next one, five hundred thirty-eight dollars")."""
    reader, i, floor, failed = _Reader(text), 0, 0, False
    while i < reader.n:
        inside = reader.j(i) and reader.w(i - 1) in _NUMBER_WORDS | {"point"}  # mid-number
        if inside and restart and failed and reader.comma[i]:
            inside = False
        if not inside and (hit := at(reader, i, floor)):
            first, end, value = hit
            yield Found(reader.spans[first][0], reader.spans[end - 1][1], value)
            i = floor = end
            failed = False
        else:
            i += 1
            failed = True


def words_to_int(text: str) -> int:
    """The integer a number phrase says: "twelve hundred" -> 1200, "four eighty-six" -> 486.

    Cardinals ("a hundred", "one hundred and five", "oh") and ``spoken_amounts``' grouped dollars.
    """
    reader = _Reader(text)
    for num in reader.readings(0):
        if num.end == reader.n and num.value == num.value.to_integral_value():
            return int(num.value)
    raise ValueError(f"not a number phrase: {text!r}")


def spoken_amounts(text: str) -> Iterator[Found]:
    """Every amount of money said in words; ``value`` is a ``Decimal`` of dollars, to the cent."""
    return _scan(text, _Reader.amount_at, restart=True)


def spoken_rates(text: str, need_percent: bool = True) -> Iterator[Found]:
    """Rates said in words (or digits with a fraction); ``value`` is a ``Decimal`` percent.

    With ``need_percent`` (the default) a rate says a percent word, or has a fraction and follows
    a rate label; with ``need_percent=False`` any number with a fraction is a rate.
    """
    return _scan(text, lambda reader, i, floor: reader.rate_at(i, need_percent, floor))


def spoken_digits(text: str) -> Iterator[Found]:
    """Runs of three or more spoken digits; ``value`` is the digit string ("double four" = "44").

    Pairs count as two digits ("forty-four seventeen" = "4417"). No run starts inside a number
    ("hundred eighty-two", "point one two five") or ends before "hundred"/"thousand".
    """
    return _scan(text, _Reader.digit_run)


def ordinal_words(text: str) -> Iterator[Found]:
    """Day ordinals in words, "first" to "thirty-first"; ``value`` is ``Decimal(day)``.

    ``Found.value`` admits no ``int``, so the day is a ``Decimal`` (``Decimal(21) == 21``). Every
    ordinal is yielded ("the first thing" too): the date recognizer decides from context.
    """
    return _scan(text, _Reader.ordinal_at)
