"""The developer pack's settings, read from `CODEXCONTINUE_DEVELOPER__<FIELD>`."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from codexcontinue import PackSettings


class DeveloperSettings(PackSettings):
    """Upload and archive limits, the analysis process's limits, the lint rules, report sizes and the
    reviewer's base model."""

    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Largest upload (archive, .py file or pasted code), in bytes."
    )
    max_unpacked_bytes: int = Field(
        default=50 * 1024 * 1024, gt=0, description="Largest total size an archive may unpack to, in bytes."
    )
    max_archive_entries: int = Field(
        default=2000, gt=0, description="Most entries (files, folders and links) an archive may hold."
    )
    max_compression_ratio: float = Field(
        default=100.0,
        gt=1,
        description="Refuse an archive (or zip entry) over 1 MiB that unpacks to more than this many times its size.",
    )
    lint_rules: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["E4", "E7", "E9", "F", "B"],
        description="ruff rule codes or prefixes to check (comma-separated), e.g. 'E4,E7,E9,F,B'.",
    )
    lint_timeout_s: float = Field(default=120.0, gt=0, description="Seconds ruff may run on one upload.")
    max_analysis_memory_bytes: int = Field(
        default=2 * 1024**3,
        ge=256 * 1024**2,
        description="Address space of the process that parses one request's code; code needing more is refused (413).",
    )
    max_analysis_processes: int = Field(
        default=2, ge=1, description="Requests whose code is parsed at the same time; the others wait their turn."
    )
    worst_offenders: int = Field(
        default=10, ge=1, le=100, description="How many functions and files the summary names as worst offenders."
    )
    max_docstring_drafts: int = Field(
        default=10, ge=1, le=200, description="Most docstrings the LLM drafts for one documentation request."
    )
    reviewer_base_model: str = Field(
        default="qwen2.5-coder:1.5b", description="Base model of the 'developer-reviewer' model in Ollama."
    )

    @field_validator("lint_rules", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value
