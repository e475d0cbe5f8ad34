"""Financial-statement ratios: line items read from an uploaded statement, and liquidity, leverage,
profitability and efficiency ratios computed from them, each with its formula and inputs.

A statement is a CSV of `line item, amount` rows (more columns are allowed: the first numeric one
is read). Line items are matched by name ('Total current assets', 'Net sales', 'Inventories', ...);
debt lines are added up; items no ratio uses are reported back, not dropped in silence.
"""

from __future__ import annotations

import csv
import io
import re

from pydantic import BaseModel, Field

from codexcontinue import InputError

from .messages import listed
from .amount_columns import looks_like_amount

#: Canonical item -> (label, names it is written as).
ITEMS: dict[str, tuple[str, list[str]]] = {
    "cash": (
        "Cash and equivalents",
        ["cash", "cash and cash equivalents", "cash and equivalents", "cash at bank"],
    ),
    "short_term_investments": (
        "Short-term investments",
        [
            "short term investments",
            "marketable securities",
            "current marketable securities",
        ],
    ),
    "receivables": (
        "Accounts receivable",
        [
            "accounts receivable",
            "accounts receivable net",
            "receivables",
            "trade receivables",
            "trade and other receivables",
            "debtors",
        ],
    ),
    "inventory": ("Inventory", ["inventory", "inventories", "stock"]),
    "current_assets": ("Current assets", ["total current assets", "current assets"]),
    "total_assets": ("Total assets", ["total assets"]),
    "current_liabilities": (
        "Current liabilities",
        ["total current liabilities", "current liabilities"],
    ),
    "total_liabilities": ("Total liabilities", ["total liabilities"]),
    "equity": (
        "Shareholders' equity",
        [
            "total equity",
            "total shareholders equity",
            "total stockholders equity",
            "shareholders equity",
            "stockholders equity",
            "equity",
            "net assets",
        ],
    ),
    "debt": (
        "Debt",
        [
            "debt",
            "total debt",
            "short term debt",
            "long term debt",
            "commercial paper",
            "current portion of long term debt",
            "term debt",
            "term debt current",
            "term debt non current",
            "borrowings",
            "notes payable",
            "bonds payable",
            "bank loans",
        ],
    ),
    "revenue": (
        "Revenue",
        [
            "revenue",
            "revenues",
            "total revenue",
            "net sales",
            "total net sales",
            "sales",
            "turnover",
        ],
    ),
    "cost_of_revenue": (
        "Cost of revenue",
        [
            "cost of revenue",
            "cost of goods sold",
            "cost of sales",
            "total cost of sales",
            "cogs",
        ],
    ),
    "gross_profit": ("Gross profit", ["gross profit", "gross margin"]),
    "operating_expenses": (
        "Operating expenses",
        ["operating expenses", "total operating expenses", "operating costs", "total operating costs", "opex"],
    ),
    "operating_expense_lines": (
        "Operating expense lines",
        [
            "research and development",
            "selling general and administrative",
            "sales and marketing",
            "selling and marketing",
            "general and administrative",
        ],
    ),
    "operating_income": (
        "Operating income",
        ["operating income", "operating profit", "income from operations", "ebit"],
    ),
    "interest_expense": (
        "Interest expense",
        ["interest expense", "finance costs", "interest paid"],
    ),
    "net_income": (
        "Net income",
        [
            "net income",
            "net profit",
            "profit for the year",
            "net earnings",
            "profit after tax",
        ],
    ),
}
SUMMED = {"debt", "operating_expense_lines"}
_BY_NAME = {name: key for key, (_, names) in ITEMS.items() for name in names}

#: (group, ratio, formula, numerator items, denominator items, scale). In the numerator '-item' is
#: subtracted and 'item?' counts as 0 when the statement lacks it.
RATIOS: list[tuple[str, str, str, list[str], list[str], float]] = [
    (
        "liquidity",
        "Current ratio",
        "Current assets / Current liabilities",
        ["current_assets"],
        ["current_liabilities"],
        1,
    ),
    (
        "liquidity",
        "Quick ratio",
        "(Current assets − Inventory) / Current liabilities",
        ["current_assets", "-inventory"],
        ["current_liabilities"],
        1,
    ),
    (
        "liquidity",
        "Cash ratio",
        "(Cash and equivalents + Short-term investments) / Current liabilities",
        ["cash", "short_term_investments?"],
        ["current_liabilities"],
        1,
    ),
    (
        "leverage",
        "Debt to equity",
        "Debt / Shareholders' equity",
        ["debt"],
        ["equity"],
        1,
    ),
    (
        "leverage",
        "Debt ratio",
        "Total liabilities / Total assets",
        ["total_liabilities"],
        ["total_assets"],
        1,
    ),
    (
        "leverage",
        "Equity multiplier",
        "Total assets / Shareholders' equity",
        ["total_assets"],
        ["equity"],
        1,
    ),
    (
        "leverage",
        "Interest coverage",
        "Operating income / Interest expense",
        ["operating_income"],
        ["interest_expense"],
        1,
    ),
    (
        "profitability",
        "Gross margin",
        "Gross profit / Revenue",
        ["gross_profit"],
        ["revenue"],
        1,
    ),
    (
        "profitability",
        "Operating margin",
        "Operating income / Revenue",
        ["operating_income"],
        ["revenue"],
        1,
    ),
    (
        "profitability",
        "Net margin",
        "Net income / Revenue",
        ["net_income"],
        ["revenue"],
        1,
    ),
    (
        "profitability",
        "Return on assets",
        "Net income / Total assets",
        ["net_income"],
        ["total_assets"],
        1,
    ),
    (
        "profitability",
        "Return on equity",
        "Net income / Shareholders' equity",
        ["net_income"],
        ["equity"],
        1,
    ),
    (
        "efficiency",
        "Asset turnover",
        "Revenue / Total assets",
        ["revenue"],
        ["total_assets"],
        1,
    ),
    (
        "efficiency",
        "Inventory turnover",
        "Cost of revenue / Inventory",
        ["cost_of_revenue"],
        ["inventory"],
        1,
    ),
    (
        "efficiency",
        "Receivables turnover",
        "Revenue / Accounts receivable",
        ["revenue"],
        ["receivables"],
        1,
    ),
    (
        "efficiency",
        "Days sales outstanding",
        "365 × Accounts receivable / Revenue",
        ["receivables"],
        ["revenue"],
        365,
    ),
    (
        "efficiency",
        "Days inventory outstanding",
        "365 × Inventory / Cost of revenue",
        ["inventory"],
        ["cost_of_revenue"],
        365,
    ),
]


class Ratio(BaseModel):
    """One ratio: its formula, the inputs it used, and its value (None with the missing items when it cannot be computed)."""

    group: str
    name: str
    formula: str
    value: float | None
    inputs: dict[str, float]
    missing: list[str] = Field(default_factory=list)


class Statement(BaseModel):
    """The line items read from a statement: matched ones by canonical item, the rest as written."""

    items: dict[str, float]
    derived: dict[str, str] = Field(description="Items worked out from others, and how.")
    unused: dict[str, float] = Field(description="Line items no ratio uses (not matched to a known item).")


def read_statement(text: str, filename: str) -> Statement:
    """The line items of a statement CSV; `InputError` naming the lines that have no amount or repeat an item."""
    rows = list(csv.reader(io.StringIO(text)))
    items: dict[str, float] = {}
    unused: dict[str, float] = {}
    seen: dict[str, int] = {}
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or not cells[0]:
            continue
        amounts = [cell for cell in cells[1:] if cell and looks_like_amount(cell)]
        if not amounts:
            if number == 1 or not any(cells[1:]):  # the header, or a section heading such as 'Current assets:'
                continue
            problems.append(f"line {number}: {cells[0]!r} has no amount ({', '.join(cells[1:])})")
            continue
        value = _amount(amounts[0])
        key = _BY_NAME.get(_normal(cells[0]))
        if key is None:
            unused[cells[0]] = value
        elif key in SUMMED:  # expense lines add up whether written as costs (negative) or not
            items[key] = items.get(key, 0.0) + (abs(value) if key == "operating_expense_lines" else value)
        elif key in seen:
            problems.append(f"line {number}: {cells[0]!r} repeats {ITEMS[key][0]} from line {seen[key]}")
        else:
            items[key], seen[key] = value, number
    if problems:
        raise InputError(f"'{filename}' has lines that cannot be used: {listed(problems, 5)}.")
    if not items:
        known = ", ".join(label for label, _ in ITEMS.values())
        raise InputError(
            f"'{filename}' has no line item this pack knows; write rows as 'line item,amount' using names such as {known}."
        )
    return _with_derived(items, unused)


def _with_derived(items: dict[str, float], unused: dict[str, float]) -> Statement:
    derived: dict[str, str] = {}
    if "gross_profit" not in items and {"revenue", "cost_of_revenue"} <= items.keys():
        items["gross_profit"] = items["revenue"] - items["cost_of_revenue"]
        derived["gross_profit"] = "Revenue − Cost of revenue"
    if "operating_income" not in items and "gross_profit" in items:
        expenses, source = next(
            (
                (abs(items[key]), label)
                for key, label in (
                    ("operating_expenses", "Operating expenses"),
                    ("operating_expense_lines", "the operating expense lines"),
                )
                if key in items
            ),
            (None, None),
        )
        if expenses is not None:
            items["operating_income"] = items["gross_profit"] - expenses
            start = "Revenue − Cost of revenue" if derived.get("gross_profit") else "Gross profit"
            derived["operating_income"] = f"{start} − {source}"
    if "total_liabilities" not in items and {"total_assets", "equity"} <= items.keys():
        items["total_liabilities"] = items["total_assets"] - items["equity"]
        derived["total_liabilities"] = "Total assets − Shareholders' equity"
    return Statement(items=items, derived=derived, unused=unused)


def compute_ratios(statement: Statement) -> list[Ratio]:
    """Every ratio the statement's items allow, and the others with what they lack."""
    items = statement.items
    ratios = []
    for group, name, formula, numerator, denominator, scale in RATIOS:
        needed = [item.strip("-?") for item in numerator + denominator if not item.endswith("?")]
        missing = [ITEMS[item][0] for item in needed if item not in items]
        inputs = {
            ITEMS[i.strip("-?")][0]: items[i.strip("-?")] for i in numerator + denominator if i.strip("-?") in items
        }
        value = None
        if not missing:
            top = sum(-items[i[1:]] if i.startswith("-") else items.get(i.rstrip("?"), 0.0) for i in numerator)
            bottom = sum(items[i] for i in denominator)
            value = scale * top / bottom if bottom else None
            if bottom == 0:
                missing = [f"{ITEMS[denominator[0]][0]} is zero"]
        ratios.append(
            Ratio(
                group=group,
                name=name,
                formula=formula,
                value=value,
                inputs=inputs,
                missing=missing,
            )
        )
    return ratios


def _normal(name: str) -> str:
    name = re.sub(r"\(([^)]*)\)", r" \1 ", name.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.replace("'", "")).split())


def _amount(text: str) -> float:
    negative = text.startswith(("(", "-", "−"))
    value = float(re.sub(r"[^0-9.]", "", text))
    return -value if negative else value
