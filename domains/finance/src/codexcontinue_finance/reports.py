"""Plain-language reports written by the pack's model from computed figures, checked so that every number
in the text is one of those figures.

The model gets the figures as labelled, formatted lines and answers a `WrittenReport` (structured
output). Every number in its text must equal a figure as given, or that figure rounded; a date's
year, month and day count as given. A reply quoting other numbers is sent back once with the list
of them; if the second reply still has some, the report is returned with them flagged
(`verified` false, `unverified_numbers` listing them), never passed off as checked.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from codexcontinue.ml.runtime import LLMRuntime

from .analyst_model import ANALYST_MODEL

NUMBER = re.compile(r"(?<![\w.])[-−]?[$£€]?\d[\d,]*(?:\.\d+)?%?")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


class Figure(BaseModel):
    """A computed figure as the model is given it."""

    label: str
    value: float | str
    text: str = Field(description="The figure as written in the prompt, e.g. '73,887.51 USD' or '12.34%'.")


class QuotedFigure(BaseModel):
    """A figure the report relies on, as the model quotes it."""

    label: str
    value: str


class WrittenReport(BaseModel):
    """What the model writes: a headline, a plain-language summary, highlights, and the figures it used."""

    headline: str = Field(description="One sentence.")
    summary: str = Field(description="One paragraph in plain language.")
    highlights: list[str] = Field(description="Three to five short points.")
    figures_quoted: list[QuotedFigure] = Field(description="Each figure used, with its label and value as given.")


class CheckedReport(BaseModel):
    """The model's report, the figures it was given, and whether every number in it is one of them."""

    subject: str
    report: WrittenReport
    figures: list[Figure]
    verified: bool
    unverified_numbers: list[str] = Field(description="Numbers in the report that are no computed figure.")
    attempts: int


def money(label: str, value: float, currency: str) -> Figure:
    """A money figure: '1,234.56 USD'."""
    return Figure(label=label, value=round(value, 2), text=f"{value:,.2f} {currency}")


def percent(label: str, fraction: float) -> Figure:
    """A fraction shown as a percentage with two decimals: 0.12345 -> '12.35%'."""
    return Figure(label=label, value=round(fraction * 100, 2), text=f"{fraction * 100:.2f}%")


def count(label: str, value: int) -> Figure:
    """A whole number."""
    return Figure(label=label, value=value, text=str(value))


def day(label: str, value: date) -> Figure:
    """A date, as YYYY-MM-DD."""
    return Figure(label=label, value=value.isoformat(), text=value.isoformat())


def unverified_numbers(report: WrittenReport, figures: list[Figure]) -> list[str]:
    """The numbers written in the report (headline, summary, highlights, quoted figures) that match no figure."""
    allowed = _allowed_values(figures)
    texts = [
        report.headline,
        report.summary,
        *report.highlights,
        *(q.value for q in report.figures_quoted),
    ]
    problems: list[str] = []
    for text in texts:
        for token in NUMBER.findall(ISO_DATE.sub(lambda m: " ".join(m.groups()), text)):
            if not _matches(token, allowed) and token not in problems:
                problems.append(token)
    return problems


async def write_report(llm: LLMRuntime, subject: str, instruction: str, figures: list[Figure]) -> CheckedReport:
    """Ask the analyst model for a report on `figures`, check its numbers, and send it back once if needed."""
    lines = "\n".join(f"- {figure.label}: {figure.text}" for figure in figures)
    prompt = (
        f"{instruction}\n\nThe figures, computed from the user's data:\n{lines}\n\n"
        "Use only these figures, written as given (you may round them); write no other number. "
        "List every figure you use in figures_quoted with its label and value as given."
    )
    messages = [{"role": "user", "content": prompt}]
    result = await llm.generate(ANALYST_MODEL, messages=messages, pack="finance", schema=WrittenReport)
    report = result.data
    problems = unverified_numbers(report, figures)
    attempts = 1
    if problems:
        attempts = 2
        messages += [
            {"role": "assistant", "content": result.text},
            {
                "role": "user",
                "content": (
                    f"These numbers in your report are not among the figures: {', '.join(problems)}. "
                    "Rewrite the report using only the figures given."
                ),
            },
        ]
        result = await llm.generate(
            ANALYST_MODEL,
            messages=messages,
            pack="finance",
            schema=WrittenReport,
            cache=False,
        )
        report = result.data
        problems = unverified_numbers(report, figures)
    return CheckedReport(
        subject=subject,
        report=report,
        figures=figures,
        verified=not problems,
        unverified_numbers=problems,
        attempts=attempts,
    )


def _allowed_values(figures: list[Figure]) -> list[tuple[Decimal, bool]]:
    """Each figure's number (absolute, with whether it is a percentage), and each date's year, month and day."""
    allowed: list[tuple[Decimal, bool]] = []
    for figure in figures:
        dates = ISO_DATE.findall(figure.text) or re.findall(r"\b(\d{4})-(\d{2})\b", figure.text)
        if dates:
            allowed += [(Decimal(int(part)), False) for parts in dates for part in parts]
            continue
        for token in NUMBER.findall(figure.text):
            allowed.append((_number(token), token.endswith("%")))
    return allowed


def _matches(token: str, allowed: list[tuple[Decimal, bool]]) -> bool:
    """Whether `token` is an allowed number as written, or rounded to the decimals `token` shows."""
    value = _number(token)
    is_percent = token.endswith("%")
    decimals = len(token.rstrip("%").split(".")[1]) if "." in token else 0
    tolerance = Decimal(5) / (Decimal(10) ** (decimals + 1))
    return any(
        abs(value - number) <= tolerance and (is_percent == percentage or not is_percent)
        for number, percentage in allowed
    )


def _number(token: str) -> Decimal:
    return abs(Decimal(re.sub(r"[^\d.]", "", token)))
