"""HTTP routes for market analysis: price series (shipped samples and uploads) and their analysis."""

from __future__ import annotations

from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from codexcontinue.audit import record_resource_ids
from codexcontinue.cpu_work import run_cpu_bound

from .deps import OwnerDataDep, UploadLimitDep
from .market_report import MarketAnalysis, analyse
from .market_series import MarketSeries, SeriesInfo
from .price_csv import read_prices
from .uploads import decode_text, read_upload

router = APIRouter(prefix="/market", tags=["finance: market"])


def market_series(data: OwnerDataDep) -> MarketSeries:
    """The caller's price series and the samples."""
    return MarketSeries(data)


SeriesDep = Annotated[MarketSeries, Depends(market_series)]


@router.get("/series", response_model=list[SeriesInfo])
async def list_series(series: SeriesDep) -> list[SeriesInfo]:
    """The shipped samples and the caller's uploaded series."""
    return await series.list()


@router.post("/series", response_model=list[SeriesInfo], status_code=201)
async def upload_series(
    series: SeriesDep,
    limit: UploadLimitDep,
    file: Annotated[
        UploadFile,
        File(description="Prices CSV: Date and Close (or Adj Close), or several symbols."),
    ],
    name: Annotated[str, Form(min_length=1, max_length=64, description="Name for a single series.")],
) -> list[SeriesInfo]:
    """Save a price series (or one per symbol when the file has several)."""
    content = await read_upload(file, limit)
    filename = file.filename or "prices.csv"
    prices = await run_cpu_bound(_read_series, content, filename, name)
    return await series.save(prices, name, filename)


def _read_series(content: bytes, filename: str, name: str) -> pl.DataFrame:
    return read_prices(decode_text(content, filename), filename, default_symbol=name)


@router.delete("/series/{name}")
async def delete_series(series: SeriesDep, name: str) -> dict[str, str]:
    """Remove one of the caller's series."""
    await series.delete(name)
    record_resource_ids(name)
    return {"deleted": name}


@router.get("/analysis/{name}", response_model=MarketAnalysis)
async def analyse_series(
    series: SeriesDep,
    name: str,
    benchmark: str | None = None,
    window: Annotated[int, Query(ge=2, le=2520, description="Rolling window, in periods.")] = 63,
    short: Annotated[int, Query(ge=1, le=1000, description="Short moving average, in periods.")] = 50,
    long: Annotated[int, Query(ge=2, le=2000, description="Long moving average, in periods.")] = 200,
    risk_free: Annotated[float, Query(ge=-0.5, le=1.0, description="Annual risk-free rate, e.g. 0.02.")] = 0.0,
    periods_per_year: Annotated[int | None, Query(ge=1, le=365, description="Default: from the dates.")] = None,
) -> MarketAnalysis:
    """Returns, volatility, Sharpe, Sortino, drawdowns, beta and correlation, rolling windows and crossovers."""
    prices = await series.prices(name)
    bench = await series.prices(benchmark) if benchmark else None
    record_resource_ids(*(found for found in (name, benchmark) if found))
    return await run_cpu_bound(
        analyse,
        name,
        prices,
        benchmark,
        bench,
        window=window,
        short_window=short,
        long_window=long,
        risk_free_annual=risk_free,
        periods=periods_per_year,
    )
