"""Transactions worth a second look, each with the reason: unusual amount for the merchant, possible duplicate
charge, first payment to a new merchant. Only money going out is checked."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from pydantic import BaseModel

#: Scale of the median absolute deviation that makes it comparable to a standard deviation.
MAD_SCALE = 1.4826
#: When a merchant always charges one amount, a one-off change bigger than this share of it is unusual.
FLAT_CHANGE = 0.10


class Anomaly(BaseModel):
    """One flagged transaction and why it was flagged."""

    transaction_id: str
    date: str
    account: str
    merchant: str
    amount: float
    currency: str
    kind: str
    reason: str


def find_anomalies(
    ledger: pl.DataFrame,
    *,
    unusual_z: float,
    min_history: int,
    duplicate_days: int,
    new_after_days: int,
) -> pl.DataFrame:
    """One row per flagged transaction: its ledger columns plus `kind` ('unusual_amount', 'duplicate' or
    'new_merchant') and the figures its reason is written from. Newest first."""
    extra = {
        "kind": pl.String,
        "typical": pl.Float64,
        "history": pl.UInt32,
        "score": pl.Float64,
        "other_date": pl.Date,
    }
    out = ledger.filter(pl.col("amount") < 0).with_columns(pl.col("amount").abs().alias("spent"))
    if out.is_empty():
        return pl.DataFrame(schema={**ledger.schema, **extra})
    group = ["merchant", "currency"]
    stats = out.group_by(group).agg(
        pl.len().alias("history"),
        pl.col("spent").median().alias("typical"),
    )
    with_stats = out.join(stats, on=group).with_columns(
        (pl.col("spent") - pl.col("typical")).abs().median().over(group).alias("mad"),
        pl.col("spent").n_unique().over(group).alias("amounts"),
        pl.len().over([*group, "spent"]).alias("same_amount"),
    )
    deviation = (pl.col("spent") - pl.col("typical")).abs()
    one_off_change = (
        (pl.col("amounts") == 2) & (pl.col("same_amount") == 1) & (deviation > FLAT_CHANGE * pl.col("typical"))
    )
    unusual = with_stats.filter(
        (pl.col("history") >= min_history)
        & pl.when(pl.col("mad") > 0).then(deviation / (MAD_SCALE * pl.col("mad")) > unusual_z).otherwise(one_off_change)
    ).with_columns(
        pl.lit("unusual_amount").alias("kind"),
        pl.when(pl.col("mad") > 0)
        .then((pl.col("spent") - pl.col("typical")) / (MAD_SCALE * pl.col("mad")))
        .otherwise(None)
        .alias("score"),
        pl.lit(None, pl.Date).alias("other_date"),
    )
    keys = ["account", "merchant", "currency", "spent"]
    ordered = out.sort("date", maintain_order=True).with_columns(
        pl.col("date").shift(1).over(keys).alias("other_date"),
    )
    duplicates = ordered.filter(
        pl.col("other_date").is_not_null() & ((pl.col("date") - pl.col("other_date")).dt.total_days() <= duplicate_days)
    ).with_columns(pl.lit("duplicate").alias("kind"))
    start = ledger["date"].min()
    first = out.sort("date", maintain_order=True).group_by(group, maintain_order=True).first()
    new = first.filter(pl.col("date") >= start + timedelta(days=new_after_days)).with_columns(
        pl.lit("new_merchant").alias("kind"), pl.lit(start, pl.Date).alias("other_date")
    )
    schema = {**ledger.schema, **extra}
    parts = [
        frame.select([pl.col(c) if c in frame.columns else pl.lit(None).alias(c) for c in schema]).cast(schema)
        for frame in (unusual, duplicates, new)
    ]
    return pl.concat(parts).sort(["date", "id"], descending=True)


def describe(row: dict) -> Anomaly:
    """The flagged row `row` (from `find_anomalies`) with its reason in words."""
    spent = f"{abs(row['amount']):,.2f} {row['currency']}"
    if row["kind"] == "unusual_amount":
        typical = f"{row['typical']:,.2f}"
        if row["score"] is None:
            reason = (
                f"{spent} at {row['merchant']} differs by more than {FLAT_CHANGE:.0%} from the {typical} it "
                f"charged every other time ({row['history'] - 1} payments)."
            )
        else:
            reason = (
                f"{spent} at {row['merchant']} is unusual: the typical amount is {typical} (median of "
                f"{row['history']} payments), and this one is {row['score']:.1f} robust standard deviations away."
            )
    elif row["kind"] == "duplicate":
        days = (row["date"] - row["other_date"]).days
        when = "the same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} earlier"
        reason = f"Possible duplicate: {spent} was also charged by {row['merchant']} on {row['other_date']} ({when})."
    else:
        reason = (
            f"First payment to {row['merchant']}: no earlier transaction with this merchant since the ledger "
            f"starts on {row['other_date']}."
        )
    return Anomaly(
        transaction_id=row["id"],
        date=str(row["date"]),
        account=row["account"],
        merchant=row["merchant"],
        amount=row["amount"],
        currency=row["currency"],
        kind=row["kind"],
        reason=reason,
    )
