"""Every finance page under Streamlit's AppTest, reached through the shell and talking to a live backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from codexcontinue.ui.text import shown

from .statement_files import document, investment_statement

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


def attach(app: AppTest, key: str, name: str, content: bytes | None = None) -> AppTest:
    """Put tests/data/<name> (or `content`) in the file uploader `key` and rerun."""
    app.get_by_key(key).set_value((name, content if content is not None else (DATA / name).read_bytes(), "text/csv"))
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
    app.selectbox(key="fin_tx_correct_category").set_value("Groceries")
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert app.success[-1].value == "TESCO STORES is now Groceries (13 transactions)."
    app.text_input(key="fin_tx_new_category").input("Food shopping")  # a category of one's own, created on purpose
    app.form_submit_button[0].click().run()
    assert app.success[-1].value == "TESCO STORES is now Food shopping (13 transactions)."


def test_transactions_page_asks_what_the_file_does_not_say_and_imports_once_answered(finance_page):
    content = b"Date,Description,Amount\n01/02/2024,SHOP,-1.00\n03/04/2024,CAFE,-2.00\n"
    app = attach(finance_page("transactions"), "fin_tx_file", "us.csv", content)
    assert not app.exception
    assert "can be read day-first or month-first" in shown(app.warning[0].value)
    assert app.button(key="fin_tx_import").disabled  # nothing is imported on a guess
    raw = app.dataframe[0].value
    assert list(raw["Date"]) == ["01/02/2024", "03/04/2024"]  # the rows as written while the question is open
    app.radio(key="fin_tx_q_date_order").set_value("Month first (Jan 02, 2024)").run()
    assert not app.exception and not app.warning
    stored = app.dataframe[0].value
    assert list(stored["date"]) == ["2024-01-02", "2024-03-04"]  # now the rows exactly as they will be stored
    app.button(key="fin_tx_import").click().run()
    assert app.success[0].value == "Imported 2 of 2 transactions (0 were already there)."


def test_the_uploaders_state_the_limit_the_server_enforces(finance_page, api_client, headers):
    limit = api_client.get("/api/v1/finance/limits", headers=headers).json()
    # 50 MB by default, under the core's 50 MB body limit less room for the form: 49 MB, whole, said alike
    assert (limit["max_upload_bytes"], limit["max_upload_mb"], limit["text"]) == (49 * 2**20, 49, "49 MB")
    for slug, key in (("transactions", "fin_tx_file"), ("statements", "fin_st_file")):
        app = finance_page(slug)
        uploader = app.get_by_key(key)
        assert uploader.proto.max_upload_size_mb == limit["max_upload_mb"]
        assert uploader.proto.help.startswith(f"Up to {limit['text']} per file")


def test_user_text_is_shown_as_text_and_table_downloads_cannot_run_formulas(finance_page):
    content = (
        b"Date,Description,Amount\n2024-01-02,=HYPERLINK(\"http://evil.example\"),-1.00\n"
        b"2024-01-03,![x](http://evil.example/p.png) CAFE,-2.00\n"
    )
    app = attach(finance_page("transactions"), "fin_tx_file", "x.csv", content)
    app.button(key="fin_tx_import").click().run()
    app.run()
    ledger = next(d.value for d in app.dataframe if "category_reason" in d.value.columns)
    assert set(ledger["merchant"]) >= {"'=HYPERLINK(\"HTTP://EVIL.EXAMPLE\")"}  # a spreadsheet keeps it as text
    image = ledger[ledger["merchant"].str.contains("P.PNG", regex=False)]["id"].iloc[0]
    app.selectbox(key="fin_tx_correct_id").set_value(image)
    app.text_input(key="fin_tx_new_category").input("**Bold** [link](http://evil.example)")
    app.form_submit_button[0].click().run()
    shown = app.success[-1].value
    assert "\\!\\[X\\]\\(HTTP\\:" in shown and "\\*\\*Bold\\*\\* \\[link\\]" in shown  # escaped: shown as written


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


def test_portfolio_page_imports_a_brokers_ofx_statement(finance_page):
    app = finance_page("portfolio")
    app.get_by_key("fin_pf_history").set_value(("broker.qfx", document(investment_statement()), "application/x-ofx"))
    app.run()
    app.button(key="fin_pf_upload").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["Saved the activity of 'main'."]
    app.run()
    assert any("its positions and cash agree with this portfolio within a cent" in c.value for c in app.caption)
    assert {m.label: m.value for m in app.metric}["Realised gain"] == "591.25"


def test_market_page_analyses_the_shipped_sample_against_a_benchmark(finance_page):
    app = finance_page("market")
    assert app.selectbox(key="fin_mk_series").value == "sp500"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Maximum drawdown"] == "-56.78%"
    assert (metrics["Drawdown peak"], metrics["Drawdown trough"]) == ("2007-10-09", "2009-03-09")  # whole, each its own
    assert any(s.value.startswith("Crossovers of the 50- and 200-period averages") for s in app.subheader)
    for chart in app.get("vega_lite_chart"):
        assert '"format": "%b %Y"' in json.dumps(json.loads(chart.proto.spec))  # months with their year
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
