"""The pieces values are read with (dates, lengths of time, places, parties, caps) and the rules that
score them against CUAD's answers, as examples of what each reads and what it leaves alone."""

from __future__ import annotations

import pytest

from codexcontinue_legal import answer_scoring as scoring
from codexcontinue_legal.dates import find_dates
from codexcontinue_legal.durations import Duration, find_durations, words_to_number
from codexcontinue_legal.jurisdictions import find_jurisdictions
from codexcontinue_legal.liability import find_cap, uncapped_passage
from codexcontinue_legal.parties import Party, find_parties


@pytest.mark.parametrize(
    "text, iso",
    [
        ("made as of July 31, 2019 (the", "2019-07-31"),
        ("this 31 day of July 2019", "2019-07-31"),
        ("the 18t h day of August 2014", "2014-08-18"),  # text from a PDF splits the suffix
        ("this first (1st) day of January, 1996", "1996-01-01"),
        ("dated 7/31/19", "2019-07-31"),
        ("entered into on April 15 , 2010", "2010-04-15"),
        ("this ___ day of March, 2018", "2018-03"),
        ("dated as of ________, 2015.", "2015"),
        ("effective as of [·], 2019 (the", "2019"),
        ("made as of , 2013, between", "2013"),
    ],
)
def test_dates_are_read_whole_or_with_their_blanks(text, iso):
    assert [mention.iso for mention in find_dates(text)] == [iso]


def test_numbers_that_are_not_dates_are_left_alone():
    assert find_dates("at 1,000 units of 2019 and 12/45/2019 and February 30, 2020") == []


@pytest.mark.parametrize(
    "text, amount, unit",
    [
        ("ninety (90) days' prior notice", 90, "day"),
        ("one hundred and twenty (120) days", 120, "day"),
        ("a twelve-month period", 12, "month"),
        ("six (6) calendar months", 6, "month"),
        ("30- days advance notice", 30, "day"),
        ("(60) days", 60, "day"),
        ("10 business days", 10, "business day"),
    ],
)
def test_lengths_of_time_are_read_from_digits_or_words(text, amount, unit):
    [mention] = find_durations(text)
    assert (mention.duration.amount, mention.duration.unit) == (amount, unit)


def test_number_words_are_read_to_a_number():
    assert [words_to_number(w) for w in ("forty-five", "one hundred and twenty", "a", "several")] == [45, 120, 1, None]


@pytest.mark.parametrize(
    "text, places",
    [
        ("the laws of the State of New York, without regard", ["New York"]),
        ("the laws of the Province of Ontario and the federal laws of Canada", ["Ontario, Canada", "Canada"]),
        ("the laws of England and Wales", ["England and Wales"]),
        ("the laws of the People's Republic of China", ["China"]),
        ("the laws of the Commonwealth of Massachusetts", ["Massachusetts"]),
        ("THE LAWS OF THE STATE OF NEW JERSEY", ["New Jersey"]),
        ("the laws of the State of Georgia", ["Georgia"]),
    ],
)
def test_places_are_named_as_lawyers_name_them(text, places):
    assert [mention.jurisdiction.display for mention in find_jurisdictions(text)] == places


def test_parties_keep_the_commas_of_their_names_and_their_defined_names():
    preamble = (
        'This Agreement is made by and between Northwind Analytics, Inc., a Delaware corporation ("Northwind"), '
        'Beta Co., Ltd. (the "Supplier" or "Beta"), and Jane Roe, an individual ("Consultant"). WHEREAS the '
        'Parties wish to work together; "Services" means the services.'
    )
    assert find_parties(preamble) == [
        Party(name="Northwind Analytics, Inc.", defined_as=["Northwind"]),
        Party(name="Beta Co., Ltd.", defined_as=["Supplier", "Beta"]),
        Party(name="Jane Roe", defined_as=["Consultant"]),
    ]


def test_a_cap_is_an_amount_or_a_formula_and_an_exclusion_of_damages_is_no_cap():
    amount = find_cap("In no event shall Supplier's total liability exceed $1,000,000 in the aggregate.")
    assert (amount.amount, amount.formula) == ("$1,000,000", None)
    formula = find_cap("Each party's liability is limited to the fees paid under this Agreement in the prior year.")
    assert formula.formula == "the fees paid under this Agreement in the prior year"
    assert find_cap("In no event shall either party be liable for indirect or consequential damages.") is None


def test_uncapped_liability_is_read_from_exceptions_to_a_cap_not_from_the_cap():
    cap = "In no event shall either party's liability exceed the fees paid in the twelve months preceding the claim."
    assert uncapped_passage(cap) is None
    excepted = cap + " This limitation shall not apply to breaches of confidentiality or to either party's fraud."
    assert uncapped_passage(excepted) == "shall not apply to breaches of confidentiality or to either party's fraud"
    assert uncapped_passage("Licensee's liability under this Section shall be unlimited.") is not None


def days(amount: int, unit: str) -> Duration:
    return Duration(amount=amount, unit=unit, text=f"{amount} {unit}s")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "ours, answer, outcome",
    [
        ("2019-07-31", "7/31/19", "right"),
        ("2045-09-01", "9/1/45", "right"),  # a two-digit year leaves the century open
        ("2015", "[]/[]/2015", "right"),
        ("2015-06-01", "[]/[]/2015", "wrong"),  # a day CUAD leaves blank must be left out too
        ("2019-07-30", "7/31/19", "wrong"),
        (None, "7/31/19", "missed"),
        ("2019-07-31", None, "extra"),
        ("2019-07-31", "[]/[]/[]", "extra"),
        (None, None, "neither"),
    ],
)
def test_dates_are_scored_part_by_part(ours, answer, outcome):
    assert scoring.score_date(ours, answer) == outcome


@pytest.mark.parametrize(
    "ours, answer, outcome",
    [
        (days(90, "day"), "90 days", "right"),
        (days(3, "month"), "90 days", "right"),
        (days(12, "month"), "successive 1 year", "right"),
        (days(1, "year"), "365 days", "right"),
        (days(6, "month"), "(6) months", "right"),
        (days(180, "day"), "60 days; 180 days", "right"),
        (days(365, "day"), "90 days", "wrong"),
        (None, "perpetual", "unscorable"),
    ],
)
def test_lengths_are_scored_as_the_same_time_within_two_percent(ours, answer, outcome):
    assert scoring.score_duration(ours, answer) == outcome


@pytest.mark.parametrize(
    "ours, answer, outcome",
    [
        ("New York", "New York", "right"),
        ("Ontario, Canada", "Province of Ontario, Canada", "right"),
        ("England and Wales", "England", "right"),
        ("Illinois", "Illinois; New York", "right"),
        ("Delaware", "New York", "wrong"),
        (None, "THE STATE IN WHICH THE FRANCHISED RESTAURANT IS LOCATED", "unscorable"),
    ],
)
def test_governing_law_is_right_when_cuad_names_the_place(ours, answer, outcome):
    assert scoring.score_governing_law(ours, answer) == outcome


def test_parties_are_scored_by_name_with_cuad_typos_and_suffixes_allowed():
    answer = 'Berkely Lights, Inc. ("Berkeley"); Cargill, Incorporated ("Cargill"); Acme and Beta ("Parties")'
    ours = [Party(name="Berkeley Lights, Inc."), Party(name="Cargill"), Party(name="Initech LLC")]
    assert scoring.score_parties(ours, answer) == (2, 3, 2)
