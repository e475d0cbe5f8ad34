"""Typed errors of the LLM backend: catch `LLMError` for all of them."""

from __future__ import annotations

from collections.abc import Sequence


class LLMError(Exception):
    """Something went wrong talking to the LLM backend.

    `host` is the server that answered (None when no single host is to blame) and
    `status_code` the HTTP status when there was one.
    """

    def __init__(self, message: str, *, host: str | None = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.host = host
        self.status_code = status_code


class LLMUnavailable(LLMError):
    """No configured host could be reached (connection refused, DNS failure, connect timeout)."""

    def __init__(self, hosts: Sequence[str]) -> None:
        self.hosts = list(hosts)
        where = ", ".join(self.hosts) or "(no hosts configured)"
        super().__init__(
            f"no LLM backend at {where}: start Ollama (`ollama serve`) or set CODEXCONTINUE_OLLAMA_HOSTS"
        )


class LLMTimeout(LLMError):
    """The host accepted the connection but did not answer within the read timeout."""

    def __init__(self, host: str, timeout: float | None, model: str | None = None) -> None:
        self.timeout = timeout
        subject = f"model '{model}' on {host}" if model else host
        limit = f"within {timeout:g} s" if timeout is not None else "in time"
        super().__init__(
            f"{subject} did not answer {limit}; raise CODEXCONTINUE_OLLAMA_READ_TIMEOUT for slow models",
            host=host,
        )


class ModelNotFound(LLMError):
    """The host does not have the model."""

    def __init__(self, model: str, *, host: str | None = None) -> None:
        self.model = model
        where = f" on {host}" if host else ""
        super().__init__(
            f"model '{model}' not found{where}: run `codexcontinue models ensure` to create it",
            host=host,
            status_code=404,
        )


class LLMStreamError(LLMError):
    """A stream broke after it started: the host reported an error or dropped the connection mid-answer."""

    def __init__(self, detail: str, *, host: str | None = None) -> None:
        self.detail = detail
        super().__init__(f"the stream from {host or 'the LLM backend'} broke: {detail}", host=host)
