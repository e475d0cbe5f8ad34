"""An owner's transaction ledger: the normalised row shape, and merging an import into it without duplicates.

A row's `dedup_key` is the bank's transaction id (OFX FITID) when there is one, else its date,
amount, description and how many identical rows came before it in the same file. Importing an
overlapping or repeated export therefore adds only the rows the ledger lacks, while two identical
charges in one export stay two rows (and the anomaly check flags them).
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
    identical = ["account", "date", "amount", "description"]
    content_key = pl.concat_str(
        pl.col("date").cast(pl.String),
        pl.col("amount").cast(pl.String),
        pl.col("description").str.to_uppercase(),
        pl.int_range(pl.len()).over(identical).cast(pl.String),
        separator="|",
    )
    key = pl.concat_str(pl.lit("fitid|"), pl.col("fitid")) if "fitid" in parsed.columns else content_key
    return parsed.with_columns(
        pl.concat_str(pl.lit(import_id + "-"), pl.col("line").cast(pl.String)).alias("id"),
        merchant_names(parsed["description"]).alias("merchant"),
        pl.lit(import_id).alias("import_id"),
        key.alias("dedup_key"),
    ).select(list(LEDGER_SCHEMA))


def merge(ledger: pl.DataFrame | None, rows: pl.DataFrame) -> tuple[pl.DataFrame, int, int]:
    """The ledger with `rows` added, how many were added, and how many it already had."""
    if ledger is None:
        return rows.sort("date", maintain_order=True), rows.height, 0
    new = rows.join(ledger.select("account", "dedup_key"), on=["account", "dedup_key"], how="anti")
    merged = pl.concat([ledger, new]).sort("date", maintain_order=True)
    return merged, new.height, rows.height - new.height


def empty_ledger() -> pl.DataFrame:
    """A ledger with no rows."""
    return pl.DataFrame(schema=LEDGER_SCHEMA)
