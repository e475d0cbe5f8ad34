"""HTTP routes for portfolios: trade histories and prices uploaded, positions, allocation and returns computed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile

from codexcontinue.audit import record_resource_ids

from .deps import OwnerDataDep, SettingsDep
from .portfolio_book import PortfolioBook, PortfolioInfo
from .portfolio_report import PortfolioReport
from .uploads import decode_text, read_upload

router = APIRouter(prefix="/portfolios", tags=["finance: portfolios"])


def portfolio_book(data: OwnerDataDep, settings: SettingsDep) -> PortfolioBook:
    """The caller's portfolios."""
    return PortfolioBook(data, settings.default_currency)


BookDep = Annotated[PortfolioBook, Depends(portfolio_book)]


@router.get("", response_model=list[PortfolioInfo])
async def list_portfolios(book: BookDep) -> list[PortfolioInfo]:
    """Every portfolio of this key."""
    return await book.list()


@router.put("/{name}/activity", response_model=PortfolioInfo)
async def upload_activity(
    book: BookDep,
    settings: SettingsDep,
    name: str,
    file: Annotated[
        UploadFile,
        File(description="Trade history CSV: Date, Action, Symbol, Quantity, Price, ..."),
    ],
) -> PortfolioInfo:
    """Create portfolio `name`, or replace its trade history."""
    record_resource_ids(name)
    content = await read_upload(file, settings.max_upload_bytes)
    filename = file.filename or "activity.csv"
    return await book.save_activity(name, decode_text(content, filename), filename)


@router.put("/{name}/prices", response_model=PortfolioInfo)
async def upload_prices(
    book: BookDep,
    settings: SettingsDep,
    name: str,
    file: Annotated[
        UploadFile,
        File(description="Prices CSV: Date,Symbol,Close rows, or Date and a column per symbol."),
    ],
) -> PortfolioInfo:
    """Replace the prices portfolio `name` is valued with (as traded, not split-adjusted)."""
    record_resource_ids(name)
    content = await read_upload(file, settings.max_upload_bytes)
    filename = file.filename or "prices.csv"
    return await book.save_prices(name, decode_text(content, filename), filename)


@router.get("/{name}", response_model=PortfolioReport)
async def get_portfolio(book: BookDep, name: str, as_of: date | None = None) -> PortfolioReport:
    """Positions (FIFO or named lots), gains, dividends, allocation and returns (TWR, XIRR) as of a day."""
    record_resource_ids(name)
    return await book.report(name, as_of)


@router.delete("/{name}")
async def delete_portfolio(book: BookDep, name: str) -> dict[str, str]:
    """Remove a portfolio."""
    await book.delete(name)
    record_resource_ids(name)
    return {"deleted": name}
