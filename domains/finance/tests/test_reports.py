"""Written reports: the analyst model's text may quote only figures the pack computed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from codexcontinue.api.app import create_app

API = "/api/v1/finance"


@pytest.fixture
def llm_client(codexcontinue_settings, ollama_server):
    """A client of an app whose LLM is the Ollama test server (with 'finance-analyst'), and a key for it."""
    ollama_server.add_model("finance-analyst")
    app = create_app(codexcontinue_settings.model_copy(update={"ollama_hosts": [ollama_server.url]}))
    with TestClient(app) as client:
        token, _ = client.portal.call(app.state.keyring.create, "reports", ["finance:write"])
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


@pytest.fixture
def portfolio(llm_client):
    """The broker portfolio of tests/data, and its computed report."""
    from pathlib import Path

    data = Path(__file__).parent / "data"
    for part, name in (
        ("activity", "broker_activity.csv"),
        ("prices", "broker_prices.csv"),
    ):
        response = llm_client.put(
            f"{API}/portfolios/broker/{part}",
            files={"file": (name, (data / name).read_bytes())},
        )
        assert response.status_code == 200, response.text
    return llm_client.get(f"{API}/portfolios/broker").json()


def written(headline: str, summary: str, highlights: list[str], quoted: dict[str, str]) -> dict:
    return {
        "headline": headline,
        "summary": summary,
        "highlights": highlights,
        "figures_quoted": [{"label": label, "value": value} for label, value in quoted.items()],
    }


def numbers_in(text: str) -> list[float]:
    return [float(n.replace(",", "").rstrip("%")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?%?", text)]


def test_a_portfolio_report_quotes_only_the_computed_figures(llm_client, ollama_server, portfolio):
    total = f"{portfolio['total_value']:,.2f}"
    twr = f"{portfolio['returns']['time_weighted'] * 100:.2f}%"
    xirr = f"{portfolio['returns']['money_weighted'] * 100:.2f}%"
    nvda = next(p for p in portfolio["positions"] if p["symbol"] == "NVDA")
    nvda_share = f"{nvda['weight'] * 100:.1f}%"  # rounded to one decimal: still the computed figure
    ollama_server.script_reply(
        written(
            f"Your portfolio is worth {total} USD.",
            f"Since 2020-01-02 it returned {twr} time-weighted, or {xirr} a year money-weighted.",
            [f"NVDA is {nvda_share} of the portfolio."],
            {"Total value": f"{total} USD", "Time-weighted return": twr},
        )
    )
    response = llm_client.post(f"{API}/reports/portfolio/broker", json={})
    assert response.status_code == 200, response.text
    checked = response.json()
    assert checked["verified"] is True and checked["unverified_numbers"] == [] and checked["attempts"] == 1
    text = " ".join(
        [
            checked["report"]["headline"],
            checked["report"]["summary"],
            *checked["report"]["highlights"],
        ]
    )
    assert numbers_in(text) == [
        round(portfolio["total_value"], 2),
        2020,
        1,
        2,
        round(portfolio["returns"]["time_weighted"] * 100, 2),
        round(portfolio["returns"]["money_weighted"] * 100, 2),
        round(nvda["weight"] * 100, 1),
    ]
    labels = {f["label"]: f["text"] for f in checked["figures"]}
    assert labels["Total value"] == f"{total} USD"
    prompt = ollama_server.requests[-1].body["messages"][-1]["content"]
    assert f"- Total value: {total} USD" in prompt


def test_numbers_that_were_not_computed_are_sent_back_then_flagged(llm_client, ollama_server, portfolio):
    invented = written("Your portfolio grew 250% and beat the market by 12.5%.", "A great run.", [], {})
    ollama_server.script_reply(invented, invented)
    checked = llm_client.post(f"{API}/reports/portfolio/broker", json={}).json()
    assert checked["verified"] is False
    assert checked["unverified_numbers"] == ["250%", "12.5%"]
    assert checked["attempts"] == 2
    feedback = ollama_server.requests[-1].body["messages"][-1]["content"]
    assert feedback.startswith("These numbers in your report are not among the figures: 250%, 12.5%.")


def test_a_corrected_second_reply_is_verified(llm_client, ollama_server, portfolio):
    total = f"{portfolio['total_value']:,.2f}"
    ollama_server.script_reply(
        written("Worth 80,000 USD.", "", [], {}),
        written(f"Worth {total} USD.", "", [], {"Total value": f"{total} USD"}),
    )
    checked = llm_client.post(f"{API}/reports/portfolio/broker", json={}).json()
    assert (
        checked["verified"],
        checked["attempts"],
        checked["report"]["headline"],
    ) == (True, 2, f"Worth {total} USD.")


def test_an_account_report_uses_the_months_figures(llm_client, ollama_server):
    from pathlib import Path

    csv = (Path(__file__).parent / "data" / "chase_checking.csv").read_bytes()
    llm_client.post(f"{API}/transactions/imports", files={"file": ("chase.csv", csv)})
    march = next(m for m in llm_client.get(f"{API}/transactions/summary").json() if m["month"] == "2024-03")
    ollama_server.script_reply(
        written(
            f"In March 2024 you spent {march['spending']:,.2f} USD.",
            f"Money in was {march['income']:,.2f} USD; 3 transactions were flagged.",
            [],
            {"Money out": f"{march['spending']:,.2f} USD"},
        )
    )
    checked = llm_client.post(f"{API}/reports/account", json={"month": "2024-03"}).json()
    assert checked["verified"] is True, checked["unverified_numbers"]
    figures = {f["label"]: f["value"] for f in checked["figures"]}
    assert figures["Money out"] == march["spending"] and figures["Money in"] == march["income"]
    assert figures["Transactions flagged for a second look"] == 3


def test_without_a_reachable_model_the_report_says_how_to_start_one(upload, api_client, headers):
    upload("/portfolios/broker/activity", "broker_activity.csv", method="PUT")
    response = api_client.post(f"{API}/reports/portfolio/broker", json={}, headers=headers)
    assert response.status_code == 503
    assert "ollama" in response.json()["detail"].lower()
