"""The figures a written report may quote: picked from a computed portfolio report or an account's month."""

from __future__ import annotations

from .portfolio_report import PortfolioReport
from .reports import Figure, count, day, money, percent
from .summaries import MonthSummary
from .transaction_book import AnomalyReport


def portfolio_figures(report: PortfolioReport) -> list[Figure]:
    """Value, gains, income, returns, the largest positions and the allocation by class."""
    currency = report.currency
    figures = [
        day("Valued on", report.as_of),
        money("Total value", report.total_value, currency),
        money("Invested in securities", report.invested_value, currency),
        money("Cost basis of holdings", report.cost_basis, currency),
        money("Unrealised gain", report.unrealised_gain, currency),
        money("Realised gain", report.realised_gain, currency),
        money("Dividends received", report.dividends, currency),
        count("Positions held", len(report.positions)),
    ]
    if report.cash is not None:
        figures.append(money("Cash", report.cash, currency))
    returns = report.returns
    if returns.start is not None:
        figures.append(day("Returns measured from", returns.start))
    if returns.time_weighted is not None:
        figures.append(percent("Time-weighted return", returns.time_weighted))
    if returns.time_weighted_annualised is not None:
        figures.append(percent("Time-weighted return, annualised", returns.time_weighted_annualised))
    if returns.money_weighted is not None:
        figures.append(percent("Money-weighted return (XIRR), annualised", returns.money_weighted))
    for position in sorted(report.positions, key=lambda p: -p.market_value)[:3]:
        figures.append(money(f"{position.symbol} market value", position.market_value, currency))
        figures.append(percent(f"{position.symbol} share of the portfolio", position.weight))
    for part in report.allocation_by_class:
        figures.append(percent(f"{part.name} share of the portfolio", part.weight))
    return figures


def account_figures(month: MonthSummary, anomalies: AnomalyReport, account: str | None) -> list[Figure]:
    """A month's income, spending and net, its three largest spending categories, and the flags raised."""
    figures = [
        Figure(label="Month", value=month.month, text=month.month),
        money("Money in", month.income, month.currency),
        money("Money out", month.spending, month.currency),
        money("Net", month.net, month.currency),
        count("Transactions", month.transactions),
    ]
    spending = sorted((amount, name) for name, amount in month.by_category.items() if amount < 0)
    for amount, name in spending[:3]:
        figures.append(money(f"Spent on {name}", -amount, month.currency))
    in_month = [
        a
        for a in anomalies.anomalies
        if a.date.startswith(month.month) and a.currency == month.currency and (account is None or a.account == account)
    ]
    figures.append(count("Transactions flagged for a second look", len(in_month)))
    return figures
