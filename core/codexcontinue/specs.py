"""The value types a pack hands to the core through its hooks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Awaitable, Callable

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SLUG = re.compile(r"^[a-z][a-z0-9-]*$")


def _check_slug(value: str, what: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"{what} {value!r} must be lowercase letters, digits and dashes, starting with a letter"
        )
    return value


class PackInfo(BaseModel):
    """Who a pack is: returned by the `pack_info` hook."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Short name; the route prefix (/api/v1/<name>/) and namespace.")
    title: str
    description: str = ""
    icon: str = ":material/extension:"
    version: str = "0.0.0"
    always_audited: bool = Field(
        default=False,
        description="Audit every request to this pack whatever CODEXCONTINUE_AUDIT_PACKS says "
        "(a pack that handles regulated data, such as health records).",
    )

    @field_validator("name")
    @classmethod
    def _name_is_slug(cls, value: str) -> str:
        return _check_slug(value, "Pack name")


class PageSpec(BaseModel):
    """A Streamlit page a pack contributes: a script file shipped inside the pack."""

    model_config = ConfigDict(frozen=True)

    path: Path = Field(description="Absolute path of the page's .py script.")
    title: str
    slug: str = Field(description="URL segment; the shell prefixes it with the pack name.")
    icon: str | None = None

    @field_validator("slug")
    @classmethod
    def _slug_is_slug(cls, value: str) -> str:
        return _check_slug(value, "Page slug")

    @field_validator("path")
    @classmethod
    def _path_is_a_script(cls, value: Path) -> Path:
        if value.suffix != ".py" or not value.is_file():
            raise ValueError(f"Page script {value} does not exist or is not a .py file")
        return value


class ModelSpec(BaseModel):
    """An LLM a pack needs, created in Ollama from a base model (see `codexcontinue models ensure`)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Ollama model name; must start with '<pack>-'.")
    base: str = Field(description="Base model pulled from the Ollama library, e.g. 'llama3.2:3b'.")
    system: str = ""
    options: dict[str, Any] = Field(
        default_factory=dict, description="Pinned options: num_ctx, temperature, seed, ..."
    )
    output: type[BaseModel] | None = Field(
        default=None, description="Output schema used when a call to this model passes none."
    )
    description: str = ""


class TaskSpec(BaseModel):
    """A background task the worker can run: `await function(context, **arguments)`."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    function: Callable[..., Awaitable[Any]]
    timeout_s: float = 600.0


class HealthReport(BaseModel):
    """The answer of a pack's `pack_health` hook; `ok=False` marks the pack degraded."""

    ok: bool
    detail: str = ""


class PackSettings(BaseSettings):
    """Base class for a pack's settings.

    Fields are read from `CODEXCONTINUE_<PACK>__<FIELD>` environment variables, the `.env` file
    and the secrets directory. Declare secrets as `SecretStr`: they are masked everywhere.
    """

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)


class LLMCall(BaseModel):
    """One LLM call as the `before_llm_call` / `after_llm_call` hooks see it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    pack: str | None = Field(description="The pack that made the call, or None for the core.")
    model: str
    messages: list[dict[str, Any]]
    options: dict[str, Any] = Field(default_factory=dict)
    cacheable: bool = True
