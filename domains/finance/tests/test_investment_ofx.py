"""An OFX investment statement, written here, imported into a portfolio whose positions, cost basis, realised gains and
cash agree with the statement within a cent; and statements that do not agree with themselves refused."""

from __future__ import annotations

import pytest
from .statement_files import INVESTMENT_HEADER as HEADER
from .statement_files import POSITIONS, TRANSACTIONS, bank, buy, document, investment_statement, sell

API = "/api/v1/finance"


@pytest.fixture
def put_statement(api_client, headers):
    def put(content: bytes, name: str = "broker", **form: str):
        return api_client.put(
            f"{API}/portfolios/{name}/activity", headers=headers, files={"file": ("broker.qfx", content)}, data=form
        )

    return put


def test_a_statement_imports_into_a_portfolio_that_matches_it_within_a_cent(put_statement, api_client, headers):
    response = put_statement(document(investment_statement()))
    assert response.status_code == 200, response.text
    info = response.json()
    assert (info["source"], info["currency"], info["fallbacks"]) == ("ofx", "USD", [])
    check = info["statement"]
    assert check["agrees"] and check["inferred"] == []  # the statement starts with the account: nothing inferred
    report = api_client.get(f"{API}/portfolios/broker", headers=headers).json()
    positions = {p["symbol"]: p for p in report["positions"]}
    # units and market values: the statement's INVPOSLIST
    for symbol, (units, _, value) in POSITIONS.items():
        assert positions[symbol]["quantity"] == pytest.approx(float(units), abs=1e-9)
        assert positions[symbol]["market_value"] == pytest.approx(float(value), abs=0.01)
    # cost basis, by hand: AAPL 20 @ 130 + 5 (2605.00) less the 15 sold FIFO (1953.75), plus 10 @ 150 + 5; the split
    # keeps the cost; VFIAX 3500 + the 30.00 reinvested; MSFT transferred in at 5 x 250.00
    assert positions["AAPL"]["cost_basis"] == pytest.approx(2605.00 - 1953.75 + 1505.00, abs=0.01)
    assert positions["VFIAX"]["cost_basis"] == pytest.approx(3530.00, abs=0.01)
    assert positions["MSFT"]["cost_basis"] == pytest.approx(1250.00, abs=0.01)
    assert [lot["quantity"] for lot in positions["AAPL"]["lots"]] == [10, 20]  # 5 + 10 shares, split two for one
    # the sale: 2545.00 (15 x 170 less 5.00) against the first lot's 15/20 of 2605.00
    (sale,) = report["sales"]
    assert (sale["quantity"], sale["proceeds"], sale["cost"]) == (15, 2545.0, pytest.approx(1953.75))
    assert report["realised_gain"] == pytest.approx(591.25, abs=0.01)
    # cash: the statement's INVBAL
    assert report["cash"] == pytest.approx(4926.10, abs=0.01)
    assert (report["dividends"], report["interest"], report["fees"]) == (pytest.approx(42.0), pytest.approx(4.10), pytest.approx(25.0))
    assert report["total_value"] == pytest.approx(5700.00 + 4032.00 + 1850.00 + 4926.10, abs=0.01)
    assert {p["symbol"]: p["asset_class"] for p in report["positions"]} == {"AAPL": "Equity", "MSFT": "Equity", "VFIAX": "Fund"}


def test_holdings_from_before_the_statement_are_inferred_with_their_cost_not_stated(put_statement, api_client, headers):
    # the statement starts after 20 AAPL were bought and 100.00 of cash was there: it shows only a sale
    sale = sell("S1", "20230601", "AAPL", "-15", "170.00", "5.00", "2545.00")
    content = document(investment_statement([sale], {"AAPL": ("5", "190.00", "950.00")}, cash="2645.00"))
    info = put_statement(content).json()
    assert info["statement"]["inferred"] == [
        "20 AAPL held before 2023-01-01 (cost not stated)",
        "cash of 100.00 USD before 2023-01-01",
    ]
    report = api_client.get(f"{API}/portfolios/broker", headers=headers).json()
    assert report["positions"][0]["cost_basis"] is None and report["positions"][0]["unrealised_gain"] is None
    assert report["realised_gain"] is None and report["sales"][0]["gain"] is None  # not stated, never guessed
    assert report["cash"] == pytest.approx(2645.00)


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (investment_statement(positions={**POSITIONS, "AAPL": ("25", "190.00", "4750.00")}), "AAPL: the transactions leave 30 units, the positions list 25"),
        (investment_statement(cash="5000.00"), None),  # cash that the transactions do not explain is inferred...
        (investment_statement(positions={**POSITIONS, "AAPL": ("30", "190.00", "5800.00")}), "AAPL (30 units worth 5,700.00; the statement: 30 worth 5,800.00)"),
    ],
    ids=["units", "cash", "market-value"],
)
def test_a_statement_that_disagrees_with_itself_is_refused_and_nothing_stored(put_statement, api_client, headers, statement, message):
    response = put_statement(document(statement))
    if message is None:  # ...as cash held before the period, and said
        assert response.status_code == 200
        assert response.json()["statement"]["inferred"] == ["cash of 73.90 USD before 2023-01-01"]
        return
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert api_client.get(f"{API}/portfolios/broker", headers=headers).status_code == 404


def test_a_file_with_several_investment_accounts_names_the_one_to_import(put_statement, api_client, headers):
    content = document(investment_statement(account="X11112222"), investment_statement(account="X33334444"))
    refused = put_statement(content)
    assert refused.status_code == 422
    assert "several investment accounts (…2222, …4444)" in refused.json()["detail"]
    chosen = put_statement(content, account="4444")
    assert chosen.status_code == 200 and chosen.json()["statement"]["account"] == "…4444"


def test_short_positions_are_refused_saying_why(put_statement):
    short = TRANSACTIONS + [sell("S9", "20231201", "MSFT", "-5", "370", "0", "1850.00").replace("<SELLTYPE>SELL", "<SELLTYPE>SELLSHORT")]
    response = put_statement(document(investment_statement(short)))
    assert response.status_code == 422
    assert "is a short trade (SELLSHORT)" in response.json()["detail"]


def test_a_bank_statement_sent_to_a_portfolio_says_where_it_goes(put_statement):
    bank_only = (HEADER + "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKTRANLIST></BANKTRANLIST></STMTRS>"
                 "</STMTTRNRS></BANKMSGSRSV1></OFX>").encode()  # fmt: skip
    response = put_statement(bank_only)
    assert response.status_code == 422
    assert "holds a bank or card statement; import bank and card statements on the Transactions page" in response.json()["detail"]


def test_a_bond_priced_per_hundred_of_face_value(put_statement, api_client, headers):
    transactions = [
        bank("B1", "20230102", "XFER", "10000.00", "TRANSFER FROM BANK"),
        buy("B2", "20230103", "UST", "10000", "98.50", "0", "-9850.00", kind="DEBT"),
    ]
    content = document(investment_statement(transactions, {"UST": ("10000", "99.00", "9900.00")}, cash="150.00"))
    info = put_statement(content).json()
    assert info["statement"]["agrees"] and info["statement"]["inferred"] == []
    assert any("a bond's per 100 of face value" in f for f in info["fallbacks"])
    position = api_client.get(f"{API}/portfolios/broker", headers=headers).json()["positions"][0]
    assert (position["symbol"], position["asset_class"]) == ("UST", "Bond")
    assert (position["cost_basis"], position["market_value"]) == (pytest.approx(9850.0), pytest.approx(9900.0))
