"""Ollama-protocol test server: a real local HTTP server that answers the way Ollama 0.12.3 does.

Point the official ``ollama`` client (or anything else that talks to Ollama) at
``server.url`` and script what the "model" answers::

    from ollama import Client
    from codexcontinue.testing.ollama_server import OllamaTestServer

    with OllamaTestServer(models=["llama3.2:1b"], pullable=["qwen2.5:0.5b"]) as server:
        server.script_reply("first reply", {"answer": 42})
        client = Client(host=server.url)
        client.chat(model="llama3.2:1b", messages=[{"role": "user", "content": "hi"}])
        assert server.request_count("/api/chat") == 1

It serves ``/api/version``, ``/api/tags``, ``/api/show``, ``/api/ps``, ``/api/pull``,
``/api/create``, ``/api/delete``, ``/api/chat``, ``/api/generate``, ``/api/embed`` and the legacy
``/api/embeddings`` on 127.0.0.1 and a free port, from a background thread (uvicorn + Starlette).
No model runs: replies are scripted (:meth:`OllamaTestServer.script_reply`) or a deterministic
default (an echo of the last user message, or for ``format=<JSON schema>`` a minimal valid
instance of the schema, see :func:`example_for_schema`).

What it does the way Ollama 0.12.3 does, because the project relies on it (each point has a test
in ``tests/ml/test_ollama_server.py`` that names the Ollama source it follows):

- Streams are NDJSON; an error that happens once the handler has started its stream (a crashed
  runner, an invalid ``format``, a base model that cannot be pulled) is an ``{"error": ...}`` line
  inside an HTTP 200 stream, and a 500 when the request asked for no stream.
- Nothing is sent before the first chunk: a slow model load or a queued request is silence.
- Names: ``llama3.2`` means ``registry.ollama.ai/library/llama3.2:latest`` and is listed as
  ``llama3.2:latest``; chat matches the name exactly (case included); show, pull, create, delete,
  generate and embed first map it onto a stored name that differs only in case.
- ``/api/create`` from a base that is not there pulls it first; when the pull fails it reports
  the error in its stream and still writes a model, one without weights: ``/api/tags`` lists it,
  ``/api/show`` answers 404 and chat answers 400.
- Pulled models carry their family's parameters, template and capabilities (llama3.x's stop
  tokens, qwen3's sampling and thinking); ``/api/show`` prints parameters with Go's ``%#v`` in
  map (random) order.
- ``think``: a thinking model's reasoning goes into ``thinking`` only when ``think`` is true;
  unset or false it stays in the content, as the model wrote it.

Faults can be injected: an HTTP error (:meth:`OllamaTestServer.fail_next`), an ``{"error": ...}``
line in the middle of a stream (:meth:`OllamaTestServer.fail_mid_stream`), a stream that goes
silent (:meth:`OllamaTestServer.stall_stream`), and slowness (:attr:`OllamaTestServer.latency`,
:attr:`OllamaTestServer.chunk_delay`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import random
import re
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from .ollama_models import BLOB_DIR, ModelName, StoredModel, blob_digest, go_quote, stock_model
from .schema_examples import example_for_schema

__all__ = ["OllamaTestServer", "RecordedRequest", "example_for_schema"]

#: Paths whose requests run a model; :meth:`OllamaTestServer.fail_next` targets them by default.
INFERENCE_PATHS = ("/api/chat", "/api/generate", "/api/embed", "/api/embeddings")
STREAMING_INFERENCE = ("/api/chat", "/api/generate")
DEFAULT_KEEP_ALIVE = timedelta(minutes=5)
DEFAULT_NUM_CTX = 4096
NOT_PULLABLE = "pull model manifest: file does not exist"


class RecordedRequest(NamedTuple):
    """One request the server received: ``(method, path, body)``; body is the parsed JSON or None."""

    method: str
    path: str
    body: Any


@dataclass
class _Failure:
    path: str | None
    status: int
    error: str


@dataclass
class _Crash:
    path: str | None
    after_chunks: int
    error: str


@dataclass
class _Stall:
    path: str | None
    after_chunks: int
    seconds: float | None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _tokens(text: str) -> list[str]:
    """Split text into word-ish chunks whose concatenation is the text."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _model_field(body: Mapping[str, Any]) -> str:
    """``cmp.Or(req.Model, req.Name)``: the management endpoints take either field."""
    return str(body.get("model") or body.get("name") or "")


def _keep_alive(value: Any) -> timedelta | None:
    """``keep_alive`` as Ollama reads it (seconds, or a duration like ``"5m"``); None when unset."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", str(value))
    if not match:
        return None
    unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2) or "s"]
    return timedelta(seconds=float(match.group(1)) * unit)


def _split_thinking(text: str) -> tuple[str, str]:
    """(thinking, content) of a reply that opens with ``<think>...</think>``, as Ollama's thinking parser splits it."""
    match = re.match(r"\s*<think>(.*?)</think>\s*", text, re.DOTALL)
    if not match:
        return "", text
    return match.group(1).strip(), text[match.end() :]


def go_json_line(value: Any) -> str:
    """One line of an Ollama stream: JSON as Go's `encoding/json` writes it for these values (UTF-8
    as it is, U+2028 and U+2029 escaped; U+0085 left as it is) and a newline."""
    text = json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text + "\n"


def _invalid_format(value: Any) -> str | None:
    """Ollama's complaint about a ``format`` it cannot use (``llm/server.go``, ``Completion``), or None."""
    if value is None or value == "" or value == "json" or isinstance(value, dict):
        return None
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return f'invalid format: {go_quote(raw)}; expected "json" or a valid JSON Schema object'


# --------------------------------------------------------------------------- server


class OllamaTestServer:
    """A real HTTP server on 127.0.0.1 that answers like Ollama 0.12.3, for tests.

    Args:
        models: names of the models it has locally (``"llama3.2"`` means ``"llama3.2:latest"``).
        pullable: names ``/api/pull`` (and ``/api/create`` from a missing base) can fetch;
            any other missing name fails as Ollama does (``pull model manifest: file does not exist``).
        version: what ``/api/version`` answers.
        embedding_dim: length of the vectors ``/api/embed`` returns.
        port: a fixed port; 0 (the default) picks a free one at :meth:`start`.

    Use it as a context manager (``with`` or ``async with``) or call :meth:`start` / :meth:`stop`.
    Every control method is thread-safe and can be called while requests are in flight.
    """

    def __init__(
        self,
        models: Iterable[str] = ("llama3.2:1b",),
        *,
        pullable: Iterable[str] = (),
        version: str = "0.12.3",
        embedding_dim: int = 8,
        port: int = 0,
    ) -> None:
        self.version = version
        self.embedding_dim = embedding_dim
        self.latency: float = 0.0
        """Seconds to wait before answering any request (before the first byte)."""
        self.chunk_delay: float = 0.0
        """Seconds between two lines of a stream (non-stream replies wait the same total)."""
        self._initial_models = [self._parse(m) for m in models]
        self._pullable = {self._parse(m).folded() for m in pullable}
        self._port = port
        self._lock = threading.Lock()
        self._lifecycle = threading.Lock()
        self._stopping = threading.Event()
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._app = self._build_app()
        self._generation = 0  # bumped by reset(); requests from an older generation touch no state
        self.reset()

    @staticmethod
    def _parse(name: str) -> ModelName:
        parsed = ModelName.parse(name)
        if parsed is None:
            raise ValueError(f"{name!r} is not a model name Ollama accepts")
        return parsed

    # ----------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Base URL, e.g. ``"http://127.0.0.1:54321"``; pass it as ``host=`` to ``ollama.Client``."""
        if not self._port:
            raise RuntimeError("OllamaTestServer has no port yet: call start() first")
        return f"http://127.0.0.1:{self._port}"

    @property
    def port(self) -> int:
        """The TCP port (0 until the first :meth:`start`; kept across restarts)."""
        return self._port

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> OllamaTestServer:
        """Start serving in a background thread and return once it accepts connections.

        Calling it on a running server does nothing. After :meth:`stop` it starts
        again on the same port, which lets a test take a host down and bring it back.
        """
        with self._lifecycle:
            if self.running:
                return self
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", self._port))
            self._port = sock.getsockname()[1]
            config = uvicorn.Config(
                self._app,
                log_config=None,
                log_level="warning",
                access_log=False,
                lifespan="off",
                loop="auto",  # uvloop where installed: with asyncio's loop a kept-alive request took ~44 ms here, with uvloop ~0.5 ms
                timeout_graceful_shutdown=2,
            )
            server = uvicorn.Server(config)
            thread = threading.Thread(
                target=server.run, kwargs={"sockets": [sock]}, name=f"OllamaTestServer:{self._port}", daemon=True
            )
            self._stopping.clear()
            self._uvicorn, self._thread = server, thread
            thread.start()
            deadline = time.monotonic() + timeout
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    self._shutdown()
                    sock.close()
                    raise RuntimeError(f"OllamaTestServer could not start on port {self._port}")
                time.sleep(0.005)
            return self

    def stop(self) -> None:
        """Stop serving and join the server thread; in-flight delays are cut short. Idempotent."""
        with self._lifecycle:
            self._shutdown()

    def _shutdown(self) -> None:
        server, thread = self._uvicorn, self._thread
        self._uvicorn = self._thread = None
        if server is None or thread is None:
            return
        self._stopping.set()
        server.should_exit = True
        thread.join(timeout=5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)

    def __enter__(self) -> OllamaTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> OllamaTestServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self.stop)

    # ----------------------------------------------------------------- controls

    def reset(self) -> None:
        """Back to the constructor's state: its models, no scripts or faults, zero counts and delays."""
        with self._lock:
            self._generation += 1
            self._models: dict[ModelName, StoredModel] = {name: stock_model(name) for name in self._initial_models}
            self._blobs: set[str] = {blob_digest(c) for m in self._models.values() for _, c in m.layers}
            self._loaded: dict[ModelName, tuple[datetime, int]] = {}
            self._scripts: dict[ModelName | None, deque[str]] = {}
            self._failures: list[_Failure] = []
            self._crashes: list[_Crash] = []
            self._stalls: list[_Stall] = []
            self._requests: list[RecordedRequest] = []
            self._counts: Counter[str] = Counter()
            self._abandoned: Counter[str] = Counter()
        self.latency = 0.0
        self.chunk_delay = 0.0

    def script_reply(self, *replies: str | Mapping[str, Any] | list[Any], model: str | None = None) -> None:
        """Queue what the model emits for the next chat/generate requests, in order.

        A ``str`` is sent as-is; a dict or list is sent as its JSON text. With ``model=`` the
        replies are only used for that model (and are taken before the shared queue). A scripted
        reply wins over ``format=`` defaults. A reply that opens with ``<think>...</think>`` is a
        thinking model's reasoning: it lands in ``thinking`` when the request sets ``think``.
        When the queues are empty the server answers its deterministic default.
        """
        with self._lock:
            queue = self._scripts.setdefault(self._parse(model) if model else None, deque())
            queue.extend(r if isinstance(r, str) else json.dumps(r) for r in replies)

    def fail_next(self, status: int = 500, error: str = "boom", *, times: int = 1, path: str | None = None) -> None:
        """Make the next ``times`` requests answer HTTP ``status`` with ``{"error": error}``.

        By default the failure hits the next inference request (chat, generate or embed);
        ``path="/api/pull"`` (etc.) targets another endpoint instead.
        """
        with self._lock:
            self._failures.extend(_Failure(path, status, error) for _ in range(times))

    def fail_mid_stream(
        self, after_chunks: int = 2, error: str = "model runner crashed", *, path: str | None = None
    ) -> None:
        """Make the next chat/generate stream break after ``after_chunks`` lines with ``{"error": error}``.

        The final ``done`` line is never sent (a shorter reply breaks before it). This is how
        Ollama reports a runner that dies mid-generation, inside its HTTP 200 stream even when
        no line came before; a non-streamed request hit by it answers HTTP 500 instead.
        ``path=`` targets another streaming endpoint (``/api/pull``, ``/api/create``).
        """
        with self._lock:
            self._crashes.append(_Crash(path, max(0, after_chunks), error))

    def stall_stream(self, after_chunks: int = 2, seconds: float | None = None, *, path: str | None = None) -> None:
        """Make the next chat/generate stream go silent after ``after_chunks`` lines.

        It resumes after ``seconds``; with None it stays silent until the client gives up (or
        the server stops), like a runner that hangs. A non-streamed request waits as long before
        its answer. ``path=`` targets another streaming endpoint.
        """
        with self._lock:
            self._stalls.append(_Stall(path, max(0, after_chunks), seconds))

    def add_model(self, name: str) -> None:
        """Make ``name`` available locally, as if it had been pulled."""
        parsed = self._parse(name)
        model = stock_model(parsed)
        with self._lock:
            self._models[parsed] = model
            self._blobs.update(blob_digest(content) for _, content in model.layers)

    @property
    def models(self) -> list[str]:
        """Names of the models present now, as ``/api/tags`` lists them (``llama3.2:1b``)."""
        with self._lock:
            return sorted(name.shortest for name in self._models)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received since the last reset, oldest first."""
        with self._lock:
            return list(self._requests)

    def request_count(self, path: str | None = None) -> int:
        """How many requests arrived for ``path`` (e.g. ``"/api/chat"``), or in total."""
        with self._lock:
            return self._counts[path] if path else sum(self._counts.values())

    def abandoned_count(self, path: str | None = None) -> int:
        """How many streams the client closed before their last line (Ollama then stops the work)."""
        with self._lock:
            return self._abandoned[path] if path else sum(self._abandoned.values())

    def reset_counts(self) -> None:
        """Forget recorded requests and counts (models, scripts and faults stay)."""
        with self._lock:
            self._requests.clear()
            self._counts.clear()
            self._abandoned.clear()

    # ----------------------------------------------------------------- plumbing

    def _build_app(self) -> Starlette:
        async def root(request: Request) -> Response:
            return PlainTextResponse("Ollama is running")

        routes = [
            Route("/", root, methods=["GET", "HEAD"]),
            Route("/api/version", self._endpoint(self._version), methods=["GET", "HEAD"]),
            Route("/api/tags", self._endpoint(self._tags), methods=["GET", "HEAD"]),
            Route("/api/ps", self._endpoint(self._ps), methods=["GET"]),
            Route("/api/show", self._endpoint(self._show), methods=["POST"]),
            Route("/api/pull", self._endpoint(self._pull), methods=["POST"]),
            Route("/api/create", self._endpoint(self._create), methods=["POST"]),
            Route("/api/delete", self._endpoint(self._delete), methods=["DELETE"]),
            Route("/api/chat", self._endpoint(self._chat), methods=["POST"]),
            Route("/api/generate", self._endpoint(self._generate), methods=["POST"]),
            Route("/api/embed", self._endpoint(self._embed), methods=["POST"]),
            Route("/api/embeddings", self._endpoint(self._embeddings), methods=["POST"]),
            Route("/{rest:path}", self._endpoint(self._not_found), methods=["GET", "HEAD", "POST", "PUT", "DELETE"]),
        ]
        return Starlette(routes=routes)

    def _endpoint(self, handler: Callable[[dict[str, Any]], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            path, body, bad_body = request.url.path, None, False
            raw = await request.body()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    bad_body = True
            with self._lock:
                self._requests.append(RecordedRequest(request.method, path, body))
                self._counts[path] += 1
                generation = self._generation
            if self.latency > 0:
                await self._sleep(self.latency)
                if generation != self._generation or await request.is_disconnected():
                    # The client gave up (or the test reset the server) while we waited:
                    # answer nothing and consume no script or fault meant for a later request.
                    return Response(status_code=499)
            if bad_body or (body is not None and not isinstance(body, dict)):
                return _error(400, "invalid request body: expected a JSON object")
            failure = self._take(self._failures, path)
            if failure is not None:
                return _error(failure.status, failure.error)
            return await handler(body or {}) if asyncio.iscoroutinefunction(handler) else handler(body or {})

        return endpoint

    def _take(self, pending: list[Any], path: str, default_paths: tuple[str, ...] = INFERENCE_PATHS) -> Any:
        """Pop the first armed fault that targets ``path`` (faults without a path target ``default_paths``)."""
        with self._lock:
            for i, item in enumerate(pending):
                if item.path == path or (item.path is None and path in default_paths):
                    return pending.pop(i)
        return None

    async def _sleep(self, seconds: float | None) -> None:
        """Sleep ``seconds`` (None: until the server stops), cut short when it stops."""
        end = math.inf if seconds is None else time.monotonic() + max(0.0, seconds)
        while not self._stopping.is_set() and (left := end - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.05))

    async def _respond(
        self,
        path: str,
        items: list[dict[str, Any]],
        *,
        stream: bool,
        final: dict[str, Any] | None = None,
        on_complete: Callable[[], None] | None = None,
    ) -> Response:
        """Answer ``items`` as an NDJSON stream, or ``final`` (default: the last item) as one JSON object.

        Like Ollama's ``streamResponse``, an ``{"error": ...}`` item is one more line of the HTTP
        200 stream and the stream goes on; like its ``waitForStream``, a non-streamed request gets
        the first error as the HTTP answer (its ``status``, else 500). ``on_complete`` is the
        work's effect (a model written): it happens when the last item is produced, whether or
        not the client is still reading, as Ollama's handler goroutine runs on its own.
        """
        crash = self._take(self._crashes, path, STREAMING_INFERENCE)
        stall = self._take(self._stalls, path, STREAMING_INFERENCE)
        if crash is not None:
            items = [*items[: min(crash.after_chunks, len(items) - 1)], {"error": crash.error}]
            on_complete = None
        stall_seconds = 0.0 if stall is None else stall.seconds
        if not stream:
            await self._sleep(self.chunk_delay * max(0, len(items) - 1))
            await self._sleep(stall_seconds)
            failed = next((item for item in items if "error" in item), None)
            if failed is not None:
                return _error(int(failed.get("status", 500)), failed["error"])
            if on_complete:
                on_complete()
            return JSONResponse(final if final is not None else items[-1])
        if on_complete:
            self._complete_later(self.chunk_delay * max(0, len(items) - 1) + (stall_seconds or 0.0), on_complete)

        async def lines():
            finished = False
            try:
                for i, item in enumerate(items):
                    if i:
                        await self._sleep(self.chunk_delay)
                    if stall is not None and i == stall.after_chunks:
                        await self._sleep(stall.seconds)
                    if self._stopping.is_set():
                        return
                    yield go_json_line(item)
                finished = True
            finally:
                if not finished and not self._stopping.is_set():
                    with self._lock:
                        self._abandoned[path] += 1

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    def _complete_later(self, delay: float, effect: Callable[[], None]) -> None:
        """Run ``effect`` after ``delay`` seconds on the server's loop, unless the server was reset meanwhile."""
        generation = self._generation

        def run() -> None:
            if generation == self._generation:
                effect()

        if delay <= 0:
            run()
        else:
            asyncio.get_running_loop().call_later(delay, run)

    # ----------------------------------------------------------------- names

    def _exact(self, name: str) -> StoredModel | None:
        """The model stored under exactly ``name`` (case included): ``GetModel(req.Model)``."""
        parsed = ModelName.parse(name)
        with self._lock:
            return self._models.get(parsed) if parsed else None

    def _existing_name(self, name: ModelName) -> ModelName:
        """``getExistingName`` (``server/routes.go``): a stored name that differs only in case, else ``name``."""
        with self._lock:
            if name in self._models:
                return name
            folded = name.folded()
            return next((stored for stored in self._models if stored.folded() == folded), name)

    def _existing(self, name: str) -> StoredModel | None:
        """The model ``name`` resolves to through ``getExistingName``, or None."""
        parsed = ModelName.parse(name)
        if parsed is None:
            return None
        parsed = self._existing_name(parsed)
        with self._lock:
            return self._models.get(parsed)

    def _install(self, model: StoredModel) -> None:
        with self._lock:
            self._models[model.name] = model
            self._loaded.pop(model.name, None)
            self._blobs.update(blob_digest(content) for _, content in model.layers)

    # ----------------------------------------------------------------- model management

    def _version(self, body: dict[str, Any]) -> Response:
        return JSONResponse({"version": self.version})

    def _not_found(self, body: dict[str, Any]) -> Response:
        return PlainTextResponse("404 page not found", status_code=404)

    def _tags(self, body: dict[str, Any]) -> Response:
        with self._lock:
            models = sorted(self._models.values(), key=lambda m: m.modified_at, reverse=True)
        return JSONResponse(
            {
                "models": [
                    {
                        "name": m.name.shortest,
                        "model": m.name.shortest,
                        "modified_at": m.modified_at,
                        "size": m.stored_size,
                        "digest": m.digest,
                        "details": m.details(with_parent=False),
                    }
                    for m in models
                ]
            }
        )

    def _ps(self, body: dict[str, Any]) -> Response:
        now = datetime.now(timezone.utc)
        with self._lock:
            loaded = [(self._models[n], t, ctx) for n, (t, ctx) in self._loaded.items() if n in self._models and t > now]
        return JSONResponse(
            {
                "models": [
                    {
                        "name": m.name.shortest,
                        "model": m.name.shortest,
                        "size": m.size,
                        "digest": m.digest,
                        "details": m.details(with_parent=False),
                        "expires_at": expires.isoformat().replace("+00:00", "Z"),
                        "size_vram": m.size,
                        "context_length": num_ctx,
                    }
                    for m, expires, num_ctx in loaded
                ]
            }
        )

    def _show(self, body: dict[str, Any]) -> Response:
        requested = _model_field(body)
        if not requested:
            return _error(400, "model is required")
        m = self._existing(requested)
        if m is None or m.weights is None:  # GetModelInfo reads the weights' GGUF header: no file, no model
            return _error(404, f"model '{requested}' not found")
        lines = m.parameter_lines()
        modelfile = [
            '# Modelfile generated by "ollama show"',
            "# To build a new Modelfile based on this, replace FROM with:",
            f"# FROM {m.name.shortest}",
            "",
            f"FROM {BLOB_DIR}/sha256-{m.weights}",
            f'TEMPLATE """{m.template_text}"""',
        ]
        if m.system:
            modelfile.append(f'SYSTEM """{m.system}"""')
        modelfile += [f"PARAMETER {key} {value}" for key, value in lines]
        if m.license:
            modelfile.append(f'LICENSE """{m.license}"""')
        answer: dict[str, Any] = {
            "modelfile": "\n".join(modelfile) + "\n",
            "template": m.template_text,
            "details": m.details(with_parent=True),
            "model_info": {**m.model_info, f"{m.family}.embedding_length": self.embedding_dim},
            "capabilities": m.capabilities,
            "modified_at": m.modified_at,
        }
        if lines:
            answer["parameters"] = "\n".join(f"{key:<30} {value}" for key, value in lines)
        if m.system:
            answer["system"] = m.system
        if m.license:
            answer["license"] = m.license
        return JSONResponse(answer)

    def _pull_items(self, name: ModelName) -> tuple[list[dict[str, Any]], StoredModel | None]:
        """``PullModel``'s progress for ``name`` and the model it installs (None when the registry lacks it)."""
        with self._lock:
            known = name.folded() in self._pullable or name in self._models
        items: list[dict[str, Any]] = [{"status": "pulling manifest"}]
        if not known:
            return [*items, {"error": NOT_PULLABLE}], None
        model = stock_model(name)
        layers = [(model.weights or "", model.size), (blob_digest(model.parameters), 487)]
        for digest, total in layers:
            for completed in (0, total // 3, 2 * total // 3, total):
                status = f"pulling {digest[:12]}"
                items.append({"status": status, "digest": f"sha256:{digest}", "total": total, "completed": completed})
        items += [{"status": "verifying sha256 digest"}, {"status": "writing manifest"}, {"status": "success"}]
        return items, model

    async def _pull(self, body: dict[str, Any]) -> Response:
        name = ModelName.parse(_model_field(body))
        if name is None:
            return _error(400, "invalid model name")
        items, model = self._pull_items(self._existing_name(name))
        on_complete = (lambda: self._install(model)) if model is not None else None
        return await self._respond("/api/pull", items, stream=body.get("stream", True) is not False, on_complete=on_complete)

    def _layer_status(self, content: Any, *, existing: bool) -> str:
        digest = blob_digest(content)
        with self._lock:
            known = existing or digest in self._blobs
        return f"{'using existing' if known else 'creating new'} layer sha256:{digest}"

    async def _create(self, body: dict[str, Any]) -> Response:
        """``CreateHandler`` (``server/create.go``) for ``from`` a local or pullable model.

        A base that is not there is pulled first; when that fails the handler reports the error
        and goes on: it writes a manifest without the base's layers, so a model without weights.
        """
        name = ModelName.parse(_model_field(body))
        if name is None:
            return _error(400, "invalid model name")
        name = self._existing_name(name)
        stream = body.get("stream", True) is not False
        source = body.get("from")
        if not source:
            if body.get("files") or body.get("modelfile"):
                return _error(400, "OllamaTestServer only supports creating a model 'from' another one")
            return await self._respond(
                "/api/create", [{"error": "neither 'from' or 'files' was specified", "status": 400}], stream=stream
            )
        parameters = body.get("parameters") or {}
        if not isinstance(parameters, dict):
            return _error(400, "json: cannot unmarshal parameters into Go struct field CreateRequest.parameters")
        from_name = ModelName.parse(str(source))
        if from_name is None:
            return await self._respond("/api/create", [{"error": "invalid model name", "status": 400}], stream=stream)
        items: list[dict[str, Any]] = []
        with self._lock:
            base = self._models.get(from_name)  # parseFromModel reads the manifest at its exact path
        if base is None:
            pulled_items, base = self._pull_items(from_name)
            items += pulled_items
            if base is not None:
                self._install(base)
        inherited = base or StoredModel(name=name, weights=None, template=None)  # parseFromModel failed: no layers
        system = body.get("system") or None
        template = body.get("template") or None
        merged = {**inherited.parameters, **parameters} if base is not None else dict(parameters)
        replaced = {"system": system, "template": template, "params": merged or None}
        kept = [(kind, c) for kind, c in inherited.layers if replaced.get(kind) is None]
        items += [{"status": self._layer_status(c, existing=True)} for _, c in kept]
        for kind in ("template", "system", "params"):
            if replaced[kind] is not None:
                items.append({"status": self._layer_status(replaced[kind], existing=False)})
        items += [{"status": "writing manifest"}, {"status": "success"}]
        model = replace(
            inherited,
            name=name,
            parent=base.name.shortest if base is not None else "",
            system=system if system is not None else inherited.system,
            template=template if template is not None else inherited.template,
            parameters=merged,
            license=str(body["license"]) if body.get("license") else inherited.license,
            modified_at=_now(),
        )
        return await self._respond("/api/create", items, stream=stream, on_complete=lambda: self._install(model))

    def _delete(self, body: dict[str, Any]) -> Response:
        requested = _model_field(body)
        name = ModelName.parse(requested)
        if name is None:
            return _error(400, f"name {json.dumps(requested)} is invalid")
        name = self._existing_name(name)
        with self._lock:
            removed = self._models.pop(name, None)
            self._loaded.pop(name, None)
        if removed is None:
            return _error(404, f"model '{requested}' not found")
        return Response(status_code=200)

    # ----------------------------------------------------------------- inference

    def _next_reply(self, model: StoredModel, body: dict[str, Any], user_text: str) -> str:
        with self._lock:
            for queue_key in (model.name, None):
                queue = self._scripts.get(queue_key)
                if queue:
                    return queue.popleft()
        fmt = body.get("format")
        if isinstance(fmt, dict):
            return json.dumps(example_for_schema(fmt))
        if fmt == "json":
            return "{}"
        return f"echo: {user_text}".rstrip()

    def _load(self, model: StoredModel, body: dict[str, Any]) -> None:
        keep_alive = _keep_alive(body.get("keep_alive")) or DEFAULT_KEEP_ALIVE
        options = body.get("options") if isinstance(body.get("options"), dict) else {}
        num_ctx = options.get("num_ctx") or model.parameters.get("num_ctx") or DEFAULT_NUM_CTX
        with self._lock:
            self._loaded[model.name] = (datetime.now(timezone.utc) + keep_alive, int(num_ctx))

    async def _complete(self, body: dict[str, Any], kind: str) -> Response:
        """``ChatHandler`` / ``GenerateHandler`` (``server/routes.go``) without a model behind them."""
        started = time.monotonic_ns()
        requested = str(body.get("model") or "")
        if ModelName.parse(requested) is None:
            return _error(400, "model is required") if kind == "chat" else _error(404, f"model '{requested}' not found")
        # Chat loads the model by the name as sent (case included); generate first maps it onto a stored name.
        model = self._exact(requested) if kind == "chat" else self._existing(requested)
        if model is None:
            return _error(404, f"model '{requested}' not found")
        empty = not (body.get("messages") if kind == "chat" else body.get("prompt"))
        keep_alive = _keep_alive(body.get("keep_alive"))
        if empty and keep_alive is not None and keep_alive.total_seconds() == 0:
            with self._lock:
                self._loaded.pop(model.name, None)
            return JSONResponse({**self._chunk(kind, requested, ""), "done": True, "done_reason": "unload"})
        think = body.get("think")
        thinking_model = "thinking" in model.capabilities
        if think and not thinking_model:
            return _error(400, f"{json.dumps(requested)} does not support thinking")
        if "completion" not in model.capabilities:
            return _error(400, f"{json.dumps(requested)} does not support {kind}")
        self._load(model, body)
        if empty:  # Ollama's "load the model" request
            return JSONResponse({**self._chunk(kind, requested, ""), "done": True, "done_reason": "load"})
        if isinstance(think, str):
            return _error(400, f"think value {json.dumps(think)} is not supported for this model")

        stream = body.get("stream", True) is not False
        path = f"/api/{kind}"
        invalid = _invalid_format(body.get("format"))
        if invalid is not None:  # Completion refuses it inside the handler's goroutine: an error line of the stream
            return await self._respond(path, [{"error": invalid}], stream=stream)
        if kind == "chat":
            messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
            user_text = next((str(m.get("content") or "") for m in reversed(messages) if m.get("role") == "user"), "")
            prompt_text = " ".join(str(m.get("content") or "") for m in messages)
            system = "" if messages and messages[0].get("role") == "system" else model.system or ""
        else:
            user_text = prompt_text = str(body.get("prompt") or "")
            system = body.get("system") or model.system or ""
        prompt_text = " ".join(filter(None, [system, prompt_text]))

        tokens = _tokens(self._next_reply(model, body, user_text))
        done_reason = "stop"
        options = body.get("options") or {}
        limit = options.get("num_predict") if isinstance(options, dict) else None
        if isinstance(limit, int) and 0 < limit < len(tokens):
            tokens, done_reason = tokens[:limit], "length"
        thinking, content = _split_thinking("".join(tokens)) if think and thinking_model else ("", "".join(tokens))
        pieces = [("thinking", t) for t in (_tokens(thinking) if thinking else [])]
        pieces += [("content", t) for t in (_tokens(content) if content else [])]
        items = [self._chunk(kind, requested, text, thinking=part == "thinking") for part, text in pieces]

        prompt_eval_count = len(prompt_text.split()) + 12  # + template tokens
        eval_count = len(tokens)
        load, prompt_eval, evaluation = 1_800_000, prompt_eval_count * 350_000, eval_count * 16_000_000
        final = {
            **self._chunk(kind, requested, ""),
            "done": True,
            "done_reason": done_reason,
            "total_duration": load + prompt_eval + evaluation + (time.monotonic_ns() - started),
            "load_duration": load,
            "prompt_eval_count": prompt_eval_count,
            "prompt_eval_duration": prompt_eval,
            "eval_count": eval_count,
            "eval_duration": evaluation,
        }
        if kind == "generate":
            final["context"] = list(range(1, prompt_eval_count + eval_count + 1))
        whole = {**final, **self._body(kind, content, thinking)}
        return await self._respond(path, [*items, final], stream=stream, final=whole)

    @staticmethod
    def _body(kind: str, content: str, thinking: str) -> dict[str, Any]:
        """The reply's text fields: chat's ``message`` (with ``thinking`` when there is some), generate's ``response``."""
        if kind == "chat":
            message = {"role": "assistant", "content": content}
            return {"message": {**message, "thinking": thinking} if thinking else message}
        return {"response": content, **({"thinking": thinking} if thinking else {})}

    def _chunk(self, kind: str, model: str, text: str, *, thinking: bool = False) -> dict[str, Any]:
        head: dict[str, Any] = {"model": model, "created_at": _now()}
        body = self._body(kind, "" if thinking else text, text if thinking else "")
        return {**head, **body, "done": False}

    async def _chat(self, body: dict[str, Any]) -> Response:
        return await self._complete(body, "chat")

    async def _generate(self, body: dict[str, Any]) -> Response:
        return await self._complete(body, "generate")

    def _vector(self, model: ModelName, text: str, dimensions: int | None = None) -> list[float]:
        rng = random.Random(hashlib.sha256(f"{model.folded()}\0{text}".encode()).digest())
        vector = [rng.gauss(0.0, 1.0) for _ in range(self.embedding_dim)]
        if dimensions and 0 < dimensions < len(vector):
            vector = vector[:dimensions]
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def _embedding_model(self, body: dict[str, Any]) -> StoredModel | Response:
        requested = str(body.get("model") or "")
        model = self._existing(requested)
        if model is None:  # scheduleRunner cannot find it: handleScheduleError's answer
            return _error(404, f"model {json.dumps(requested)} not found, try pulling it first")
        self._load(model, body)
        return model

    def _embed(self, body: dict[str, Any]) -> Response:
        started = time.monotonic_ns()
        raw = body.get("input")
        if raw is None or raw == "":
            texts: list[str] = []
        elif isinstance(raw, str):
            texts = [raw]
        elif isinstance(raw, list) and all(isinstance(t, str) for t in raw):
            texts = list(raw)
        else:
            return _error(400, "invalid input type")
        model = self._embedding_model(body)
        if isinstance(model, Response):
            return model
        dimensions = body.get("dimensions") if isinstance(body.get("dimensions"), int) else None
        return JSONResponse(
            {
                "model": body["model"],
                "embeddings": [self._vector(model.name, t, dimensions) for t in texts],
                "total_duration": 2_000_000 + time.monotonic_ns() - started,
                "load_duration": 1_000_000,
                "prompt_eval_count": sum(len(t.split()) + 2 for t in texts),
            }
        )

    def _embeddings(self, body: dict[str, Any]) -> Response:
        model = self._embedding_model(body)
        if isinstance(model, Response):
            return model
        prompt = body.get("prompt") or ""
        return JSONResponse({"embedding": self._vector(model.name, prompt) if prompt else []})
