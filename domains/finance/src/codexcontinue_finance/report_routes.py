"""HTTP routes for plain-language reports of a portfolio or an account, written by the pack's model."""

from __future__ import annotations

from datetime import date

import polars as pl
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from codexcontinue import InputError, LLMDep
from codexcontinue.audit import record_resource_ids

from .deps import OwnerDataDep, SettingsDep
from .portfolio_book import PortfolioBook
from .report_figures import account_figures, portfolio_figures
from .reports import CheckedReport, write_report
from .summaries import monthly_summaries
from .transaction_book import TransactionBook

router = APIRouter(prefix="/reports", tags=["finance: reports"])


class PortfolioReportRequest(BaseModel):
    """Which day to report the portfolio on."""

    model_config = ConfigDict(extra="forbid")

    as_of: date | None = Field(default=None, description="Default: the latest activity or price.")


class AccountReportRequest(BaseModel):
    """Which month, currency and account to report on."""

    model_config = ConfigDict(extra="forbid")

    month: str | None = Field(
        default=None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="Default: the latest.",
    )
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="Default: the month's busiest.")
    account: str | None = Field(default=None, description="Default: every account.")


@router.post("/portfolio/{name}", response_model=CheckedReport)
async def report_portfolio(
    name: str,
    request: PortfolioReportRequest,
    data: OwnerDataDep,
    settings: SettingsDep,
    llm: LLMDep,
) -> CheckedReport:
    """A plain-language report of a portfolio, quoting only its computed figures."""
    report = await PortfolioBook(data, settings.default_currency).report(name, request.as_of)
    record_resource_ids(name)
    instruction = (
        f"Write a short plain-language report of the investment portfolio '{name}' for its owner: how it is "
        "doing, where the money is, and what it has earned."
    )
    return await write_report(llm, f"portfolio {name}", instruction, portfolio_figures(report))


@router.post("/account", response_model=CheckedReport)
async def report_account(
    request: AccountReportRequest,
    data: OwnerDataDep,
    settings: SettingsDep,
    llm: LLMDep,
) -> CheckedReport:
    """A plain-language report of one month of an account (or all accounts), quoting only computed figures."""
    book = TransactionBook(data, settings)
    ledger = await book.categorised()
    if request.account:
        if request.account not in ledger["account"].unique().to_list():
            raise InputError(
                f"No account '{request.account}' among this key's transactions.",
                status=404,
            )
        ledger = ledger.filter(pl.col("account") == request.account)
    months = monthly_summaries(ledger)
    if not months:
        raise InputError(
            "There are no transactions to report on; import a statement first.",
            status=404,
        )
    month = request.month or months[-1].month
    candidates = [m for m in months if m.month == month and (request.currency in (None, m.currency))]
    if not candidates:
        raise InputError(
            f"No transactions in {month}{' in ' + request.currency if request.currency else ''}.",
            status=404,
        )
    summary = max(candidates, key=lambda m: m.transactions)
    anomalies = await book.anomalies(None, limit=100_000)
    instruction = (
        f"Write a short plain-language report of {month} for the owner of "
        f"{'account ' + request.account if request.account else 'these accounts'}: money in and out, where it went, "
        "and anything flagged for a second look."
    )
    subject = f"{request.account or 'all accounts'} {month} {summary.currency}"
    return await write_report(llm, subject, instruction, account_figures(summary, anomalies, request.account))
