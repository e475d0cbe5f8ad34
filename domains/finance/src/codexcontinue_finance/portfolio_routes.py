"""HTTP routes for portfolios: trade histories and prices uploaded, positions, allocation and returns computed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile

from codexcontinue.audit import record_resource_ids

from .deps import OwnerDataDep, SettingsDep, UploadLimitDep
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
    limit: UploadLimitDep,
    name: str,
    file: Annotated[
        UploadFile,
        File(description="A trade-history CSV (Date, Action, Symbol, Quantity, Price, ...) or an OFX/QFX investment statement."),
    ],
    account: Annotated[
        str | None,
        Form(max_length=64, description="For an OFX file with several investment accounts: which (last four digits)."),
    ] = None,
) -> PortfolioInfo:
    """Create portfolio `name`, or replace its trade history. An OFX investment statement becomes the history
    (holdings from before it inferred from its positions and cash) only when the result agrees with the statement's
    positions and cash within a cent."""
    record_resource_ids(name)
    content = await read_upload(file, limit)
    return await book.save_activity(name, content, file.filename or "activity.csv", account)


@router.put("/{name}/prices", response_model=PortfolioInfo)
async def upload_prices(
    book: BookDep,
    limit: UploadLimitDep,
    name: str,
    file: Annotated[
        UploadFile,
        File(description="Prices CSV: Date,Symbol,Close rows, or Date and a column per symbol."),
    ],
) -> PortfolioInfo:
    """Replace the prices portfolio `name` is valued with (as traded, not split-adjusted)."""
    record_resource_ids(name)
    content = await read_upload(file, limit)
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
