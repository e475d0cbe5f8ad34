"""Bank and credit-card statements of an OFX/QFX file, as ledger rows.

    reading = read_bank_ofx(document, negate=None)

Every `<STMTRS>` (bank) and `<CCSTMTRS>` (card) in the file is read, so a file with several accounts
imports them all. A row has the columns of a bank CSV import plus `fitid`, the bank's own
transaction id (which makes re-imports of overlapping statements harmless); a transaction without
one is told apart by date, amount and description, and the reading says so. The account is shown
by its last four digits; `<SIC>` is the merchant category code; `<NAME>` (else `<PAYEE><NAME>`,
else `<MEMO>`) the description. When most transactions' types (DEBIT, CREDIT, FEE, ...) disagree
with their signs, the reading asks whether to flip them instead of importing them flipped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import polars as pl

from codexcontinue import InputError

from .ofx_reading import OfxDocument
from .questions import Answer, Question

MONEY_OUT_TYPES = {"DEBIT", "CHECK", "FEE", "SRVCHG", "ATM", "DIRECTDEBIT", "PAYMENT", "REPEATPMT"}
MONEY_IN_TYPES = {"CREDIT", "DEP", "INT", "DIV", "DIRECTDEP"}
SCHEMA = {
    "line": pl.Int64,
    "date": pl.Date,
    "description": pl.String,
    "amount": pl.Float64,
    "currency": pl.String,
    "mcc": pl.String,
    "account": pl.String,
    "fitid": pl.String,
}


@dataclass
class BankOfx:
    """The transactions of a file's bank and card statements, and what their reading found."""

    frame: pl.DataFrame
    accounts: list[str]
    questions: list[Question] = field(default_factory=list)
    other_statements: list[str] = field(default_factory=list)


def masked(account_id: str) -> str:
    """An account number shown the way statements do: its last four characters."""
    return f"…{account_id[-4:]}" if len(account_id) > 4 else account_id


def read_bank_ofx(document: OfxDocument, default_currency: str, negate: bool | None) -> BankOfx:
    """The rows of every bank and card statement in `document`; `negate` flips every sign (answers the sign
    question)."""
    root = document.root
    statements = [*root.iter("STMTRS"), *root.iter("CCSTMTRS")]
    others = [f"investment account {masked(_account(document, s, 'INVACCTFROM'))}" for s in root.iter("INVSTMTRS")]
    if not statements:
        if others:
            raise InputError(
                f"'{document.filename}' is an investment statement ({', '.join(others)}), not a bank or card statement: "
                "import it into a portfolio on the Portfolio page (PUT /api/v1/finance/portfolios/{name}/activity)."
            )
        raise InputError(
            f"'{document.filename}' holds no statement (no <STMTRS>, <CCSTMTRS> or <INVSTMTRS>); download the "
            "account's statement (transactions) as OFX or QFX."
        )
    rows: list[dict[str, object]] = []
    corrections: list[tuple[int, str, str]] = []  # (line, the FITID corrected, REPLACE or DELETE)
    typed: list[tuple[int, bool]] = []  # (line, the type agrees with the sign)
    accounts: list[str] = []
    for statement in statements:
        account_from = "BANKACCTFROM" if statement.tag == "STMTRS" else "CCACCTFROM"
        account = masked(_account(document, statement, account_from))
        accounts.append(account)
        currency = _currency(document, statement, default_currency)
        for transaction in statement.iter("STMTTRN"):
            amount = float(document.number(transaction, "TRNAMT", "the amount"))
            amount = -amount if negate else amount
            kind = (document.text(transaction, "TRNTYPE") or "").upper()
            corrected = document.text(transaction, "CORRECTFITID")
            if corrected and corrected != document.text(transaction, "FITID"):
                action = (document.text(transaction, "CORRECTACTION") or "REPLACE").upper()
                corrections.append((document.line(transaction), corrected, action))
            if kind in MONEY_OUT_TYPES | MONEY_IN_TYPES and amount != 0:
                typed.append((document.line(transaction), (amount < 0) == (kind in MONEY_OUT_TYPES)))
            rows.append(
                {
                    "line": document.line(transaction),
                    "date": _posted(document, transaction),
                    "description": _description(document, transaction),
                    "amount": amount,
                    "currency": _transaction_currency(document, transaction, currency),
                    "mcc": _mcc(document, transaction),
                    "account": account,
                    "fitid": document.text(transaction, "FITID"),
                }
            )
    rows = _corrected(document, rows, corrections)
    if not rows:
        raise InputError(f"'{document.filename}' is a valid statement with no transactions in it.")
    if any(row["fitid"] is None for row in rows):
        document.note("Transactions without a <FITID> are told apart by date, amount and description.")
    if others:
        document.note(f"The file also holds {', '.join(others)}; import it on the Portfolio page.")
    reading = BankOfx(frame=pl.DataFrame(rows, schema=SCHEMA), accounts=accounts, other_statements=others)
    question = _sign_question(typed, negate)
    if question:
        reading.questions.append(question)
    return reading


def _corrected(
    document: OfxDocument, rows: list[dict[str, object]], corrections: list[tuple[int, str, str]]
) -> list[dict[str, object]]:
    """The rows with the file's own corrections applied: a transaction with <CORRECTFITID> replaces (or, with
    <CORRECTACTION>DELETE, removes) the one with that FITID."""
    dropped: set[object] = set()
    for line, fitid, action in corrections:
        if any(row["fitid"] == fitid for row in rows):
            dropped.add(fitid)
        else:
            document.note(
                f"Line {line} corrects transaction {fitid}, which is not in this file; if an earlier import has it, "
                "delete that import and import the statements again."
            )
        if action == "DELETE":
            dropped.add(("line", line))
    return [row for row in rows if row["fitid"] not in dropped and ("line", row["line"]) not in dropped]


def _posted(document: OfxDocument, transaction: ET.Element) -> object:
    """The day a transaction was posted; the day the user made it (<DTUSER>) when <DTPOSTED> is missing, and said."""
    if document.text(transaction, "DTPOSTED") is None and document.text(transaction, "DTUSER") is not None:
        document.note("Transactions without a <DTPOSTED> were dated by their <DTUSER> (the day they were made).")
        return document.date(transaction, "DTUSER", "the day it was made")
    return document.date(transaction, "DTPOSTED", "the date it was posted")


def _account(document: OfxDocument, statement: ET.Element, aggregate: str) -> str:
    account = document.text(statement, f"{aggregate}/ACCTID")
    if account is None:
        document.note(f"A statement (line {document.line(statement)}) names no account (<ACCTID>); it is 'unknown'.")
        return "unknown"
    return account


def _currency(document: OfxDocument, statement: ET.Element, default: str) -> str:
    code = (document.text(statement, "CURDEF") or "").upper()
    if len(code) == 3 and code.isalpha():
        return code
    document.note(f"A statement (line {document.line(statement)}) names no currency (<CURDEF>); {default} was used.")
    return default


def _transaction_currency(document: OfxDocument, transaction: ET.Element, statement: str) -> str:
    """A transaction's own <CURRENCY> when it has one (its amount is in that currency), else the statement's."""
    code = (document.text(transaction, "CURRENCY/CURSYM") or "").upper()
    return code if len(code) == 3 and code.isalpha() else statement


def _description(document: OfxDocument, transaction: ET.Element) -> str:
    return (
        document.text(transaction, "NAME")
        or document.text(transaction, "PAYEE/NAME")
        or document.text(transaction, "MEMO")
        or ""
    )


def _mcc(document: OfxDocument, transaction: ET.Element) -> str | None:
    code = document.text(transaction, "SIC")
    if code is None:
        return None
    if not code.isdigit() or len(code) > 4:
        document.note(f"A <SIC> that is not a merchant category code ({code!r}) was left out.")
        return None
    return f"{int(code):04d}"


def _sign_question(typed: list[tuple[int, bool]], negate: bool | None) -> Question | None:
    """Ask when most transactions whose type says money in or out carry the other sign."""
    if negate is not None or len(typed) < 3:
        return None
    disagree = [line for line, agrees in typed if not agrees]
    if len(disagree) < 0.6 * len(typed):
        return None
    return Question(
        id="sign",
        text=(
            f"{len(disagree)} of the {len(typed)} transactions whose type says money in or out (DEBIT, CREDIT, FEE, "
            "...) carry the opposite sign (e.g. a DEBIT with a positive amount). Should every sign be flipped?"
        ),
        lines=disagree[:10],
        answers=[
            Answer(label="Yes: flip every sign", mapping={"negate": True}),
            Answer(label="No: keep the signs as written", mapping={"negate": False}),
        ],
    )
