"""Which column of a bank CSV holds what: by header name (English, French, German, Spanish), by content in a
headerless file, or as the user's mapping says (by name or by column number).

    mapping, notes, question = detect_columns(table_columns, sample_rows, given)

Header names are compared without case, accents or punctuation, and a currency code in a name
(`Amount (EUR)`, `Betrag in EUR`) is read as the file's currency. A headerless file is mapped by
what its columns hold: the dates, the amounts (one signed column; a debit and a credit column,
of which each row fills one; a balance that follows the amounts) and the longest text. When the
content does not settle which column is which, the result carries a question whose answers are
mappings by column number.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Literal

import polars as pl
from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field

from codexcontinue import InputError

from .amount_columns import AMOUNT_PATTERN, decimal_mark, read_amount_column
from .csv_checks import running_balance
from .date_columns import looks_like_date
from .questions import Answer, Question

#: Header names (normalised: lower case, no accents, punctuation as spaces) that identify each field, best first.
HEADER_NAMES: dict[str, list[str]] = {
    "date": [
        "transaction date", "date", "trans date", "posting date", "posted date", "post date", "booking date",
        "completed date", "started date", "datetime", "date time", "timestamp", "value date", "date op",
        "date operation", "date de l operation", "date de operation", "date comptable", "date de valeur", "date valeur",
        "datum", "buchungstag", "buchungsdatum", "buchung", "transaktionsdatum", "valutadatum", "wertstellung", "valuta",
        "fecha", "fecha operacion", "fecha de operacion", "fecha contable", "fecha valor", "fecha de valor", "data",
    ],
    "description": [
        "description", "transaction description", "payee", "payee name", "merchant", "merchant name", "name",
        "counter party", "counterparty", "narrative", "transaction details", "details", "particulars", "label", "memo",
        "reference", "note",
        "libelle", "libelle operation", "libelle de l operation", "libelle court", "detail", "descriptif",
        "nature de l operation", "beneficiaire", "verwendungszweck", "buchungstext", "beschreibung", "empfanger",
        "auftraggeber empfanger", "auftraggeber begunstigter", "auftraggeber beguenstigter",
        "begunstigter zahlungspflichtiger", "beguenstigter zahlungspflichtiger", "name zahlungsbeteiligter",
        "umsatztext",
        "text", "texte", "texto", "concepto", "descripcion", "movimiento", "beneficiario", "detalle", "observaciones",
    ],
    "amount": [
        "amount", "transaction amount", "net amount", "net", "amount total", "betrag", "umsatz", "montant",
        "montant operation", "importe", "monto", "cantidad", "valor", "value", "amt", "gross", "total",
    ],
    "debit": [
        "debit", "debit amount", "paid out", "money out", "withdrawal", "withdrawals", "withdrawal amount", "debits",
        "out", "outflow", "charge", "charges", "soll", "lastschrift", "ausgang", "belastung", "montant debit",
        "debit euros", "sortie", "cargo", "cargos", "retirada", "retiro", "debe", "uscite", "addebiti",
    ],
    "credit": [
        "credit", "credit amount", "paid in", "money in", "deposit", "deposits", "deposit amount", "credits", "in",
        "inflow", "haben", "gutschrift", "eingang", "montant credit", "credit euros", "entree", "abono", "abonos",
        "ingreso",
        "ingresos", "haber", "entrate", "accrediti",
    ],
    "balance": [
        "balance", "running balance", "running bal", "account balance", "balance after", "saldo", "kontostand",
        "solde", "saldo contable", "saldo disponible", "disponible",
    ],
    "opening_balance": [
        "beginning balance", "opening balance", "starting balance", "start balance", "anfangssaldo", "saldo inicial",
        "solde initial", "solde debut",
    ],
    "closing_balance": [
        "ending balance", "closing balance", "end balance", "endsaldo", "saldo final", "solde final", "solde fin",
    ],
    "currency": [
        "currency", "ccy", "currency code", "local currency", "wahrung", "waehrung", "devise", "monnaie", "divisa",
        "moneda",
    ],
    "mcc": ["mcc", "merchant category code", "mcc code", "category code"],
    "account": [
        "account", "account number", "account name", "account id", "konto", "auftragskonto", "compte",
        "numero de compte", "cuenta",
    ],
    "direction": [
        "debit credit", "dr cr", "credit debit indicator", "debit credit indicator", "cr dr", "transaction direction",
        "soll haben", "s h", "sens", "debe haber",
    ],
    "transaction_id": ["transaction id", "transaction reference", "fitid", "id", "transaktions id", "referenz"],
}  # fmt: skip
COLUMN_FIELDS = list(HEADER_NAMES)
DEBIT_WORDS = {"debit", "dr", "d", "db", "withdrawal", "out", "soll", "s", "lastschrift", "belastung", "cargo", "debe"}
CREDIT_WORDS = {"credit", "cr", "c", "deposit", "in", "receipt", "haben", "h", "gutschrift", "abono", "haber"}
ColumnRef = str | int


class ColumnMapping(BaseModel):
    """Which column holds what, and how to read it. Give only what detection got wrong or asked about; the rest is
    detected. Columns are named by their header, or by number (1 = the first column; the only way for a headerless
    file). A file has either `amount` (signed, or unsigned with a `direction` column) or `debit` and `credit`."""

    model_config = ConfigDict(extra="forbid")

    date: ColumnRef | None = Field(default=None, description="Column with the transaction date.")
    description: ColumnRef | None = Field(default=None, description="Column with the payee or narrative.")
    amount: ColumnRef | None = Field(default=None, description="Column with the signed amount.")
    debit: ColumnRef | None = Field(default=None, description="Column with money out (when amounts are split).")
    credit: ColumnRef | None = Field(default=None, description="Column with money in (when amounts are split).")
    direction: ColumnRef | None = Field(default=None, description="Column saying debit/credit for unsigned amounts.")
    balance: ColumnRef | None = Field(default=None, description="Column with the balance after each row (checked).")
    opening_balance: ColumnRef | None = Field(default=None, description="Column with the statement's opening balance.")
    closing_balance: ColumnRef | None = Field(default=None, description="Column with the statement's closing balance.")
    currency: ColumnRef | None = Field(default=None, description="Column with each row's ISO currency code.")
    mcc: ColumnRef | None = Field(default=None, description="Column with the merchant category code (ISO 18245).")
    account: ColumnRef | None = Field(default=None, description="Column naming the account.")
    transaction_id: ColumnRef | None = Field(default=None, description="Column with the bank's own transaction id.")
    header: bool | None = Field(default=None, description="Whether the file has a header row (detected when unset).")
    date_order: Literal["DMY", "MDY", "YMD"] | None = Field(
        default=None, description="Order of day, month and year in numeric dates (asked when the dates allow both)."
    )
    decimal_comma: bool | None = Field(default=None, description="Amounts are written 1.234,56 (asked when unclear).")
    negate: bool | None = Field(
        default=None,
        description="Flip every sign: true for card exports that show charges as positive (asked when they look so).",
    )
    ignore_balance: bool = Field(
        default=False, description="Import although the balance column does not follow the amounts (not advised)."
    )

    def columns_given(self) -> dict[str, ColumnRef | None]:
        """The column fields this mapping sets (None included: 'no such column')."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if k in COLUMN_FIELDS}


def normal_name(name: str) -> str:
    """A header name compared without case, accents or punctuation: 'Libellé de l'opération' -> 'libelle de l operation'."""
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)  # camelCase: 'dateOp' -> 'date Op'
    decomposed = unicodedata.normalize("NFKD", name.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@cache
def _currency_codes() -> frozenset[str]:
    return frozenset(code.lower() for code in list_currencies())


def name_without_currency(name: str) -> tuple[str, str | None]:
    """`name` normalised, without a currency code it carries ('Amount (EUR)' -> ('amount', 'EUR'))."""
    words = normal_name(name).split()
    codes = [w for w in words if w in _currency_codes() and w not in ("all", "top")]
    rest = [w for w in words if w not in codes and w not in ("in", "en")] if codes and len(words) > 1 else words
    return " ".join(rest), (codes[0].upper() if codes and len(words) > 1 else None)


def resolve(columns: list[str], field: str, reference: ColumnRef | None) -> str | None:
    """The column a mapping field names (by header or 1-based number); `InputError` when the file has no such column."""
    if reference is None:
        return None
    if isinstance(reference, int) or (isinstance(reference, str) and reference.strip().isdigit()):
        number = int(reference)
        if not 1 <= number <= len(columns):
            raise InputError(
                f"The mapping names column {number} for {field}, but the file has {len(columns)} columns; name one of "
                f"1 to {len(columns)}."
            )
        return columns[number - 1]
    if reference in columns:
        return reference
    spaced = " ".join(reference.split())
    if spaced in columns:
        return spaced
    raise InputError(
        f"The mapping names column {reference!r} for {field}, but the file's columns are: {', '.join(columns)}. Name "
        "one of them (or its number)."
    )


def detect_columns(
    columns: list[str], sample: pl.DataFrame, given: dict[str, ColumnRef | None], has_header: bool
) -> tuple[dict[str, str | None], list[str], Question | None, str | None]:
    """The column of each field (the given ones resolved, the rest detected), notes about the guesses, a question
    when the file does not say which column is which, and a currency named in a header."""
    chosen: dict[str, str | None] = {field: resolve(columns, field, ref) for field, ref in given.items()}
    taken = {c for c in chosen.values() if c}
    header_currency = None
    notes: list[str] = []
    if has_header:
        by_name: dict[str, str] = {}
        for column in reversed(columns):
            base, code = name_without_currency(column)
            by_name[base] = column
            if code and header_currency is None:
                header_currency = code
        for field in COLUMN_FIELDS:
            if field in chosen:
                continue
            found = next((by_name[n] for n in HEADER_NAMES[field] if n in by_name and by_name[n] not in taken), None)
            chosen[field] = found
            if found:
                taken.add(found)
        if chosen.get("amount") is None and "amount" not in given and not (chosen.get("debit") or chosen.get("credit")):
            chosen["amount"] = next(
                (c for c in columns if "amount" in normal_name(c).split() and c not in taken and "fee" not in c.lower()),
                None,
            )
        if chosen.get("amount") and (chosen.get("debit") or chosen.get("credit")):
            drop = ("debit", "credit") if "amount" in given or not ("debit" in given or "credit" in given) else ("amount",)
            if drop == ("debit", "credit") and chosen.get("debit") and chosen.get("credit") and "amount" not in given:
                drop = ("amount",)  # a pair of debit and credit columns says more than one 'amount'
            for field in drop:
                chosen[field] = None
        question = None
    else:
        question = _by_content(columns, sample, chosen, notes)
    if chosen.get("amount") and not chosen.get("direction") and "direction" not in given:
        chosen["direction"] = _direction_column(sample, chosen)
        if chosen["direction"]:
            notes.append(f"Amounts are unsigned; the sign is taken from column {chosen['direction']!r}.")
    for field in COLUMN_FIELDS:
        chosen.setdefault(field, None)
    return chosen, notes, question, header_currency


def _direction_column(sample: pl.DataFrame, chosen: dict[str, str | None]) -> str | None:
    """A column of debit/credit words, when the amount column has no negative value."""
    amounts = sample[chosen["amount"]].drop_nulls().str.strip_chars()
    if amounts.str.contains(r"^[\(\-−]|[\)\-]$|(?i)DR$").any():
        return None
    taken = {c for c in chosen.values() if c}
    for column in sample.columns:
        if column in taken or column == "line" or column.startswith("\x00"):
            continue
        values = set(sample[column].drop_nulls().str.strip_chars().to_list())
        plain = {normal_name(v) for v in values}
        if plain and plain <= DEBIT_WORDS | CREDIT_WORDS and plain & DEBIT_WORDS and plain & CREDIT_WORDS:
            return column
    return None


def direction_signs(words: pl.Series) -> pl.Series:
    """+1 for each credit word, -1 for each debit word, 0 for anything else."""
    written = words.fill_null("")
    unique = written.unique().to_list()
    plain = written.replace_strict(unique, [normal_name(w) for w in unique], return_dtype=pl.String)
    return plain.is_in(list(CREDIT_WORDS)).cast(pl.Int8) - plain.is_in(list(DEBIT_WORDS)).cast(pl.Int8)


# ------------------------------------------------------------------------------------------ headerless files


def _profile(sample: pl.DataFrame, column: str) -> dict[str, float]:
    values = sample[column].str.strip_chars()
    filled = values.filter(values.is_not_null() & (values != ""))
    if filled.is_empty():
        return {"filled": 0.0, "dates": 0.0, "amounts": 0.0, "length": 0.0, "distinct": 0.0}
    unique = filled.unique().to_list()
    dated = {value for value in unique if looks_like_date(value)}
    return {
        "filled": filled.len() / max(values.len(), 1),
        "dates": filled.is_in(list(dated)).mean(),
        "amounts": filled.str.contains(AMOUNT_PATTERN).mean() if not dated else 0.0,
        "length": filled.str.len_chars().mean(),
        "distinct": len(unique) / filled.len(),
    }


def _by_content(
    columns: list[str], sample: pl.DataFrame, chosen: dict[str, str | None], notes: list[str]
) -> Question | None:
    """Map a headerless file's columns by what they hold; a question when the amounts could be read two ways."""
    profiles = {c: _profile(sample, c) for c in columns}
    free = [c for c in columns if c not in {v for v in chosen.values() if v}]
    if "date" not in chosen:
        dates = [c for c in free if profiles[c]["dates"] >= 0.95 and profiles[c]["filled"] >= 0.9]
        chosen["date"] = dates[0] if dates else None
        if len(dates) > 1:
            notes.append(f"Several columns hold dates; the first ({dates[0]}) is read as the transaction date.")
    free = [c for c in free if c != chosen.get("date")]
    amounts = [c for c in free if profiles[c]["amounts"] >= 0.95]
    texts = [c for c in free if c not in amounts and profiles[c]["filled"] > 0]
    if "description" not in chosen:
        chosen["description"] = max(texts, key=lambda c: profiles[c]["length"] * profiles[c]["distinct"], default=None)
    if any(field in chosen for field in ("amount", "debit", "credit")):
        return None
    number = {c: columns.index(c) + 1 for c in columns}
    if len(amounts) == 1:
        chosen["amount"] = amounts[0]
        return None
    always = [c for c in amounts if profiles[c]["filled"] >= 0.99]
    sometimes = [c for c in amounts if c not in always]
    if len(amounts) == 2 and len(sometimes) == 2 and _one_of_each(sample, *sometimes):
        first, second = sometimes
        return Question(
            id="columns",
            text=(
                f"Columns {number[first]} and {number[second]} hold amounts and each row fills one of them. "
                f"Which is money out (debit)?"
            ),
            answers=[
                Answer(label=f"Column {number[first]} is money out", mapping={"debit": number[first], "credit": number[second]}),
                Answer(label=f"Column {number[second]} is money out", mapping={"debit": number[second], "credit": number[first]}),
            ],
        )  # fmt: skip
    if len(amounts) == 2 and len(always) == 2:
        first, second = always
        settled = _amount_and_balance(sample, chosen.get("date"), first, second)
        if settled:
            chosen["amount"], chosen["balance"] = settled
            notes.append(
                f"Column {number[settled[0]]} is read as the amount and column {number[settled[1]]} as the balance: "
                "only that way round does the balance follow the amounts."
            )
            return None
        return Question(
            id="columns",
            text=f"Columns {number[first]} and {number[second]} both hold amounts on every row. Which is the "
            "transaction's amount, and which the balance after it?",
            answers=[
                Answer(label=f"Column {number[first]} is the amount", mapping={"amount": number[first], "balance": number[second]}),
                Answer(label=f"Column {number[second]} is the amount", mapping={"amount": number[second], "balance": number[first]}),
            ],
        )  # fmt: skip
    if len(amounts) == 3 and len(always) == 1 and len(sometimes) == 2 and _one_of_each(sample, *sometimes):
        chosen["balance"] = always[0]
        first, second = sometimes
        return Question(
            id="columns",
            text=f"Columns {number[first]} and {number[second]} hold amounts and each row fills one of them; column "
            f"{number[always[0]]} looks like the balance. Which is money out (debit)?",
            answers=[
                Answer(label=f"Column {number[first]} is money out", mapping={"debit": number[first], "credit": number[second], "balance": number[always[0]]}),
                Answer(label=f"Column {number[second]} is money out", mapping={"debit": number[second], "credit": number[first], "balance": number[always[0]]}),
            ],
        )  # fmt: skip
    return None


def _amount_and_balance(sample: pl.DataFrame, date: str | None, first: str, second: str) -> tuple[str, str] | None:
    """(amount, balance) when exactly one of the two ways round has a balance that follows the amounts."""
    try:
        mark, question = decimal_mark([sample[first], sample[second]], None)
        if question is not None:
            return None
        values = {column: read_amount_column(sample, column, mark) for column in (first, second)}
    except InputError:
        return None
    days = sample[date] if date else pl.Series([""] * sample.height)
    fitting = [
        (amount, balance)
        for amount, balance in ((first, second), (second, first))
        if running_balance(
            pl.DataFrame({"line": sample["line"], "date": days, "amount": values[amount], "balance": values[balance]})
        )[0]
        in ("follows", "flipped")
    ]
    return fitting[0] if len(fitting) == 1 else None


def _one_of_each(sample: pl.DataFrame, first: str, second: str) -> bool:
    filled = [sample[c].str.strip_chars().fill_null("") != "" for c in (first, second)]
    return bool((filled[0] ^ filled[1]).all())
