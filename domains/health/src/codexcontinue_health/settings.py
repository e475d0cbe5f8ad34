"""The health pack's settings, read from `CODEXCONTINUE_HEALTH__<FIELD>`."""

from __future__ import annotations

from codexcontinue import PackSettings
from pydantic import Field, SecretStr


class HealthSettings(PackSettings):
    """HIPAA mode, request limits, the pseudonym key and the clinician model's base."""

    hipaa_mode: bool = Field(
        default=True,
        description=(
            "Never cache an LLM call of this pack, filter PHI out of the logs, and never echo the raw input "
            "unless the request asks. Turn off only for synthetic data. (The core audits every health call "
            "either way.)"
        ),
    )
    max_text_chars: int = Field(default=100_000, gt=0, description="Longest note accepted, in characters.")
    max_body_bytes: int = Field(
        default=1_000_000, gt=0, description="Largest request body (JSON or upload) accepted, in bytes."
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret from which pseudonyms and date offsets are derived (the same note always gets the same "
            "ones). Unset: a random key per process, so they change on restart."
        ),
    )
    clinician_base_model: str = Field(
        default="llama3.2:3b", description="Base model of the 'health-clinician' model in Ollama."
    )
