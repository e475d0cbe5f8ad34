"""A CSV export as a table of text: line endings, separator, preamble, header (or none), every row with its line.

    table = read_table(text, "bank.csv", header=None)

Line endings may be `\\n`, `\\r\\n` or a classic Mac's `\\r`; the separator (`,` `;` tab `|`) is the one
that gives the most rows of one width; lines above the header (or, in a headerless file, above the
first row of that width) are the preamble. Every row keeps its line in the file, also when a quoted
field runs over several lines, and the rows read must account for every line of the file: a quote
that is never closed, or one that swallows what look like rows, is refused with its line.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from codexcontinue import InputError

from .amount_columns import looks_like_amount
from .date_columns import looks_like_date

SEPARATORS = [",", ";", "\t", "|"]
_EXCEL_SEPARATOR = re.compile(r"^sep=([,;\t|])$", re.IGNORECASE)
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_LINES = 60
#: Surplus fields beyond the header's names land here (a trailing empty field is fine, more is refused).
OVERFLOW = "\x00overflow"


@dataclass
class Table:
    """The rows of a CSV under its column names (all text), each with its `line`, and how the file was laid out."""

    rows: pl.DataFrame
    columns: list[str]
    separator: str
    header_line: int | None
    line_endings: str
    preamble: list[tuple[int, str]] = field(default_factory=list)
    data: bytes = b""
    data_start: int = 0
    lines: int = 0


def read_table(
    text: str, filename: str, header: bool | None, keep: list[str] | None = None, rows: int | None = None
) -> Table:
    """The table in `text`. `header` True/False says whether it has a header row (None: detect). `keep` names the
    only columns to read (to save memory on large files); every column is read when `None`. `rows` reads only the
    first rows (a sample)."""
    text, endings = unix_lines(text)
    separator, start, width, has_header = _layout(text, filename, header)
    lines = _head(text)
    if has_header:
        fields, spanned = _first_record(text, _offset(text, start), separator)
        names = _unique_names(fields)
        data_start = start + spanned
    else:
        names = [f"column {i + 1}" for i in range(width)]
        data_start = start
    preamble = [(i + 1, lines[i].strip()) for i in range(min(start, len(lines))) if lines[i].strip()]
    begin = _offset(text, data_start)
    if rows is None:
        data = text[begin:].encode()
    else:  # a sample: the text of about `rows` lines, cut at a line's end
        chunk = text[begin : begin + 2000 * rows]
        data = (chunk if len(chunk) < 2000 * rows else chunk[: chunk.rfind("\n") + 1]).encode()
    table = _read_rows(data, separator, names, filename, data_start + 1, keep, rows)
    return Table(
        rows=table,
        columns=names,
        separator=separator,
        header_line=start + 1 if has_header else None,
        line_endings=endings,
        preamble=preamble,
        data=data,
        data_start=data_start + 1,
        lines=_physical_lines(data),
    )


def unix_lines(text: str) -> tuple[str, str]:
    """`text` with every line ending made '\\n', and the endings it had ('\\n', '\\r\\n' or a classic Mac's '\\r')."""
    sample = text[:100_000]
    endings = "\\r\\n" if "\r\n" in sample else "\\r" if "\r" in sample and "\n" not in sample else "\\n"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, endings


def _head(text: str) -> list[str]:
    """The first lines of `text`, without splitting all of a large file."""
    return text[: 1000 * SAMPLE_LINES].split("\n")[:SAMPLE_LINES]


def _layout(text: str, filename: str, header: bool | None) -> tuple[str, int, int, bool]:
    """The separator, the 0-based line where the table starts (its header, or its first row), the table's width, and
    whether that line is a header."""
    lines = _head(text)
    if not any(line.strip() for line in lines):
        raise InputError(f"'{filename}' has no rows; export the statement with its transactions.")
    hinted = _EXCEL_SEPARATOR.match(lines[0].strip())  # 'sep=;': Excel's own line naming the separator
    best: tuple[int, str, list[list[str]]] | None = None
    for separator in [hinted.group(1)] if hinted else SEPARATORS:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=separator))
        if hinted:
            rows[0] = []  # the hint itself: a line of the preamble
        widths = Counter(len(row) for row in rows if len(row) > 1)
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        if best is None or count * width > best[0]:
            best = (count * width, separator, rows)
    if best is None:
        raise InputError(
            f"'{filename}' is not a CSV table: no line has two or more fields separated by a comma, semicolon, tab "
            "or '|'. Export the statement as CSV."
        )
    _, separator, rows = best
    widths = Counter(len(row) for row in rows if len(row) > 1)
    width = max(widths.items(), key=lambda item: (item[1], item[0]))[0]
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else []
        # the table's first row has its width, or one field more or less when the rows under it have the width
        if len(row) == width or (len(row) > 1 and abs(len(row) - width) == 1 and len(following) == width):
            looks_like_names = not _looks_like_data(row)
            has_header = looks_like_names if header is None else header
            return separator, _line_index(lines, separator, index), max(width, len(row)), has_header
    raise InputError(f"'{filename}' has no table of rows with the same number of fields; export it as CSV.")


def _looks_like_data(row: list[str]) -> bool:
    """Whether a row holds values (a date or an amount) rather than column names."""
    return any(looks_like_amount(cell.strip()) or looks_like_date(cell.strip()) for cell in row if cell.strip())


def _line_index(lines: list[str], separator: str, row_index: int) -> int:
    """The line index of the `row_index`-th CSV record (records may span lines inside quotes)."""
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=separator)
    line = 0
    for index, _ in enumerate(reader):
        if index == row_index:
            return line
        line = reader.line_num
    return row_index


def _offset(text: str, line_index: int) -> int:
    """The character offset where 0-based line `line_index` starts (the end of `text` past its last line)."""
    offset = 0
    for _ in range(line_index):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def _first_record(text: str, offset: int, separator: str) -> tuple[list[str], int]:
    """The fields of the CSV record starting at `offset`, and how many lines it spans (more than one inside quotes)."""
    reader = csv.reader(io.StringIO(text[offset : offset + 100_000]), delimiter=separator)
    fields = next(reader, [])
    return fields, max(reader.line_num, 1)


def _unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(header):
        name = " ".join(name.split()) or f"column {index + 1}"
        while name in names:
            name += "_"
        names.append(name)
    return names


def _read_rows(
    data: bytes,
    separator: str,
    names: list[str],
    filename: str,
    first_line: int,
    keep: list[str] | None,
    rows: int | None = None,
) -> pl.DataFrame:
    """Every row under `names` (text, blanks as null) with its `line`; surplus fields in OVERFLOW."""
    every = [*names, OVERFLOW]
    wanted = None if keep is None else sorted(every.index(name) for name in {*keep, OVERFLOW})
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            separator=separator,
            schema={name: pl.String for name in every},
            columns=wanted,
            truncate_ragged_lines=True,
            missing_columns="insert",
            quote_char='"',
            n_rows=rows,
        )
    except pl.exceptions.PolarsError:
        raise InputError(_unclosed_quote(data, filename, first_line)) from None
    if keep is not None and frame.height != _physical_lines(data):
        # A quoted field runs over several lines: read every column to number the rows right.
        return _read_rows(data, separator, names, filename, first_line, None, rows)
    if rows is None and frame.height != _physical_lines(data):
        _refuse_swallowed_rows(frame, separator, len(names), filename, first_line, data)
    return frame.with_columns(_lines(frame, first_line, data)).select("line", *frame.columns)


def _physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)


def _lines(frame: pl.DataFrame, first_line: int, data: bytes) -> pl.Expr:
    """Each row's line in the file: its index plus the newlines inside quoted fields of the rows before it."""
    index = pl.int_range(pl.len(), dtype=pl.Int64) + first_line
    if frame.height == _physical_lines(data):
        return index.alias("line")
    inside = pl.sum_horizontal(
        [pl.col(c).str.count_matches("\n").fill_null(0) for c in frame.columns if frame[c].dtype == pl.String]
    )
    return (index + inside.cum_sum().shift(1, fill_value=0)).alias("line")


def _refuse_swallowed_rows(
    frame: pl.DataFrame, separator: str, width: int, filename: str, first_line: int, data: bytes
) -> None:
    """Refuse a quoted field that runs over lines holding what look like rows of their own (a quote closed lines
    too late), and make sure the rows read account for every line of the file."""
    texts = [c for c in frame.columns if frame[c].dtype == pl.String]
    inside = pl.sum_horizontal([pl.col(c).str.count_matches("\n").fill_null(0) for c in texts])
    spans = frame.select((inside + 1).alias("span"), inside.cum_sum().shift(1, fill_value=0).alias("before"))
    if spans["span"].sum() != _physical_lines(data):
        raise InputError(
            f"'{filename}' could not be read line by line (its rows do not account for every line); check its quotes, "
            "or export the file again."
        )
    needed = max(1, width - 2)
    for column in texts:
        later_lines = frame[column].str.split("\n").list.slice(1)
        swallowing = later_lines.list.eval(pl.element().str.count_matches(separator, literal=True) >= needed).list.any()
        if swallowing.any():
            index = swallowing.arg_true()[0]
            line = first_line + index + spans["before"][index]
            raise InputError(
                f"'{filename}' line {line} opens a quoted field that runs on over {spans['span'][index] - 1} more lines, "
                "which look like rows of their own: a quote is closed too late. Check that line's quotes, or export the "
                "file again."
            )


def _unclosed_quote(data: bytes, filename: str, first_line: int) -> str:
    """The message for a file whose quotes do not pair up, naming the line of the quote that is never closed."""
    open_at = None
    for number, line in enumerate(data.decode(errors="replace").split("\n"), start=first_line):
        if line.count('"') % 2 == 1:
            open_at = number if open_at is None else None
    where = f"line {open_at} opens a quoted field that is never closed" if open_at else "its quotes do not pair up"
    return f"'{filename}' could not be read as CSV: {where}. Check that line's quotes, or export the file again."
