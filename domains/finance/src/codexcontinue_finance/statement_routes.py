"""HTTP routes for financial-statement ratios."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel

from codexcontinue.audit import record_resource_ids
from codexcontinue.cpu_work import run_cpu_bound

from .deps import OwnerDataDep, UploadLimitDep
from .statements import Ratio, Statement, compute_ratios, read_statement
from .uploads import decode_text, read_upload

router = APIRouter(prefix="/statements", tags=["finance: statements"])


class StatementReport(BaseModel):
    """An uploaded statement's items and its ratios, each with the formula used."""

    id: str
    name: str
    filename: str
    uploaded_at: datetime
    statement: Statement
    ratios: list[Ratio]


@router.post("", response_model=StatementReport, status_code=201)
async def upload_statement(
    data: OwnerDataDep,
    limit: UploadLimitDep,
    file: Annotated[
        UploadFile,
        File(description="CSV of 'line item,amount' rows (balance sheet and income statement)."),
    ],
    name: Annotated[str | None, Form(max_length=100, description="e.g. 'ACME FY2023'")] = None,
) -> StatementReport:
    """Read a statement and compute its liquidity, leverage, profitability and efficiency ratios."""
    content = await read_upload(file, limit)
    filename = file.filename or "statement.csv"
    statement = await run_cpu_bound(_read, content, filename)
    report = StatementReport(
        id=secrets.token_hex(6),
        name=name or filename,
        filename=filename,
        uploaded_at=datetime.now(UTC),
        statement=statement,
        ratios=compute_ratios(statement),
    )
    await data.set_json(report.model_dump(mode="json"), "statements", report.id)
    return report


def _read(content: bytes, filename: str) -> Statement:
    return read_statement(decode_text(content, filename), filename)


@router.get("", response_model=list[StatementReport])
async def list_statements(data: OwnerDataDep) -> list[StatementReport]:
    """The caller's statements, oldest first."""
    reports = [StatementReport(**await data.get_json("statements", i)) for i in await data.names("statements")]
    return sorted(reports, key=lambda report: report.uploaded_at)


@router.get("/{statement_id}", response_model=StatementReport)
async def get_statement(data: OwnerDataDep, statement_id: str) -> StatementReport:
    """One statement with its ratios."""
    record_resource_ids(statement_id)
    return StatementReport(**await data.require_json(f"statement '{statement_id}'", "statements", statement_id))
