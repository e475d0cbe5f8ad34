"""The packs' hot paths: PHI de-identification, the 1,000,000-transaction import, market metrics."""

from __future__ import annotations

import time

import numpy as np
from finance_import import measure as import_transactions
from harness import Section, Target, median

def _mb_per_s(function, texts: list[str], repeats: int = 3) -> float:
    size = sum(len(text.encode()) for text in texts) / 1e6
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for text in texts:
            function(text)
        times.append(time.perf_counter() - started)
    return size / median(times)


def deidentification() -> tuple[str, list[Target]]:
    """The health pack's de-identifier, in-process and through its batch route (benchmarks/health_deid.py)."""
    import health_deid

    section = health_deid.run()
    return section.body, section.targets


def transactions(rows: int = 1_000_000) -> tuple[str, list[Target]]:
    """The finance pack's import and summaries of a million-row bank export, in a fresh process."""
    result, size = import_transactions(rows)
    times = result["times"]
    work = times["import"] + times["monthly summary"] + times["anomalies"]
    peak = result["peak_rss"] / 2**30
    body = (
        f"{rows:,} transactions ({size / 2**20:.0f} MiB Chase-style CSV) uploaded over HTTP to the finance pack, then "
        f"its monthly summary and anomalies: import {times['import']:.1f} s, summary {times['monthly summary']:.1f} s, "
        f"anomalies {times['anomalies']:.1f} s; **{work:.1f} s** in all, peak memory **{peak:.2f} GiB** "
        f"(app start-up {times['start-up']:.1f} s not counted)."
    )
    targets = [
        Target("1,000,000 transactions", "< 30 s", f"{work:.1f} s", work < 30),
        Target("1,000,000 transactions, memory", "< 2 GiB", f"{peak:.2f} GiB", peak < 2),
    ]
    return body, targets


def market_metrics(repeats: int = 20) -> tuple[str, list[Target]]:
    """The finance pack's metrics on the shipped S&P 500 series against empyrical-reloaded's."""
    import empyrical

    from codexcontinue_finance import market
    from codexcontinue_finance.market_series import sample_prices

    frame = sample_prices("sp500")
    prices = frame.get_column(frame.columns[-1]).to_numpy()
    dates = frame.get_column(frame.columns[0]).to_list()
    returns = market.simple_returns(prices)

    def ours() -> None:
        market.annual_volatility(returns, 252)
        market.sharpe_ratio(returns, 0.0, 252)
        market.sortino_ratio(returns, 0.0, 252)
        market.max_drawdown(returns, dates[1:])

    def reference() -> None:
        empyrical.annual_volatility(returns)
        empyrical.sharpe_ratio(returns)
        empyrical.sortino_ratio(returns)
        empyrical.max_drawdown(returns)

    timings = {}
    for name, function in (("pack", ours), ("empyrical-reloaded", reference)):
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            function()
            runs.append(time.perf_counter() - started)
        timings[name] = median(runs) * 1000
    gap = abs(market.sharpe_ratio(returns, 0.0, 252) - empyrical.sharpe_ratio(returns))
    body = (
        f"Volatility, Sharpe, Sortino and maximum drawdown (with its dates) of the shipped S&P 500 series "
        f"({len(prices):,} days): the pack {timings['pack']:.2f} ms, empyrical-reloaded {timings['empyrical-reloaded']:.2f} ms "
        f"(without drawdown dates), median of {repeats}; the Sharpe ratios differ by {gap:.1e}."
    )
    return body, [Target("market metrics agree with empyrical-reloaded", "within 1e-9", f"{gap:.1e}", bool(gap < 1e-9))]


def run() -> Section:
    """All three hot paths."""
    parts, targets = [], []
    for measure in (deidentification, transactions, market_metrics):
        body, found = measure()
        parts.append(body)
        targets += found
    return Section("Packs' hot paths", "\n\n".join(parts), targets)


if __name__ == "__main__":
    print(run().body)
