"""The LLM backend: Ollama through its official async client, with timeouts, typed errors and failover.

Every method is a coroutine. Streaming ones (``chat(stream=True)``,
``generate(stream=True)``, ``pull``, ``create``) resolve to an async iterator once
the first chunk has arrived, so an unreachable host, a missing model or an HTTP
error raises at the ``await``, and a failure after that raises from the ``async for``::

    backend = OllamaBackend(["http://127.0.0.1:11434"])
    reply = await backend.chat("llama3.2", [{"role": "user", "content": "hi"}])
    print(reply.message.content)
    async for chunk in await backend.chat("llama3.2", messages, stream=True):
        print(chunk.message.content, end="")

Errors are the types in :mod:`codexcontinue.ml.errors`, never raw ``httpx`` or
``ollama`` exceptions. With several hosts a call goes to the first healthy one;
a host that refuses the connection is skipped for ``cooldown`` seconds and the
call moves on to the next host.

The read timeout bounds each wait for bytes: the first piece of an answer (which
Ollama sends only once the model is loaded and the prompt read) and every gap
between two pieces of a stream, not the whole answer.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import ollama
import pydantic
from ollama import ChatResponse, GenerateResponse, ResponseError

from .errors import LLMError, LLMStreamError, LLMTimeout, LLMUnavailable, ModelNotFound
from .ollama_lines import LineSafeTransport

if TYPE_CHECKING:
    from ..settings import CoreSettings

__all__ = ["OllamaBackend"]

T = TypeVar("T")
Format = str | Mapping[str, Any] | None

# Failing to connect moves the call to the next host. (ollama wraps httpx.ConnectError into
# the builtin ConnectionError for plain calls, but not for streams or connect timeouts.)
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, ConnectionError)
# Everything else the client can raise for a bad answer; translated into an LLMError.
_CLIENT_ERRORS = (ResponseError, ollama.RequestError, httpx.HTTPError, json.JSONDecodeError, pydantic.ValidationError)
_MISSING_MODEL = re.compile(r"""model ['"]([^'"]+)['"] not found""")


class OllamaBackend:
    """Talks to one or more Ollama servers through ``ollama.AsyncClient``.

    Args:
        hosts: base URLs (``"http://127.0.0.1:11434"``), tried in order; a single string is one host.
        connect_timeout: seconds to establish a connection before trying the next host.
        read_timeout: seconds to wait for the answer's first byte, and between two chunks of a stream
            (a long answer that keeps streaming is never cut by it).
        cooldown: seconds a host that failed to connect is skipped (unless every host is down).
    """

    def __init__(
        self,
        hosts: Sequence[str] | str,
        connect_timeout: float = 5.0,
        read_timeout: float = 120.0,
        *,
        cooldown: float = 10.0,
    ) -> None:
        hosts = [hosts] if isinstance(hosts, str) else list(hosts)
        self.hosts = [h.rstrip("/") if "://" in h else f"http://{h.rstrip('/')}" for h in hosts]
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.cooldown = cooldown
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._down_until: dict[str, float] = {}
        # httpx connections belong to one event loop, so keep one set of clients per loop.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, ollama.AsyncClient]] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    def from_settings(cls, settings: CoreSettings) -> OllamaBackend:
        """The backend for the hosts and timeouts in the core settings (`ollama_hosts`, `ollama_*_timeout`)."""
        return cls(
            settings.ollama_hosts,
            connect_timeout=settings.ollama_connect_timeout,
            read_timeout=settings.ollama_read_timeout,
        )

    # ------------------------------------------------------------------ inference

    async def chat(
        self,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        *,
        format: Format = None,
        options: Mapping[str, Any] | None = None,
        stream: bool = False,
        think: bool | None = None,
    ) -> ChatResponse | AsyncIterator[ChatResponse]:
        """Chat with ``model``; with ``stream=True`` an async iterator of ``ChatResponse`` chunks.

        ``format`` is ``"json"`` or a JSON schema (e.g. ``MyModel.model_json_schema()``). ``think``
        turns a reasoning model's thinking on (it then comes in ``message.thinking``) or off;
        None leaves Ollama's default.
        """

        def call(client: ollama.AsyncClient) -> Awaitable[Any]:
            return client.chat(
                model=model, messages=messages, format=format, options=options, stream=stream, think=think
            )

        return await (self._stream(model, call) if stream else self._call(model, call))

    async def generate(
        self,
        model: str,
        prompt: str,
        *,
        system: str | None = None,
        format: Format = None,
        options: Mapping[str, Any] | None = None,
        stream: bool = False,
        think: bool | None = None,
    ) -> GenerateResponse | AsyncIterator[GenerateResponse]:
        """Complete ``prompt`` with ``model``; with ``stream=True`` an async iterator of ``GenerateResponse`` chunks."""

        def call(client: ollama.AsyncClient) -> Awaitable[Any]:
            return client.generate(
                model=model, prompt=prompt, system=system, format=format, options=options, stream=stream, think=think
            )

        return await (self._stream(model, call) if stream else self._call(model, call))

    async def embed(self, model: str, input: str | Sequence[str]) -> list[list[float]]:
        """Embed one text or several; returns one vector per text."""
        response = await self._call(model, lambda client: client.embed(model=model, input=input))
        return [list(vector) for vector in response.embeddings]

    # ------------------------------------------------------------------ model management

    async def list_models(self) -> list[dict[str, Any]]:
        """The models the host has: dicts with ``model``, ``digest``, ``size``, ``modified_at``, ``details``."""
        response = await self._call(None, lambda client: client.list())
        return [m.model_dump(exclude_none=True) for m in response.models]

    async def show(self, model: str) -> dict[str, Any]:
        """Ollama's ``/api/show`` answer as a dict: ``modelfile``, ``parameters``, ``template``, ``system``, ...

        Raises ModelNotFound when the host does not have ``model``.
        """

        async def call(client: ollama.AsyncClient) -> dict[str, Any]:
            # The raw JSON, because ollama.ShowResponse drops the `system` field.
            return (await client._request_raw("POST", "/api/show", json={"model": model})).json()

        return await self._call(model, call)

    async def pull(self, model: str) -> AsyncIterator[dict[str, Any]]:
        """Pull ``model`` from the registry: an async iterator of progress dicts (``status``, ``digest``, ``total``, ``completed``)."""
        return await self._stream(model, lambda client: client.pull(model, stream=True), _progress)

    async def create(
        self,
        model: str,
        from_: str,
        system: str | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Create ``model`` from the model ``from_``: an async iterator of progress dicts, ending with ``success``.

        Ollama reports some failures as an ``{"error": ...}`` line and carries on: 0.12.3 pulls a
        missing ``from_`` itself and, when that fails, still writes a model without weights. So
        the stream is read to its end, whatever it says, before the first error is raised as
        ``LLMStreamError``: when it is raised Ollama has finished, and what it left can be checked.
        """
        body: dict[str, Any] = {"model": model, "from": from_, "stream": True}
        if system is not None:
            body["system"] = system
        if parameters is not None:
            body["parameters"] = dict(parameters)

        async def call(client: ollama.AsyncClient) -> AsyncIterator[dict[str, Any]]:
            return _progress_to_the_end(client, body)

        return await self._stream(model, call)

    async def delete(self, model: str) -> None:
        """Delete ``model``; raises ModelNotFound when the host does not have it."""
        await self._call(model, lambda client: client.delete(model))

    async def ping(self) -> str:
        """The Ollama version of the first reachable host; raises LLMUnavailable when none answers."""

        async def call(client: ollama.AsyncClient) -> str:
            # The client has no version() method; _request_raw keeps its error handling.
            return (await client._request_raw("GET", "/api/version")).json()["version"]

        return await self._call(None, call)

    # ------------------------------------------------------------------ health and lifecycle

    @property
    def healthy_hosts(self) -> list[str]:
        """Hosts not cooling down after a failed connection, in configured order."""
        now = time.monotonic()
        return [h for h in self.hosts if self._down_until.get(h, 0.0) <= now]

    async def aclose(self) -> None:
        """Close the HTTP connections this event loop opened."""
        clients = self._clients.pop(asyncio.get_running_loop(), {})
        for client in clients.values():
            await client.close()

    async def __aenter__(self) -> OllamaBackend:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"OllamaBackend(hosts={self.hosts!r}, read_timeout={self.read_timeout})"

    # ------------------------------------------------------------------ internals

    def _client(self, host: str) -> ollama.AsyncClient:
        clients = self._clients.setdefault(asyncio.get_running_loop(), {})
        if host not in clients:
            clients[host] = ollama.AsyncClient(host=host, timeout=self._timeout, transport=LineSafeTransport())
        return clients[host]

    def _candidates(self) -> list[str]:
        healthy = self.healthy_hosts
        return healthy + [h for h in self.hosts if h not in healthy]  # hosts cooling down come last

    async def _call(self, model: str | None, call: Callable[[ollama.AsyncClient], Awaitable[T]]) -> T:
        """Run ``call`` on the first host that accepts the connection."""
        _, result = await self._call_on_first_host(model, call)
        return result

    async def _call_on_first_host(
        self, model: str | None, call: Callable[[ollama.AsyncClient], Awaitable[T]]
    ) -> tuple[str, T]:
        """Run ``call`` on the first host that accepts the connection; that host and the result.

        A host that refuses the connection cools down and the next one is tried; any other error
        is translated and raised."""
        for host in self._candidates():
            try:
                result = await call(self._client(host))
            except _CONNECT_ERRORS:
                self._down_until[host] = time.monotonic() + self.cooldown
                continue
            except _CLIENT_ERRORS as error:
                raise self._translate(error, host, model, streaming=False) from error
            self._down_until.pop(host, None)
            return host, result
        raise LLMUnavailable(self.hosts)

    async def _stream(
        self,
        model: str | None,
        call: Callable[[ollama.AsyncClient], Awaitable[AsyncIterator[Any]]],
        convert: Callable[[Any], Any] = lambda chunk: chunk,
    ) -> AsyncIterator[Any]:
        """Open a stream on the first host that accepts the connection and wait for its first chunk."""

        async def open_stream(client: ollama.AsyncClient) -> tuple[AsyncIterator[Any], list[Any]]:
            chunks = await call(client)  # the client sends the request on the first __anext__
            try:
                return chunks, [await chunks.__anext__()]
            except StopAsyncIteration:
                return chunks, []

        host, (chunks, head) = await self._call_on_first_host(model, open_stream)
        return self._rest(chunks, head, host, model, convert)

    async def _rest(
        self, chunks: Any, head: list[Any], host: str, model: str | None, convert: Callable[[Any], Any]
    ) -> AsyncIterator[Any]:
        try:
            for chunk in head:
                yield convert(chunk)
            async for chunk in chunks:
                yield convert(chunk)
        except _CLIENT_ERRORS as error:
            raise self._translate(error, host, model, streaming=True) from error
        finally:
            await chunks.aclose()

    def _translate(self, error: Exception, host: str, model: str | None, *, streaming: bool) -> LLMError:
        if isinstance(error, ResponseError):
            message = str(error.error)
            if error.status_code == -1:  # an {"error": ...} line inside a 200 stream
                return LLMStreamError(message, host=host)
            missing = _MISSING_MODEL.search(message)
            if error.status_code == 404 and (missing or (model and "model" in message.lower())):
                return ModelNotFound(missing.group(1) if missing else str(model), host=host)
            status = error.status_code
            return LLMError(f"{host} answered HTTP {status}: {message}", host=host, status_code=status)
        if isinstance(error, httpx.TimeoutException):
            return LLMTimeout(host, self.read_timeout, model, phase="gap" if streaming else "first")
        if streaming and isinstance(error, (httpx.TransportError, json.JSONDecodeError)):
            return LLMStreamError(f"{type(error).__name__}: {error}".rstrip(": "), host=host)
        return LLMError(f"{host}: {type(error).__name__}: {error}".rstrip(": "), host=host)


def _progress(chunk: Any) -> dict[str, Any]:
    return chunk.model_dump(exclude_none=True)


async def _progress_to_the_end(client: ollama.AsyncClient, body: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    """POST ``body`` to ``/api/create`` and yield its progress lines, reading past error lines to the end.

    The official client stops at the first error line and drops the connection, while Ollama may
    still be writing the model; its underlying httpx client (the one ``_request_raw`` uses) is
    read directly instead. Raises ``ResponseError`` as the client would: the HTTP status for a
    refused request, status -1 for the first error line once the stream has ended.
    """
    first_error: str | None = None
    async with client._client.stream("POST", "/api/create", json=body) as response:
        if response.is_error:
            raise ResponseError((await response.aread()).decode(errors="replace"), response.status_code)
        async for line in response.aiter_lines():
            if not line.strip():
                continue
            part = json.loads(line)
            if part.get("error"):
                first_error = first_error or str(part["error"])
            else:
                yield {key: value for key, value in part.items() if value is not None}
    if first_error is not None:
        raise ResponseError(first_error)
