"""The LLM runtime packs call: pack hooks around every call, structured output, the response cache, metrics.

    runtime = LLMRuntime(backend, store, registry, metrics)
    result = await runtime.generate("legal-summarizer", "Summarise: ...", pack="legal", schema=Summary)
    result.data  # a validated Summary
    async for piece in runtime.stream("legal-summarizer", "Explain ...", pack="legal"):
        print(piece, end="")

Every call goes to Ollama's `/api/chat`, streamed even when the caller wants one whole reply, so the
read timeout bounds each wait for a piece and a separate deadline bounds the whole call. Each
active pack's `before_llm_call` sees it first (and may redact it or turn caching off) and each
pack's `after_llm_call` sees the reply text. Identical cacheable calls are answered from the cache,
and identical calls in flight share one upstream call.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ValidationError

from ..packs.registry import PackRegistry
from ..specs import LLMCall
from ..store import Store
from .cache import ResponseCache, SingleFlight, cache_key
from .errors import LLMError, LLMStreamError
from .metrics import MLMetrics
from .models import normalize_name
from .ollama_backend import OllamaBackend
from .streaming import Deadline, ThinkingFilter, without_thinking

__all__ = ["LLMResult", "LLMRuntime", "StructuredOutputError"]


class TokenBudget(Protocol):
    """Who pays for upstream tokens: checked before each call, charged after it (see api.quotas)."""

    async def check_tokens(self) -> None:
        """Raise when the caller has no tokens left."""

    async def spend_tokens(self, count: int) -> None:
        """Charge `count` tokens to the caller."""


@dataclass(frozen=True)
class LLMResult:
    """One reply: its text, the validated object when a schema was given, and its cost in tokens.

    `cached` is True when the reply came from the response cache. The token counts are those of
    the upstream call(s) that produced the reply, schema retries included.
    """

    text: str
    data: BaseModel | None
    model: str
    cached: bool
    prompt_tokens: int
    completion_tokens: int


class StructuredOutputError(LLMError):
    """The model's reply did not match the schema, even after the allowed retries.

    `raw` is the last reply as the model wrote it, `errors` pydantic's list of problems with it,
    `attempts` how many replies were asked for.
    """

    def __init__(self, model: str, schema: type[BaseModel], raw: str, error: ValidationError, attempts: int) -> None:
        self.raw = raw
        self.errors = error.errors(include_url=False)
        self.attempts = attempts
        super().__init__(
            f"model '{model}' did not answer JSON matching {schema.__name__} in {attempts} attempt(s): "
            f"{_problems(error)}. The last reply is in .raw; simplify the schema, describe it in the "
            f"prompt, or raise CODEXCONTINUE_LLM_SCHEMA_RETRIES."
        )


@dataclass(frozen=True)
class _Request:
    """One `generate` as the layers below it need it: the call after the hooks, its schema, `think`, deadline."""

    call: LLMCall
    schema: type[BaseModel] | None
    json_schema: dict[str, Any] | None
    think: bool | None
    deadline: Deadline


@dataclass(frozen=True)
class _Reply:
    """What the cache keeps and single-flight shares: the model's text and what it cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int


class LLMRuntime:
    """Calls a pack makes to an LLM, with hooks, structured output, caching and metrics.

    Args:
        backend: the Ollama backend to call.
        store: where cached replies live (Redis, or the embedded store).
        registry: the process's packs; their `before_llm_call` / `after_llm_call` hooks run for every call.
        metrics: where to record tokens, timings and cache outcomes (a private registry when left out).
        cache_ttl: seconds a cached reply is reused; 0 turns the cache off.
        schema_retries: how many times an invalid structured reply is sent back to the model.
        budget: the token quota checked before and charged after every upstream call (cache hits are free).
        call_timeout: seconds one `generate` (schema retries included) or `stream` may take in all.
    """

    digest_ttl: float = 5.0
    """Seconds a model's digest (part of every cache key) is reused before asking Ollama again."""

    def __init__(
        self,
        backend: OllamaBackend,
        store: Store,
        registry: PackRegistry | None = None,
        metrics: MLMetrics | None = None,
        cache_ttl: float = 3600,
        schema_retries: int = 2,
        budget: TokenBudget | None = None,
        call_timeout: float = 900.0,
    ) -> None:
        self.backend = backend
        self.call_timeout = call_timeout
        self.budget = budget
        self.registry = registry
        self.metrics = metrics or MLMetrics(CollectorRegistry())
        self.cache = ResponseCache(store, cache_ttl)
        self.schema_retries = max(0, schema_retries)
        self._flights: SingleFlight[_Reply] = SingleFlight()
        self._tag_flight: SingleFlight[dict[str, str]] = SingleFlight()
        self._digests: dict[str, tuple[float, str]] = {}

    async def generate(
        self,
        model: str,
        prompt: str | None = None,
        *,
        messages: Sequence[Mapping[str, Any]] | None = None,
        system: str | None = None,
        pack: str | None = None,
        schema: type[BaseModel] | None = None,
        options: Mapping[str, Any] | None = None,
        cache: bool = True,
        think: bool | None = None,
        timeout: float | None = None,
    ) -> LLMResult:
        """Ask `model` for one complete reply.

        Pass either `prompt` (one user message) or `messages` (a chat history); `system` replaces
        the model's own system prompt for this call. With `schema` the reply is constrained to its
        JSON schema, validated, and sent back with the validation error when it does not match, up
        to `schema_retries` times; then `StructuredOutputError` is raised. `pack` names the caller
        (for hooks and metrics). `cache=False` makes this call skip the cache and single-flight.
        `think` turns a reasoning model's thinking on or off (default: off with a schema, so the
        JSON comes first, and Ollama's default otherwise); the reply never contains the thinking.
        `timeout` caps the whole call in seconds (default: the runtime's `call_timeout`).

        Raises the `LLMError` types of `codexcontinue.ml.errors`, or `StructuredOutputError`.
        """
        deadline = Deadline.after(self.call_timeout if timeout is None else timeout)
        call = self._prepare(model, prompt, messages, system, pack, options, cacheable=cache)
        schema = schema or self._spec_output(call.model)
        json_schema = schema.model_json_schema() if schema is not None else None
        if think is None and schema is not None:
            think = False
        request = _Request(call, schema, json_schema, think, deadline)
        try:
            reply, cached = await deadline.wait(self._reply(request), call.model)
        except LLMError as error:
            self.metrics.error(call.model, call.pack, error)
            raise
        text = self._after(call, reply.text)
        data = None
        if schema is not None:
            try:
                data = schema.model_validate_json(text)
            except ValidationError as error:
                raise LLMError(
                    f"an after_llm_call hook turned the reply of '{call.model}' into text that no longer "
                    f"matches {schema.__name__}: {_problems(error)}. Fix that pack's hook."
                ) from error
        return LLMResult(text, data, call.model, cached, reply.prompt_tokens, reply.completion_tokens)

    async def stream(
        self,
        model: str,
        prompt: str | None = None,
        *,
        messages: Sequence[Mapping[str, Any]] | None = None,
        system: str | None = None,
        pack: str | None = None,
        options: Mapping[str, Any] | None = None,
        think: bool | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[str]:
        """Yield the reply of `model` in pieces as they are generated (never cached).

        Arguments as in `generate`. A reasoning model's thinking is never yielded. When an active
        pack implements `after_llm_call`, which needs the whole reply, the reply is gathered and
        yielded as one piece after that hook ran. The deadline covers the whole stream; time the
        caller spends between two pieces counts too.
        """
        deadline = Deadline.after(self.call_timeout if timeout is None else timeout)
        call = self._prepare(model, prompt, messages, system, pack, options, cacheable=False)
        gather = self._replies_are_post_processed()
        thinking = ThinkingFilter()
        pieces: list[str] = []
        try:
            if self.budget is not None:
                await self.budget.check_tokens()
            opening = self.backend.chat(call.model, call.messages, options=call.options or None, stream=True, think=think)
            chunks = await deadline.wait(opening, call.model)
            async with aclosing(chunks):
                while (chunk := await deadline.next(chunks, call.model)) is not None:
                    if chunk.done:
                        self.metrics.observe_reply(call.model, call.pack, chunk)
                        if self.budget is not None:
                            await self.budget.spend_tokens((chunk.prompt_eval_count or 0) + (chunk.eval_count or 0))
                    piece = thinking.feed(chunk.message.content or "")
                    if piece:
                        pieces.append(piece)
                        if not gather:
                            yield piece
            rest = thinking.finish()
            if rest:
                pieces.append(rest)
                if not gather:
                    yield rest
        except LLMError as error:
            self.metrics.error(call.model, call.pack, error)
            raise
        text = self._after(call, "".join(pieces))
        if gather and text:
            yield text

    def _spec_output(self, model: str) -> type[BaseModel] | None:
        """The output schema a pack's `ModelSpec` declares for `model`, if any."""
        if self.registry is None:
            return None
        name = normalize_name(model)
        for loaded in self.registry.packs.values():
            for spec in loaded.models:
                if spec.output is not None and normalize_name(spec.name) == name:
                    return spec.output
        return None

    # ------------------------------------------------------------------ cache and single-flight

    async def _reply(self, request: _Request) -> tuple[_Reply, bool]:
        """The reply to the request and whether it came from the cache."""
        call = request.call
        if not (call.cacheable and self.cache.enabled):
            return await self._ask(request), False
        digest = await self._digest(call.model)
        if digest is None:  # Ollama lacks the model: let the call raise ModelNotFound
            return await self._ask(request), False
        key = cache_key(digest, call.options, call.messages, request.json_schema, request.think)
        hit = _cached_reply(await self.cache.get(key))
        if hit is not None:
            self.metrics.count(self.metrics.cache_hits, call.model, call.pack)
            return hit, True

        async def ask_and_keep() -> _Reply:
            reply = await self._ask(request)
            await self.cache.set(key, asdict(reply))
            return reply

        reply, ran = await self._flights.run(key, ask_and_keep)
        self.metrics.count(self.metrics.cache_misses if ran else self.metrics.shared, call.model, call.pack)
        return reply, False

    async def _digest(self, model: str) -> str | None:
        """The digest Ollama reports for `model` (kept `digest_ttl` seconds), or None if it lacks it."""
        name = normalize_name(model)
        known = self._digests.get(name)
        if known is not None and known[0] > time.monotonic():
            return known[1]
        digests, _ = await self._tag_flight.run("tags", self._list_digests)
        until = time.monotonic() + self.digest_ttl
        self._digests = {tag: (until, digest) for tag, digest in digests.items()}
        return digests.get(name)

    async def _list_digests(self) -> dict[str, str]:
        return {normalize_name(m["model"]): m["digest"] for m in await self.backend.list_models() if m.get("digest")}

    # ------------------------------------------------------------------ the upstream call

    async def _ask(self, request: _Request) -> _Reply:
        """Call Ollama; with a schema, send invalid replies back with the error until one validates."""
        call, schema = request.call, request.schema
        messages = list(call.messages)
        prompt_tokens = completion_tokens = attempt = 0
        while True:
            attempt += 1
            if self.budget is not None:
                await self.budget.check_tokens()
            text, final = await self._streamed_reply(request, messages)
            self.metrics.observe_reply(call.model, call.pack, final)
            if self.budget is not None:
                await self.budget.spend_tokens((final.prompt_eval_count or 0) + (final.eval_count or 0))
            prompt_tokens += final.prompt_eval_count or 0
            completion_tokens += final.eval_count or 0
            if schema is None:
                return _Reply(text, prompt_tokens, completion_tokens)
            try:
                schema.model_validate_json(text)
                return _Reply(text, prompt_tokens, completion_tokens)
            except ValidationError as error:
                if attempt > self.schema_retries:
                    raise StructuredOutputError(call.model, schema, text, error, attempt) from error
                self.metrics.count(self.metrics.schema_retries, call.model, call.pack)
                messages += [{"role": "assistant", "content": text}, {"role": "user", "content": _feedback(error)}]

    async def _streamed_reply(self, request: _Request, messages: list[dict[str, Any]]) -> tuple[str, Any]:
        """One upstream call, streamed and joined: the reply text (thinking left out) and Ollama's final chunk.

        Streaming makes the read timeout bound the gap between two pieces, not the whole reply;
        the deadline bounds the whole.
        """
        model, deadline = request.call.model, request.deadline
        opening = self.backend.chat(
            model,
            messages,
            format=request.json_schema,
            options=request.call.options or None,
            stream=True,
            think=request.think,
        )
        chunks = await deadline.wait(opening, model)
        pieces: list[str] = []
        final = None
        async with aclosing(chunks):
            while (chunk := await deadline.next(chunks, model)) is not None:
                pieces.append(chunk.message.content or "")
                if chunk.done:
                    final = chunk
        if final is None:
            raise LLMStreamError(f"the answer of model '{model}' ended before Ollama said it was done")
        return without_thinking("".join(pieces)), final

    # ------------------------------------------------------------------ pack hooks

    def _prepare(
        self,
        model: str,
        prompt: str | None,
        messages: Sequence[Mapping[str, Any]] | None,
        system: str | None,
        pack: str | None,
        options: Mapping[str, Any] | None,
        *,
        cacheable: bool,
    ) -> LLMCall:
        """The call as the arguments describe it, after every pack's `before_llm_call`."""
        chat = _messages(prompt, messages, system)
        call = LLMCall(pack=pack, model=model, messages=chat, options=dict(options or {}), cacheable=cacheable)
        return self._before(call)

    def _before(self, call: LLMCall) -> LLMCall:
        """Run every active pack's `before_llm_call`; a hook may turn caching off, never back on."""
        if self.registry is None:
            return call
        cacheable = call.cacheable
        for pack in self.registry.active():
            changed = self.registry.call(pack, "before_llm_call", call=call)
            if isinstance(changed, LLMCall):
                call = changed
            elif changed is not None:
                got = type(changed).__name__
                message = f"Pack '{pack}': before_llm_call() must return an LLMCall or None, got {got}"
                self.registry.quarantine(pack, message)
            cacheable = cacheable and call.cacheable
        return call.model_copy(update={"cacheable": cacheable})

    def _after(self, call: LLMCall, text: str) -> str:
        """Run every active pack's `after_llm_call` on the reply text, in pack order."""
        if self.registry is None:
            return text
        for pack in self.registry.active():
            changed = self.registry.call(pack, "after_llm_call", call=call, text=text)
            if isinstance(changed, str):
                text = changed
            elif changed is not None:
                got = type(changed).__name__
                message = f"Pack '{pack}': after_llm_call() must return a str or None, got {got}"
                self.registry.quarantine(pack, message)
        return text

    def _replies_are_post_processed(self) -> bool:
        """Whether an active pack implements `after_llm_call` (so a stream must be gathered first)."""
        if self.registry is None:
            return False
        active = set(self.registry.active())
        implementations = self.registry.plugin_manager.hook.after_llm_call.get_hookimpls()
        return any(impl.plugin_name in active for impl in implementations)


def _messages(
    prompt: str | None, messages: Sequence[Mapping[str, Any]] | None, system: str | None
) -> list[dict[str, Any]]:
    if (prompt is None) == (messages is None):
        raise ValueError("pass either prompt='...' or messages=[...] (not both, not neither)")
    chat = [dict(m) for m in messages] if messages is not None else [{"role": "user", "content": prompt}]
    return [{"role": "system", "content": system}, *chat] if system else chat


def _cached_reply(entry: Any) -> _Reply | None:
    try:
        return _Reply(**entry) if isinstance(entry, dict) else None
    except TypeError:  # an entry of another shape (older format): treat as a miss
        return None


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or '(reply)'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    )


def _feedback(error: ValidationError) -> str:
    return (
        f"Your reply does not match the required JSON schema: {_problems(error)}. "
        "Answer again with only a JSON value that matches the schema."
    )
