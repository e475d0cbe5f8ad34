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
    max_batch_notes: int = Field(default=100, gt=0, description="Most notes in one call of /deidentify/batch.")
    max_corpus_bytes: int = Field(
        default=20_000_000, gt=0, description="Largest JSONL upload accepted by /deidentify/corpus (a job), in bytes."
    )
    max_corpus_notes: int = Field(default=20_000, gt=0, description="Most notes in one corpus job.")
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret from which pseudonyms and date offsets are derived (the same note always gets the same "
            "ones), and which encrypts notes waiting for a corpus job. Unset: a random key per process, so they "
            "change on restart and corpus jobs run only in the process that accepted them. Set the same value "
            "in the API and every worker."
        ),
    )
    clinician_base_model: str = Field(
        default="llama3.2:3b", description="Base model of the 'health-clinician' model in Ollama."
    )
