"""Prometheus metrics of the LLM runtime: tokens, speed and latency from Ollama's timings, cache outcomes.

Every series is labelled by `model` and `pack` (``"core"`` when no pack made the call), never by
prompts, replies, cache keys or API keys. The backend serves them on `/metrics`.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

LABELS = ("model", "pack")
CORE = "core"
_SECONDS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_TOKENS_PER_SECOND = (1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000)


class MLMetrics:
    """The runtime's collectors, registered on one `CollectorRegistry` (the app's or the worker's)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        def counter(name: str, description: str, *extra: str) -> Counter:
            return Counter(name, description, [*LABELS, *extra], registry=registry)

        def histogram(name: str, description: str, buckets: tuple[float, ...]) -> Histogram:
            return Histogram(name, description, LABELS, buckets=buckets, registry=registry)

        self.calls = counter("codexcontinue_llm_calls", "Calls sent to Ollama (cache hits and shared calls excluded).")
        self.errors = counter("codexcontinue_llm_errors", "LLM calls that failed, by error type.", "error")
        self.prompt_tokens = counter("codexcontinue_llm_prompt_tokens", "Tokens read by the model (prompt_eval_count).")
        self.completion_tokens = counter("codexcontinue_llm_completion_tokens", "Tokens generated (eval_count).")
        self.schema_retries = counter(
            "codexcontinue_llm_schema_retries", "Replies that failed schema validation and were asked again."
        )
        self.cache_hits = counter("codexcontinue_llm_cache_hits", "Calls answered from the response cache.")
        self.cache_misses = counter("codexcontinue_llm_cache_misses", "Cacheable calls the cache could not answer.")
        self.shared = counter(
            "codexcontinue_llm_singleflight_shared",
            "Calls that waited for an identical call in flight instead of calling Ollama.",
        )
        self.tokens_per_second = histogram(
            "codexcontinue_llm_tokens_per_second", "Generation speed: eval_count / eval_duration.", _TOKENS_PER_SECOND
        )
        self.time_to_first_token = histogram(
            "codexcontinue_llm_time_to_first_token_seconds",
            "Seconds before the first generated token: load_duration + prompt_eval_duration.",
            _SECONDS,
        )
        self.load_time = histogram(
            "codexcontinue_llm_load_seconds", "Seconds Ollama spent loading the model (load_duration).", _SECONDS
        )

    def observe_reply(self, model: str, pack: str | None, final: Any) -> None:
        """Record one upstream call from the timing fields of its final (``done``) chunk."""
        labels = (model, pack or CORE)
        self.calls.labels(*labels).inc()
        self.prompt_tokens.labels(*labels).inc(final.prompt_eval_count or 0)
        self.completion_tokens.labels(*labels).inc(final.eval_count or 0)
        if final.eval_count and final.eval_duration:
            self.tokens_per_second.labels(*labels).observe(final.eval_count / (final.eval_duration / 1e9))
        if final.load_duration is not None:
            self.load_time.labels(*labels).observe(final.load_duration / 1e9)
            self.time_to_first_token.labels(*labels).observe(
                (final.load_duration + (final.prompt_eval_duration or 0)) / 1e9
            )

    def count(self, counter: Counter, model: str, pack: str | None) -> None:
        """Add one to `counter` (one of this object's) for `model` and `pack`."""
        counter.labels(model, pack or CORE).inc()

    def error(self, model: str, pack: str | None, error: Exception) -> None:
        """Record a failed call by its error type."""
        self.errors.labels(model, pack or CORE, type(error).__name__).inc()
