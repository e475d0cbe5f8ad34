"""HTTP routes for transactions: imports, the ledger, categories and corrections, summaries, budgets, anomalies."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from codexcontinue import InputError
from codexcontinue.audit import record_resource_ids

from .categoriser import MerchantRule
from .csv_columns import ColumnMapping
from .deps import OwnerDataDep, SettingsDep, UploadLimitDep
from .summaries import Budget, BudgetStatus, MonthSummary
from .transaction_book import AnomalyReport, ImportRecord, Preview, Transaction, TransactionBook
from .uploads import read_upload

router = APIRouter(prefix="/transactions", tags=["finance: transactions"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def transaction_book(data: OwnerDataDep, settings: SettingsDep) -> TransactionBook:
    """The caller's transactions."""
    return TransactionBook(data, settings)


BookDep = Annotated[TransactionBook, Depends(transaction_book)]
FileParam = Annotated[UploadFile, File(description="A bank CSV export, or an OFX/QFX statement.")]
AccountParam = Annotated[
    str | None,
    Form(max_length=64, description="Account name for a CSV without an account column."),
]
CurrencyParam = Annotated[
    str | None,
    Form(
        pattern=r"^[A-Za-z]{3}$",
        description="ISO 4217 code for a CSV without a currency column.",
    ),
]
MappingParam = Annotated[
    str | None,
    Form(
        description='JSON of what detection got wrong or asked, e.g. {"date": "Posted", "date_order": "DMY"}; '
        'for a headerless file, columns by number: {"date": 1, "description": 2, "amount": 3}.'
    ),
]


def parsed_mapping(mapping: str | None) -> ColumnMapping | None:
    """The `mapping` form field as a `ColumnMapping`; 422 naming the problem when it is not one."""
    if mapping is None or not mapping.strip():
        return None
    try:
        return ColumnMapping.model_validate_json(mapping)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'mapping'}: {e['msg']}" for e in error.errors(include_url=False)
        )
        allowed = ", ".join(ColumnMapping.model_fields)
        raise InputError(f"The mapping is not valid ({problems}). Its fields are: {allowed}.") from None


class TransactionPage(BaseModel):
    """One page of transactions and how many match in all."""

    total: int
    transactions: list[Transaction]


class Correction(BaseModel):
    """File a merchant under a category, naming the merchant or one of its transactions."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=60, description="An existing category (any case).")
    transaction_id: str | None = None
    merchant: str | None = Field(default=None, min_length=1)
    create: bool = Field(default=False, description="Create the category when it does not exist yet.")

    @model_validator(mode="after")
    def _one_target(self) -> Correction:
        if (self.transaction_id is None) == (self.merchant is None):
            raise ValueError("give exactly one of transaction_id and merchant")
        return self


class CorrectionResult(BaseModel):
    """The merchant now filed under the category, and how many of its transactions that changed."""

    merchant: str
    category: str
    transactions: int


class NewCategory(BaseModel):
    """A category of the user's own."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)


class BudgetReport(BaseModel):
    """The budgets against one month's spending."""

    month: str | None
    budgets: list[BudgetStatus]


@router.post("/preview", response_model=Preview)
async def preview_import(
    book: BookDep,
    limit: UploadLimitDep,
    file: FileParam,
    account: AccountParam = None,
    currency: CurrencyParam = None,
    mapping: MappingParam = None,
) -> Preview:
    """How a bank CSV or OFX/QFX file would be read: its layout (or the OFX fallbacks it needs), the questions it
    needs answered, and its first rows exactly as they would be stored. Imports nothing."""
    content = await read_upload(file, limit)
    return await book.preview(
        content, file.filename or "upload", parsed_mapping(mapping), account, currency and currency.upper()
    )


@router.post("/imports", response_model=ImportRecord, status_code=201)
async def import_transactions(
    book: BookDep,
    limit: UploadLimitDep,
    file: FileParam,
    account: AccountParam = None,
    currency: CurrencyParam = None,
    mapping: MappingParam = None,
) -> ImportRecord:
    """Import a bank CSV (columns detected, or as `mapping` says) or an OFX/QFX file into the ledger. A file the
    preview would ask about is refused (422) with the question until `mapping` answers it."""
    content = await read_upload(file, limit)
    return await book.import_file(
        content,
        file.filename or "upload",
        parsed_mapping(mapping),
        account,
        currency and currency.upper(),
    )


@router.get("/imports", response_model=list[ImportRecord])
async def list_imports(book: BookDep) -> list[ImportRecord]:
    """Every file imported with this key, oldest first."""
    return await book.imports()


@router.get("/imports/{import_id}", response_model=ImportRecord)
async def get_import(book: BookDep, import_id: str) -> ImportRecord:
    """One import."""
    record_resource_ids(import_id)
    return await book.import_record(import_id)


@router.delete("/imports/{import_id}")
async def delete_import(book: BookDep, import_id: str) -> dict[str, int]:
    """Remove an import and the transactions it added."""
    record_resource_ids(import_id)
    return {"removed": await book.delete_import(import_id)}


@router.get("", response_model=TransactionPage)
async def list_transactions(
    book: BookDep,
    month: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM")] = None,
    category: str | None = None,
    account: str | None = None,
    search: Annotated[str | None, Query(max_length=100, description="Text the description contains.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> TransactionPage:
    """Transactions with their categories, newest first."""
    total, rows = await book.transactions(
        month=month,
        category=category,
        account=account,
        search=search,
        limit=limit,
        offset=offset,
    )
    return TransactionPage(total=total, transactions=rows)


@router.get("/categories")
async def list_categories(book: BookDep) -> list[str]:
    """The pack's categories and the user's own."""
    return await book.categories()


@router.post("/categories", status_code=201)
async def create_category(book: BookDep, category: NewCategory) -> dict[str, str]:
    """Create a category of the user's own (corrections, rules and budgets name only existing categories)."""
    return {"category": await book.create_category(category.name)}


@router.post("/corrections", response_model=CorrectionResult)
async def correct_category(book: BookDep, correction: Correction) -> CorrectionResult:
    """File a merchant under an existing category (or a new one, with `create`); similar merchants follow it."""
    merchant, category, count = await book.correct(
        correction.category, correction.transaction_id, correction.merchant, correction.create
    )
    return CorrectionResult(merchant=merchant, category=category, transactions=count)


@router.get("/corrections")
async def list_corrections(book: BookDep) -> dict[str, str]:
    """The user's corrections: merchant -> category."""
    return await book.corrections()


@router.get("/rules", response_model=list[MerchantRule])
async def list_rules(book: BookDep) -> list[MerchantRule]:
    """The user's merchant rules, in the order they apply."""
    return await book.rules()


@router.put("/rules", response_model=list[MerchantRule])
async def replace_rules(book: BookDep, rules: list[MerchantRule]) -> list[MerchantRule]:
    """Replace the user's merchant rules (each names an existing category)."""
    return await book.set_rules(rules)


@router.get("/summary", response_model=list[MonthSummary])
async def monthly_summary(
    book: BookDep,
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
) -> list[MonthSummary]:
    """Income, spending, net and category totals for every month (per currency)."""
    return await book.summaries(currency)


@router.get("/budgets", response_model=BudgetReport)
async def budget_report(
    book: BookDep,
    month: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM; default the latest")] = None,
) -> BudgetReport:
    """Each budget against a month's spending."""
    month, statuses = await book.budget_status(month)
    return BudgetReport(month=month, budgets=statuses)


@router.put("/budgets", response_model=list[Budget])
async def replace_budgets(book: BookDep, budgets: list[Budget]) -> list[Budget]:
    """Replace the monthly budgets (each names an existing category)."""
    return await book.set_budgets(budgets)


@router.get("/anomalies", response_model=AnomalyReport)
async def list_anomalies(
    book: BookDep,
    kind: Literal["unusual_amount", "duplicate", "new_merchant"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AnomalyReport:
    """Transactions flagged as unusual, possibly duplicated or to a new merchant, each with the reason."""
    return await book.anomalies(kind, limit)
