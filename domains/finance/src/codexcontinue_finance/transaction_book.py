"""One owner's transactions: files previewed and imported into the ledger, categories (corrections, rules),
budgets, anomalies.

Reading a file, checking it and working out its rows run off the event loop (`run_cpu_bound`). A
file whose reading leaves a question open (see `questions.py`) is refused with the question, and
nothing is stored; the preview asks the same questions and shows the rows exactly as they would be
stored once answered. A CSV layout the user sent or answered for a named account is remembered for
that account's next file.
"""

from __future__ import annotations

import difflib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, Field

from codexcontinue import InputError
from codexcontinue.cpu_work import run_cpu_bound

from .anomalies import Anomaly, describe, find_anomalies
from .bank_csv import CsvLayout, CsvOptions, read_bank_csv
from .categories import CATEGORIES
from .categoriser import Categoriser, MerchantRule
from .csv_checks import flow_question
from .csv_columns import ColumnMapping
from .ledger import ledger_rows
from .ledger_parts import LedgerParts
from .messages import naming_the_file
from .ofx_bank import read_bank_ofx
from .ofx_reading import is_ofx, read_ofx_document
from .owner_data import OwnerData
from .questions import Question, refuse_unanswered
from .settings import FinanceSettings
from .summaries import Budget, BudgetStatus, MonthSummary, budget_status, monthly_summaries
from .uploads import decode_export

PREVIEW_ROWS = 20
OFX_MAPPING_FIELDS = {"negate"}


class ImportRecord(BaseModel):
    """What one imported file added to the ledger, and how it was read."""

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
    fallbacks: list[str] = Field(
        default_factory=list, description="For OFX: what the lenient reading needed (empty when the file was valid)."
    )


class Preview(BaseModel):
    """How a file would be read, the questions it needs answered, and its first rows as they would be stored."""

    format: Literal["csv", "ofx"]
    layout: CsvLayout | None
    fallbacks: list[str]
    questions: list[Question]
    rows: list[dict[str, Any]] = Field(description="The first rows exactly as they would be stored (none while asked).")
    raw_rows: list[dict[str, Any]] = Field(description="For a CSV, its first rows as written.")
    total_rows: int


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


@dataclass
class FileReading:
    """A file read (not yet stored): its rows as read (None when its dates, decimal mark or columns are in question;
    never to be stored while any question is open) and how it was read."""

    format: Literal["csv", "ofx"]
    frame: pl.DataFrame | None
    layout: CsvLayout | None
    fallbacks: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    raw_rows: list[dict[str, Any]] = field(default_factory=list)


def read_file(
    content: bytes, filename: str, mapping: ColumnMapping | None, remembered: ColumnMapping | None,
    account: str | None, currency: str | None, default_currency: str,
) -> FileReading:  # fmt: skip
    """Read a bank CSV or an OFX/QFX file (CPU-bound: run it with `run_cpu_bound`); every refusal names the file."""
    with naming_the_file(filename):
        return _read_file(content, filename, mapping, remembered, account, currency, default_currency)


def _read_file(
    content: bytes, filename: str, mapping: ColumnMapping | None, remembered: ColumnMapping | None,
    account: str | None, currency: str | None, default_currency: str,
) -> FileReading:  # fmt: skip
    if is_ofx(content):
        sent = mapping.model_dump(exclude_unset=True) if mapping else {}
        if set(sent) - OFX_MAPPING_FIELDS:
            raise InputError(
                f"'{filename}' is an OFX file: a column mapping applies only to CSV files (an OFX file takes only "
                '{"negate": true} to flip its signs).'
            )
        document = read_ofx_document(content, filename)
        bank = read_bank_ofx(document, default_currency, sent.get("negate"))
        return FileReading("ofx", bank.frame, None, document.fallbacks, bank.questions)
    text, encoding = decode_export(content, filename)
    options = CsvOptions(mapping, remembered, account, currency, default_currency, encoding)
    reading = read_bank_csv(text, filename, options)
    return FileReading("csv", reading.frame, reading.layout, [], list(reading.layout.questions), reading.raw_rows)


class TransactionBook:
    """The transactions one API key imported, and everything computed from them."""

    def __init__(self, data: OwnerData, settings: FinanceSettings) -> None:
        self.data = data
        self.settings = settings
        self.parts = LedgerParts(data)

    # ------------------------------------------------------------------------------------ imports

    async def _read(
        self, content: bytes, filename: str, mapping: ColumnMapping | None, account: str | None, currency: str | None
    ) -> FileReading:
        """Read a file off the event loop, then ask whether its signs are flipped against the account's ledger."""
        remembered = await self.layout(account) if account else None
        reading = await run_cpu_bound(
            read_file, content, filename, mapping, remembered, account, currency, self.settings.default_currency
        )
        open_questions = {q.id for q in reading.questions}
        if reading.frame is not None and (mapping is None or mapping.negate is None) and open_questions <= {"sign"}:
            for account_name in reading.frame["account"].unique().to_list():
                known = await self.parts.frame(columns=["account", "date", "description", "amount"], accounts=[account_name])
                new = reading.frame.filter(pl.col("account") == account_name)
                question = await run_cpu_bound(flow_question, new, known, account_name)
                if question:  # the ledger's own rows say more than the file's look: ask with them
                    reading.questions = [q for q in reading.questions if q.id != "sign"] + [question]
                    if reading.layout:
                        reading.layout.questions = list(reading.questions)
                    break
        return reading

    async def preview(
        self, content: bytes, filename: str, mapping: ColumnMapping | None, account: str | None, currency: str | None
    ) -> Preview:
        """How a file would be read, what it asks, and its first rows as they would be stored; imports nothing."""
        reading = await self._read(content, filename, mapping, account, currency)
        rows = []
        if reading.frame is not None and not reading.questions:
            shown = await run_cpu_bound(ledger_rows, reading.frame.head(PREVIEW_ROWS), "preview")
            rows = shown.drop("import_id", "dedup_key", "id").to_dicts()
        return Preview(
            format=reading.format,
            layout=reading.layout,
            fallbacks=reading.fallbacks,
            questions=reading.questions,
            rows=rows,
            raw_rows=reading.raw_rows,
            total_rows=0 if reading.frame is None or reading.questions else reading.frame.height,
        )

    async def import_file(
        self, content: bytes, filename: str, mapping: ColumnMapping | None, account: str | None, currency: str | None
    ) -> ImportRecord:
        """Add the transactions of a bank CSV or OFX/QFX file to the ledger, skipping ones it already has; refused
        (and nothing stored) while the file leaves a question open."""
        reading = await self._read(content, filename, mapping, account, currency)
        refuse_unanswered(reading.questions, filename)
        assert reading.frame is not None
        import_id = secrets.token_hex(6)
        rows = await run_cpu_bound(ledger_rows, reading.frame, import_id)
        added, duplicates = await self.parts.add(import_id, rows)
        record = ImportRecord(
            id=import_id,
            filename=filename,
            format=reading.format,
            imported_at=datetime.now(UTC),
            rows_read=rows.height,
            added=added,
            duplicates=duplicates,
            accounts=sorted(rows["account"].unique().to_list()),
            currencies=sorted(rows["currency"].unique().to_list()),
            first_date=rows["date"].min(),
            last_date=rows["date"].max(),
            layout=reading.layout,
            fallbacks=reading.fallbacks,
        )
        await self.data.set_json(record.model_dump(mode="json"), "imports", import_id)
        if account and reading.layout and mapping and mapping.model_fields_set:
            await self.data.set_json(reading.layout.mapping.model_dump(exclude_none=True), "layouts", account)
        return record

    async def layout(self, account: str) -> ColumnMapping | None:
        """The CSV layout remembered for `account`, if any."""
        stored = await self.data.get_json("layouts", account)
        return ColumnMapping(**stored) if stored else None

    async def imports(self) -> list[ImportRecord]:
        """Every import, oldest first."""
        records = [ImportRecord(**await self.data.get_json("imports", i)) for i in await self.data.names("imports")]
        return sorted(records, key=lambda record: record.imported_at)

    async def import_record(self, import_id: str) -> ImportRecord:
        """One import; 404 when this key has no import with that id."""
        return ImportRecord(**await self.data.require_json(f"import '{import_id}'", "imports", import_id))

    async def delete_import(self, import_id: str) -> int:
        """Remove an import and the rows it added; how many rows were removed."""
        record = await self.import_record(import_id)
        await self.parts.remove(import_id)
        await self.data.delete("imports", import_id)
        return record.added

    # ------------------------------------------------------------------------------------ the ledger

    async def ledger(self) -> pl.DataFrame:
        """Every transaction imported so far (no categories)."""
        return await self.parts.frame()

    async def categorised(self) -> pl.DataFrame:
        """The ledger with each transaction's category, its source and reason."""
        categoriser = Categoriser(await self.corrections(), await self.rules())
        return await run_cpu_bound(categoriser.categorise_ledger, await self.ledger())

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
        page, total = await run_cpu_bound(_page, frame, month, category, account, search, limit, offset)
        return total, [Transaction(**row) for row in page.drop("import_id", "dedup_key").to_dicts()]

    # ------------------------------------------------------------------------------------ categories

    async def categories(self) -> list[str]:
        """The pack's categories and the ones the user created (or filed merchants, rules or budgets under)."""
        own = set(await self.data.get_json("categories") or []) | set((await self.corrections()).values())
        own |= {rule.category for rule in await self.rules()} | {budget.category for budget in await self.budgets()}
        return CATEGORIES + sorted(own - set(CATEGORIES))

    async def create_category(self, name: str) -> str:
        """Add a category of the user's own (a name already there, in any case, is returned as it is)."""
        name = " ".join(name.split())
        existing = {c.casefold(): c for c in await self.categories()}
        if name.casefold() in existing:
            return existing[name.casefold()]
        await self.data.update_json(lambda own: sorted({*(own or []), name}), "categories")
        return name

    async def existing_category(self, name: str, create: bool = False) -> str:
        """`name` as one of the categories (any case), created first when `create`; `InputError` naming the close
        ones otherwise, so a typo never makes a new category in silence."""
        known = await self.categories()
        by_case = {c.casefold(): c for c in known}
        wanted = " ".join(name.split())
        if wanted.casefold() in by_case:
            return by_case[wanted.casefold()]
        if create:
            return await self.create_category(wanted)
        close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InputError(
            f"There is no category {wanted!r}.{hint} Pick one of the existing categories, or create it: send "
            '"create": true with the correction, or POST /api/v1/finance/transactions/categories.'
        )

    async def corrections(self) -> dict[str, str]:
        """The user's corrections: merchant -> category."""
        return await self.data.get_json("corrections") or {}

    async def correct(
        self, category: str, transaction_id: str | None, merchant: str | None, create: bool = False
    ) -> tuple[str, str, int]:
        """File a merchant (given directly or through one of its transactions) under `category`, which must exist
        unless `create`; the merchant, the category as stored, and how many transactions the merchant has."""
        ledger = await self.parts.frame(columns=["id", "merchant"])
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
            raise InputError(f"No transaction with merchant '{merchant}' for this API key.", status=404)
        category = await self.existing_category(category, create)
        await self.data.update_json(lambda corrections: {**(corrections or {}), merchant: category}, "corrections")
        return merchant, category, count

    async def rules(self) -> list[MerchantRule]:
        """The user's merchant rules, in the order they apply."""
        return [MerchantRule(**rule) for rule in await self.data.get_json("rules") or []]

    async def set_rules(self, rules: list[MerchantRule]) -> list[MerchantRule]:
        """Replace the user's merchant rules (each must name an existing category)."""
        checked = [rule.model_copy(update={"category": await self.existing_category(rule.category)}) for rule in rules]
        await self.data.set_json([rule.model_dump() for rule in checked], "rules")
        return checked

    # ------------------------------------------------------------------------------------ summaries

    async def summaries(self, currency: str | None = None) -> list[MonthSummary]:
        """Monthly income, spending, net and category totals (per currency)."""
        frame = await self.categorised()
        if currency:
            frame = frame.filter(pl.col("currency") == currency.upper())
        return await run_cpu_bound(monthly_summaries, frame)

    async def budgets(self) -> list[Budget]:
        """The user's monthly budgets."""
        return [Budget(**budget) for budget in await self.data.get_json("budgets") or []]

    async def set_budgets(self, budgets: list[Budget]) -> list[Budget]:
        """Replace the user's monthly budgets (each must name an existing category)."""
        seen: set[tuple[str, str]] = set()
        checked = []
        for budget in budgets:
            budget = budget.model_copy(update={"category": await self.existing_category(budget.category)})
            if (budget.category, budget.currency) in seen:
                raise InputError(f"Two budgets for {budget.category} in {budget.currency}; keep one.")
            seen.add((budget.category, budget.currency))
            checked.append(budget)
        await self.data.set_json([budget.model_dump() for budget in checked], "budgets")
        return checked

    async def budget_status(self, month: str | None) -> tuple[str | None, list[BudgetStatus]]:
        """The budgets against `month` (default: the ledger's latest month)."""
        frame = await self.categorised()
        if month is None:
            if frame.is_empty():
                return None, []
            month = frame["date"].max().strftime("%Y-%m")
        return month, await run_cpu_bound(budget_status, frame, await self.budgets(), month)

    async def anomalies(self, kind: str | None, limit: int) -> AnomalyReport:
        """The flagged transactions, newest first, with how many there are of each kind."""
        flagged = await run_cpu_bound(
            find_anomalies,
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


def _page(
    frame: pl.DataFrame, month: str | None, category: str | None, account: str | None, search: str | None,
    limit: int, offset: int,
) -> tuple[pl.DataFrame, int]:  # fmt: skip
    if month:
        frame = frame.filter(pl.col("date").dt.strftime("%Y-%m") == month)
    if category:
        frame = frame.filter(pl.col("category") == category)
    if account:
        frame = frame.filter(pl.col("account") == account)
    if search:
        frame = frame.filter(pl.col("description").str.to_uppercase().str.contains(search.upper(), literal=True))
    return frame.sort(["date", "id"], descending=True).slice(offset, limit), frame.height
