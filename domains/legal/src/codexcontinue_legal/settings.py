"""The legal pack's settings, read from `CODEXCONTINUE_LEGAL__<FIELD>`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from codexcontinue import PackSettings


class LegalSettings(PackSettings):
    """Size limits, the court calendar for deadlines, risk thresholds and the LLM base model."""

    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Largest contract upload (.txt, .docx, .pdf) accepted, in bytes."
    )
    max_text_bytes: int = Field(
        default=1024 * 1024,
        gt=0,
        description="Largest contract text reviewed (or document summarised): bytes sent, or characters read from a file.",
    )
    max_citation_bytes: int = Field(
        default=256 * 1024, gt=0, description="Largest text searched for citations, in bytes (UTF-8)."
    )
    holidays: Annotated[list[date], NoDecode] = Field(
        default_factory=list,
        description="Court holidays (YYYY-MM-DD, comma-separated) skipped when counting court days.",
    )
    federal_holidays: bool = Field(
        default=True, description="Also skip US federal holidays (FRCP 6(a)(6)) when counting."
    )
    renewal_notice_risk_days: int = Field(
        default=60,
        ge=0,
        description="Flag auto-renewal when terminating it needs this many days' notice or more.",
    )
    analyst_base_model: str = Field(
        default="llama3.2:3b", description="Base model of the 'legal-analyst' model in Ollama."
    )

    @field_validator("holidays", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value
