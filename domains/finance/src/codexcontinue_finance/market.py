"""Market analysis of a price series: returns, volatility, Sharpe and Sortino, drawdowns, beta and correlation
against a benchmark, rolling windows and moving-average crossovers.

The definitions are those of empyrical (the pack's tests check agreement to 1e-9): simple returns;
sample standard deviation (ddof=1) for volatility and Sharpe; downside deviation as the root mean
square of the returns below the required return; beta as population covariance over population
variance; annual return as the compound growth rate over `len(returns) / periods_per_year` years;
drawdowns from the growth of 1 invested before the first return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def simple_returns(prices: np.ndarray) -> np.ndarray:
    """Period-over-period returns: prices[i] / prices[i-1] - 1 (one fewer than the prices)."""
    return prices[1:] / prices[:-1] - 1.0


def annual_volatility(returns: np.ndarray, periods_per_year: int) -> np.ndarray | float:
    """Sample standard deviation of the returns, scaled by the square root of the periods in a year."""
    return np.std(returns, ddof=1, axis=-1) * np.sqrt(periods_per_year)


def sharpe_ratio(returns: np.ndarray, risk_free: float, periods_per_year: int) -> np.ndarray | float:
    """Mean excess return over its sample standard deviation, annualised (works along the last axis)."""
    excess = returns - risk_free
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(excess, axis=-1) / np.std(excess, ddof=1, axis=-1) * np.sqrt(periods_per_year)


def downside_risk(returns: np.ndarray, required: float, periods_per_year: int) -> np.ndarray | float:
    """Root mean square of the shortfalls below `required`, annualised."""
    shortfall = np.minimum(returns - required, 0.0)
    return np.sqrt(np.mean(shortfall * shortfall, axis=-1)) * np.sqrt(periods_per_year)


def sortino_ratio(returns: np.ndarray, required: float, periods_per_year: int) -> np.ndarray | float:
    """Annualised mean return above `required` over the annualised downside risk."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (
            np.mean(returns - required, axis=-1) * periods_per_year / downside_risk(returns, required, periods_per_year)
        )


def beta(returns: np.ndarray, benchmark: np.ndarray) -> np.ndarray | float:
    """Population covariance with the benchmark over the benchmark's population variance (along the last axis)."""
    centred = benchmark - np.mean(benchmark, axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(centred * returns, axis=-1) / np.mean(centred * centred, axis=-1)


def alpha(returns: np.ndarray, benchmark: np.ndarray, risk_free: float, periods_per_year: int) -> float:
    """Annualised Jensen's alpha: (1 + mean(excess - beta * benchmark excess)) ** periods - 1."""
    b = beta(returns, benchmark)
    return float((1.0 + np.mean((returns - risk_free) - b * (benchmark - risk_free))) ** periods_per_year - 1.0)


def correlation(returns: np.ndarray, benchmark: np.ndarray) -> float:
    """Pearson correlation of the two return series."""
    return float(np.corrcoef(returns, benchmark)[0, 1])


def annual_return(returns: np.ndarray, periods_per_year: int) -> float:
    """Compound annual growth rate over the period the returns cover."""
    years = len(returns) / periods_per_year
    return float(np.prod(1.0 + returns) ** (1.0 / years) - 1.0)


def drawdowns(returns: np.ndarray) -> np.ndarray:
    """Fall from the running peak after each return (0 at a new high; -0.25 = 25% below the peak)."""
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + returns)])
    peaks = np.maximum.accumulate(wealth)
    return (wealth / peaks - 1.0)[1:]


@dataclass(frozen=True)
class Drawdown:
    """The deepest fall: its size, the peak before it, the trough, and the day the peak was regained (or None)."""

    depth: float
    peak: date
    trough: date
    recovery: date | None


def max_drawdown(returns: np.ndarray, dates: list[date]) -> Drawdown:
    """The maximum drawdown of `returns`; `dates` are the prices' dates (one more than the returns)."""
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + returns)])
    falls = wealth / np.maximum.accumulate(wealth) - 1.0
    trough = int(np.argmin(falls))
    peak = int(np.argmax(wealth[: trough + 1]))
    regained = np.nonzero(wealth[trough:] >= wealth[peak])[0]
    recovery = dates[trough + int(regained[0])] if trough > peak and len(regained) else None
    return Drawdown(float(falls[trough]), dates[peak], dates[trough], recovery)


def rolling(function: Callable[..., np.ndarray], returns: np.ndarray, window: int, *args: float) -> np.ndarray:
    """`function` (one that works along the last axis) applied to each window of `window` returns."""
    return function(sliding_window_view(returns, window), *args)


def rolling_pair(
    function: Callable[..., np.ndarray],
    returns: np.ndarray,
    benchmark: np.ndarray,
    window: int,
) -> np.ndarray:
    """`function(returns, benchmark)` on each pair of windows of `window` returns."""
    return function(sliding_window_view(returns, window), sliding_window_view(benchmark, window))


def moving_average(prices: np.ndarray, window: int) -> np.ndarray:
    """Simple moving average; NaN until `window` prices are there."""
    averages = np.full(len(prices), np.nan)
    if len(prices) >= window:
        averages[window - 1 :] = sliding_window_view(prices, window).mean(axis=-1)
    return averages


@dataclass(frozen=True)
class Crossover:
    """A day the short moving average crossed the long one: 'golden' (up through it) or 'death' (down)."""

    date: date
    kind: str
    price: float


def crossovers(prices: np.ndarray, dates: list[date], short: int, long: int) -> list[Crossover]:
    """Every day the `short`-period average crossed the `long`-period one."""
    difference = moving_average(prices, short) - moving_average(prices, long)
    above = difference > 0
    valid = ~np.isnan(difference)
    found = []
    for i in range(1, len(prices)):
        if valid[i] and valid[i - 1] and above[i] != above[i - 1]:
            found.append(Crossover(dates[i], "golden" if above[i] else "death", float(prices[i])))
    return found
