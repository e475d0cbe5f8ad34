"""The pack's command, mounted as `codexcontinue health eval --corpus DIR`.

Scores the de-identifier on a folder of annotated notes, the PhysioNet deid format (`id.text` and
`id-phi.phrase`, the format of the corpus deid.pl was built on) or JSONL (one
`{"text": ..., "spans": [{"start", "end", "category"}]}` a line), and prints recall and PPV overall
and per category, and the speed, so a hospital can check the pack on its own notes before trusting it.
Nothing is printed of the notes but, with `--show-missed`, the missed spans in their context.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .annotated_corpus import CorpusError, read_corpus
from .deid_scoring import score_corpus

err = Console(stderr=True, highlight=False)


def add_commands(cli: typer.Typer) -> None:
    """Add the pack's commands to `cli` (the `codexcontinue health` group)."""
    cli.command("eval")(evaluate)


def evaluate(
    corpus: Annotated[Path, typer.Option("--corpus", help="A folder of annotated notes (PhysioNet deid format or *.jsonl), or one .jsonl file.")],
    show_missed: Annotated[int, typer.Option("--show-missed", help="Print this many missed spans with their context (shows PHI).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Recall, PPV (precision) and MB/s of the de-identifier on your annotated notes."""
    if not corpus.exists():
        err.print(f"[red]{corpus} does not exist; give a folder of annotated notes.[/red]")
        raise typer.Exit(2)
    try:
        notes = read_corpus(corpus)
    except CorpusError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    if not notes:
        err.print(f"[red]{corpus} holds no note.[/red]")
        raise typer.Exit(2)
    score = score_corpus(notes)
    if as_json:
        categories = {name: {"gold": c.gold, "found": c.found, "recall": round(c.recall, 4)} for name, c in score.categories.items()}
        print(json.dumps({
            "notes": score.notes, "gold": score.gold, "found": score.found, "false_positives": score.false_positives,
            "recall": round(score.recall, 4), "ppv": round(score.ppv, 4), "mb_per_s": round(score.mb_per_s, 3),
            "cpu_mb_per_s": round(score.cpu_mb_per_s, 3),
            "categories": categories,
        }, indent=2))  # fmt: skip
        return
    for line in score.lines():
        print(line)
    texts = {note.id: note.text for note in notes}
    for note_id, category, start, end in score.misses[:show_missed]:
        text = texts[note_id]
        print(f"  missed {category} {text[start:end]!r} in {note_id}: {text[max(0, start - 40) : end + 30]!r}")
