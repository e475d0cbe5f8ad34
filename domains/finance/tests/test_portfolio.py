"""Portfolios: a broker's trade history with splits and dividends turned into positions, gains and returns."""

from __future__ import annotations

from datetime import date

import pytest

API = "/api/v1/finance"


@pytest.fixture
def broker_portfolio(upload):
    """The 'broker' portfolio: tests/data/broker_activity.csv valued with tests/data/broker_prices.csv."""
    info = upload("/portfolios/broker/activity", "broker_activity.csv", method="PUT")
    assert info.status_code == 200, info.text
    prices = upload("/portfolios/broker/prices", "broker_prices.csv", method="PUT")
    assert prices.status_code == 200, prices.text
    return prices.json()


def csv_file(text: str) -> dict:
    return {"file": ("history.csv", text.encode())}


def test_the_saved_portfolio_describes_its_files(broker_portfolio):
    assert broker_portfolio["activities"] == 23
    assert (broker_portfolio["first_date"], broker_portfolio["last_date"]) == (
        "2020-01-02",
        "2024-06-10",
    )
    assert (broker_portfolio["prices_file"], broker_portfolio["prices"]) == (
        "broker_prices.csv",
        40,
    )


def test_splits_fifo_and_a_named_lot_give_the_positions(broker_portfolio, api_client, headers):
    report = api_client.get(f"{API}/portfolios/broker", headers=headers).json()
    positions = {p["symbol"]: p for p in report["positions"]}
    assert {s: p["quantity"] for s, p in positions.items()} == {
        "AAPL": 20,
        "BND": 60,
        "NVDA": 400,
        "VTI": 40,
    }
    # AAPL: lots A (10 @ 300.35 + 1.00) and B (5 @ 290 + 1.00), split 4:1, then 30 sold FIFO from A, then 10 from B by name
    assert [(lot["id"], lot["quantity"], lot["cost"]) for lot in positions["AAPL"]["lots"]] == [
        ("AAPL-A", 10, pytest.approx(3004.50 * 10 / 40)),
        ("AAPL-B", 10, pytest.approx(1451.00 / 2)),
    ]
    assert positions["NVDA"]["average_cost"] == pytest.approx(6501.00 / 400)  # 4:1 then 10:1
    sales = [(s["lot"], s["quantity"], s["proceeds"], s["cost"], s["gain"]) for s in report["sales"]]
    assert sales == [
        ("AAPL-A", 30, 3449.00, pytest.approx(2253.375), pytest.approx(1195.625)),
        ("AAPL-B", 10, 1350.00, pytest.approx(725.50), pytest.approx(624.50)),
    ]
    assert positions["AAPL"]["realised_gain"] == pytest.approx(1195.625 + 624.50)


def test_values_dividends_and_allocation(broker_portfolio, api_client, headers):
    report = api_client.get(f"{API}/portfolios/broker", headers=headers).json()
    positions = {p["symbol"]: p for p in report["positions"]}
    assert report["as_of"] == "2024-06-28"  # the latest price
    assert (positions["NVDA"]["price"], positions["NVDA"]["price_source"]) == (
        123.54,
        "prices",
    )
    assert positions["NVDA"]["market_value"] == pytest.approx(400 * 123.54)
    assert positions["AAPL"]["dividends"] == pytest.approx(7.70 + 12.30 + 12.30 + 6.15 + 4.10)
    assert report["dividends"] == pytest.approx(42.55 + 23.64 + 37.24 + 11.46 + 1.60)
    deposits, withdrawals, fees, interest = 25000.00, 2000.00, 25.00, 3.12
    bought = 3004.50 + 6640.00 + 5070.00 + 1451.00 + 6501.00
    sold = 3449.00 + 1350.00
    assert report["cash"] == pytest.approx(
        deposits - withdrawals - bought + sold + report["dividends"] - fees + interest
    )
    assert report["total_value"] == pytest.approx(report["invested_value"] + report["cash"])
    classes = {s["name"]: s["weight"] for s in report["allocation_by_class"]}
    assert set(classes) == {"Equity", "Bond", "Cash"}
    assert sum(classes.values()) == pytest.approx(1)
    assert classes["Bond"] == pytest.approx(60 * 72.20 / report["total_value"])
    assert report["returns"]["flows_from"] == "deposits and withdrawals"
    assert report["returns"]["external_flows"] == 2


def test_time_and_money_weighted_returns_on_a_worked_example(api_client, headers):
    history = (
        "Date,Action,Symbol,Quantity,Price,Amount\n"
        "2023-01-02,Deposit,,,,1000\n2023-01-02,Buy,XYZ,10,100,\n"
        "2023-07-03,Deposit,,,,1000\n2023-07-03,Buy,XYZ,9,110,\n"
    )
    prices = "Date,XYZ\n2023-06-30,110\n2023-12-29,99\n"
    api_client.put(f"{API}/portfolios/example/activity", headers=headers, files=csv_file(history))
    api_client.put(
        f"{API}/portfolios/example/prices",
        headers=headers,
        files={"file": ("p.csv", prices.encode())},
    )
    returns = api_client.get(f"{API}/portfolios/example", headers=headers).json()["returns"]
    # sub-period 1: 1000 -> 1100 before the second deposit; sub-period 2: 2100 -> 19 × 99 + 10 cash = 1891
    assert returns["time_weighted"] == pytest.approx(1100 / 1000 * 1891 / 2100 - 1, abs=1e-12)
    rate = returns["money_weighted"]
    flows = [
        (date(2023, 1, 2), -1000.0),
        (date(2023, 7, 3), -1000.0),
        (date(2023, 12, 29), 1891.0),
    ]
    present_value = sum(amount / (1 + rate) ** ((day - flows[0][0]).days / 365) for day, amount in flows)
    assert present_value == pytest.approx(0, abs=1e-6)


def test_a_history_of_trades_alone_is_valued_as_securities(api_client, headers):
    history = "Date,Action,Symbol,Quantity,Price,Fees\n2023-01-03,BUY,ABC,10,50.00,0\n2023-06-01,SELL,ABC,4,60.00,0\n"
    api_client.put(f"{API}/portfolios/plain/activity", headers=headers, files=csv_file(history))
    report = api_client.get(f"{API}/portfolios/plain", headers=headers).json()
    assert report["cash"] is None and report["returns"]["flows_from"] == "trades"
    assert report["positions"][0]["price_source"] == "trade"
    assert report["realised_gain"] == pytest.approx(4 * (60 - 50))


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            "Date,Action,Symbol,Quantity,Price\n2023-01-03,Buy,ABC,10,50\n2023-02-01,Sell,ABC,15,55\n",
            "Line 3: sells 15 ABC on 2023-02-01, but only 10 are held then.",
        ),
        (
            "Date,Action,Symbol,Quantity,Price\n2023-01-03,Gift,ABC,10,50\n",
            (
                "line 2: action 'gift' is not one of buy, deposit, dividend, fee, interest, return of capital, sell, "
                "split, transfer in, transfer out, withdrawal"
            ),
        ),
        (
            "Date,Action,Symbol,Quantity,Price,Lot\n2023-01-03,Buy,ABC,10,50,L1\n2023-02-01,Sell,ABC,5,55,L9\n",
            "Line 3: lot 'L9' of ABC is not held (open lots: L1).",
        ),
        (
            "Date,Action,Symbol,Ratio\n2023-01-03,Split,ABC,2:1\n",
            "Line 2: a split of ABC, which is not held on 2023-01-03.",
        ),
        (
            "Date,Action,Symbol,Quantity,Price,Amount\n2023-01-03,Buy,ABC,10,50,600\n",
            "line 2: Amount 600.00 does not equal Quantity × Price + Fees = 500.00",
        ),
        (
            "Symbol,Quantity\nABC,10\n",
            "needs a header with at least Date and Action columns",
        ),
    ],
)
def test_a_malformed_trade_history_gets_a_422_saying_what_is_wrong(api_client, headers, history, message):
    response = api_client.put(f"{API}/portfolios/bad/activity", headers=headers, files=csv_file(history))
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert api_client.get(f"{API}/portfolios/bad", headers=headers).status_code == 404  # nothing was saved


def test_malformed_prices_get_a_422(broker_portfolio, api_client, headers):
    bad = b"Date,Symbol,Close\n2024-06-28,AAPL,210.62\n2024-06-28,AAPL,211.00\n"
    response = api_client.put(
        f"{API}/portfolios/broker/prices",
        headers=headers,
        files={"file": ("p.csv", bad)},
    )
    assert response.status_code == 422
    assert (
        "gives more than one price for the same symbol and date: line 2: 'AAPL 2024-06-28', line 3: 'AAPL 2024-06-28'"
        in response.json()["detail"]
    )


def test_another_key_cannot_see_the_portfolio(broker_portfolio, api_client, other_headers):
    response = api_client.get(f"{API}/portfolios/broker", headers=other_headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "No portfolio 'broker' found for this API key."
    assert api_client.get(f"{API}/portfolios", headers=other_headers).json() == []


def test_transfers_and_return_of_capital_and_a_cost_never_guessed(api_client, headers):
    history = (
        "Date,Action,Symbol,Quantity,Price,Amount\n"
        "2023-01-03,Transfer in,ABC,10,,\n"  # no cost basis given: not stated
        "2023-02-01,Buy,ABC,5,20,\n"
        "2023-03-01,Sell,ABC,12,25,\n"  # FIFO: 10 from the transferred lot, 2 from the bought one
        "2023-04-01,Transfer in,XYZ,4,,400\n"
        "2023-05-01,Return of capital,XYZ,,,40\n"
        "2023-06-01,Transfer out,XYZ,1,,\n"
    )
    assert api_client.put(f"{API}/portfolios/moved/activity", headers=headers, files=csv_file(history)).status_code == 200
    report = api_client.get(f"{API}/portfolios/moved", headers=headers).json()
    sales = [(s["lot"], s["quantity"], s["cost"], s["gain"]) for s in report["sales"]]
    assert sales == [("ABC-2", 10, None, None), ("ABC-3", 2, pytest.approx(40.0), pytest.approx(10.0))]
    assert report["realised_gain"] is None  # one part of it is not stated, so the total is not either
    positions = {p["symbol"]: p for p in report["positions"]}
    assert (positions["ABC"]["quantity"], positions["ABC"]["cost_basis"]) == (3, pytest.approx(60.0))
    # 400 less the 40 paid back, then a quarter of the shares sent away with a quarter of the cost
    assert (positions["XYZ"]["quantity"], positions["XYZ"]["cost_basis"]) == (3, pytest.approx(270.0))
    assert report["returned_capital"] == pytest.approx(40.0)
