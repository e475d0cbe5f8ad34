"""Core settings and per-pack settings, read with pydantic-settings; secrets never leave masked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .cpu_work import default_cpu_threads
from .specs import PackSettings

ENV_PREFIX = "CODEXCONTINUE_"
DEFAULT_SECRETS_DIR = Path("/run/secrets")


class SettingsError(Exception):
    """A setting has a value that cannot be used; the message names the variable and the pack."""


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _secrets_dir() -> Path | None:
    configured = os.environ.get(f"{ENV_PREFIX}SECRETS_DIR")
    path = Path(configured) if configured else DEFAULT_SECRETS_DIR
    return path if path.is_dir() else None


class CoreSettings(BaseSettings):
    """The platform's own settings: `CODEXCONTINUE_<FIELD>` in the environment or `.env`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", case_sensitive=False
    )

    packs: Annotated[list[str], NoDecode] = Field(
        default=["all"], description="Enabled packs, comma-separated; 'all' enables every installed pack."
    )
    plugins_dir: Path | None = Field(default=None, description="Folder of single-file local plugins.")
    strict: bool = Field(default=False, description="Fail at start instead of quarantining a bad pack.")
    redis_url: SecretStr | None = Field(
        default=None, description="redis://host:port/db; unset means the embedded local store."
    )
    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "codexcontinue",
        description="Where the embedded store keeps its files (API keys, cache, pack data).",
    )
    ollama_hosts: Annotated[list[str], NoDecode] = Field(
        default=["http://127.0.0.1:11434"], description="Ollama base URLs, comma-separated."
    )
    ollama_connect_timeout: float = 5.0
    ollama_read_timeout: float = Field(
        default=120.0,
        gt=0,
        description="Seconds Ollama may stay silent: before the first piece of an answer, and between two pieces.",
    )
    llm_call_timeout_s: float = Field(
        default=900.0,
        gt=0,
        description="Seconds one LLM call may take in all, schema retries included (a job's own time limit also applies).",
    )
    llm_cache_ttl: float = Field(
        default=3600, ge=0, description="Seconds an LLM reply stays in the response cache; 0 turns the cache off."
    )
    llm_schema_retries: int = Field(
        default=2, ge=0, description="Times a reply that fails its JSON schema is sent back to the model to fix."
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    ui_host: str = "127.0.0.1"
    ui_port: int = 8501
    api_url: str = Field(default="", description="Backend URL the UI calls; default: from api_host/api_port.")
    worker_port: int = 8502
    in_process_worker: bool = Field(
        default=False, description="Also run a job worker inside the API process (set by `serve`)."
    )
    job_lease_s: float = Field(
        default=30.0,
        gt=0,
        description="A running job's lease, renewed by its worker; a dead worker's job restarts after it.",
    )
    rate_limit: str = Field(
        default="600/minute",
        validate_default=False,  # a known-good default; skipping its parse keeps `limits` out of every CLI start
        description="Requests per key and pack, e.g. '600/minute'; empty: no limit.",
    )
    anonymous_rate_limit: str = Field(
        default="60/minute",
        validate_default=False,
        description="Requests without a valid API key per client address, e.g. '60/minute'; empty: no limit.",
    )
    llm_tokens_per_day: int = Field(default=1_000_000, ge=0, description="LLM tokens per key per day; 0: no quota.")
    max_body_bytes: int = Field(default=50 * 1024 * 1024, gt=0, description="Largest request body accepted (413 above).")
    max_url_bytes: int = Field(
        default=8 * 1024, gt=0, description="Longest URL (path and query string) accepted (414 above, before anything runs)."
    )
    request_timeout_s: float = Field(
        default=120.0, gt=0, description="Seconds a request may take before its answer starts (504 after)."
    )
    cpu_threads: int = Field(
        default_factory=default_cpu_threads,
        gt=0,
        description="Threads for CPU-bound pack work (parsing, scanning), kept off the event loop.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[], description="Origins allowed to call the API from a browser, comma-separated; none by default."
    )
    audit_packs: Annotated[list[str], NoDecode] = Field(
        default=[], description="Packs whose requests are audited, comma-separated ('all' for every one); "
        "a pack whose PackInfo sets always_audited is audited whatever this says."
    )
    audit_retention_days: float = Field(default=90, gt=0, description="Days audit records are kept in Redis.")
    audit_file: Path | None = Field(
        default=None, description="Append-only JSON-lines audit file; default: <data_dir>/audit.jsonl."
    )
    log_json: bool = Field(default=False, description="Log JSON lines instead of text.")
    log_level: str = "INFO"
    trace_hooks: bool = Field(default=False, description="Print every hook call with its timing.")

    @field_validator("packs", "ollama_hosts", "cors_origins", "audit_packs", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("ollama_hosts")
    @classmethod
    def _hosts_are_urls(cls, hosts: list[str]) -> list[str]:
        for host in hosts:
            if not host.startswith(("http://", "https://")):
                raise ValueError(f"{host!r} is not a URL; write it as http://host:11434")
        return [host.rstrip("/") for host in hosts]

    @field_validator("rate_limit", "anonymous_rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        if value:
            from limits import parse

            try:
                parse(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a rate like '600/minute' or '10/second'") from None
        return value

    @property
    def audit_path(self) -> Path:
        """Where the audit file sink writes."""
        return self.audit_file or self.data_dir / "audit.jsonl"

    def audited(self, pack: str) -> bool:
        """Whether `audit_packs` asks for requests to `pack` to be audited (packs may also ask themselves:
        `PackInfo.always_audited`)."""
        return "all" in self.audit_packs or pack in self.audit_packs

    @property
    def backend_url(self) -> str:
        """The URL the UI and other clients use to reach the backend."""
        if self.api_url:
            return self.api_url.rstrip("/")
        host = "127.0.0.1" if self.api_host in ("0.0.0.0", "::") else self.api_host
        return f"http://{host}:{self.api_port}"

    def pack_enabled(self, name: str) -> bool:
        """Whether the pack called `name` is in the enabled set."""
        return "all" in self.packs or name in self.packs


def load_core_settings(**overrides: Any) -> CoreSettings:
    """Read the core settings, turning a validation error into a `SettingsError` a person can act on."""
    try:
        return CoreSettings(_secrets_dir=_secrets_dir(), **overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error, ENV_PREFIX, None)) from None


def load_pack_settings(pack: str, model: type[PackSettings]) -> PackSettings:
    """Read one pack's settings from `CODEXCONTINUE_<PACK>__*`, `.env` and the secrets directory."""
    if not (isinstance(model, type) and issubclass(model, PackSettings)):
        raise SettingsError(
            f"Pack '{pack}': pack_settings() must return a subclass of codexcontinue.PackSettings, "
            f"got {model!r}"
        )
    prefix = pack_env_prefix(pack)
    try:
        return model(_env_prefix=prefix, _env_file=".env", _secrets_dir=_secrets_dir())
    except ValidationError as error:
        raise SettingsError(_describe(error, prefix, pack)) from None


def pack_env_prefix(pack: str) -> str:
    """The environment prefix of a pack's settings, e.g. `CODEXCONTINUE_LEGAL__`."""
    return f"{ENV_PREFIX}{pack.upper().replace('-', '_')}__"


def _describe(error: ValidationError, prefix: str, pack: str | None) -> str:
    owner = f"pack '{pack}'" if pack else "the core"
    lines = [f"Invalid settings for {owner}:"]
    for problem in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in problem["loc"]) or "?"
        lines.append(f"  {prefix}{field.upper()}: {problem['msg']}")
    return "\n".join(lines)


def masked(settings: BaseSettings) -> dict[str, Any]:
    """The settings as JSON-ready data with every secret shown as '**********'."""
    return settings.model_dump(mode="json")
