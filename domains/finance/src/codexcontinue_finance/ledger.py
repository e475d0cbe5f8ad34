"""An owner's transaction ledger: the normalised row shape, and telling which rows of an import the ledger lacks.

A row's `dedup_key` is the bank's transaction id (OFX FITID, or a CSV's transaction-id column) when
it has one, else its date, amount, description and how many identical rows came before it in the
same file. Importing an overlapping or repeated export therefore adds only the rows the ledger
lacks, while two identical charges in one export stay two rows (and the anomaly check flags them).

The ledger is kept as one table per import (see `TransactionBook`), so adding a file writes only
its own rows and removing it deletes them, without reading or rewriting everyone else's.
"""

from __future__ import annotations

import polars as pl

from .merchants import merchant_names

LEDGER_SCHEMA = {
    "id": pl.String,
    "account": pl.String,
    "date": pl.Date,
    "description": pl.String,
    "merchant": pl.String,
    "amount": pl.Float64,
    "currency": pl.String,
    "mcc": pl.String,
    "import_id": pl.String,
    "dedup_key": pl.String,
}


def ledger_rows(parsed: pl.DataFrame, import_id: str) -> pl.DataFrame:
    """The rows of one parsed file (bank CSV or OFX) in ledger shape."""
    content_key = pl.concat_str(
        pl.col("date").cast(pl.String),
        pl.col("amount").cast(pl.String),
        pl.col("description").str.to_uppercase(),
        _occurrence(parsed).cast(pl.String),
        separator="|",
    )
    fitid = pl.col("fitid") if "fitid" in parsed.columns else pl.lit(None, dtype=pl.String)
    key = pl.when(fitid.is_not_null()).then(pl.concat_str(pl.lit("fitid|"), fitid)).otherwise(content_key)
    return parsed.with_columns(
        pl.concat_str(pl.lit(import_id + "-"), pl.col("line").cast(pl.String)).alias("id"),
        merchant_names(parsed["description"]).alias("merchant"),
        pl.lit(import_id).alias("import_id"),
        key.alias("dedup_key"),
        (pl.col("amount") + 0.0).alias("amount"),  # no -0.0
    ).select(list(LEDGER_SCHEMA))


def _occurrence(parsed: pl.DataFrame) -> pl.Series:
    """How many identical rows (account, date, amount, description) come before each row in the file: 0 for most.
    Counted among the repeated rows only, which is several times faster on a large file than over every row."""
    identical = ["account", "date", "amount", "description"]
    numbered = parsed.select(identical).with_row_index("row")
    repeated = numbered.filter(pl.struct(identical).is_duplicated())
    counts = repeated.select("row", pl.int_range(pl.len()).over(identical).alias("n"))
    return numbered.join(counts, on="row", how="left", maintain_order="left")["n"].fill_null(0)


def new_rows(rows: pl.DataFrame, known: pl.DataFrame | None) -> pl.DataFrame:
    """The rows of `rows` whose (account, dedup_key) is not among `known`'s."""
    if known is None or known.is_empty():
        return rows
    return rows.join(known.select("account", "dedup_key").unique(), on=["account", "dedup_key"], how="anti")


def empty_ledger() -> pl.DataFrame:
    """A ledger with no rows."""
    return pl.DataFrame(schema=LEDGER_SCHEMA)
