"""One owner's transactions: importing files into the ledger, categories (corrections, rules), budgets, anomalies."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Literal

import polars as pl
from pydantic import BaseModel, Field

from codexcontinue import InputError

from .anomalies import Anomaly, describe, find_anomalies
from .bank_csv import ColumnMapping, CsvLayout, read_bank_csv
from .categoriser import Categoriser, MerchantRule
from .ledger import empty_ledger, ledger_rows, merge
from .ofx_import import read_ofx
from .owner_data import OwnerData
from .settings import FinanceSettings
from .summaries import (
    Budget,
    BudgetStatus,
    MonthSummary,
    budget_status,
    monthly_summaries,
)
from .uploads import decode_text


class ImportRecord(BaseModel):
    """What one imported file added to the ledger."""

    id: str
    filename: str
    format: Literal["csv", "ofx"]
    imported_at: datetime
    rows_read: int
    added: int
    duplicates: int = Field(description="Rows the ledger already had (an overlapping or repeated export).")
    accounts: list[str]
    currencies: list[str]
    first_date: date
    last_date: date
    layout: CsvLayout | None = Field(default=None, description="How a CSV was read (None for OFX).")


class Transaction(BaseModel):
    """A ledger row with its category and the reason for it."""

    id: str
    date: date
    account: str
    description: str
    merchant: str
    amount: float
    currency: str
    mcc: str | None
    category: str
    category_source: str
    category_reason: str


class AnomalyReport(BaseModel):
    """How many transactions were flagged of each kind, and the newest of them with reasons."""

    counts: dict[str, int]
    anomalies: list[Anomaly]


def is_ofx(data: bytes) -> bool:
    """Whether `data` looks like an OFX/QFX file rather than a CSV."""
    head = data[:2048].lstrip().upper()
    return b"OFXHEADER" in head or b"<OFX>" in head


class TransactionBook:
    """The transactions one API key imported, and everything computed from them."""

    def __init__(self, data: OwnerData, settings: FinanceSettings) -> None:
        self.data = data
        self.settings = settings

    # ------------------------------------------------------------------------------------ imports

    async def preview(
        self,
        content: bytes,
        filename: str,
        mapping: ColumnMapping | None,
        account: str | None,
        currency: str | None,
    ) -> tuple[CsvLayout, pl.DataFrame]:
        """How a CSV would be read, and its first rows, without importing it."""
        if is_ofx(content):
            raise InputError(f"'{filename}' is an OFX file: it has no columns to map; import it directly.")
        frame, layout = read_bank_csv(
            decode_text(content, filename),
            filename,
            mapping,
            account,
            currency,
            self.settings.default_currency,
        )
        return layout, ledger_rows(frame.head(20), "preview")

    async def import_file(
        self,
        content: bytes,
        filename: str,
        mapping: ColumnMapping | None,
        account: str | None,
        currency: str | None,
    ) -> ImportRecord:
        """Add the transactions of a bank CSV or OFX/QFX file to the ledger, skipping ones it already has."""
        layout = None
        if is_ofx(content):
            if mapping is not None:
                raise InputError(f"'{filename}' is an OFX file: a column mapping applies only to CSV files.")
            parsed = read_ofx(content, filename)
            kind: Literal["csv", "ofx"] = "ofx"
        else:
            parsed, layout = read_bank_csv(
                decode_text(content, filename),
                filename,
                mapping,
                account,
                currency,
                self.settings.default_currency,
            )
            kind = "csv"
        import_id = secrets.token_hex(6)
        rows = ledger_rows(parsed, import_id)
        added = duplicates = 0

        def add_rows(ledger: pl.DataFrame | None) -> pl.DataFrame:
            nonlocal added, duplicates
            merged, added, duplicates = merge(ledger, rows)
            return merged

        await self.data.update_frame(add_rows, "ledger")  # two imports at once both land
        record = ImportRecord(
            id=import_id,
            filename=filename,
            format=kind,
            imported_at=datetime.now(UTC),
            rows_read=rows.height,
            added=added,
            duplicates=duplicates,
            accounts=sorted(rows["account"].unique().to_list()),
            currencies=sorted(rows["currency"].unique().to_list()),
            first_date=rows["date"].min(),
            last_date=rows["date"].max(),
            layout=layout,
        )
        await self.data.set_json(record.model_dump(mode="json"), "imports", import_id)
        return record

    async def imports(self) -> list[ImportRecord]:
        """Every import, oldest first."""
        records = [ImportRecord(**await self.data.get_json("imports", i)) for i in await self.data.names("imports")]
        return sorted(records, key=lambda record: record.imported_at)

    async def import_record(self, import_id: str) -> ImportRecord:
        """One import; 404 when this key has no import with that id."""
        return ImportRecord(**await self.data.require_json(f"import '{import_id}'", "imports", import_id))

    async def delete_import(self, import_id: str) -> int:
        """Remove an import and the rows it added; how many rows were removed."""
        await self.import_record(import_id)
        removed = 0

        def drop_rows(ledger: pl.DataFrame | None) -> pl.DataFrame:
            nonlocal removed
            ledger = ledger if ledger is not None else empty_ledger()
            kept = ledger.filter(pl.col("import_id") != import_id)
            removed = ledger.height - kept.height
            return kept

        await self.data.update_frame(drop_rows, "ledger")
        await self.data.delete("imports", import_id)
        return removed

    # ------------------------------------------------------------------------------------ the ledger

    async def ledger(self) -> pl.DataFrame:
        """Every transaction imported so far (no categories)."""
        ledger = await self.data.get_frame("ledger")
        return ledger if ledger is not None else empty_ledger()

    async def categorised(self) -> pl.DataFrame:
        """The ledger with each transaction's category, its source and reason."""
        categoriser = Categoriser(await self.corrections(), await self.rules())
        return categoriser.categorise_ledger(await self.ledger())

    async def transactions(
        self,
        *,
        month: str | None = None,
        category: str | None = None,
        account: str | None = None,
        search: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[Transaction]]:
        """The matching transactions, newest first: how many there are and one page of them."""
        frame = await self.categorised()
        if month:
            frame = frame.filter(pl.col("date").dt.strftime("%Y-%m") == month)
        if category:
            frame = frame.filter(pl.col("category") == category)
        if account:
            frame = frame.filter(pl.col("account") == account)
        if search:
            frame = frame.filter(pl.col("description").str.to_uppercase().str.contains(search.upper(), literal=True))
        page = frame.sort(["date", "id"], descending=True).slice(offset, limit)
        return frame.height, [Transaction(**row) for row in page.drop("import_id", "dedup_key").to_dicts()]

    # ------------------------------------------------------------------------------------ categories

    async def corrections(self) -> dict[str, str]:
        """The user's corrections: merchant -> category."""
        return await self.data.get_json("corrections") or {}

    async def correct(self, category: str, transaction_id: str | None, merchant: str | None) -> tuple[str, int]:
        """File a merchant (given directly or through one of its transactions) under `category`; the merchant
        and how many transactions it has."""
        ledger = await self.ledger()
        if transaction_id is not None:
            match = ledger.filter(pl.col("id") == transaction_id)
            if match.is_empty():
                raise InputError(f"No transaction '{transaction_id}' for this API key.", status=404)
            merchant = match["merchant"][0]
        if merchant is None:
            raise InputError("Name the transaction_id or the merchant to correct.")
        merchant = merchant.upper()
        count = ledger.filter(pl.col("merchant") == merchant).height
        if count == 0:
            raise InputError(
                f"No transaction with merchant '{merchant}' for this API key.",
                status=404,
            )
        await self.data.update_json(lambda corrections: {**(corrections or {}), merchant: category}, "corrections")
        return merchant, count

    async def rules(self) -> list[MerchantRule]:
        """The user's merchant rules, in the order they apply."""
        return [MerchantRule(**rule) for rule in await self.data.get_json("rules") or []]

    async def set_rules(self, rules: list[MerchantRule]) -> None:
        """Replace the user's merchant rules."""
        await self.data.set_json([rule.model_dump() for rule in rules], "rules")

    # ------------------------------------------------------------------------------------ summaries

    async def summaries(self, currency: str | None = None) -> list[MonthSummary]:
        """Monthly income, spending, net and category totals (per currency)."""
        frame = await self.categorised()
        if currency:
            frame = frame.filter(pl.col("currency") == currency.upper())
        return monthly_summaries(frame)

    async def budgets(self) -> list[Budget]:
        """The user's monthly budgets."""
        return [Budget(**budget) for budget in await self.data.get_json("budgets") or []]

    async def set_budgets(self, budgets: list[Budget]) -> None:
        """Replace the user's monthly budgets."""
        seen: set[tuple[str, str]] = set()
        for budget in budgets:
            if (budget.category, budget.currency) in seen:
                raise InputError(f"Two budgets for {budget.category} in {budget.currency}; keep one.")
            seen.add((budget.category, budget.currency))
        await self.data.set_json([budget.model_dump() for budget in budgets], "budgets")

    async def budget_status(self, month: str | None) -> tuple[str | None, list[BudgetStatus]]:
        """The budgets against `month` (default: the ledger's latest month)."""
        frame = await self.categorised()
        if month is None:
            if frame.is_empty():
                return None, []
            month = frame["date"].max().strftime("%Y-%m")
        return month, budget_status(frame, await self.budgets(), month)

    async def anomalies(self, kind: str | None, limit: int) -> AnomalyReport:
        """The flagged transactions, newest first, with how many there are of each kind."""
        flagged = find_anomalies(
            await self.ledger(),
            unusual_z=self.settings.unusual_amount_z,
            min_history=self.settings.unusual_amount_min_history,
            duplicate_days=self.settings.duplicate_window_days,
            new_after_days=self.settings.new_merchant_after_days,
        )
        counts = dict(flagged.group_by("kind").len().rows())
        if kind:
            flagged = flagged.filter(pl.col("kind") == kind)
        return AnomalyReport(
            counts=counts,
            anomalies=[describe(row) for row in flagged.head(limit).to_dicts()],
        )
