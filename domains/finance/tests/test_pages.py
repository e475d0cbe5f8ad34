"""Every finance page under Streamlit's AppTest, reached through the shell and talking to a live backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.embedded_store  # the kit's page runner creates its key on a loop of its own


@pytest.fixture
def finance_page(run_page):
    """`finance_page("transactions")` -> the shell, signed in with a finance key, on that page."""

    def open_page(slug: str) -> AppTest:
        app = run_page(slug)
        assert not app.exception, app.exception
        return app

    return open_page


def attach(app: AppTest, key: str, name: str) -> AppTest:
    """Put tests/data/<name> in the file uploader `key` and rerun."""
    app.get_by_key(key).set_value((name, (DATA / name).read_bytes(), "text/csv"))
    return app.run()


def test_overview_shows_the_pack(finance_page):
    assert finance_page("overview").title[0].value == "Finance 0.1.0"


def test_transactions_page_previews_imports_and_shows_anomalies(finance_page):
    app = attach(finance_page("transactions"), "fin_tx_file", "chase_checking.csv")
    assert not app.exception
    assert app.selectbox(key="fin_tx_map_date").value == "Posting Date"
    assert len(app.dataframe[0].value) == 20  # the preview's first rows
    app.button(key="fin_tx_import").click().run()
    assert not app.exception
    assert app.success[0].value == "Imported 62 of 62 transactions (0 were already there)."
    app.run()  # the next run reads the ledger
    assert [m.value for m in app.metric] == ["1", "1", "3"]
    anomalies = app.dataframe[-1].value
    assert "Possible duplicate: 12.85 USD was also charged by CHIPOTLE on 2024-03-16 (the same day)." in set(
        anomalies["reason"]
    )
    ledger = next(d.value for d in app.dataframe if "category_reason" in d.value.columns)
    assert len(ledger) == 62
    assert len(app.get("vega_lite_chart")) == 2  # income and spending by month, spending by category


def test_transactions_page_corrects_a_category(finance_page):
    app = attach(finance_page("transactions"), "fin_tx_file", "lloyds_current.csv")
    app.text_input(key="fin_tx_currency").input("GBP")
    app.button(key="fin_tx_import").click().run()
    app.run()
    ledger = next(d.value for d in app.dataframe if "category_reason" in d.value.columns)
    tesco = ledger[ledger["merchant"] == "TESCO STORES"].iloc[0]
    app.selectbox(key="fin_tx_correct_id").set_value(tesco["id"])
    app.text_input(key="fin_tx_correct_category").input("Food shopping")
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert app.success[-1].value == "TESCO STORES is now Food shopping (13 transactions)."


def test_portfolio_page_shows_positions_allocation_and_returns(finance_page):
    app = finance_page("portfolio")
    assert app.info[0].value == "No portfolio yet: upload a trade history above."
    app.get_by_key("fin_pf_history").set_value(
        ("broker_activity.csv", (DATA / "broker_activity.csv").read_bytes(), "text/csv")
    )
    app.get_by_key("fin_pf_prices").set_value(
        ("broker_prices.csv", (DATA / "broker_prices.csv").read_bytes(), "text/csv")
    )
    app.run()
    app.button(key="fin_pf_upload").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == [
        "Saved the activity of 'main'.",
        "Saved the prices of 'main'.",
    ]
    app.run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Total value"] == "73,887.51"
    assert metrics["Money-weighted (XIRR)"].endswith("%")
    positions = app.dataframe[0].value
    assert list(positions["symbol"]) == ["AAPL", "BND", "NVDA", "VTI"]
    assert len(app.get("vega_lite_chart")) == 2  # allocation by asset and by class


def test_market_page_analyses_the_shipped_sample_against_a_benchmark(finance_page):
    app = finance_page("market")
    assert app.selectbox(key="fin_mk_series").value == "sp500"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Maximum drawdown"] == "-56.78%"
    assert metrics["Peak → trough"] == "2007-10-09 → 2009-03-09"
    app.selectbox(key="fin_mk_benchmark").select("nasdaq").run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Beta / correlation"] == "0.67 / 0.89"
    assert len(app.get("vega_lite_chart")) == 3  # prices and averages, drawdown, rolling metrics


def test_statements_page_shows_ratios_with_formulas(finance_page):
    app = finance_page("statements")
    app = attach(app, "fin_st_file", "apple_fy2023_statement.csv")
    app.button(key="fin_st_upload").click().run()
    assert not app.exception
    app.run()
    liquidity = app.dataframe[0].value
    current = liquidity[liquidity["ratio"] == "Current ratio"].iloc[0]
    assert (current["value"], current["formula"]) == (
        0.988,
        "Current assets / Current liabilities",
    )
    assert [s.value for s in app.subheader] == [
        "Liquidity",
        "Leverage",
        "Profitability",
        "Efficiency",
    ]
