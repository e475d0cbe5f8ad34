"""Reading CUAD v1 for the clause detector: contracts, their labelled clauses, and the fixed split.

CUAD v1 is by The Atticus Project, licensed CC BY 4.0 (https://www.atticusprojectai.org/cuad).
The split is fixed by a hash of each contract's file name, so it never depends on file order:
sha256(name) mod 5 == 0 -> "test" (measurement only), == 1 -> "tune" (threshold tuning),
otherwise "train".
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from codexcontinue_legal.categories import CATEGORY_NAMES

DEFAULT_CUAD = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cuad"


@dataclass
class Contract:
    """One CUAD contract: its text and, per category, the labelled clause texts."""

    name: str
    text: str
    clauses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def split(self) -> str:
        """'test', 'tune' or 'train' (see the module docstring)."""
        return split_of(self.name)

    def has(self, category: str) -> bool:
        """Whether the annotators found a clause of `category` in this contract."""
        return bool(self.clauses.get(category))

    def spans(self, category: str) -> list[tuple[int, int]]:
        """Where the labelled clauses of `category` lie in the text (those that can be found)."""
        return self._spans[category]

    @cached_property
    def _spans(self) -> dict[str, list[tuple[int, int]]]:
        return {category: self._find(clauses) for category, clauses in self.clauses.items()}

    def _find(self, clauses: list[str]) -> list[tuple[int, int]]:
        found = []
        for clause in clauses:
            position = self.text.find(clause)
            if position >= 0:
                found.append((position, position + len(clause)))
                continue
            pattern = r"\s+".join(re.escape(word) for word in clause.split())
            match = re.search(pattern, self.text) if pattern else None
            if match:
                found.append(match.span())
        return found


def split_of(name: str) -> str:
    """The split a contract belongs to, from its file name alone."""
    bucket = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 5
    return {0: "test", 1: "tune"}.get(bucket, "train")


def load_contracts(folder: Path = DEFAULT_CUAD) -> list[Contract]:
    """Every contract of the folder that has its text, sorted by name."""
    if not (folder / "master_clauses.csv").is_file():
        raise SystemExit(
            f"No CUAD data at {folder}: pass --cuad pointing at the folder with master_clauses.csv"
        )
    contracts = []
    with open(folder / "master_clauses.csv", newline="", encoding="utf-8") as table:
        for row in csv.DictReader(table):
            name = row["Filename"].rsplit(".", 1)[0]
            path = folder / "contracts" / f"{name}.txt"
            if not path.is_file():
                continue
            clauses = {category: ast.literal_eval(row[category]) for category in CATEGORY_NAMES}
            contracts.append(Contract(name, path.read_text(encoding="utf-8"), clauses))
    return sorted(contracts, key=lambda contract: contract.name)
