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
    """The LLM did not answer in time: nothing for `timeout` seconds, or not done by the call's deadline.

    `phase` says which limit was hit: `"first"` (no first piece within the read timeout: a model
    load, a queue or a long prompt), `"gap"` (the answer stopped for longer than the read timeout
    after it had started) or `"deadline"` (the whole call took longer than its overall limit).
    """

    def __init__(self, host: str | None, timeout: float | None, model: str | None = None, *, phase: str = "first") -> None:
        self.timeout = timeout
        self.phase = phase
        limit = f"{timeout:g} s" if timeout is not None else "the time allowed"
        subject = f"model '{model}'" if model else "the LLM backend"
        where = f"{subject} on {host}" if host else subject
        if phase == "deadline":
            message = (
                f"{subject} did not finish its answer within {limit}; raise CODEXCONTINUE_LLM_CALL_TIMEOUT_S "
                f"(or pass timeout= to the call) for long answers"
            )
        elif phase == "gap":
            message = (
                f"{where} stopped answering: nothing for {limit} in the middle of its answer; "
                f"raise CODEXCONTINUE_OLLAMA_READ_TIMEOUT if the host is overloaded"
            )
        else:
            message = f"{where} did not answer within {limit}; raise CODEXCONTINUE_OLLAMA_READ_TIMEOUT for slow models"
        super().__init__(message, host=host)


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
