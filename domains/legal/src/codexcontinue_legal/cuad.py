"""Reading a folder in CUAD's format: contracts, the clauses labelled in them, and CUAD's normalised answers.

The format is CUAD v1's (The Atticus Project, CC BY 4.0, https://www.atticusprojectai.org/cuad):
`master_clauses.csv` with one row per contract (`Filename`; per category the labelled clause
texts as a Python list literal, and the answer in the next column, `<Category>-Answer`), and the
texts in `contracts/<Filename without its extension>.txt`. A firm can lay out its own annotated
contracts the same way and measure the pack on them (`codexcontinue legal eval --cuad DIR`).
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

OMITTED = "<omitted>"
"""CUAD joins the pieces of a clause that runs across other text with this marker."""


class CuadFolderError(ValueError):
    """The folder is not in CUAD's format; the message says what is missing."""


@dataclass
class CuadContract:
    """One contract: its text, the clause texts labelled per category, and the answer per category."""

    name: str
    text: str
    clauses: dict[str, list[str]] = field(default_factory=dict)
    answers: dict[str, str | None] = field(default_factory=dict)

    def has(self, category: str) -> bool:
        """Whether the annotators labelled at least one clause of `category`."""
        return bool(self.clauses.get(category))

    def answer(self, category: str) -> str | None:
        """CUAD's normalised answer for `category`, or None when the cell is empty."""
        return self.answers.get(category)

    def spans(self, category: str) -> list[tuple[int, int]]:
        """Where the labelled clauses of `category` lie in the text (the pieces that can be found)."""
        return self._spans.get(category, [])

    @cached_property
    def _spans(self) -> dict[str, list[tuple[int, int]]]:
        return {category: _find_all(self.text, clauses) for category, clauses in self.clauses.items()}


def _find_all(text: str, clauses: list[str]) -> list[tuple[int, int]]:
    spans = []
    for clause in clauses:
        for piece in clause.split(OMITTED):
            span = _find(text, piece.strip())
            if span is not None:
                spans.append(span)
    return sorted(spans)


def _find(text: str, piece: str) -> tuple[int, int] | None:
    if not piece:
        return None
    position = text.find(piece)
    if position >= 0:
        return position, position + len(piece)
    words = piece.split()
    if len(words) > 400:  # a regex over a very long clause is slow; its first and last words place it
        head = _find(text, " ".join(words[:40]))
        tail = _find(text, " ".join(words[-40:]))
        return (head[0], tail[1]) if head and tail and head[0] < tail[1] else head
    match = re.search(r"\s+".join(re.escape(word) for word in words), text)
    return match.span() if match else None


def fold_of(name: str, folds: int) -> int:
    """The cross-validation fold of a contract, from its name alone (sha256 of the name, mod `folds`)."""
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % folds


def _answer_columns(header: Iterable[str], categories: Iterable[str]) -> dict[str, str]:
    """Each category's answer column: '<Category>-Answer', spelled as CUAD spells it
    ('Notice Period To Terminate Renewal- Answer' has a space)."""
    by_key = {re.sub(r"[\s-]", "", column).lower(): column for column in header}
    columns = {}
    for category in categories:
        column = by_key.get(re.sub(r"[\s-]", "", category).lower() + "answer")
        if column is not None:
            columns[category] = column
    return columns


def read_cuad(folder: Path, categories: Iterable[str]) -> tuple[list[CuadContract], list[str]]:
    """The contracts of a CUAD-format folder that have their text, sorted by name, and the names of
    rows whose text is missing. `CuadFolderError` when the folder is not in CUAD's format."""
    table_path = folder / "master_clauses.csv"
    if not table_path.is_file():
        raise CuadFolderError(
            f"{folder} has no master_clauses.csv; point --cuad at a folder in CUAD's format "
            "(master_clauses.csv and contracts/<name>.txt)."
        )
    wanted = list(categories)
    with open(table_path, newline="", encoding="utf-8") as table:
        reader = csv.DictReader(table)
        header = reader.fieldnames or []
        missing = [name for name in ["Filename", *wanted] if name not in header]
        if missing:
            raise CuadFolderError(f"{table_path} has no column {', '.join(map(repr, missing))}.")
        answer_columns = _answer_columns(header, wanted)
        contracts, without_text = [], []
        for row in reader:
            name = row["Filename"].rsplit(".", 1)[0]
            path = folder / "contracts" / f"{name}.txt"
            if not path.is_file():
                without_text.append(name)
                continue
            contracts.append(
                CuadContract(
                    name=name,
                    text=path.read_text(encoding="utf-8", errors="replace"),
                    clauses={category: _clause_list(row[category], table_path, name, category) for category in wanted},
                    answers={
                        category: (row[column].strip() or None) for category, column in answer_columns.items()
                    },
                )
            )
    return sorted(contracts, key=lambda contract: contract.name), without_text


def _clause_list(cell: str, table: Path, name: str, category: str) -> list[str]:
    if not cell.strip():
        return []
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError):
        raise CuadFolderError(
            f"{table}: the '{category}' cell of '{name}' is not a list of clause texts such as ['...']."
        ) from None
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]
