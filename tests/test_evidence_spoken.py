"""Numbers said in words: amounts, rates, digit runs and ordinals, and the spans they come from."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import pairwise

import pytest

from protege.evidence.spoken import (
    ordinal_words,
    spoken_amounts,
    spoken_digits,
    spoken_rates,
    words_to_int,
)
from protege.evidence.types import Found

Recognizer = Callable[[str], Iterator[Found]]


def _read(recognizer: Recognizer, text: str) -> list[tuple[str, str]]:
    """What a recognizer finds, as (span text, value as a string): exact cents and places."""
    return [(text[f.start : f.end], str(f.value)) for f in recognizer(text)]


def _rates_without_percent(text: str) -> Iterator[Found]:
    return spoken_rates(text, need_percent=False)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("two hundred forty-one", 241),
        ("fourteen thousand three hundred eighty-two", 14382),
        ("twelve hundred", 1200),
        ("a hundred", 100),
        ("a thousand", 1000),
        ("oh", 0),
        ("zero", 0),
        ("one hundred and five", 105),
        ("Sixty-Three Thousand, Nine Hundred\nTwelve", 63912),
        ("two million four hundred thousand", 2_400_000),
        ("twenty-two hundred and six", 2206),
        ("four eighty-six", 486),  # the grouped dollars of a spoken amount
        ("nineteen forty-nine", 1949),
    ],
)
def test_words_to_int(phrase: str, value: int) -> None:
    assert words_to_int(phrase) == value


@pytest.mark.parametrize(
    "phrase", ["", "and", "hundred", "two hundred dollars", "seven. hundred", "one two three", "x"]
)
def test_words_to_int_refuses_what_is_not_one_number(phrase: str) -> None:
    with pytest.raises(ValueError, match="not a number phrase"):
        words_to_int(phrase)


AMOUNTS: list[tuple[str, list[tuple[str, str]]]] = [
    # long forms: the money words are inside the span
    (
        "The payoff comes to nineteen thousand six hundred four dollars and twelve cents today.",
        [("nineteen thousand six hundred four dollars and twelve cents", "19604.12")],
    ),
    ("That leaves three hundred dollars on it.", [("three hundred dollars", "300.00")]),
    ("the fee was only ninety-five cents", [("ninety-five cents", "0.95")]),
    ("It costs one dollar.", [("one dollar", "1.00")]),
    ("Send twelve dollars even, please.", [("twelve dollars even", "12.00")]),
    (
        "We'd settle at twenty-five thousand dollars flat.",
        [("twenty-five thousand dollars flat", "25000.00")],
    ),
    ("it accrues a dollar thirty four every day", [("a dollar thirty four", "1.34")]),
    ("forty-two dollars fifty for the release", [("forty-two dollars fifty", "42.50")]),
    ("a balance of one hundred and five dollars", [("one hundred and five dollars", "105.00")]),
    ("that's fifty bucks", [("fifty bucks", "50.00")]),
    (
        "I'll wire two thousand one hundred four and eighteen cents tomorrow",
        [("two thousand one hundred four and eighteen cents", "2104.18")],
    ),
    (
        "it came to two thousand and eighteen cents",
        [("two thousand and eighteen cents", "2000.18")],
    ),
    # short forms: the last two-digit group is the cents
    (
        "she said eleven thousand two hundred seventy-three forty on the nose",
        [("eleven thousand two hundred seventy-three forty", "11273.40")],
    ),
    ("its five twenty nine thirty due on the ninth", [("five twenty nine thirty", "529.30")]),
    ("the new amount is three seventy-one twenty okay", [("three seventy-one twenty", "371.20")]),
    ("so that's eleven four fifty-two ten", [("eleven four fifty-two ten", "11452.10")]),
    ("roughly nineteen sixty-two fifteen", [("nineteen sixty-two fifteen", "1962.15")]),
    (
        "twenty thousand three eighty-eight oh nine",
        [("twenty thousand three eighty-eight oh nine", "20388.09")],
    ),
    ("it was six thousand and twelve forty", [("six thousand and twelve forty", "6012.40")]),
    # weak shapes read with a cue, before or after
    ("the payment of twelve forty clears friday", [("twelve forty", "12.40")]),
    ("twelve forty", [("twelve forty", "12.40")]),  # a text that is only the phrase
    ("a gym at nineteen ninety-nine a month", [("nineteen ninety-nine", "19.99")]),
    ("one twenty-five dollars", [("one twenty-five dollars", "125.00")]),
    ("Your minimum is one twenty-five.", [("one twenty-five", "125.00")]),
    ("interest runs one twenty-five a day", [("one twenty-five a day", "1.25")]),
    ("Per diem: two sixty-one.", [("Per diem: two sixty-one", "2.61")]),
    (
        "Your credit limit is nine thousand five hundred, right.",
        [("nine thousand five hundred", "9500.00")],
    ),
    ("the fee is twelve hundred", [("twelve hundred", "1200.00")]),
    ("twelve hundred even", [("twelve hundred even", "1200.00")]),
    ("the past due amount is zero.", [("zero", "0.00")]),
    # capitals, commas and line breaks inside a number
    (
        "Fourteen Thousand Two Hundred Dollars",
        [("Fourteen Thousand Two Hundred Dollars", "14200.00")],
    ),
    (
        "a balance of six thousand,\nfour hundred ten dollars",
        [("six thousand,\nfour hundred ten dollars", "6410.00")],
    ),
    # two amounts side by side, neither swallowing the other
    (
        "escrow holds eight hundred dollars and the payment is seven fifty-five ten",
        [("eight hundred dollars", "800.00"), ("seven fifty-five ten", "755.10")],
    ),
]

NOT_AMOUNTS = [
    "one moment please",
    "the first thing is the title",
    "the quote is good for ten days",
    "call back in twenty minutes",
    "it's the twenty twenty-two Civic",
    "born on June fourth nineteen eighty-six",
    "your payment, one moment",
    "press one for payments",
    "a sixteen-digit number",
    "seven point two five percent",
    "the card ends five five two six",
    "Your credit score is seven hundred twenty.",
    "I paid it off in two thousand nineteen",
    "twelve forty the bus left",  # a weak shape with no money cue
    "payment was late, oh well",
    "two hundred nineteen cents",  # neither 200.19 nor 2.19: not a way to say money
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_spoken_amounts(text: str, expected: list[tuple[str, str]]) -> None:
    assert _read(spoken_amounts, text) == expected


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_words_that_are_no_amount(text: str) -> None:
    assert _read(spoken_amounts, text) == []


RATES: list[tuple[str, list[tuple[str, str]]]] = [
    ("now at five point seven five percent", [("five point seven five percent", "5.750")]),
    ("five and an eighth percent fixed", [("five and an eighth percent", "5.125")]),
    ("six and a quarter percent", [("six and a quarter percent", "6.250")]),
    ("eight and a half percent", [("eight and a half percent", "8.500")]),
    ("seven and seven eighths percent", [("seven and seven eighths percent", "7.875")]),
    ("six and one-quarter percent", [("six and one-quarter percent", "6.250")]),
    ("twenty-two point four nine percent", [("twenty-two point four nine percent", "22.490")]),
    ("five point twenty five percent", [("five point twenty five percent", "5.250")]),
    ("a flat four percent", [("four percent", "4.000")]),
    ("nineteen percent APR on purchases", [("nineteen percent", "19.000")]),
    ("two point nine per cent", [("two point nine per cent", "2.900")]),
    ("Six Point Two Five Percent", [("Six Point Two Five Percent", "6.250")]),
    ("the note rate is four and five-eighths.", [("rate is four and five-eighths", "4.625")]),
    ("an APR of nineteen point nine nine", [("APR of nineteen point nine nine", "19.990")]),
    ("it's 6 1/8% fixed", [("6 1/8%", "6.125")]),
    ("6-1/4 percent", [("6-1/4 percent", "6.250")]),
    ("6½%", [("6½%", "6.500")]),
    ("6¼% and 6⅛%", [("6¼%", "6.250"), ("6⅛%", "6.125")]),
    ("at 7 3/8 percent", [("7 3/8 percent", "7.375")]),
    ("6 and a quarter percent", [("6 and a quarter percent", "6.250")]),
    # a spoken correction: the dash ends the first reading, which has no percent word
    (
        "five point three eight - sorry, five point eight three percent",
        [("five point eight three percent", "5.830")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), RATES)
def test_spoken_rates(text: str, expected: list[tuple[str, str]]) -> None:
    assert _read(spoken_rates, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("six and three eighths", [("six and three eighths", "6.375")]),
        ("six point one two five", [("six point one two five", "6.125")]),
        ("it was eight point three five before.", [("eight point three five", "8.350")]),
    ],
)
def test_spoken_rates_without_a_percent_word(text: str, expected: list[tuple[str, str]]) -> None:
    assert _read(spoken_rates, text) == []  # the default needs a percent word or a label
    assert _read(_rates_without_percent, text) == expected


def test_a_corrected_rate_is_read_twice_without_a_percent_word() -> None:
    text = "five point three eight - sorry, five point eight three percent"
    assert _read(_rates_without_percent, text) == [
        ("five point three eight", "5.380"),
        ("five point eight three percent", "5.830"),
    ]


@pytest.mark.parametrize(
    "text", ["6.49%", "three hundred percent", "press six for rates", "the rate is seven", "six"]
)
def test_words_that_are_no_rate(text: str) -> None:
    assert _read(_rates_without_percent, text) == []


DIGITS: list[tuple[str, list[tuple[str, str]]]] = [
    ("the card ends in five five two six", [("five five two six", "5526")]),
    ("it ends eight-eight-oh-three", [("eight-eight-oh-three", "8803")]),
    ("social is five zero two nine.", [("five zero two nine", "5029")]),
    ("double four one seven", [("double four one seven", "4417")]),
    ("triple five two", [("triple five two", "5552")]),
    ("forty-four seventeen", [("forty-four seventeen", "4417")]),
    ("VIN ends eight three two one six", [("eight three two one six", "83216")]),
    ("Oh seven three nine.", [("Oh seven three nine", "0739")]),
    ("the line reads three... one... zero... seven.", [("three... one... zero... seven", "3107")]),
    ("nine two, six one", [("nine two, six one", "9261")]),
]


@pytest.mark.parametrize(("text", "expected"), DIGITS)
def test_spoken_digits(text: str, expected: list[tuple[str, str]]) -> None:
    assert _read(spoken_digits, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "three hundred sixty-two",
        "six point one two five",
        "one moment",
        "six nine",
        "thirty one hundred",
        "eleven thousand two hundred seventy-three forty",
    ],
)
def test_numbers_that_are_no_digit_run(text: str) -> None:
    assert _read(spoken_digits, text) == []


ORDINALS: list[tuple[str, list[tuple[str, str]]]] = [
    ("due on the twentieth", [("twentieth", "20")]),
    ("paid by the twenty-third", [("twenty-third", "23")]),
    ("the thirty-first", [("thirty-first", "31")]),
    ("on the fifth of May", [("fifth", "5")]),
    ("first", [("first", "1")]),
    ("April twenty ninth", [("twenty ninth", "29")]),
    ("the thirty-second caller", []),
    ("the hundredth time", []),
]


@pytest.mark.parametrize(("text", "expected"), ORDINALS)
def test_ordinal_words(text: str, expected: list[tuple[str, str]]) -> None:
    assert _read(ordinal_words, text) == expected
    assert all(
        isinstance(f.value, Decimal) and f.value == int(f.value) for f in ordinal_words(text)
    )


SPAN_CASES = (
    [(spoken_amounts, text) for text, _ in AMOUNTS]
    + [(spoken_rates, text) for text, _ in RATES]
    + [(_rates_without_percent, "rates are six and three eighths or six point one two five")]
    + [(spoken_digits, text) for text, _ in DIGITS]
    + [(ordinal_words, text) for text, _ in ORDINALS]
)


@pytest.mark.parametrize(("recognizer", "text"), SPAN_CASES)
def test_a_span_read_alone_gives_the_same_single_value(recognizer: Recognizer, text: str) -> None:
    for found in recognizer(text):
        span = text[found.start : found.end]
        assert list(recognizer(span)) == [Found(0, len(span), found.value)], span


# Number words, cues and the punctuation between them, mixed at random (seeded): every hit's span
# must read back alone to the same single value, and hits never overlap.
_WORDS = (
    "two", "six", "nine", "twelve", "fifteen", "twenty", "forty-four", "ninety", "hundred",
    "thousand", "and", "a", "oh", "point", "percent", "dollars", "cents", "even", "per", "diem",
    "day", "month", "payment", "rate", "is", "double", "first", "twenty-first", "March", "days",
    "½", "1/8", "6",
)  # fmt: skip
_GAPS = (" ", " ", " ", "-", ", ", ". ", "\n", " - ", "... ")


def _generated_texts(count: int) -> list[str]:
    rng = random.Random(20250611)
    texts = []
    for _ in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 10))]
        texts.append(words[0] + "".join(rng.choice(_GAPS) + w for w in words[1:]))
    return texts


@pytest.mark.parametrize(
    "recognizer",
    [spoken_amounts, spoken_rates, _rates_without_percent, spoken_digits, ordinal_words],
)
def test_spans_read_back_on_generated_text(recognizer: Recognizer) -> None:
    for text in _generated_texts(400):
        found = list(recognizer(text))
        assert all(a.end <= b.start for a, b in pairwise(found)), text
        for f in found:
            span = text[f.start : f.end]
            assert list(recognizer(span)) == [Found(0, len(span), f.value)], (text, span)


CALL = (
    "agent: your principal is eighteen thousand two hundred six dollars and forty cents at six "
    "and a quarter percent\ncaller: eighteen two oh six forty\nagent: right and the next one is "
    "four twelve thirty due on the twenty-second the account ends double seven two one and per "
    "diem is three oh four so one moment the payoff is eighteen thousand three hundred and two "
    "dollars good through the thirtieth"
)


@pytest.mark.parametrize(
    "recognizer",
    [spoken_amounts, spoken_rates, _rates_without_percent, spoken_digits, ordinal_words],
)
def test_hits_come_in_order_and_never_overlap(recognizer: Recognizer) -> None:
    found = list(recognizer(CALL))
    assert found
    assert all(a.end <= b.start for a, b in pairwise(found))


def test_a_whole_call_without_punctuation() -> None:
    assert _read(spoken_amounts, CALL) == [
        ("eighteen thousand two hundred six dollars and forty cents", "18206.40"),
        ("eighteen two oh six forty", "18206.40"),
        ("four twelve thirty", "412.30"),
        ("per diem is three oh four", "3.04"),
        ("eighteen thousand three hundred and two dollars", "18302.00"),
    ]
    assert _read(spoken_rates, CALL) == [("six and a quarter percent", "6.250")]
    # pairs are digits too ("forty-four seventeen"), so a figure said in groups is also a run:
    # the account-number recognizer keeps runs by their context ("ends", "ending in")
    assert _read(spoken_digits, CALL) == [
        ("eighteen two oh six forty", "1820640"),
        ("four twelve thirty", "41230"),
        ("double seven two one", "7721"),
        ("three oh four", "304"),
    ]
    assert _read(ordinal_words, CALL) == [("twenty-second", "22"), ("thirtieth", "30")]


def test_a_trailing_zero_digit_after_the_point_is_read() -> None:
    text = "the rate is five point five zero percent, fixed"
    (hit,) = spoken_rates(text)
    assert (text[hit.start : hit.end], hit.value) == (
        "five point five zero percent",
        Decimal("5.5"),
    )
