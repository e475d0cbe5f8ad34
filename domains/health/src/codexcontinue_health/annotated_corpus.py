"""Reading a folder of notes annotated with their PHI: the PhysioNet deid format, or JSONL.

    notes = read_corpus(Path("deid-dev"))     # id.text + id-phi.phrase, or *.jsonl
    notes[0].id, notes[0].text, notes[0].spans[0]    # 'p2-n1', '...', GoldSpan(start, end, 'Date')

PhysioNet format (the corpus deid.pl was built on): `id.text` holds the notes, each as
`START_OF_RECORD=<patient>||||<note>||||`, a newline, the text, then `||||END_OF_RECORD`;
`id-phi.phrase` holds one span a line, `<patient> <note> <start> <end> <category> <text>`, offsets
into the note's text, half-open. Both Latin-1. JSONL format: one note a line,
`{"id": ..., "text": ..., "spans": [{"start", "end", "category"}]}` (`id` optional), UTF-8.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

RECORD = re.compile(r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD", re.S)


class CorpusError(ValueError):
    """The folder holds no corpus in a known format, or a line of it cannot be read; says which."""


@dataclass(frozen=True)
class GoldSpan:
    """An annotated PHI span: `text[start:end]` is PHI of `category` (the corpus's own label)."""

    start: int
    end: int
    category: str


@dataclass
class AnnotatedNote:
    """One note, the patient it belongs to ('' when the format does not say), and its PHI spans."""

    id: str
    text: str
    patient: str = ""
    spans: list[GoldSpan] = field(default_factory=list)


def read_corpus(folder: Path) -> list[AnnotatedNote]:
    """The notes of `folder`: PhysioNet files when `id.text` is there, else every `*.jsonl` file."""
    if (folder / "id.text").is_file():
        return read_physionet(folder)
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else [folder] if folder.suffix == ".jsonl" else []
    if not files:
        raise CorpusError(
            f"{folder} holds neither id.text and id-phi.phrase (PhysioNet format) nor *.jsonl files "
            '(one note a line: {"text": ..., "spans": [{"start", "end", "category"}]}).'
        )
    notes: list[AnnotatedNote] = []
    for file in files:
        notes += read_jsonl(file)
    return notes


def read_physionet(folder: Path) -> list[AnnotatedNote]:
    """The notes of `id.text` with their spans from `id-phi.phrase` (PhysioNet deid format)."""
    text = (folder / "id.text").read_text(encoding="latin-1")
    notes = {
        (m.group(1), m.group(2)): AnnotatedNote(f"p{m.group(1)}-n{m.group(2)}", m.group(3), patient=m.group(1))
        for m in RECORD.finditer(text)
    }
    phrases = folder / "id-phi.phrase"
    if not phrases.is_file():
        raise CorpusError(f"{folder} has id.text but no id-phi.phrase: the annotations are missing.")
    for number, line in enumerate(phrases.read_text(encoding="latin-1").splitlines(), 1):
        parts = line.split(None, 5)
        if not parts:
            continue
        if len(parts) < 5 or not all(p.isdigit() for p in parts[:4]):
            raise CorpusError(f"id-phi.phrase line {number}: expected '<patient> <note> <start> <end> <category> <text>'.")
        note = notes.get((parts[0], parts[1]))
        if note is None:
            raise CorpusError(f"id-phi.phrase line {number}: no note {parts[1]} of patient {parts[0]} in id.text.")
        note.spans.append(GoldSpan(int(parts[2]), int(parts[3]), parts[4]))
    return list(notes.values())


def read_jsonl(file: Path) -> list[AnnotatedNote]:
    """The notes of one JSONL file."""
    notes = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            spans = [GoldSpan(int(s["start"]), int(s["end"]), str(s["category"])) for s in item.get("spans", [])]
            notes.append(AnnotatedNote(str(item.get("id", f"{file.stem}-{number}")), str(item["text"]), str(item.get("patient", "")), spans))
        except (ValueError, KeyError, TypeError) as error:
            raise CorpusError(
                f"{file.name} line {number}: not a note ({type(error).__name__}: {error}); write "
                '{"text": ..., "spans": [{"start": 0, "end": 4, "category": "NAME"}]}.'
            ) from None
    return notes
