"""Amount columns of exported tables in every locale's form, the decimal mark decided from the whole file.

    decimal, question = decimal_mark([frame["Debit"], frame["Credit"]], given=None)
    amounts = read_amount_column(frame, "Debit", decimal)

An amount may carry a sign before or after it (`-5.75`, `5.75-`, `−5,75`), brackets (`(45.00)`),
`CR`/`DR`, a currency symbol or code (`£1,234.56`, `+ $10.00`, `EUR 12,50`) and thousands
separators of any locale: `1,234.56`, `1.234,56`, `1 234,56` (space, no-break or thin space),
`1'234.56`, `12,34,567.89`. Whether `,` or `.` is the decimal mark is decided from every amount
in the file: the last mark in `1.234,56`, two-or-one digits after it (`12,50`), a mark used twice
(`1,234,567`). When every amount has exactly three digits after a single mark (`1,500`), the file
does not say, and the caller asks. A value whose groups are malformed (`1,23.45`) is refused with
its line, never read as some other number.
"""

from __future__ import annotations

import re

import polars as pl

from codexcontinue import InputError

from .messages import examples
from .questions import Answer, Question

#: Spaces and apostrophes that group thousands: space, no-break space, narrow no-break space, thin space, ' and ’.
GROUPING = " \u00a0\u202f\u2009'\u2019"
_CURRENCY = r"(?:[A-Z]{3}|US\$|R\$|[£€$¥₹₩₽₺]|kr\.?|Fr\.?|zł|Kč|Ft)"
_SIGN = r"[+\-\u2212\u2013]"
#: A whole amount: optional bracket, sign and currency, the digits, then currency, CR/DR or a trailing sign.
AMOUNT_PATTERN = (
    rf"^\(?\s*{_SIGN}?\s*(?:{_CURRENCY}\s*)?{_SIGN}?\s*"
    rf"(?P<number>\d[\d.,{GROUPING}]{{0,40}})"
    rf"\s*(?:{_CURRENCY})?\s*(?:[Cc][Rr]|[Dd][Rr]|{_SIGN})?\s*\)?$"
)
_AMOUNT = re.compile(AMOUNT_PATTERN)
_NEGATIVE = rf"^\(|^\s*(?:{_CURRENCY}\s*)?{_SIGN.replace('+', '')}|{_SIGN.replace('+', '')}\s*\)?$|[Dd][Rr]\s*\)?$"


def looks_like_amount(value: str) -> bool:
    """Whether `value` is written like an amount ('-5.75', '£1,234.56', '(45.00)', '1.234,56 €')."""
    return bool(_AMOUNT.match(value.strip()))


def _numbers(column: pl.Series) -> pl.Series:
    """The digits-and-marks part of each amount, without grouping spaces or apostrophes (null when blank)."""
    return (
        column.str.strip_chars()
        .str.extract(AMOUNT_PATTERN, 1)
        .str.replace_all(f"[{GROUPING}]", "")
        .str.strip_chars(".,")
    )


def decimal_mark(columns: list[pl.Series], given: bool | None) -> tuple[str, Question | None]:
    """The decimal mark ('.' or ',') of the amounts in `columns`: `given` (decimal_comma) when set, else what
    the amounts show; a question when they do not show it."""
    if given is not None:
        return ("," if given else "."), None
    if not columns:
        return ".", None
    numbers = pl.concat([_numbers(c.unique(maintain_order=True)) for c in columns]).drop_nulls().unique(maintain_order=True)
    both = numbers.filter(numbers.str.contains(",") & numbers.str.contains(r"\."))
    last_marks = set(both.str.extract(r"([.,])\d*$").to_list())
    if len(last_marks) > 1:
        raise InputError(
            "The amounts use both '.' and ',' as the decimal mark (e.g. "
            f"{', '.join(both.head(2).to_list())}); export the file again with one number format."
        )
    if last_marks:
        return last_marks.pop(), None
    comma_says = _says_decimal(numbers, ",")
    dot_says = _says_decimal(numbers, ".")
    if comma_says is True and dot_says is True:
        raise InputError(
            "The amounts use both '.' and ',' as the decimal mark; export the file again with one number format."
        )
    if comma_says is True or dot_says is False:
        return ",", None
    if dot_says is True or comma_says is False:
        return ".", None
    if not numbers.str.contains(r"[.,]").any():
        return ".", None  # whole numbers only: the mark does not matter
    mark = "," if numbers.str.contains(",", literal=True).any() else "."
    sample = numbers.filter(numbers.str.contains(mark, literal=True)).head(1).item()
    whole = sample.replace(mark, "")
    fraction = sample.replace(mark, ".")
    question = Question(
        id="decimal_separator",
        text=(
            f"Every amount with a '{mark}' has three digits after it, so '{sample}' could be {int(whole):,} "
            f"or {fraction}. Which is it?"
        ),
        answers=[
            Answer(label=f"{int(whole):,} ('{mark}' separates thousands)", mapping={"decimal_comma": mark == "."}),
            Answer(label=f"{fraction} ('{mark}' is the decimal mark)", mapping={"decimal_comma": mark == ","}),
        ],
    )
    return ".", question


def _says_decimal(numbers: pl.Series, mark: str) -> bool | None:
    """True when `mark` can only be a decimal mark (one or two, or four and more, digits after it), False when it
    can only group thousands (used twice in one number), None when the amounts do not say (or never use it)."""
    escaped = "\\" + mark
    used = numbers.filter(numbers.str.contains(mark, literal=True))
    if used.is_empty():
        return None
    decimal = used.str.contains(rf"{escaped}(?:\d{{1,2}}|\d{{4,}})$").any()
    grouping = used.str.contains(rf"{escaped}\d+{escaped}").any()
    if decimal and grouping:
        raise InputError(
            f"The amounts use '{mark}' both as the decimal mark and between thousands (e.g. "
            f"{', '.join(used.head(2).to_list())}); export the file again with one number format."
        )
    return True if decimal else False if grouping else None


def read_amount_column(frame: pl.DataFrame, column: str, decimal: str) -> pl.Series:
    """The amounts of `column` (negative for '-', brackets or DR), null where blank; `InputError` naming the lines of
    values that are not amounts or whose thousands groups are malformed. Worked out once per distinct text."""
    written = frame[column].fill_null("")
    unique = written.unique()
    values, bad = _amount_values(unique, decimal)
    if bad.any():
        offending = frame.filter(written.is_in(unique.filter(bad).to_list()))
        raise InputError(
            f"Column {column!r} has values that are not amounts (with '{decimal}' as the decimal mark): "
            f"{examples(offending, column)}. Correct those lines, or map the amount to another column."
        )
    return written.replace_strict(unique, values, return_dtype=pl.Float64).alias(column)


def _amount_values(written: pl.Series, decimal: str) -> tuple[pl.Series, pl.Series]:
    """The value of each text in `written` (null when blank), and which texts are not amounts."""
    text = written.str.strip_chars()
    number = _numbers(written).fill_null("")
    group = "," if decimal == "." else r"\."
    dec = r"\." if decimal == "." else ","
    well_formed = number.str.contains(
        rf"^(?:\d+|\d{{1,3}}(?:{group}\d{{3}})+|\d{{1,2}}(?:{group}\d{{2}})*{group}\d{{3}})(?:{dec}\d+)?$"
    )
    bad = (text != "") & ((number == "") | ~well_formed)
    plain = number.str.replace_all("," if decimal == "." else ".", "", literal=True)
    if decimal == ",":
        plain = plain.str.replace(",", ".", literal=True)
    value = plain.cast(pl.Float64, strict=False)
    negative = text.str.contains(_NEGATIVE)
    return value.zip_with(~negative | value.is_null(), -value), bad


def read_amounts_plainly(frame: pl.DataFrame, columns: list[str]) -> dict[str, pl.Series]:
    """The amounts of `columns` for files that have no preview to ask in (trade histories, prices): a file whose
    decimal mark is unclear is refused, saying how to write its numbers instead."""
    mark, question = decimal_mark([frame[c] for c in columns], None)
    if question is not None:
        raise InputError(f"{question.text.split(' Which')[0]} Write numbers with a '.' decimal mark and no thousands separator.")
    return {c: read_amount_column(frame, c, mark) for c in columns}
