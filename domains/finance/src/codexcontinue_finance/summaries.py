"""Monthly summaries of a categorised ledger (income, spending, net, by category) and budgets against them.

Amounts in different currencies are never added together: every figure is per currency.
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, ConfigDict, Field


class MonthSummary(BaseModel):
    """One month in one currency."""

    month: str = Field(description="YYYY-MM")
    currency: str
    income: float = Field(description="Money in.")
    spending: float = Field(description="Money out, as a positive number.")
    net: float
    transactions: int
    by_category: dict[str, float] = Field(description="Net amount per category (negative = spent).")


class Budget(BaseModel):
    """A monthly spending limit for one category in one currency."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=60)
    limit: float = Field(gt=0, description="Most to spend in a month.")
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class BudgetStatus(BaseModel):
    """A budget against what was spent in one month."""

    category: str
    currency: str
    limit: float
    spent: float = Field(description="Net money out in the category (refunds reduce it).")
    remaining: float
    used: float = Field(description="spent / limit")
    over: bool


def monthly_summaries(ledger: pl.DataFrame) -> list[MonthSummary]:
    """Income, spending, net and per-category totals for every month and currency of a categorised ledger."""
    if ledger.is_empty():
        return []
    monthly = ledger.with_columns(pl.col("date").dt.strftime("%Y-%m").alias("month"))
    totals = (
        monthly.group_by("month", "currency")
        .agg(
            pl.col("amount").filter(pl.col("amount") > 0).sum().alias("income"),
            (-pl.col("amount").filter(pl.col("amount") < 0).sum()).alias("spending"),
            pl.col("amount").sum().alias("net"),
            pl.len().alias("transactions"),
        )
        .sort("month", "currency")
    )
    by_category: dict[tuple[str, str], dict[str, float]] = {}
    for month, currency, category, amount in (
        monthly.group_by("month", "currency", "category").agg(pl.col("amount").sum()).sort("category").rows()
    ):
        by_category.setdefault((month, currency), {})[category] = round(amount, 2)
    return [
        MonthSummary(
            month=month,
            currency=currency,
            income=round(income, 2),
            spending=round(spending, 2),
            net=round(net, 2),
            transactions=count,
            by_category=by_category[(month, currency)],
        )
        for month, currency, income, spending, net, count in totals.rows()
    ]


def budget_status(ledger: pl.DataFrame, budgets: list[Budget], month: str) -> list[BudgetStatus]:
    """Each budget against the categorised ledger's spending in `month` (YYYY-MM)."""
    in_month = ledger.filter(pl.col("date").dt.strftime("%Y-%m") == month)
    totals = in_month.group_by("category", "currency").agg(pl.col("amount").sum()).rows()
    spent = {(category, currency): -amount for category, currency, amount in totals}
    statuses = []
    for budget in budgets:
        used = round(max(spent.get((budget.category, budget.currency), 0.0), 0.0), 2)
        statuses.append(
            BudgetStatus(
                category=budget.category,
                currency=budget.currency,
                limit=budget.limit,
                spent=used,
                remaining=round(budget.limit - used, 2),
                used=round(used / budget.limit, 4),
                over=used > budget.limit,
            )
        )
    return statuses
