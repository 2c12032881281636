"""Account last fours: the last four digits of every digit string that could be an account
number, said or written.

Liberal on purpose: a source's candidates must include the account's last four wherever it is
stated ("ending in 4417", "****0932", "x0932", "account number 1234567890", "four four one
seven"), and choosing among them is the reader's job. Written: any
standalone run of 4 to 19 digits (spaces or dashes inside allowed, as card and loan numbers are
printed), after an optional mask of ``*``, ``X`` or ``•``; spoken: any run of 4 or more spoken
digits. The value is the run's last four digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from protege.evidence.spoken import spoken_digits
from protege.evidence.types import Found, longest_first

# A masked or plain digit run: "****0932", "XXXX-0932", "x0932", "...3390", "1234 5678 9012
# 3456", "20-4417"; not part of an amount ("1,234.56"), a rate or a longer word. Digits may be
# OCR look-alikes (O/o for 0, l/I for 1: "******3O7l"), as long as real digits are the most.
_D = "[0-9OolI]"
_RUN = re.compile(
    r"(?:(?<![\w.,$/])(?:[*Xx•]{1,16}[\s-]?)?|(?:\.{2,}|…)[ \t]?)"
    rf"(?P<digits>{_D}(?:[ -]?{_D}){{3,18}})(?![\w%/]|[.,]\d)"
)
_OCR_FIX = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})


def find_last4(text: str) -> Iterator[Found]:
    """Every last-four candidate, in order of position, overlaps resolved to the longer."""
    found: list[Found] = []
    for match in _RUN.finditer(text):
        raw = re.sub(r"[ -]", "", match.group("digits"))
        if sum(ch.isdigit() for ch in raw) * 2 < len(raw):
            continue  # mostly letters: a word ("lOOl"), not a misread number
        found.append(Found(match.start(), match.end(), raw.translate(_OCR_FIX)[-4:]))
    for hit in spoken_digits(text):
        if isinstance(hit.value, str) and len(hit.value) >= 4:
            found.append(Found(hit.start, hit.end, hit.value[-4:]))
    yield from longest_first((f.start, f.end, f.value) for f in found)
