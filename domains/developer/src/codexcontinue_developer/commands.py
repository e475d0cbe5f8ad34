"""The pack's commands, mounted as `codexcontinue developer analyze|docs|templates|scaffold`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, NoReturn, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from codexcontinue.settings import load_pack_settings

from codexcontinue import InputError

from .analysis import AnalysisReport, analyse
from .api_reference import api_reference
from .docstring_coverage import docstring_coverage
from .package_api import read_api
from .scaffolding import AnswersInvalid, render
from .settings import DeveloperSettings
from .source_tree import local_tree
from .template_catalogue import TEMPLATES, template_named

out = Console()
err = Console(stderr=True)


def add_commands(cli: typer.Typer) -> None:
    """Add the pack's commands to `cli` (the `codexcontinue developer` group)."""
    cli.command("analyze")(analyze)
    cli.command("docs")(docs)
    cli.command("templates")(templates)
    cli.command("scaffold")(scaffold)


def analyze(
    path: Annotated[Path, typer.Argument(help="A folder, a .py file, or a zip or tar.gz archive.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole report as JSON.")] = False,
) -> None:
    """Complexity, maintainability, security and lint findings of Python code (read, never run)."""
    settings = _settings()
    try:
        with local_tree(path, settings) as tree:
            report = asyncio.run(analyse(tree, settings))
    except InputError as error:
        _fail(error.message)
    if as_json:
        print(report.model_dump_json(indent=2))
        return
    _print_report(report)


def docs(
    path: Annotated[Path, typer.Argument(help="A package folder, a .py file, or a zip or tar.gz archive.")],
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the Markdown here (default: print it).")
    ] = None,
) -> None:
    """An API reference in Markdown and the docstring coverage of a package (read, never imported)."""
    settings = _settings()
    try:
        with local_tree(path, settings) as tree:
            api = read_api(tree)
            markdown = api_reference(tree.label, api)
    except InputError as error:
        _fail(error.message)
    coverage = docstring_coverage(api)
    if output is None:
        print(markdown)
    else:
        output.write_text(markdown, encoding="utf-8")
        err.print(f"Wrote the API reference to {output}.")
    table = Table("module", "documented", "total", "%", title=f"Docstring coverage: {coverage.percent}%")
    for module in coverage.modules:
        table.add_row(escape(module.module), str(module.documented), str(module.total), f"{module.percent}")
    err.print(table)


def templates() -> None:
    """The project templates and the answers each asks for."""
    for template in TEMPLATES.values():
        table = Table("answer", "default", "help", title=f"{template.name}: {template.title}")
        for question in template.questions():
            default = "(required)" if question.default is None else question.default
            choices = f" (one of: {', '.join(question.choices)})" if question.choices else ""
            table.add_row(question.name, default, question.help + choices)
        out.print(table)


def scaffold(
    template: Annotated[str, typer.Argument(help=f"One of: {', '.join(TEMPLATES)}.")],
    destination: Annotated[Path, typer.Argument(help="The project's folder (must not exist, or be empty).")],
    answer: Annotated[
        list[str] | None, typer.Option("--answer", "-a", help="NAME=VALUE; repeat for several answers.")
    ] = None,
) -> None:
    """Create a project from a template; `codexcontinue developer templates` lists the answers."""
    answers: dict[str, str] = {}
    for item in answer or []:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            _fail(f"--answer {item!r}: write NAME=VALUE, e.g. --answer name=orders-api.")
        answers[name.strip()] = value
    try:
        project = render(template_named(template), answers, destination)
    except AnswersInvalid as error:
        for problem in error.problems:
            err.print(f"[red]{escape(problem.answer)}: {escape(problem.problem)}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    except InputError as error:
        _fail(error.message)
    out.print(
        escape(
            f"Created {template} project in {project}. Next: cd {project} && pip install -e '.[test]' && pytest"
        )
    )


def _settings() -> DeveloperSettings:
    return cast(DeveloperSettings, load_pack_settings("developer", DeveloperSettings))


def _fail(message: str) -> NoReturn:
    err.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
    raise typer.Exit(2)


def _print_report(report: AnalysisReport) -> None:
    summary = report.summary
    average = "-" if summary.average_complexity is None else f"{summary.average_complexity:.2f}"
    index = "-" if summary.average_mi is None else f"{summary.average_mi:.1f}"
    out.print(
        f"[bold]{escape(report.source)}[/bold]: {summary.files} files ({summary.files_not_parsed} not parsed), "
        f"{summary.functions} functions, {summary.classes} classes, {summary.sloc} source lines; "
        f"average complexity {average}, average maintainability index {index}."
    )
    complex_table = Table("complexity", "rank", "function", "file:line", title="Most complex functions")
    for block in summary.most_complex:
        complex_table.add_row(
            str(block.complexity), block.rank, escape(block.name), escape(f"{block.path}:{block.lineno}")
        )
    out.print(complex_table)
    files_table = Table("MI", "rank", "file", title="Least maintainable files")
    for file in summary.least_maintainable:
        files_table.add_row(f"{file.mi:.1f}", file.mi_rank or "", escape(file.path))
    out.print(files_table)
    security_table = Table("severity", "confidence", "test", "where", "issue", title="Security findings (bandit)")
    for finding in report.security:
        security_table.add_row(
            finding.severity,
            finding.confidence,
            finding.test_id,
            escape(f"{finding.path}:{finding.line}"),
            escape(finding.message),
        )
    out.print(security_table)
    counts = ", ".join(f"{code} x{count}" for code, count in summary.lint_by_code.items()) or "none"
    out.print(f"Lint findings (ruff): {len(report.lint)} ({counts}).")
    for note in report.notes:
        out.print(f"[yellow]{escape(note)}[/yellow]")
