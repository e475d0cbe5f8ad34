"""Bank CSV exports read into transactions: the table found, its columns mapped, every row read, checked, or asked about.

    reading = read_bank_csv(text, "bank.csv", CsvOptions(...))

`reading.frame` has one row per transaction with `line` (its line in the file), `date`,
`description`, `amount` (negative = money out), `currency`, `mcc`, `account` and `fitid` (the
bank's own id, when the file has a column of them). While `reading.layout.questions` is not empty,
the file does not say something that decides what would be stored, and nothing may be stored: the
frame is None when the dates, the decimal mark or the columns are in question, and the rows as
written otherwise (their signs or balance in question). Lines that are not transactions (a preamble, a footer, a
row with neither date nor amount) are listed in the layout with why they were left out; anything
else that cannot be read refuses the whole file with its lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

import polars as pl
from pydantic import BaseModel, Field

from codexcontinue import InputError
from codexcontinue.cpu_work import checkpoint

from .amount_columns import decimal_mark, read_amount_column
from .csv_checks import CENT, CLOSING_WORDS, OPENING_WORDS, TOTAL_WORDS, card_sign_question, check_balances

_SUMMARY = "|".join(p.removeprefix("(?i)") for p in (TOTAL_WORDS, OPENING_WORDS, CLOSING_WORDS, r"\b(?:balance|saldo|solde)\b"))
#: What a line that sums up or states a balance says ('Total', 'Closing balance', 'Saldo'), for Python and for polars.
SUMMARY_WORDS = re.compile(_SUMMARY, re.IGNORECASE)
RUST_SUMMARY_WORDS = f"(?i){_SUMMARY}"
from .csv_columns import COLUMN_FIELDS, ColumnMapping, detect_columns, direction_signs, normal_name, resolve
from .csv_table import OVERFLOW, SEPARATOR_NAMES, Table, read_table, unix_lines
from .date_columns import looks_like_date, read_date_column
from .messages import counted, examples, listed
from .questions import Question

#: Rows read to detect the column mapping before the whole file is read.
SAMPLE_ROWS = 2000
#: Lines left out that the layout lists one by one (the rest are counted).
LISTED_SKIPS = 50
SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "₹": "INR", "CHF": "CHF"}
#: Headers that say a file is not a bank statement, and what to upload instead.
NOT_STATEMENTS = [
    (
        {"order id", "order date"},
        {"asin isbn", "title", "product name", "item subtotal", "unspsc code"},
        (
            "an order history (items ordered from a shop, such as Amazon's order report), not a statement of money "
            "moving in an account. Upload the statement of the card or bank account that paid for the orders "
            "instead (its CSV or OFX download); the orders' charges are in it"
        ),
    ),
    (
        {"symbol", "ticker"},
        {"quantity", "shares", "units"},
        (
            "a trade history (securities bought and sold), not a bank statement. Upload it on the Portfolio page "
            "(PUT /api/v1/finance/portfolios/{name}/activity) instead"
        ),
    ),
]


class SkippedLine(BaseModel):
    """A line of the file that is not a transaction, and why."""

    line: int
    text: str
    reason: str


class CsvLayout(BaseModel):
    """How a file was read: encoding, line endings, separator, header, the mapping used, what was left out and why,
    the checks it passed and the questions it still needs answered."""

    encoding: str
    line_endings: str = Field(description="'\\n', '\\r\\n', or '\\r' (classic Mac).")
    header_line: int | None = Field(description="1-based line of the header row; None for a headerless file.")
    separator: str
    columns: list[str]
    mapping: ColumnMapping
    ignored_columns: list[str] = Field(description="Columns no field was read from.")
    currency: str | None = Field(description="Currency of every row when the file has no currency column.")
    dates_written_as: str | None = None
    decimal_mark: str | None = None
    data_lines: int = Field(0, description="Lines under the header (or from the first row of a headerless file).")
    rows: int = Field(0, description="CSV rows in those lines (a quoted field may run over several lines).")
    transactions: int = 0
    skipped: list[SkippedLine] = Field(default_factory=list, description="Lines that are not transactions.")
    skipped_count: int = Field(0, description="How many lines were left out (blank lines included).")
    checks: list[str] = Field(default_factory=list, description="Checks the file passed.")
    notes: list[str] = Field(default_factory=list, description="What was decided, worth a look.")
    questions: list[Question] = Field(default_factory=list, description="What must be answered before an import.")
    remembered_from: str | None = Field(None, description="The account whose remembered layout was used.")


@dataclass
class CsvOptions:
    """What the request says about a CSV: the mapping sent, the account's remembered one, account and currency."""

    mapping: ColumnMapping | None
    remembered: ColumnMapping | None
    account: str | None
    currency: str | None
    default_currency: str
    encoding: str


@dataclass
class CsvReading:
    """The transactions of a file (None while questions are open), how it was read, and its first rows as written."""

    frame: pl.DataFrame | None
    layout: CsvLayout
    raw_rows: list[dict[str, str | None]]


def read_bank_csv(text: str, filename: str, options: CsvOptions) -> CsvReading:
    """Read the bank CSV `text`. A row's currency is its currency column's value, else the form's `currency`, else
    one a header names ('Amount (EUR)'), else one a symbol in the amounts names ('£'), else the default. Its
    account is its account column's value, else the form's `account`, else 'default'."""
    text, endings = unix_lines(text)
    mapping, remembered_from, notes = _layered(options, text, filename)
    sample = read_table(text, filename, mapping.header, rows=SAMPLE_ROWS)
    _refuse_other_files(sample.columns, filename)
    given = mapping.columns_given()
    chosen, detect_notes, column_question, header_currency = detect_columns(
        sample.columns, sample.rows, given, sample.header_line is not None
    )
    notes += detect_notes
    layout = CsvLayout(
        encoding=options.encoding,
        line_endings=endings,
        header_line=sample.header_line,
        separator=SEPARATOR_NAMES[sample.separator],
        columns=sample.columns,
        mapping=mapping,
        ignored_columns=[],
        currency=None,
        notes=notes,
        remembered_from=remembered_from,
    )
    notes = layout.notes  # the layout holds its own copy: what is noted from here on goes into it
    if column_question is not None:
        layout.questions.append(column_question)
        return CsvReading(None, layout, _raw(sample))
    _require(chosen, sample.columns, filename, sample.header_line is not None)
    used = [c for c in dict.fromkeys(chosen.values()) if c]
    table = read_table(text, filename, mapping.header, keep=used)
    checkpoint()  # stop here when the request was cancelled (time limit): each step below is a pass over every row
    _refuse_overflow(table.rows)
    layout.data_lines, layout.rows = table.lines, table.rows.height
    rows, skipped, summaries = _transaction_rows(table, chosen, filename)
    layout.skipped = skipped[:LISTED_SKIPS]
    layout.skipped_count = table.rows.height - rows.height
    layout.mapping = mapping.model_copy(update={f: chosen[f] for f in COLUMN_FIELDS})
    layout.ignored_columns = [c for c in table.columns if c not in used]
    checkpoint()
    dates = read_date_column(rows, chosen["date"], mapping.date_order)
    layout.dates_written_as = dates.written_as
    notes += [dates.note] if dates.note else []
    amount_columns = [c for f in ("amount", "debit", "credit", "balance") if (c := chosen[f])]
    mark, mark_question = decimal_mark([rows[c] for c in amount_columns], mapping.decimal_comma)
    layout.decimal_mark = mark
    layout.questions += [q for q in (dates.question, mark_question) if q]
    if layout.questions:
        return CsvReading(None, layout, _raw(sample))
    layout.mapping = layout.mapping.model_copy(update={"date_order": dates.order, "decimal_comma": mark == ","})
    checkpoint()
    amount = _signed_amounts(rows, chosen, mark, mapping.negate is True)
    file_currency = _file_currency(options.currency, header_currency, rows, amount_columns, options.default_currency)
    frame = pl.DataFrame(
        {
            "line": rows["line"].cast(pl.Int64),
            "date": dates.dates,
            "description": _text(rows, chosen["description"]),
            "amount": amount,
            "currency": _currencies(rows, chosen["currency"], file_currency),
            "mcc": _mcc(rows, chosen["mcc"]),
            "account": _accounts(rows, chosen, options.account or "default", notes),
            "fitid": _ids(rows, chosen["transaction_id"], notes),
        }
    )  # fmt: skip
    layout.mapping = layout.mapping.model_copy(update={"account": chosen["account"]})  # unless it named other parties
    layout.currency = None if chosen["currency"] else file_currency
    layout.transactions = frame.height
    inside = layout.data_lines - layout.rows
    layout.checks.append(
        f"Every line under the header is accounted for: {counted(frame.height, 'transaction')} and "
        f"{counted(layout.skipped_count, 'line')} that are not transactions"
        + (f", with {counted(inside, 'more line')} inside quoted fields," if inside else "")
        + f" make the file's {counted(layout.data_lines, 'line')}."
    )
    checkpoint()
    _check(frame, rows, table.rows, chosen, summaries, mark, mapping, layout)
    return CsvReading(frame, layout, _raw(sample))


# ------------------------------------------------------------------------------------------ mapping


def _layered(options: CsvOptions, text: str, filename: str) -> tuple[ColumnMapping, str | None, list[str]]:
    """The mapping to read with: the account's remembered one (when it fits this file) under the one sent."""
    sent = options.mapping.model_dump(exclude_unset=True) if options.mapping else {}
    if options.remembered is None:
        return ColumnMapping(**sent), None, []
    remembered = options.remembered.model_dump(exclude_unset=True)
    try:
        sample = read_table(text, filename, {**remembered, **sent}.get("header"), rows=50)
        for field, reference in options.remembered.columns_given().items():
            resolve(sample.columns, field, reference)
    except InputError:
        note = f"The layout remembered for account {options.account!r} does not fit this file; it was detected afresh."
        return ColumnMapping(**sent), None, [note]
    note = f"The layout remembered for account {options.account!r} was used (send a mapping to change it)."
    return ColumnMapping(**{**remembered, **sent}), options.account, [note]


def _refuse_other_files(columns: list[str], filename: str) -> None:
    names = {normal_name(c) for c in columns}
    for first, second, what in NOT_STATEMENTS:
        if names & first and names & second:
            raise InputError(f"'{filename}' is {what}.", status=422)


def _require(chosen: dict[str, str | None], columns: list[str], filename: str, has_header: bool) -> None:
    missing = [f for f in ("date", "description") if chosen[f] is None]
    if chosen["amount"] is None and chosen["debit"] is None and chosen["credit"] is None:
        missing.append("amount (or debit and credit)")
    if not missing:
        return
    example = '{"date": 1, "description": 2, "amount": 3}' if not has_header else f'{{"date": "{columns[0]}", ...}}'
    kind = "" if has_header else " (it has no header row, so name columns by number)"
    raise InputError(
        f"Could not tell which column of '{filename}' holds the {' and the '.join(missing)}{kind}; its columns are "
        f"{', '.join(columns)}. Send a mapping, e.g. {example}."
    )


def _refuse_overflow(rows: pl.DataFrame) -> None:
    """Refuse rows with more non-empty fields than the header names (a trailing empty field is fine)."""
    if OVERFLOW not in rows.columns:
        return
    extra = rows.filter(pl.col(OVERFLOW).is_not_null() & (pl.col(OVERFLOW).str.strip_chars() != ""))
    if not extra.is_empty():
        raise InputError(
            f"Lines {listed(extra['line'].to_list())} have more fields than the header names; the file may use a "
            "different separator or have unquoted separators in a description. Quote those fields or fix the header."
        )


# ------------------------------------------------------------------------------------------ rows


def _transaction_rows(
    table: Table, chosen: dict[str, str | None], filename: str
) -> tuple[pl.DataFrame, list[SkippedLine], list[tuple[int, str, dict[str, str]]]]:
    """The rows that are transactions; the lines left out, with why; and the summary lines around the table (line,
    label, amounts by field) such as 'Total' or 'Closing balance'."""
    rows = table.rows
    cells = [c for c in rows.columns if c not in ("line", OVERFLOW)]
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in cells])
    date_text = rows[chosen["date"]].str.strip_chars().fill_null("")
    unique = date_text.unique().to_list()
    dated = date_text.is_in([value for value in unique if value and looks_like_date(value)])
    money = [c for f in ("amount", "debit", "credit") if (c := chosen[f])]
    has_amount = pl.any_horizontal([pl.col(c).str.strip_chars().fill_null("") != "" for c in money])
    marked = rows.with_columns(dated.alias("_dated"), blank.alias("_blank"), has_amount.alias("_amount"))
    positions = marked.with_row_index("_i").filter(pl.col("_dated"))["_i"]
    if positions.is_empty():
        if marked["_blank"].all():
            raise InputError(f"'{filename}' has a header but no transactions under it.")
        read_date_column(marked.filter(~pl.col("_blank")), chosen["date"], None)  # names the values that are not dates
        raise InputError(
            f"'{filename}' has no row with a date in column {chosen['date']!r}; name the date column in mapping.date."
        )
    first, last = positions.min(), positions.max()
    index = pl.int_range(pl.len())
    around = ((index < first) | (index > last)) & ~pl.col("_dated") & ~pl.col("_blank")
    marked = marked.with_columns(around.alias("_edge"))
    # around the table, a line with an amount is a summary ('Total', 'Closing balance') or else a transaction
    # whose date is wrong: that one stays, to be refused with its line
    with_amount = marked.filter(pl.col("_edge") & pl.col("_amount"))["line"].to_list()
    texts = _line_texts(table, [*marked.filter(pl.col("_edge"))["line"].head(LISTED_SKIPS).to_list(), *with_amount[:20]])
    summary_lines = [line for line in with_amount if SUMMARY_WORDS.search(texts.get(line, ""))]
    edge = pl.col("_edge") & (~pl.col("_amount") | pl.col("line").is_in(summary_lines))
    empty = ~pl.col("_blank") & ~pl.col("_amount") & (pl.col(chosen["date"]).str.strip_chars().fill_null("") == "")
    # a dated row without an amount that says it is a balance ('Beginning balance as of 01/01/2024'), as some banks
    # put at the top of the table
    described = pl.col(chosen["description"]).fill_null("") if chosen["description"] else pl.lit("")
    balance_line = ~pl.col("_blank") & ~pl.col("_amount") & pl.col("_dated") & described.str.contains(RUST_SUMMARY_WORDS)
    marked = marked.with_columns(edge.alias("_edge"), ((empty | balance_line) & ~edge).alias("_empty"))
    summary_lines += marked.filter(balance_line)["line"].head(20).to_list()
    left_out = marked.filter(pl.col("_edge") | pl.col("_empty"))
    texts.update(_line_texts(table, [n for n in left_out["line"].head(LISTED_SKIPS).to_list() if n not in texts]))
    reasons = {True: "around the table (a preamble or footer)", False: "no date and no amount"}
    skipped = [
        SkippedLine(
            line=line,
            text=texts.get(line, ""),
            reason="a balance line (it has no amount)" if line in summary_lines and not is_edge else reasons[is_edge],
        )
        for line, is_edge in left_out.select("line", "_edge").head(LISTED_SKIPS).iter_rows()
    ]
    skipped = [SkippedLine(line=n, text=t, reason="above the table (a preamble)") for n, t in table.preamble] + skipped
    said = marked.filter(pl.col("line").is_in(summary_lines)).select("line", described.alias("said")).iter_rows()
    labels = {**texts, **{line: text for line, text in said if text}}
    summaries = [
        (row["line"], labels.get(row["line"], ""), {f: row[chosen[f]] for f in ("amount", "debit", "credit", "balance") if chosen[f]})
        for row in marked.filter(pl.col("line").is_in(summary_lines)).to_dicts()
    ]
    rows = marked.filter(~pl.col("_edge") & ~pl.col("_empty") & ~pl.col("_blank")).drop(
        "_dated", "_blank", "_amount", "_edge", "_empty"
    )
    no_amount = rows.filter(pl.all_horizontal([pl.col(c).str.strip_chars().fill_null("") == "" for c in money]))
    if not no_amount.is_empty():
        raise InputError(
            f"Lines {listed(no_amount['line'].to_list())} have a date but no amount (columns "
            f"{', '.join(repr(c) for c in money)}); fill them in or export the file again."
        )
    return rows, skipped, summaries


def _line_texts(table: Table, lines: list[int]) -> dict[int, str]:
    """The text of the given lines of the table's data (for the list of lines left out), shortened."""
    wanted = set(lines)
    texts: dict[int, str] = {}
    if not wanted:
        return texts
    last = max(wanted)
    data, offset, number = table.data, 0, table.data_start
    while number <= last and offset <= len(data):
        end = data.find(b"\n", offset)
        end = len(data) if end < 0 else end
        if number in wanted:
            text = data[offset:end].decode(errors="replace").replace(table.separator, " ").strip()
            texts[number] = " ".join(text.split())[:120]
        offset, number = end + 1, number + 1
    return texts


def _raw(sample: Table) -> list[dict[str, str | None]]:
    """The first rows as written (for a preview whose rows cannot be read yet)."""
    return sample.rows.drop(OVERFLOW, strict=False).head(20).to_dicts()


# ------------------------------------------------------------------------------------------ fields


def _text(rows: pl.DataFrame, column: str | None) -> pl.Series:
    """The column's text with its spaces collapsed (worked out once per distinct value)."""
    if column is None:
        return _constant("", rows.height)
    written = rows[column].fill_null("")
    unique = written.unique()
    cleaned = unique.str.strip_chars().str.replace_all(r"\s+", " ")
    return written.replace_strict(unique, cleaned, return_dtype=pl.String)


def _constant(value: str, height: int) -> pl.Series:
    return pl.repeat(value, height, eager=True, dtype=pl.String)


def _accounts(rows: pl.DataFrame, chosen: dict[str, str | None], fallback: str, notes: list[str]) -> pl.Series:
    """Each row's account: the account column's value (the form's account, else 'default', where it is blank); a
    column of mostly different values names the other party of each transaction, not the account, and is not used."""
    column = chosen["account"]
    if column is None:
        return _constant(fallback, rows.height)
    values = _text(rows, column)
    filled = values.filter(values != "")
    if filled.n_unique() > 5 and filled.n_unique() > filled.len() / 4:
        notes.append(
            f"Column {column!r} holds {filled.n_unique()} different values, so it names the other party, not the "
            f"account; every row is in account {fallback!r} (send mapping.account to choose)."
        )
        chosen["account"] = None
        return _constant(fallback, rows.height)
    return values.zip_with(values != "", _constant(fallback, rows.height))


def _signed_amounts(rows: pl.DataFrame, chosen: dict[str, str | None], mark: str, negate: bool) -> pl.Series:
    """The signed amounts (negative = money out)."""
    if chosen["amount"]:
        amount = read_amount_column(rows, chosen["amount"], mark)
        if chosen["direction"]:
            signs = direction_signs(rows[chosen["direction"]])
            unknown = rows.filter(signs == 0)
            if not unknown.is_empty():
                raise InputError(
                    f"Column {chosen['direction']!r} should say debit or credit, but has "
                    f"{examples(unknown, chosen['direction'])}. Correct those lines, or name another column in "
                    "mapping.direction."
                )
            amount = amount.abs() * signs.cast(pl.Float64)
    else:
        parts = {f: read_amount_column(rows, c, mark).abs() for f in ("debit", "credit") if (c := chosen[f])}
        debit = parts.get("debit", pl.Series([None] * rows.height, dtype=pl.Float64))
        credit = parts.get("credit", pl.Series([None] * rows.height, dtype=pl.Float64))
        both = rows.filter((debit.fill_null(0) != 0) & (credit.fill_null(0) != 0))
        if not both.is_empty():
            raise InputError(
                f"Lines {listed(both['line'].to_list())} have both a debit and a credit amount; each row should fill "
                "one of them. Check those lines."
            )
        amount = credit.fill_null(0.0) - debit.fill_null(0.0)
    amount = -amount if negate else amount
    return amount.round(4).alias("amount")


def _file_currency(
    form: str | None, header: str | None, rows: pl.DataFrame, amount_columns: list[str], default: str
) -> str:
    if form and header and form.upper() != header:
        raise InputError(
            f"The form says the currency is {form.upper()}, but the file's header says {header}; leave the currency "
            "field empty or correct it."
        )
    if form or header:
        return (form or header or "").upper()
    written = pl.concat([rows[c].drop_nulls() for c in amount_columns]) if amount_columns else pl.Series([], dtype=pl.String)
    symbol = next((code for sign, code in SYMBOLS.items() if written.str.contains(sign, literal=True).any()), None)
    return symbol or default


def _currencies(rows: pl.DataFrame, column: str | None, fallback: str) -> pl.Series:
    """Each row's ISO 4217 code: from the currency column where there is one and it is filled, else `fallback`."""
    if not column:
        return _constant(fallback, rows.height).alias("currency")
    written = rows[column].str.strip_chars().fill_null("")
    codes = written.replace(SYMBOLS).str.to_uppercase()
    bad = (codes != "") & ~codes.str.contains(r"^[A-Z]{3}$")
    if bad.any():
        raise InputError(
            f"Column {column!r} should hold ISO 4217 codes such as GBP, but has {examples(rows.filter(bad), column)}. "
            "Correct those lines, or send mapping.currency null and the currency in the form."
        )
    return codes.zip_with(codes != "", _constant(fallback, rows.height)).alias("currency")


def _mcc(rows: pl.DataFrame, column: str | None) -> pl.Series:
    """Each row's merchant category code (4 digits), or null."""
    if not column:
        return pl.Series("mcc", [None] * rows.height, pl.String)
    codes = rows[column].str.strip_chars().fill_null("")
    bad = (codes != "") & ~codes.str.contains(r"^\d{4}$")
    if bad.any():
        raise InputError(
            f"Column {column!r} should hold 4-digit merchant category codes, but has {examples(rows.filter(bad), column)}. "
            "Correct those lines, or send mapping.mcc null."
        )
    return codes.zip_with(codes != "", pl.Series([None] * rows.height, dtype=pl.String)).alias("mcc")


def _ids(rows: pl.DataFrame, column: str | None, notes: list[str]) -> pl.Series:
    """The bank's transaction ids, when the column has one per row and no repeats; else nulls."""
    none = pl.Series("fitid", [None] * rows.height, pl.String)
    if not column:
        return none
    ids = rows[column].str.strip_chars()
    filled = ids.filter(ids.is_not_null() & (ids != ""))
    if filled.is_duplicated().any():
        notes.append(f"Column {column!r} repeats ids, so rows are told apart by date, amount and description instead.")
        return none
    return ids.replace("", None).alias("fitid")


# ------------------------------------------------------------------------------------------ checks


def _check(
    frame: pl.DataFrame,
    rows: pl.DataFrame,
    every_row: pl.DataFrame,
    chosen: dict[str, str | None],
    summaries: list[tuple[int, str, dict[str, str]]],
    mark: str,
    mapping: ColumnMapping,
    layout: CsvLayout,
) -> None:
    """Balance, opening/closing and totals checks, and the card-sign check; their findings go into `layout`."""
    checked = frame.select("line", "date", "amount", "currency")
    if chosen["balance"]:
        checked = checked.with_columns(read_amount_column(rows, chosen["balance"], mark).alias("balance"))
    opening = _edge_balance(every_row, chosen["opening_balance"], mark, first=True)
    closing = _edge_balance(every_row, chosen["closing_balance"], mark, first=False)
    totals: list[tuple[int, str, float]] = []
    for line, label, values in summaries:
        read = {
            field: read_amount_column(pl.DataFrame({"line": [line], "v": [written]}), "v", mark)[0]
            for field, written in values.items()
            if written and written.strip()
        }
        stated = next((read[f] for f in ("balance", "amount", "credit", "debit") if read.get(f) is not None), None)
        if re.search(TOTAL_WORDS, label):
            totals += [(line, field, value) for field, value in read.items() if field != "balance" and value is not None]
        elif re.search(OPENING_WORDS, label) and opening is None:
            opening = stated
        elif re.search(CLOSING_WORDS, label) and closing is None:
            closing = stated
    if mapping.ignore_balance:
        layout.notes.append("The balance checks were skipped, as asked (ignore_balance).")
        result = check_balances(checked.drop("balance", strict=False), None, None, [], mapping.negate is not None)
    else:
        result = check_balances(checked, opening, closing, totals, mapping.negate is not None)
    layout.checks += result.passed
    layout.questions += result.questions
    signed_by_file = bool(chosen["direction"] or chosen["debit"] or chosen["credit"])
    if mapping.negate is None and (result.signs_flipped or not signed_by_file):
        question = card_sign_question(frame.select("line", "description", "amount"), result.signs_flipped)
        if question:
            layout.questions.append(question)
    if abs(frame["amount"].sum()) < CENT and frame.height > 1:
        layout.notes.append("The amounts add up to zero.")


def _edge_balance(rows: pl.DataFrame, column: str | None, mark: str, *, first: bool) -> float | None:
    """The first (opening) or last (closing) balance written in `column`."""
    if not column:
        return None
    values = rows.select("line", column).filter(pl.col(column).str.strip_chars().fill_null("") != "")
    if values.is_empty():
        return None
    picked = values.head(1) if first else values.tail(1)
    return read_amount_column(picked, column, mark)[0]
