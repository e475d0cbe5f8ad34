"""The market-analysis report of one price series (against an optional benchmark), ready for charts."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from pydantic import BaseModel, Field

from codexcontinue import InputError

from . import market


class Metrics(BaseModel):
    """Whole-period figures; ratios and returns are fractions (0.05 = 5%)."""

    total_return: float
    annual_return: float
    annual_volatility: float
    sharpe_ratio: float | None = Field(description="None when the returns do not vary.")
    sortino_ratio: float | None = Field(description="None when no return falls below the risk-free rate.")
    max_drawdown: float
    max_drawdown_peak: date
    max_drawdown_trough: date
    max_drawdown_recovery: date | None
    beta: float | None = None
    alpha: float | None = None
    correlation: float | None = None


class Rolling(BaseModel):
    """Rolling figures, one per window end."""

    window: int
    dates: list[date]
    volatility: list[float | None]
    sharpe_ratio: list[float | None]
    beta: list[float | None] | None = None
    correlation: list[float | None] | None = None


class MovingAverages(BaseModel):
    """The two moving averages and the days they crossed."""

    short_window: int
    long_window: int
    short: list[float | None]
    long: list[float | None]
    crossovers: list[dict]


class MarketAnalysis(BaseModel):
    """Everything computed for one series."""

    series: str
    benchmark: str | None
    periods_per_year: int
    risk_free_annual: float
    start: date
    end: date
    observations: int = Field(description="Number of returns.")
    metrics: Metrics
    dates: list[date]
    prices: list[float]
    drawdown: list[float] = Field(description="Fall from the running peak on each day (0 on the first).")
    rolling: Rolling | None
    moving_averages: MovingAverages


def periods_per_year(dates: list[date]) -> int:
    """252 for daily prices, 52 weekly, 12 monthly, 4 quarterly, 1 yearly (from the median gap)."""
    gaps = np.diff(np.array(dates, dtype="datetime64[D]")).astype(int)
    median = float(np.median(gaps))
    return 252 if median <= 4 else 52 if median <= 10 else 12 if median <= 45 else 4 if median <= 120 else 1


def analyse(
    name: str,
    prices: pl.DataFrame,
    benchmark_name: str | None,
    benchmark: pl.DataFrame | None,
    *,
    window: int,
    short_window: int,
    long_window: int,
    risk_free_annual: float,
    periods: int | None,
) -> MarketAnalysis:
    """Analyse `prices` (columns date, close), on the days it shares with `benchmark` when one is given.

    The risk-free rate is `risk_free_annual / periods_per_year` each period; it is also the required
    return of the Sortino ratio.
    """
    if short_window >= long_window:
        raise InputError(
            f"The short moving average ({short_window}) must be shorter than the long one ({long_window})."
        )
    frame = prices.sort("date")
    if benchmark is not None:
        frame = frame.join(
            benchmark.select("date", pl.col("close").alias("benchmark")),
            on="date",
            how="inner",
        )
    if frame.height < 3:
        raise InputError(
            f"'{name}' has {frame.height} prices{' in common with the benchmark' if benchmark is not None else ''}; at least 3 are needed."
        )
    dates = frame["date"].to_list()
    closes = frame["close"].to_numpy()
    returns = market.simple_returns(closes)
    per_year = periods or periods_per_year(dates)
    rf = risk_free_annual / per_year
    worst = market.max_drawdown(returns, dates)
    metrics = Metrics(
        total_return=float(np.prod(1.0 + returns) - 1.0),
        annual_return=market.annual_return(returns, per_year),
        annual_volatility=float(market.annual_volatility(returns, per_year)),
        sharpe_ratio=_finite(market.sharpe_ratio(returns, rf, per_year)),
        sortino_ratio=_finite(market.sortino_ratio(returns, rf, per_year)),
        max_drawdown=worst.depth,
        max_drawdown_peak=worst.peak,
        max_drawdown_trough=worst.trough,
        max_drawdown_recovery=worst.recovery,
    )
    bench_returns = None
    if benchmark is not None:
        bench_returns = market.simple_returns(frame["benchmark"].to_numpy())
        metrics.beta = _finite(market.beta(returns, bench_returns))
        metrics.alpha = market.alpha(returns, bench_returns, rf, per_year)
        metrics.correlation = _finite(market.correlation(returns, bench_returns))
    rolling = None
    if len(returns) >= window:
        rolling = Rolling(
            window=window,
            dates=dates[window:],
            volatility=_finites(market.rolling(market.annual_volatility, returns, window, per_year)),
            sharpe_ratio=_finites(market.rolling(market.sharpe_ratio, returns, window, rf, per_year)),
        )
        if bench_returns is not None:
            rolling.beta = _finites(market.rolling_pair(market.beta, returns, bench_returns, window))
            rolling.correlation = _finites(market.rolling_pair(_correlations, returns, bench_returns, window))
    return MarketAnalysis(
        series=name,
        benchmark=benchmark_name,
        periods_per_year=per_year,
        risk_free_annual=risk_free_annual,
        start=dates[0],
        end=dates[-1],
        observations=len(returns),
        metrics=metrics,
        dates=dates,
        prices=closes.tolist(),
        drawdown=[0.0, *market.drawdowns(returns).tolist()],
        rolling=rolling,
        moving_averages=MovingAverages(
            short_window=short_window,
            long_window=long_window,
            short=_finites(market.moving_average(closes, short_window)),
            long=_finites(market.moving_average(closes, long_window)),
            crossovers=[c.__dict__ for c in market.crossovers(closes, dates, short_window, long_window)],
        ),
    )


def _correlations(returns: np.ndarray, benchmark: np.ndarray) -> np.ndarray:
    """Pearson correlation along the last axis."""
    a = returns - returns.mean(axis=-1, keepdims=True)
    b = benchmark - benchmark.mean(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (a * b).sum(axis=-1) / np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))


def _finite(value: float) -> float | None:
    """`value`, or None where it is not a finite number (a ratio over a zero deviation)."""
    return float(value) if np.isfinite(value) else None


def _finites(values: np.ndarray) -> list[float | None]:
    return [_finite(v) for v in values]
