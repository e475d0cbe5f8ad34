"""Rendering a project from a template with copier: every wrong answer reported at once, output as a folder or a zip.

Answers are single lines: one holding a control character (a newline, a tab) is refused first, as
`codexcontinue new-pack` refuses it. The rest are checked by the template's own copier validators
(and its choices): copier stops at the first wrong answer, so each is set aside in turn (a
required one replaced by a sample answer its validator accepts) and the dry run repeated until
the rest pass.
The domain-pack template is rendered by the core's `codexcontinue.scaffold.render_pack`.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

import copier
from pydantic import BaseModel

from codexcontinue.scaffold import PACK_TEMPLATE, ScaffoldError, control_character_problems, render_pack

from codexcontinue import InputError

from .template_catalogue import ProjectTemplate

COPIER_PROBLEMS = (
    re.compile(r"Validation error for question '(?P<answer>[^']+)': (?P<problem>.*)", re.DOTALL),
    re.compile(r"Invalid choice for '(?P<answer>[^']+)': (?P<problem>.*)", re.DOTALL),
    re.compile(r'Question "(?P<answer>[^"]+)" is (?P<problem>required)'),
)
SAMPLE_ANSWERS = ("example", "example-project", "example_project", "Example")
"""Stand-ins for a required answer that is wrong, so the answers after it can still be checked."""


class AnswerProblem(BaseModel):
    """What is wrong with one answer."""

    answer: str
    problem: str


class AnswersInvalid(InputError):
    """The answers cannot render the template; `problems` lists every one found."""

    def __init__(self, template: ProjectTemplate, problems: list[AnswerProblem]) -> None:
        listed = "; ".join(f"{p.answer}: {p.problem}" for p in problems)
        super().__init__(f"Template '{template.name}' cannot be rendered with these answers. Fix {listed}.")
        self.problems = problems


def answer_problems(template: ProjectTemplate, answers: dict[str, str]) -> list[AnswerProblem]:
    """Every problem with `answers`: unknown names, missing required answers, answers the validators refuse."""
    questions = template.questions()
    asked = [question.name for question in questions]
    required = {question.name for question in questions if question.default is None}
    problems = [
        AnswerProblem(answer=name, problem=f"not a question of this template; its questions: {', '.join(asked)}")
        for name in answers
        if name not in asked
    ]
    remaining = {name: value for name, value in answers.items() if name in asked}
    samples = {name: iter(SAMPLE_ANSWERS) for name in required}
    stand_ins: dict[str, str] = {}
    reported: set[str] = set()
    for name, problem in control_character_problems(remaining).items():  # before copier sees them
        problems.append(AnswerProblem(answer=name, problem=problem))
        reported.add(name)
        del remaining[name]
        if name in required:
            stand_ins[name] = next(samples[name])
    while True:
        try:
            _dry_run(template, {**remaining, **stand_ins})
            return problems
        except ValueError as error:
            problem = _problem(str(error))
        name = problem.answer
        if name not in stand_ins:  # a stand-in that is refused is ours to replace, not the user's problem
            if name in reported:
                return problems  # its default is refused too (a fault of the template): stop here
            problems.append(problem)
            reported.add(name)
            remaining.pop(name, None)
        if name not in required:
            if name in asked:
                continue
            return problems  # not tied to one question: nothing more can be checked
        stand_in = next(samples[name], None)
        if stand_in is None:  # no sample satisfies it, so the answers after it cannot be checked
            return problems
        stand_ins[name] = stand_in


def render(template: ProjectTemplate, answers: dict[str, str], destination: Path) -> Path:
    """Render `template` into `destination` (missing or empty); `AnswersInvalid` lists every wrong answer."""
    problems = answer_problems(template, answers)
    if problems:
        raise AnswersInvalid(template, problems)
    if destination.exists() and any(destination.iterdir()):
        raise InputError(f"{destination} already exists and is not empty; choose another folder.")
    if template.path == PACK_TEMPLATE:
        others = {name: value for name, value in answers.items() if name != "name"}
        try:
            return render_pack(answers["name"], destination, **others)
        except ScaffoldError as error:
            raise InputError(str(error)) from None
    copier.run_copy(str(template.path), destination, data=answers, defaults=True, quiet=True, unsafe=False)
    return destination


def render_archive(template: ProjectTemplate, answers: dict[str, str]) -> tuple[str, bytes]:
    """The rendered project as a zip holding one folder; returns the zip's file name and its bytes."""
    with tempfile.TemporaryDirectory(prefix="codexcontinue-scaffold-") as scratch:
        project = render(template, answers, Path(scratch) / "project")
        folder = template.folder(answers)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(project.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{folder}/{path.relative_to(project).as_posix()}")
    return f"{folder}.zip", buffer.getvalue()


def _problem(message: str) -> AnswerProblem:
    for pattern in COPIER_PROBLEMS:
        match = pattern.search(message)
        if match:
            problem = match["problem"].strip()
            return AnswerProblem(
                answer=match["answer"], problem="required; give an answer" if problem == "required" else problem
            )
    return AnswerProblem(answer="(template)", problem=message)


def _dry_run(template: ProjectTemplate, data: dict[str, str]) -> None:
    """Let copier ask and validate every question without writing anything; raises its ValueError."""
    with tempfile.TemporaryDirectory(prefix="codexcontinue-scaffold-check-") as scratch:
        copier.run_copy(
            str(template.path), Path(scratch) / "project", data=data, defaults=True, quiet=True, pretend=True,
            unsafe=False,
        )  # fmt: skip
