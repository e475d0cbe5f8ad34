"""The pack's commands: `codexcontinue legal eval` measures the review on contracts in CUAD's format,
`codexcontinue legal train-detector` fits the clause detector the pack ships, and
`codexcontinue legal adopt-matters` gives the matters kept before keys had owners to an owner."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

out = Console()
err = Console(stderr=True)


def add_commands(cli: typer.Typer) -> None:
    """Add the pack's commands to `cli` (the `codexcontinue legal` group)."""
    cli.command("eval")(evaluate_command)
    cli.command("train-detector")(train_detector)
    cli.command("adopt-matters")(adopt_matters)


def adopt_matters(
    owner: Annotated[str, typer.Option("--owner", help="The owner (as in `codexcontinue keys create --owner`) who gets them.")],
) -> None:
    """Give every matter stored before keys had owners (shared then by every legal key) to one owner."""
    import asyncio

    from codexcontinue import OwnedStore
    from codexcontinue.keys import KeyRequestError, checked_owner
    from codexcontinue.settings import load_core_settings
    from codexcontinue.store import open_store

    from .matters import adopt_unowned_matters

    try:
        checked_owner(owner)
    except KeyRequestError as error:
        err.print(str(error))
        raise typer.Exit(2) from None

    async def run() -> int:
        store = open_store(load_core_settings())
        try:
            return await adopt_unowned_matters(store, OwnedStore(store, "legal", owner))
        finally:
            await store.close()

    moved = asyncio.run(run())
    out.print(f"Moved {moved} matter(s) to owner {owner}; keys of that owner now list them.")


def evaluate_command(
    cuad: Annotated[Path, typer.Option("--cuad", help="A folder in CUAD's format: master_clauses.csv and contracts/<name>.txt.")],
    mode: Annotated[
        str,
        typer.Option(
            help="auto: cross-validate when the shipped detector was fitted on any of these contracts, else measure "
            "it as shipped; or force 'shipped' / 'cross-validated'."
        ),
    ] = "auto",
    folds: Annotated[int, typer.Option(min=2, max=20, help="Folds for cross-validation (split by contract).")] = 5,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the tables as Markdown to this file.")
    ] = None,
) -> None:
    """Clause presence F1 per category and each value's precision and recall against CUAD's answers."""
    from .cuad import CuadFolderError
    from .evaluation import evaluate, markdown_table

    if mode not in ("auto", "shipped", "cross-validated"):
        err.print(f"--mode must be auto, shipped or cross-validated, not '{mode}'.")
        raise typer.Exit(2)
    try:
        evaluation = evaluate(cuad, mode, folds, progress=lambda step: err.print(f"[dim]{step}[/dim]"))  # type: ignore[arg-type]
    except (CuadFolderError, ValueError) as error:
        err.print(str(error))
        raise typer.Exit(2) from None
    presence = Table("category", "contracts with it", "precision", "recall", "F1", title="Clause presence")
    for score in evaluation.presence:
        presence.add_row(
            score.category, str(score.contracts_with_it), f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}"
        )
    out.print(presence)
    out.print(
        f"Macro-F1 {evaluation.macro_f1:.3f} over {len(evaluation.presence)} categories, "
        f"{evaluation.macro_f1_without_parties:.3f} without Parties ({evaluation.mode}, {evaluation.contracts} contracts)."
    )
    values = Table("value", "right", "wrong", "missed", "given where CUAD has none", "not scored", "precision", "recall", title="Values against CUAD's answers")
    for score in evaluation.values:
        counts, tally = score.tally.counts, score.tally
        values.add_row(
            score.value, *(str(counts[key]) for key in ("right", "wrong", "missed", "extra", "unscorable")),
            "n/a" if tally.precision is None else f"{tally.precision:.3f}",
            "n/a" if tally.recall is None else f"{tally.recall:.3f}",
        )  # fmt: skip
    out.print(values)
    if markdown is not None:
        command = "codexcontinue legal " + " ".join(sys.argv[sys.argv.index("eval") :]) if "eval" in sys.argv else "codexcontinue legal eval"
        markdown.write_text(markdown_table(evaluation, command), encoding="utf-8")
        err.print(f"Wrote the tables to {markdown}.")


def train_detector(
    cuad: Annotated[Path, typer.Option("--cuad", help="A folder in CUAD's format to fit the detector on.")],
    output: Annotated[Path, typer.Option("--out", help="Where to write the model (.npz).")],
) -> None:
    """Fit the clause detector on every contract of a CUAD-format folder (thresholds tuned on a fifth of them)."""
    from .categories import CATEGORY_NAMES
    from .cuad import CuadFolderError, read_cuad
    from .detector_training import examples, train

    try:
        contracts, _ = read_cuad(cuad, CATEGORY_NAMES)
    except CuadFolderError as error:
        err.print(str(error))
        raise typer.Exit(2) from None
    err.print(f"reading the passages of {len(contracts)} contracts")
    model = train([examples(c, CATEGORY_NAMES) for c in contracts], CATEGORY_NAMES, lambda step: err.print(step))
    model.save(output)
    err.print(f"Wrote {output} ({output.stat().st_size // 1024} KiB, {len(model.vocabulary)} features).")
