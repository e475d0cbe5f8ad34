"""The project templates the pack offers, and their questions as each template's copier.yml asks them.

The domain-pack template is the core's own (`codexcontinue.scaffold.PACK_TEMPLATE`, the one
`codexcontinue new-pack` renders); the FastAPI-service and Python-library templates ship inside
this pack under `templates/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from codexcontinue.scaffold import PACK_TEMPLATE

from codexcontinue import InputError


PACK_TEMPLATES = Path(__file__).parent / "templates"


class Question(BaseModel):
    """One answer a template asks for."""

    name: str
    help: str = ""
    default: str | None = Field(
        default=None,
        description="The default answer; it may refer to other answers as {{ name }}. None: required.",
    )
    choices: list[str] | None = None


class TemplateInfo(BaseModel):
    """A template as the API lists it."""

    name: str
    title: str
    description: str
    questions: list[Question]


@dataclass(frozen=True)
class ProjectTemplate:
    """A copier template: where it lives and the folder its project gets."""

    name: str
    title: str
    description: str
    path: Path
    folder: Callable[[dict[str, str]], str]

    def questions(self) -> list[Question]:
        """The questions a user answers (those copier asks), in the order of copier.yml."""
        return list(_questions(self.path))

    def info(self) -> TemplateInfo:
        """The template with its questions, for the API and the CLI."""
        return TemplateInfo(
            name=self.name, title=self.title, description=self.description, questions=self.questions()
        )


TEMPLATES: dict[str, ProjectTemplate] = {
    template.name: template
    for template in (
        ProjectTemplate(
            "pack", "CodexContinue domain pack",
            "A new pack: hooks, a route, a page, a model, settings and tests (the core's `new-pack` template).",
            PACK_TEMPLATE, lambda answers: f"codexcontinue-{answers['name']}",
        ),
        ProjectTemplate(
            "fastapi-service", "FastAPI service",
            "An app factory, settings from the environment, a health route, an example route and tests.",
            PACK_TEMPLATES / "fastapi-service", lambda answers: answers["name"],
        ),
        ProjectTemplate(
            "python-library", "Python library",
            "A typed package built with hatchling, an example module and its tests.",
            PACK_TEMPLATES / "python-library", lambda answers: answers["name"],
        ),
    )
}  # fmt: skip


def template_named(name: str) -> ProjectTemplate:
    """The template called `name`; `InputError` 404 naming the templates there are."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise InputError(
            f"There is no template '{name}'; choose one of: {', '.join(TEMPLATES)}.", status=404
        ) from None


@cache
def _questions(path: Path) -> tuple[Question, ...]:
    settings: dict[str, Any] = yaml.safe_load((path / "copier.yml").read_text(encoding="utf-8"))
    return tuple(
        Question(
            name=name,
            help=str(spec.get("help", "")),
            default=None if spec.get("default") is None else str(spec["default"]),
            choices=[str(choice) for choice in spec["choices"]] if "choices" in spec else None,
        )
        for name, spec in settings.items()
        if not name.startswith("_") and isinstance(spec, dict) and spec.get("when", True) is not False
    )
