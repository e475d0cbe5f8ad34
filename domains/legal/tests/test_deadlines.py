"""Deadline computation: calendar and court days, weekends, the holiday setting, federal holidays."""

from __future__ import annotations

from datetime import date

import pytest

from codexcontinue_legal.deadlines import DeadlineRuleError, compute_deadline, federal_holidays, parse_rule


def test_rules_are_read_from_plain_words():
    rule = parse_rule("30 days after service")
    assert (rule.days, rule.day_kind, rule.direction, rule.event) == (30, "calendar", "after", "service")
    rule = parse_rule("10 court days before the hearing")
    assert (rule.days, rule.day_kind, rule.direction, rule.event) == (10, "court", "before", "the hearing")
    assert parse_rule("5 business days following entry of judgment").day_kind == "court"


def test_an_unreadable_rule_says_how_to_write_one():
    with pytest.raises(DeadlineRuleError, match="write it like '30 days after service'"):
        parse_rule("a month or so after service")


def test_calendar_days_ending_on_a_weekend_move_to_the_next_court_day():
    # 2024-06-01 + 30 days = Monday 2024-07-01: no move.
    assert compute_deadline(date(2024, 6, 1), parse_rule("30 days after service"), set()).due == date(
        2024, 7, 1
    )
    # 2024-06-03 + 5 days = Saturday 2024-06-08 -> Monday 2024-06-10.
    moved = compute_deadline(date(2024, 6, 3), parse_rule("5 days after service"), set())
    assert moved.due == date(2024, 6, 10)
    assert moved.skipped_days == [date(2024, 6, 8), date(2024, 6, 9)]


def test_calendar_days_ending_on_a_holiday_move_past_it():
    # 2024-06-14 + 21 days = Friday 2024-07-05, a holiday in this court's list -> Monday 2024-07-08.
    due = compute_deadline(date(2024, 6, 14), parse_rule("21 days after service"), {date(2024, 7, 5)}).due
    assert due == date(2024, 7, 8)


def test_court_days_skip_weekends_and_holidays():
    holidays = federal_holidays(2024)
    # From Wednesday 2024-07-03: 07-04 is a holiday, 07-06/07 a weekend.
    computed = compute_deadline(date(2024, 7, 3), parse_rule("3 court days after the order"), holidays)
    assert computed.due == date(2024, 7, 9)
    assert computed.skipped_days == [date(2024, 7, 4), date(2024, 7, 6), date(2024, 7, 7)]
    assert computed.explanation.startswith("3 court days after the order (2024-07-03) is 2024-07-09")


def test_counting_backwards_moves_to_the_earlier_court_day():
    # 14 days before Monday 2024-09-16 is Monday 09-02, Labor Day -> Friday 2024-08-30.
    due = compute_deadline(
        date(2024, 9, 16), parse_rule("14 days before the hearing"), federal_holidays(2024)
    ).due
    assert due == date(2024, 8, 30)


def test_federal_holidays_are_observed_on_the_nearest_weekday():
    holidays_2022 = federal_holidays(2022)
    assert date(2022, 12, 26) in holidays_2022  # Christmas on a Sunday
    assert date(2022, 6, 20) in holidays_2022  # Juneteenth on a Sunday
    assert date(2022, 11, 24) in holidays_2022  # Thanksgiving
    assert date(2021, 12, 31) in federal_holidays(2022)  # New Year's Day 2022 fell on a Saturday
    assert len(federal_holidays(2024)) == 11


def test_the_compute_route_uses_the_holidays_setting(codexcontinue_settings, monkeypatch):
    from fastapi.testclient import TestClient

    from codexcontinue.api.app import create_app

    monkeypatch.setenv("CODEXCONTINUE_LEGAL__HOLIDAYS", "2024-07-08, 2024-07-09")
    app = create_app(codexcontinue_settings)
    with TestClient(app) as client:
        token, _ = client.portal.call(app.state.keyring.create, "t", ["legal:write"])
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post(
            "/api/v1/legal/deadlines/compute",
            json={"rule": "2 court days after filing", "trigger_date": "2024-07-03"},
            headers=headers,
        )
        assert response.status_code == 200
        assert response.json()["due"] == "2024-07-10"  # skips 07-04 (federal), weekend, 07-08 and 07-09
        bad = client.post(
            "/api/v1/legal/deadlines/compute",
            json={"rule": "soon", "trigger_date": "2024-07-03"},
            headers=headers,
        )
        assert bad.status_code == 422 and "30 days after service" in bad.json()["detail"]
