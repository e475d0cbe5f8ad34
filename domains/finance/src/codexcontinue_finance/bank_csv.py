"""Bank CSV exports: find the header, detect which column holds what (or take an override), parse every row.

    frame, layout = read_bank_csv(text, "chase.csv", override=None, account=None, currency=None)

The result has one row per transaction with `line` (its line in the file), `date`, `description`,
`amount` (negative = money out), `currency`, `mcc` and `account`. Every row is parsed or the whole
file is refused with the lines that failed: nothing is skipped in silence.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from codexcontinue import InputError

from .messages import listed
from .text_columns import (
    examples,
    looks_like_amount,
    parses_as_date,
    read_amounts,
    read_dates,
)

SEPARATORS = [",", ";", "\t", "|"]
SAMPLE_LINES = 60
#: Rows read to detect the column mapping before the whole file is read.
SAMPLE_ROWS = 2000

#: Header names (normalised: lower case, punctuation as spaces) that identify each field, best first.
HEADER_NAMES: dict[str, list[str]] = {
    "date": [
        "transaction date",
        "date",
        "trans date",
        "posting date",
        "posted date",
        "post date",
        "booking date",
        "completed date",
        "value date",
        "started date",
    ],
    "description": [
        "description",
        "transaction description",
        "payee",
        "merchant",
        "merchant name",
        "name",
        "narrative",
        "transaction details",
        "details",
        "memo",
        "reference",
    ],
    "amount": ["amount", "transaction amount", "value", "amt"],
    "debit": [
        "debit",
        "debit amount",
        "paid out",
        "money out",
        "withdrawal",
        "withdrawals",
        "withdrawal amount",
        "debits",
        "out",
    ],
    "credit": [
        "credit",
        "credit amount",
        "paid in",
        "money in",
        "deposit",
        "deposits",
        "deposit amount",
        "credits",
        "in",
    ],
    "currency": ["currency", "ccy", "currency code", "local currency"],
    "mcc": ["mcc", "merchant category code", "mcc code", "category code"],
    "account": ["account", "account number", "account name", "account id"],
    "direction": [
        "debit credit",
        "dr cr",
        "credit debit indicator",
        "cr dr",
        "transaction direction",
    ],
}
COLUMN_FIELDS = list(HEADER_NAMES)

SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "₹": "INR", "CHF": "CHF"}
DEBIT_WORDS = {"debit", "dr", "d", "withdrawal", "out", "payment", "db"}
CREDIT_WORDS = {"credit", "cr", "c", "deposit", "in", "receipt"}


class ColumnMapping(BaseModel):
    """Which column holds what, and how to read it. Give only what detection got wrong; the rest is detected.

    A file has either `amount` (signed, or unsigned with a `direction` column) or `debit` and `credit`.
    """

    model_config = ConfigDict(extra="forbid")

    date: str | None = Field(default=None, description="Column with the transaction date.")
    description: str | None = Field(default=None, description="Column with the payee or narrative.")
    amount: str | None = Field(default=None, description="Column with the signed amount.")
    debit: str | None = Field(default=None, description="Column with money out (when amounts are split).")
    credit: str | None = Field(default=None, description="Column with money in (when amounts are split).")
    direction: str | None = Field(default=None, description="Column saying DEBIT/CREDIT for unsigned amounts.")
    currency: str | None = Field(default=None, description="Column with each row's ISO currency code.")
    mcc: str | None = Field(default=None, description="Column with the merchant category code (ISO 18245).")
    account: str | None = Field(default=None, description="Column naming the account.")
    date_format: str | None = Field(default=None, description="strftime format of the dates, e.g. '%d/%m/%Y'.")
    decimal_comma: bool | None = Field(default=None, description="Amounts are written 1.234,56.")
    negate: bool = Field(
        default=False,
        description="Flip every sign (card exports that show charges as positive).",
    )


class CsvLayout(BaseModel):
    """How a file was read: header line, separator, its columns, the mapping used and what was left out."""

    header_line: int = Field(description="1-based line of the header row.")
    separator: str
    columns: list[str]
    mapping: ColumnMapping
    ignored_columns: list[str] = Field(description="Columns no field was read from.")
    currency: str | None = Field(description="Currency of every row when the file has no currency column.")
    notes: list[str] = Field(
        default_factory=list,
        description="Guesses worth checking, e.g. ambiguous dates.",
    )


def read_bank_csv(
    text: str,
    filename: str,
    override: ColumnMapping | None,
    account: str | None,
    currency: str | None,
    default_currency: str,
) -> tuple[pl.DataFrame, CsvLayout]:
    """Every transaction of the CSV export `text`, and the layout it was read with.

    A row's currency is its currency column's value, else `currency`, else the one a symbol in the
    amounts names ('£'), else `default_currency`. Its account is its account column's value, else
    `account`, else 'default'.
    """
    separator, header_index = _find_header(text, filename)
    data = text.encode()
    sample = _read_table(data, separator, header_index, filename, rows=SAMPLE_ROWS)
    columns = [c for c in sample.columns if c not in (OVERFLOW, "line")]
    mapping, notes = _mapping(columns, sample.drop("line"), override, filename)
    used = [column for field in COLUMN_FIELDS if (column := getattr(mapping, field))]
    frame = _read_table(data, separator, header_index, filename, keep=used)  # only what is read: less memory
    del data
    _refuse_overflow(frame)
    dates, date_format, date_notes = read_dates(frame, mapping.date, mapping.date_format, "send mapping.date_format")
    mapping = mapping.model_copy(update={"date_format": date_format})
    amounts, mapping, symbol_currency = _amounts(frame, mapping)
    file_currency = (currency or symbol_currency or default_currency).upper()
    result = pl.DataFrame(
        {
            "line": frame["line"].cast(pl.Int64),
            "date": dates,
            "description": frame.select(_text(mapping.description)).to_series(),
            "amount": amounts,
            "currency": _currencies(frame, mapping, file_currency),
            "mcc": _mcc(frame, mapping),
            "account": frame.select(_text(mapping.account)).to_series()
            if mapping.account
            else pl.Series([account or "default"] * frame.height, dtype=pl.String),
        }
    )
    used = {getattr(mapping, field) for field in COLUMN_FIELDS} - {None}
    layout = CsvLayout(
        header_line=header_index + 1,
        separator=separator,
        columns=columns,
        mapping=mapping,
        ignored_columns=[c for c in columns if c not in used],
        currency=None if mapping.currency else file_currency,
        notes=notes + date_notes,
    )
    return result, layout


# ---------------------------------------------------------------------------------------------- header

OVERFLOW = "\x00overflow"


def _find_header(text: str, filename: str) -> tuple[str, int]:
    """The separator and the 0-based index of the header line (past any preamble such as 'Account Name:')."""
    lines = _head(text)
    if not any(line.strip() for line in lines):
        raise InputError(f"'{filename}' has no rows; export the statement with its transactions.")
    best: tuple[int, str, list[list[str]]] | None = None
    for separator in SEPARATORS:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=separator))
        widths = Counter(len(row) for row in rows if len(row) > 1)
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        if best is None or count * width > best[0]:
            best = (count * width, separator, rows)
    if best is None:
        raise InputError(
            f"'{filename}' is not a CSV table: no line has two or more fields separated by "
            f"{' '.join(repr(s) for s in SEPARATORS)}. Export the statement as CSV."
        )
    _, separator, rows = best
    widths = Counter(len(row) for row in rows if len(row) > 1)
    width = max(widths.items(), key=lambda item: (item[1], item[0]))[0]
    for index, row in enumerate(rows):
        if len(row) in (width, width - 1) and len(row) > 1 and not _looks_like_data(row):
            return separator, _line_index(lines, separator, index)
    raise InputError(
        f"'{filename}' has no header row (a line naming its columns, such as 'Date,Description,Amount'); "
        "add one or export the statement with column headings."
    )


def _head(text: str) -> list[str]:
    """The first lines of `text`, without splitting all of a large file."""
    return text[: 400 * SAMPLE_LINES].splitlines()[:SAMPLE_LINES]


def _looks_like_data(row: list[str]) -> bool:
    """Whether a row holds values (a date or an amount) rather than column names."""
    return any(looks_like_amount(cell.strip()) or parses_as_date(cell.strip()) for cell in row if cell.strip())


def _line_index(lines: list[str], separator: str, row_index: int) -> int:
    """The line index of the `row_index`-th CSV record (records may span lines inside quotes)."""
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=separator)
    for index, _ in enumerate(reader):
        if index == row_index:
            return reader.line_num - 1
    return row_index


def _read_table(
    data: bytes,
    separator: str,
    header_index: int,
    filename: str,
    rows: int | None = None,
    keep: list[str] | None = None,
) -> pl.DataFrame:
    """The rows as text under the header's names, an overflow column for surplus fields, and `line` (the row's
    line in the file). `rows` limits how many are read; `keep` which named columns."""
    header_line = next(
        csv.reader(
            io.StringIO(_head(data[: 400 * SAMPLE_LINES].decode(errors="replace"))[header_index]),
            delimiter=separator,
        )
    )
    names = _unique_names(header_line)
    every = [*names, OVERFLOW]
    schema = {name: pl.String for name in every}
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            skip_rows=header_index + 1,
            separator=separator,
            schema=schema,
            columns=None if keep is None else sorted(every.index(name) for name in {*keep, OVERFLOW}),
            n_rows=rows,
            truncate_ragged_lines=True,
            missing_columns="insert",
            quote_char='"',
            row_index_name="line",
            row_index_offset=header_index + 2,
        )
    except pl.exceptions.PolarsError as error:
        raise InputError(f"'{filename}' could not be read as CSV: {str(error).splitlines()[0]}") from None
    frame = frame.filter(~pl.all_horizontal(pl.exclude("line").is_null()))  # blank lines carry no data
    if frame.is_empty():
        raise InputError(f"'{filename}' has a header but no transactions under it.")
    return frame


def _unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(header):
        name = name.strip() or f"column {index + 1}"
        while name in names:
            name += "_"
        names.append(name)
    return names


def _refuse_overflow(frame: pl.DataFrame) -> None:
    """Refuse rows with more non-empty fields than the header names (a trailing empty field is fine)."""
    extra = frame.filter(pl.col(OVERFLOW).is_not_null() & (pl.col(OVERFLOW).str.strip_chars() != ""))
    if not extra.is_empty():
        lines = extra["line"].to_list()
        raise InputError(
            f"Lines {listed(lines)} have more fields than the header names; the file may use a different "
            "separator or have unquoted commas in a description. Quote those fields or fix the header."
        )


# ---------------------------------------------------------------------------------------------- mapping


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


def _mapping(
    columns: list[str], raw: pl.DataFrame, override: ColumnMapping | None, filename: str
) -> tuple[ColumnMapping, list[str]]:
    """The detected mapping with the override's fields laid over it, checked against the columns."""
    given = override.model_dump(exclude_unset=True) if override else {}
    for field in COLUMN_FIELDS:
        column = given.get(field)
        if column is not None and column not in columns:
            raise InputError(
                f"The mapping names column {column!r} for {field}, but '{filename}' has only: {', '.join(columns)}."
            )
    normal = {_normal(c): c for c in reversed(columns)}
    detected: dict[str, str | None] = {}
    taken = {v for k, v in given.items() if k in COLUMN_FIELDS and v}
    for field in COLUMN_FIELDS:
        if field in given:
            continue
        detected[field] = next(
            (normal[n] for n in HEADER_NAMES[field] if n in normal and normal[n] not in taken),
            None,
        )
        if detected[field]:
            taken.add(detected[field])
    if "amount" not in given and detected.get("amount") is None and not (detected.get("debit") or given.get("debit")):
        detected["amount"] = next(
            (c for c in columns if "amount" in _normal(c).split() and c not in taken),
            None,
        )
    mapping = ColumnMapping(**{**detected, **given})
    notes: list[str] = []
    if mapping.amount and (mapping.debit or mapping.credit):
        mapping = mapping.model_copy(update={"debit": None, "credit": None} if "amount" in given else {"amount": None})
    if mapping.amount and not mapping.direction and "direction" not in given:
        mapping = mapping.model_copy(update={"direction": _direction_column(raw, mapping, taken)})
        if mapping.direction:
            notes.append(f"Amounts are unsigned; the sign is taken from column {mapping.direction!r}.")
    missing = [f for f in ("date", "description") if getattr(mapping, f) is None]
    if mapping.amount is None and mapping.debit is None and mapping.credit is None:
        missing.append("amount (or debit and credit)")
    if missing:
        raise InputError(
            f"Could not tell which column of '{filename}' holds the {' and the '.join(missing)}; its columns are "
            f'{", ".join(columns)}. Send a mapping, e.g. {{"date": "{columns[0]}", ...}}.'
        )
    return mapping, notes


def _direction_column(raw: pl.DataFrame, mapping: ColumnMapping, taken: set[str]) -> str | None:
    """A column of DEBIT/CREDIT words, when the amount column has no negative value."""
    amounts = raw[mapping.amount].drop_nulls().str.strip_chars()
    if amounts.str.contains(r"^[\(\-−]|[\)\-]$|(?i)DR$").any():
        return None
    words = DEBIT_WORDS | CREDIT_WORDS
    for column in raw.columns:
        if column in taken or column == OVERFLOW:
            continue
        values = set(raw[column].drop_nulls().str.strip_chars().str.to_lowercase().unique().to_list())
        if values and values <= words and values & DEBIT_WORDS:
            return column
    return None


# ---------------------------------------------------------------------------------------------- fields


def _text(column: str | None) -> pl.Expr:
    if column is None:
        return pl.lit("")
    return pl.col(column).fill_null("").str.strip_chars().str.replace_all(r"\s+", " ")


def _amounts(frame: pl.DataFrame, mapping: ColumnMapping) -> tuple[pl.Series, ColumnMapping, str | None]:
    """The signed amounts (negative = money out), the mapping with decimal_comma settled, and the
    currency named by a symbol in the amounts (e.g. '£')."""
    columns = [c for c in (mapping.amount, mapping.debit, mapping.credit) if c]
    texts = {c: frame[c].str.strip_chars().fill_null("") for c in columns}
    written = pl.concat([t.filter(t != "") for t in texts.values()])
    decimal_comma = mapping.decimal_comma
    if decimal_comma is None:
        decimal_comma = bool(written.str.contains(r",\d{2}$").any() and not written.str.contains(r"\.\d{2}$").any())
        mapping = mapping.model_copy(update={"decimal_comma": decimal_comma})
    numbers = {c: read_amounts(frame, c, decimal_comma) for c in columns}
    if mapping.amount:
        amount = numbers[mapping.amount]
        if mapping.direction:
            amount = _directed(frame, mapping.direction, amount)
    else:
        neither = frame.filter(pl.all_horizontal([texts[c] == "" for c in columns]))
        if not neither.is_empty():
            raise InputError(
                f"Lines {listed(neither['line'].to_list())} have neither a debit nor a credit amount "
                f"(columns {', '.join(repr(c) for c in columns)})."
            )
        zero = pl.Series([0.0] * frame.height)
        debit = numbers[mapping.debit].abs().fill_null(0.0) if mapping.debit else zero
        credit = numbers[mapping.credit].abs().fill_null(0.0) if mapping.credit else zero
        amount = credit - debit
    if mapping.negate:
        amount = -amount
    symbol = next(
        (code for sign, code in SYMBOLS.items() if written.str.contains(sign, literal=True).any()),
        None,
    )
    return amount.round(4), mapping, symbol


def _directed(frame: pl.DataFrame, column: str, amount: pl.Series) -> pl.Series:
    """Unsigned `amount` signed by the DEBIT/CREDIT words in `column`."""
    words = frame[column].str.strip_chars().str.to_lowercase().fill_null("")
    unknown = ~words.is_in(list(DEBIT_WORDS | CREDIT_WORDS))
    if unknown.any():
        raise InputError(
            f"Column {column!r} should say debit or credit, but has {examples(frame.filter(unknown), column)}."
        )
    return amount.abs().zip_with(words.is_in(list(CREDIT_WORDS)), -amount.abs())


def _currencies(frame: pl.DataFrame, mapping: ColumnMapping, fallback: str) -> pl.Series:
    """Each row's ISO 4217 code: from the currency column where there is one and it is filled, else `fallback`."""
    if not mapping.currency:
        return pl.Series("currency", [fallback] * frame.height, pl.String)
    written = frame[mapping.currency].str.strip_chars().fill_null("")
    codes = written.replace(SYMBOLS).str.to_uppercase()
    bad = (codes != "") & ~codes.str.contains(r"^[A-Z]{3}$")
    if bad.any():
        raise InputError(
            f"Column {mapping.currency!r} should hold ISO 4217 codes such as GBP, but has {examples(frame.filter(bad), mapping.currency)}."
        )
    return codes.zip_with(codes != "", pl.Series([fallback] * frame.height, dtype=pl.String))


def _mcc(frame: pl.DataFrame, mapping: ColumnMapping) -> pl.Series:
    """Each row's merchant category code (4 digits), or null."""
    if not mapping.mcc:
        return pl.Series("mcc", [None] * frame.height, pl.String)
    codes = frame[mapping.mcc].str.strip_chars().fill_null("")
    bad = (codes != "") & ~codes.str.contains(r"^\d{4}$")
    if bad.any():
        raise InputError(
            f"Column {mapping.mcc!r} should hold 4-digit merchant category codes, but has {examples(frame.filter(bad), mapping.mcc)}."
        )
    return codes.zip_with(codes != "", pl.Series([None] * frame.height, dtype=pl.String))
