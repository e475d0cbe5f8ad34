"""Market analysis: the S&P 500 series arch ships, analysed by the pack and by empyrical, must agree to 1e-9."""

from __future__ import annotations

import empyrical
import numpy as np
import pandas as pd
import pytest

API = "/api/v1/finance"
TOLERANCE = 1e-9
RISK_FREE = 0.02  # a year; the pack and empyrical both take 0.02 / 252 a day


@pytest.fixture(scope="module")
def reference():
    """S&P 500 and NASDAQ daily returns from arch's own loaders, as empyrical expects them."""
    from arch.data import nasdaq, sp500

    sp = sp500.load()["Adj Close"]
    nq = nasdaq.load()["Adj Close"]
    return empyrical.simple_returns(sp), empyrical.simple_returns(nq)


@pytest.fixture
def analysis(api_client, headers):
    """The pack's analysis of the S&P 500 sample against the NASDAQ sample (63-day windows)."""
    params = {
        "benchmark": "nasdaq",
        "window": 63,
        "short": 50,
        "long": 200,
        "risk_free": RISK_FREE,
    }
    response = api_client.get(f"{API}/market/analysis/sp500", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_samples_are_listed_with_their_true_span(api_client, headers):
    from arch.data import nasdaq, sp500

    samples = [s for s in api_client.get(f"{API}/market/series", headers=headers).json() if s["source"] == "sample"]
    assert [s["name"] for s in samples] == ["sp500", "nasdaq"]
    for listed, loaded in zip(samples, (sp500.load(), nasdaq.load())):
        assert (listed["start"], listed["end"]) == (
            str(loaded.index[0].date()),
            str(loaded.index[-1].date()),
        )
        assert listed["observations"] == len(loaded)


def test_whole_period_metrics_agree_with_empyrical(analysis, reference):
    returns, benchmark = reference
    rf = RISK_FREE / 252
    metrics = analysis["metrics"]
    expected = {
        "total_return": empyrical.cum_returns_final(returns),
        "annual_return": empyrical.annual_return(returns),
        "annual_volatility": empyrical.annual_volatility(returns),
        "sharpe_ratio": empyrical.sharpe_ratio(returns, risk_free=rf),
        "sortino_ratio": empyrical.sortino_ratio(returns, required_return=rf),
        "max_drawdown": empyrical.max_drawdown(returns),
        "beta": empyrical.beta(returns, benchmark, risk_free=rf),
        "alpha": empyrical.alpha(returns, benchmark, risk_free=rf),
        "correlation": returns.corr(benchmark),
    }
    for name, value in expected.items():
        assert metrics[name] == pytest.approx(value, abs=TOLERANCE, rel=0), name
    assert analysis["periods_per_year"] == 252 and analysis["observations"] == len(returns)


def test_drawdown_series_and_its_dates_agree_with_empyrical(analysis, reference):
    returns, _ = reference
    expected = empyrical.stats.drawdown_series(returns)
    assert np.max(np.abs(np.array(analysis["drawdown"][1:]) - expected.to_numpy())) < TOLERANCE
    trough = expected.idxmin()
    wealth = empyrical.cum_returns(returns, starting_value=1)
    peak = wealth[:trough].idxmax()
    recovered = wealth[trough:][wealth[trough:] >= wealth[peak]]
    metrics = analysis["metrics"]
    assert metrics["max_drawdown_trough"] == str(trough.date()) == "2009-03-09"
    assert metrics["max_drawdown_peak"] == str(peak.date()) == "2007-10-09"
    assert metrics["max_drawdown_recovery"] == str(recovered.index[0].date())


def test_rolling_windows_agree_with_empyrical(analysis, reference):
    returns, benchmark = reference
    rf = RISK_FREE / 252
    rolling = analysis["rolling"]
    volatility = empyrical.roll_annual_volatility(returns, 63)
    assert rolling["dates"][0] == str(volatility.index[0].date())
    checks = {
        "volatility": volatility,
        "sharpe_ratio": empyrical.roll_sharpe_ratio(returns, 63, risk_free=rf),
        "beta": empyrical.roll_beta(returns, benchmark, 63),
    }
    for name, expected in checks.items():
        ours = np.array(rolling[name], dtype=float)
        assert ours.shape == np.asarray(expected).ravel().shape, name
        assert np.max(np.abs(ours - np.asarray(expected).ravel())) < TOLERANCE, name


def test_moving_average_crossovers(analysis):
    prices = np.array(analysis["prices"])
    short = pd.Series(prices).rolling(50).mean().to_numpy()
    long = pd.Series(prices).rolling(200).mean().to_numpy()
    ours = analysis["moving_averages"]
    assert np.nanmax(np.abs(np.array(ours["short"], dtype=float) - short)) < TOLERANCE
    above = short > long
    expected = [i for i in range(200, len(prices)) if above[i] != above[i - 1]]
    assert [c["date"] for c in ours["crossovers"]] == [analysis["dates"][i] for i in expected]
    assert {c["kind"] for c in ours["crossovers"]} == {"golden", "death"}


def test_an_uploaded_series_is_analysed_and_kept_to_its_key(api_client, headers, other_headers):
    csv = "Date,Open,High,Low,Close,Adj Close,Volume\n" + "\n".join(
        f"2024-01-{day:02d},1,1,1,{100 + day},{100 + day * 1.5},1000" for day in range(1, 21)
    )
    saved = api_client.post(
        f"{API}/market/series",
        headers=headers,
        files={"file": ("fund.csv", csv.encode())},
        data={"name": "fund"},
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()[0]["observations"] == 20
    result = api_client.get(
        f"{API}/market/analysis/fund",
        params={"window": 5, "short": 3, "long": 5},
        headers=headers,
    )
    prices = np.array([100 + day * 1.5 for day in range(1, 21)])
    returns = prices[1:] / prices[:-1] - 1
    assert result.json()["metrics"]["annual_volatility"] == pytest.approx(
        empyrical.annual_volatility(returns), abs=TOLERANCE
    )
    assert result.json()["metrics"]["sortino_ratio"] is None  # no return below zero: no downside to divide by
    assert api_client.get(f"{API}/market/analysis/fund", headers=other_headers).status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Date,Close\n2024-01-02,100\n2024-01-03,abc\n",
            "Column 'Close' has values that are not amounts (with '.' as the decimal mark): line 3: 'abc'",
        ),
        (
            b"Date,Close\n2024-01-02,100\n2024-01-03,-5\n",
            "Prices must be positive numbers",
        ),
        (b"Close\n100\n", "needs a date column and at least one price column"),
        (
            b"Date,Close\n02/30/2024,100\n2024-01-03,101\n2024-01-04,102\n",
            "Column 'Date' mixes ways of writing dates (iso, numeric); these differ from the rest: line 2: '02/30/2024'",
        ),
    ],
)
def test_a_malformed_price_file_gets_a_422(api_client, headers, content, message):
    response = api_client.post(
        f"{API}/market/series",
        headers=headers,
        files={"file": ("bad.csv", content)},
        data={"name": "bad"},
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_an_unknown_series_is_a_404_with_the_samples_named(api_client, headers):
    response = api_client.get(f"{API}/market/analysis/nope", headers=headers)
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "No price series 'nope' for this API key; upload it first or use a sample (sp500, nasdaq)."
    )
