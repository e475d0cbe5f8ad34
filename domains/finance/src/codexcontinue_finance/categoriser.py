"""Giving each transaction a category, with the reason: corrections, the user's rules, MCCs, a learned model, keywords.

The first that applies wins:
1. a correction the user made for this merchant;
2. one of the user's merchant rules (text the merchant contains);
3. the transaction's merchant category code (ISO 18245);
4. the model learned from the corrections: the corrected merchant most similar to this one
   (cosine similarity of character n-gram TF-IDF vectors), when similar enough;
5. a merchant keyword the pack ships;
6. otherwise 'Uncategorised'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from .categories import UNCATEGORISED, keyword_category, mcc_category

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

LEARNED_MIN_SIMILARITY = 0.5


class MerchantRule(BaseModel):
    """'A merchant whose name contains `contains` is in `category`.'"""

    model_config = ConfigDict(extra="forbid")

    contains: str = Field(
        min_length=2,
        max_length=100,
        description="Text the merchant name contains (any case).",
    )
    category: str = Field(min_length=1, max_length=60)


@dataclass(frozen=True)
class Category:
    """A category given to a merchant, what gave it (`source`) and why, in words."""

    category: str
    source: str
    reason: str


class Categoriser:
    """Categorises merchants with the user's corrections and rules, then MCCs, the learned model and keywords."""

    def __init__(self, corrections: dict[str, str], rules: list[MerchantRule]) -> None:
        self.corrections = {merchant.upper(): category for merchant, category in corrections.items()}
        self.rules = rules
        self._known = list(self.corrections)
        self._vectoriser: TfidfVectorizer | None = None
        if self._known:
            from sklearn.feature_extraction.text import TfidfVectorizer  # about 1 s to import: only when learning

            self._vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False)
            self._known_vectors = self._vectoriser.fit_transform(self._known)

    def categorise(self, merchants: list[str], mccs: list[str | None]) -> list[Category]:
        """The category of each (merchant, mcc) pair."""
        learned = self._learned(merchants)
        return [self._one(m, c, l) for m, c, l in zip(merchants, mccs, learned)]

    def categorise_ledger(self, ledger: pl.DataFrame) -> pl.DataFrame:
        """`ledger` with `category`, `category_source` and `category_reason` columns (worked out once per
        distinct merchant and MCC)."""
        pairs = ledger.select("merchant", "mcc").unique()
        found = self.categorise(pairs["merchant"].to_list(), pairs["mcc"].to_list())
        pairs = pairs.with_columns(
            pl.Series("category", [f.category for f in found], pl.String),
            pl.Series("category_source", [f.source for f in found], pl.String),
            pl.Series("category_reason", [f.reason for f in found], pl.String),
        )
        return ledger.join(
            pairs,
            on=["merchant", "mcc"],
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )

    def _one(self, merchant: str, mcc: str | None, learned: tuple[str, float] | None) -> Category:
        if merchant in self.corrections:
            return Category(
                self.corrections[merchant],
                "correction",
                f"You filed {merchant} under this category.",
            )
        lowered = merchant.lower()
        for rule in self.rules:
            if rule.contains.lower() in lowered:
                return Category(
                    rule.category,
                    "rule",
                    f"Your rule: merchants containing '{rule.contains}'.",
                )
        if mcc is not None and (by_code := mcc_category(mcc)):
            return Category(by_code[0], "mcc", f"Merchant category code {mcc} ({by_code[1]}).")
        if learned is not None:
            neighbour, similarity = learned
            return Category(
                self.corrections[neighbour],
                "learned",
                f"Learned from your correction of {neighbour} (similarity {similarity:.2f}).",
            )
        if by_keyword := keyword_category(merchant):
            return Category(
                by_keyword[0],
                "keyword",
                f"The merchant name contains '{by_keyword[1]}'.",
            )
        return Category(
            UNCATEGORISED,
            "none",
            "No rule, code or correction matches this merchant yet.",
        )

    def _learned(self, merchants: list[str]) -> list[tuple[str, float] | None]:
        """For each merchant, the most similar corrected merchant and the similarity, when above the threshold."""
        if self._vectoriser is None or not merchants:
            return [None] * len(merchants)
        similarity = self._vectoriser.transform(merchants) @ self._known_vectors.T
        best = similarity.argmax(axis=1).A1
        scores = similarity.max(axis=1).toarray().ravel()
        return [
            (self._known[index], float(score)) if score >= LEARNED_MIN_SIMILARITY else None
            for index, score in zip(best, scores)
        ]
