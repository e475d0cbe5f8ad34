"""Deadline computation: "30 days after service", counted in calendar or court days.

Calendar days follow FRCP 6(a)(1): count every day, and when the last day is a weekend or a
holiday the deadline moves to the next court day (the previous one when counting backwards).
Court days skip weekends and holidays altogether. Holidays are the pack's `holidays` setting plus,
unless `federal_holidays` is off, the US federal holidays of FRCP 6(a)(6)(A) as observed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field

DayKind = Literal["calendar", "court"]
Direction = Literal["after", "before"]

_RULE = re.compile(
    r"^\s*(?P<count>\d{1,4})\s+(?P<kind>calendar\s+|court\s+|business\s+|judicial\s+)?days?\s+"
    r"(?P<direction>after|from|following|before|prior\s+to)\s+(?P<event>.+?)\s*$",
    re.IGNORECASE,
)


class DeadlineRuleError(ValueError):
    """A deadline rule that cannot be read; the message shows the form that can."""


class DeadlineRule(BaseModel):
    """A counting rule: how many days, of which kind, before or after which event."""

    days: int = Field(ge=0, le=3650)
    day_kind: DayKind = "calendar"
    direction: Direction = "after"
    event: str = Field(default="the trigger date", description="What the count starts from, e.g. 'service'.")


class ComputedDeadline(BaseModel):
    """A computed deadline and how it was reached."""

    due: date
    rule: DeadlineRule
    trigger_date: date
    explanation: str
    skipped_days: list[date] = Field(description="Weekends and holidays passed over or moved off.")


def parse_rule(text: str) -> DeadlineRule:
    """Read a rule written like '30 days after service' or '10 court days before the hearing'."""
    match = _RULE.match(text)
    if not match:
        raise DeadlineRuleError(
            f"Cannot read the deadline rule {text!r}; write it like '30 days after service' or "
            "'10 court days before the hearing'."
        )
    kind = (match.group("kind") or "calendar").strip().lower()
    direction = match.group("direction").lower()
    return DeadlineRule(
        days=int(match.group("count")),
        day_kind="calendar" if kind == "calendar" else "court",
        direction="before" if direction.startswith(("before", "prior")) else "after",
        event=match.group("event"),
    )


def compute_deadline(trigger_date: date, rule: DeadlineRule, holidays: set[date]) -> ComputedDeadline:
    """The due date of `rule` counted from `trigger_date`, skipping weekends and `holidays`."""
    step = timedelta(days=1 if rule.direction == "after" else -1)
    skipped: list[date] = []
    day = trigger_date
    if rule.day_kind == "court":
        counted = 0
        while counted < rule.days:
            day += step
            if is_court_day(day, holidays):
                counted += 1
            else:
                skipped.append(day)
    else:
        day += step * rule.days
        while not is_court_day(day, holidays):
            skipped.append(day)
            day += step
    explanation = (
        f"{rule.days} {rule.day_kind} days {rule.direction} {rule.event} ({trigger_date.isoformat()})"
        f" is {day.isoformat()}"
    )
    if rule.day_kind == "calendar" and skipped:
        explanation += f", moved off {len(skipped)} weekend or holiday day(s)"
    elif skipped:
        explanation += f", skipping {len(skipped)} weekend or holiday day(s)"
    return ComputedDeadline(
        due=day, rule=rule, trigger_date=trigger_date, explanation=explanation, skipped_days=skipped
    )


def is_court_day(day: date, holidays: set[date]) -> bool:
    """Whether courts are open on `day`: a weekday that is not a holiday."""
    return day.weekday() < 5 and day not in holidays


def court_holidays(extra: list[date], federal: bool, years: range) -> set[date]:
    """The holidays to skip: `extra`, plus the observed US federal holidays of `years` if asked."""
    found = set(extra)
    if federal:
        for year in years:
            found |= federal_holidays(year)
    return found


@cache
def federal_holidays(year: int) -> frozenset[date]:
    """The US federal holidays of `year` as observed (Saturday -> Friday, Sunday -> Monday)."""
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    if year >= 2021:
        fixed.append(date(year, 6, 19))
    moving = [
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day: third Monday of January
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday: third Monday of February
        _last_weekday(year, 5, 0),  # Memorial Day: last Monday of May
        _nth_weekday(year, 9, 0, 1),  # Labor Day: first Monday of September
        _nth_weekday(year, 10, 0, 2),  # Columbus Day: second Monday of October
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving: fourth Thursday of November
    ]
    observed = {_observed(day) for day in fixed}
    return frozenset(observed | set(moving))


def _observed(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)
