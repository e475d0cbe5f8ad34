"""Merchant names from bank descriptions: 'STARBUCKS STORE 08412 NEW YORK NY' -> 'STARBUCKS STORE'."""

from __future__ import annotations

import polars as pl

#: Payment-method words banks put before the payee.
PREFIXES = (
    r"^(?:POS |CARD PAYMENT TO |DEBIT CARD PURCHASE |PURCHASE AUTHORIZED ON \d{2}/\d{2} |CONTACTLESS |"
    r"VIS |DD |SO |BGC |FPI |FPO |TFR |CHQ |SQ ?\*|TST ?\* ?|PAYPAL ?\*|PP ?\*|LNK )+"
)
#: ACH trailers such as ' PPD ID: 9876543210'.
ACH_TRAILER = r"\s+(?:PPD|WEB|CCD|TEL|ARC|POP) ID:.*$"


def merchant_names(descriptions: pl.Series) -> pl.Series:
    """The merchant of each description: upper case, payment-method prefix and ACH trailer removed, cut
    before the first '*' or the first word with a digit (store numbers, references), at most four words.
    Computed once per distinct description."""
    unique = descriptions.unique().to_frame("description")
    names = unique.select(
        "description",
        _merchant(pl.col("description")).alias("merchant"),
    )
    return descriptions.to_frame("description").join(names, on="description", how="left", maintain_order="left")[
        "merchant"
    ]


def _merchant(description: pl.Expr) -> pl.Expr:
    upper = description.str.to_uppercase().str.strip_chars()
    name = (
        upper.str.replace(PREFIXES, "")
        .str.replace(ACH_TRAILER, "")
        .str.replace(r"\s*\*.*$", "")
        .str.replace(r"\s+\S*\d.*$", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars(" -.,/#")
        .str.split(" ")
        .list.head(4)
        .list.join(" ")
    )
    return (
        pl.when(name == "").then(pl.when(upper == "").then(pl.lit("(NO DESCRIPTION)")).otherwise(upper)).otherwise(name)
    )
