"""Ollama-protocol test server: a real local HTTP server that speaks Ollama's REST wire format.

Point the official ``ollama`` client (or anything else that talks to Ollama) at
``server.url`` and script what the "model" answers::

    from ollama import Client
    from codexcontinue.testing.ollama_server import OllamaTestServer

    with OllamaTestServer(models=["llama3.2:1b"], pullable=["qwen2.5:0.5b"]) as server:
        server.script_reply("first reply", {"answer": 42})
        client = Client(host=server.url)
        client.chat(model="llama3.2:1b", messages=[{"role": "user", "content": "hi"}])
        assert server.request_count("/api/chat") == 1

It serves ``/api/version``, ``/api/tags``, ``/api/show``, ``/api/ps``,
``/api/pull``, ``/api/create``, ``/api/delete``, ``/api/chat``,
``/api/generate``, ``/api/embed`` and the legacy ``/api/embeddings`` on
127.0.0.1 and a free port, from a background thread (uvicorn + Starlette).
Streaming endpoints answer NDJSON, one JSON object per line, by default, as
Ollama does. No model runs: replies are scripted (:meth:`OllamaTestServer.script_reply`)
or a deterministic default (an echo of the last user message, or for
``format=<JSON schema>`` a minimal valid instance of the schema, see
:func:`example_for_schema`).

Faults can be injected: an HTTP error (:meth:`OllamaTestServer.fail_next`), an
``{"error": ...}`` line in the middle of a stream, the way Ollama reports a
crashed runner (:meth:`OllamaTestServer.fail_mid_stream`), and slowness
(:attr:`OllamaTestServer.latency`, :attr:`OllamaTestServer.chunk_delay`).
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, NamedTuple

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

__all__ = ["OllamaTestServer", "RecordedRequest", "example_for_schema"]

#: Paths whose requests run a model; :meth:`OllamaTestServer.fail_next` targets them by default.
INFERENCE_PATHS = ("/api/chat", "/api/generate", "/api/embed", "/api/embeddings")

_DEFAULT_TEMPLATE = (
    "{{ if .System }}<|system|>\n{{ .System }}\n{{ end }}"
    "{{ if .Prompt }}<|user|>\n{{ .Prompt }}\n{{ end }}<|assistant|>\n{{ .Response }}"
)
_BLOB_DIR = "/root/.ollama/models/blobs"


class RecordedRequest(NamedTuple):
    """One request the server received: ``(method, path, body)``; body is the parsed JSON or None."""

    method: str
    path: str
    body: Any


@dataclass
class _Model:
    name: str
    weights: str  # digest of the (imaginary) weights blob
    size: int
    family: str
    parameter_size: str
    parameter_count: int
    quantization_level: str = "Q4_K_M"
    template: str = _DEFAULT_TEMPLATE
    system: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    license: str | None = None
    parent: str = ""
    modified_at: str = ""

    @property
    def digest(self) -> str:
        """sha256 of the model's definition: changes when system, template or parameters change."""
        spec = {
            "weights": self.weights,
            "template": self.template,
            "system": self.system,
            "parameters": self.parameters,
            "license": self.license,
        }
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()

    @property
    def capabilities(self) -> list[str]:
        return ["embedding"] if "embed" in self.name.split(":")[0] else ["completion"]

    @property
    def details(self) -> dict[str, Any]:
        return {
            "parent_model": self.parent,
            "format": "gguf",
            "family": self.family,
            "families": [self.family],
            "parameter_size": self.parameter_size,
            "quantization_level": self.quantization_level,
        }


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


def _normalize(name: str) -> str:
    """``llama3.2`` -> ``llama3.2:latest``, as Ollama resolves names."""
    name = name.strip()
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _key(name: str) -> str:
    return _normalize(name).lower()  # Ollama matches names case-insensitively


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _base_model(name: str) -> _Model:
    """A plausible, deterministic stock model for ``name`` (family and size read off the name)."""
    name = _normalize(name)
    base, tag = name.rsplit(":", 1)
    family_match = re.match(r"[a-z]+", base.rsplit("/", 1)[-1].lower())
    family = family_match.group(0) if family_match else "llama"
    size_match = re.search(r"(\d+(?:\.\d+)?)([bm])\b", tag.lower())
    if size_match:
        amount, unit = float(size_match.group(1)), size_match.group(2)
        count = int(amount * (1e9 if unit == "b" else 1e6))
        parameter_size = f"{size_match.group(1)}{unit.upper()}"
    else:
        count, parameter_size = 3_200_000_000, "3.2B"
    return _Model(
        name=name,
        weights=hashlib.sha256(f"weights:{name}".encode()).hexdigest(),
        size=int(count * 0.6),  # ~4.8 bits per parameter, like a Q4_K_M gguf
        family=family,
        parameter_size=parameter_size,
        parameter_count=count,
        modified_at=_now(),
    )


def _go_value(value: Any) -> str:
    """Format a parameter value the way ``ollama show`` does (Go's ``%#v``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def _parameter_lines(parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
    lines = []
    for key, value in parameters.items():
        for item in value if isinstance(value, list) else [value]:
            lines.append((key, _go_value(item)))
    return lines


def _tokens(text: str) -> list[str]:
    """Split text into word-ish chunks whose concatenation is the text."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


# --------------------------------------------------------------------------- JSON schema


def example_for_schema(schema: Mapping[str, Any]) -> Any:
    """Return a minimal instance that validates against the JSON ``schema``.

    This is what the server answers for ``format=<schema>`` when no reply is
    scripted: only required properties, strings ``"example"`` (or a value for
    well-known ``format``s such as ``date-time``), numbers ``0`` (moved into
    ``minimum``/``maximum`` bounds), booleans ``false``, arrays empty (or
    ``minItems`` copies), the first ``enum`` value, ``const``, ``$ref``/``$defs``
    (as pydantic's ``model_json_schema()`` emits them), ``anyOf``/``oneOf``
    (first non-null option) and ``allOf``.
    """
    return _example(schema, schema, 0)


_STRING_FORMATS = {
    "date-time": "1970-01-01T00:00:00Z",
    "date": "1970-01-01",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
    "duration": "PT0S",
}


def _resolve(root: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    if not ref.startswith("#"):
        return {}
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/"):
        if not part:
            continue
        node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}


def _example(schema: Any, root: Mapping[str, Any], depth: int) -> Any:
    if depth > 32 or not isinstance(schema, Mapping):
        return None
    if "$ref" in schema:
        return _example(_resolve(root, schema["$ref"]), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key) or [] if isinstance(o, Mapping)]
        if options:
            non_null = [o for o in options if o.get("type") != "null"]
            if not non_null or (depth > 8 and len(non_null) < len(options)):
                return None  # null is allowed: stop recursive structures early
            return _example(non_null[0], root, depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = _resolve(root, part["$ref"]) if isinstance(part, Mapping) and "$ref" in part else part
            if isinstance(part, Mapping):
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                for k, v in part.items():
                    merged.setdefault(k, v)
        return _example(merged, root, depth + 1)

    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((t for t in kind if t != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"

    if kind == "object":
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        fallback = extra if isinstance(extra, Mapping) else {"type": "string"}
        return {name: _example(properties.get(name, fallback), root, depth + 1) for name in schema.get("required") or []}
    if kind == "array":
        count = int(schema.get("minItems") or 0)
        prefix = schema.get("prefixItems") or []
        items = [_example(p, root, depth + 1) for p in prefix[:count]]
        items += [_example(schema.get("items") or {}, root, depth + 1) for _ in range(count - len(items))]
        return items
    if kind == "string":
        text = _STRING_FORMATS.get(schema.get("format", ""), "example")
        min_len, max_len = int(schema.get("minLength") or 0), schema.get("maxLength")
        text = text.ljust(min_len, "x")
        return text[: int(max_len)] if max_len is not None else text
    if kind in ("integer", "number"):
        value: float = 0
        if schema.get("minimum") is not None and value < schema["minimum"]:
            value = schema["minimum"]
        if schema.get("exclusiveMinimum") is not None and value <= schema["exclusiveMinimum"]:
            value = schema["exclusiveMinimum"] + 1
        if schema.get("maximum") is not None and value > schema["maximum"]:
            value = schema["maximum"]
        if schema.get("exclusiveMaximum") is not None and value >= schema["exclusiveMaximum"]:
            value = schema["exclusiveMaximum"] - 1
        if kind == "integer":
            return int(math.ceil(value))
        return int(value) if float(value).is_integer() else value
    if kind == "boolean":
        return False
    return None


# --------------------------------------------------------------------------- server


class OllamaTestServer:
    """A real HTTP server on 127.0.0.1 that answers like Ollama, for tests.

    Args:
        models: names of the models it has locally (``"llama3.2"`` means ``"llama3.2:latest"``).
        pullable: names ``/api/pull`` can fetch; pulling any other missing name fails
            the way Ollama does (``pull model manifest: file does not exist``).
        version: what ``/api/version`` answers.
        embedding_dim: length of the vectors ``/api/embed`` returns.
        port: a fixed port; 0 (the default) picks a free one at :meth:`start`.

    Use it as a context manager (``with`` or ``async with``) or call
    :meth:`start` / :meth:`stop`. Every control method is thread-safe and can be
    called while requests are in flight.
    """

    def __init__(
        self,
        models: Iterable[str] = ("llama3.2:1b",),
        *,
        pullable: Iterable[str] = (),
        version: str = "0.12.0",
        embedding_dim: int = 8,
        port: int = 0,
    ) -> None:
        self.version = version
        self.embedding_dim = embedding_dim
        self.latency: float = 0.0
        """Seconds to wait before answering any request (before the first byte)."""
        self.chunk_delay: float = 0.0
        """Seconds between two lines of a stream (non-stream replies wait the same total)."""
        self._initial_models = [_normalize(m) for m in models]
        self._pullable = {_key(m) for m in pullable}
        self._port = port
        self._lock = threading.Lock()
        self._lifecycle = threading.Lock()
        self._stopping = threading.Event()
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._app = self._build_app()
        self._generation = 0  # bumped by reset(); requests from an older generation touch no state
        self.reset()

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
            self._models: dict[str, _Model] = {_key(m): _base_model(m) for m in self._initial_models}
            self._loaded: dict[str, datetime] = {}
            self._scripts: dict[str | None, deque[Any]] = {}
            self._failures: list[_Failure] = []
            self._crashes: list[_Crash] = []
            self._requests: list[RecordedRequest] = []
            self._counts: Counter[str] = Counter()
        self.latency = 0.0
        self.chunk_delay = 0.0

    def script_reply(self, *replies: str | Mapping[str, Any] | list[Any], model: str | None = None) -> None:
        """Queue replies that the next chat/generate requests answer, in order.

        A ``str`` is sent as-is; a dict or list is sent as its JSON text. With
        ``model=`` the replies are only used for that model (and are taken before
        the shared queue). A scripted reply wins over ``format=`` defaults. When
        the queues are empty the server answers its deterministic default.
        """
        with self._lock:
            queue = self._scripts.setdefault(_key(model) if model else None, deque())
            queue.extend(r if isinstance(r, str) else json.dumps(r) for r in replies)

    def fail_next(self, status: int = 500, error: str = "boom", *, times: int = 1, path: str | None = None) -> None:
        """Make the next ``times`` requests answer HTTP ``status`` with ``{"error": error}``.

        By default the failure hits the next inference request (chat, generate or
        embed); ``path="/api/pull"`` (etc.) targets another endpoint instead.
        """
        with self._lock:
            self._failures.extend(_Failure(path, status, error) for _ in range(times))

    def fail_mid_stream(
        self, after_chunks: int = 2, error: str = "model runner crashed", *, path: str | None = None
    ) -> None:
        """Make the next chat/generate stream break after ``after_chunks`` lines with ``{"error": error}``.

        The final ``done`` line is never sent (a shorter reply breaks before it).
        This is how Ollama reports a runner that dies mid-generation; a
        non-streamed request hit by it answers HTTP 500 instead, as Ollama does.
        ``path=`` targets another streaming endpoint (``/api/pull``, ``/api/create``).
        """
        with self._lock:
            self._crashes.append(_Crash(path, max(0, after_chunks), error))

    def add_model(self, name: str) -> None:
        """Make ``name`` available locally, as if it had been pulled."""
        with self._lock:
            self._models[_key(name)] = _base_model(name)

    @property
    def models(self) -> list[str]:
        """Names of the models present now (full ``name:tag`` form)."""
        with self._lock:
            return sorted(m.name for m in self._models.values())

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received since the last reset, oldest first."""
        with self._lock:
            return list(self._requests)

    def request_count(self, path: str | None = None) -> int:
        """How many requests arrived for ``path`` (e.g. ``"/api/chat"``), or in total."""
        with self._lock:
            return self._counts[path] if path else sum(self._counts.values())

    def reset_counts(self) -> None:
        """Forget recorded requests and counts (models, scripts and faults stay)."""
        with self._lock:
            self._requests.clear()
            self._counts.clear()

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

    async def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + max(0.0, seconds)
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
        """Answer ``items`` as an NDJSON stream, or ``final`` (default: the last item) as one JSON object."""
        crash = self._take(self._crashes, path, ("/api/chat", "/api/generate"))
        if crash is not None:
            items = [*items[: min(crash.after_chunks, len(items) - 1)], {"error": crash.error}]
            on_complete = None
        if not stream:
            await self._sleep(self.chunk_delay * max(0, len(items) - 1))
            if crash is not None or "error" in items[-1]:
                return _error(500, items[-1]["error"])
            if on_complete:
                on_complete()
            return JSONResponse(final if final is not None else items[-1])
        if crash is not None and crash.after_chunks == 0:
            return _error(500, crash.error)  # an error before any content gets a real status, as in Ollama

        async def lines():
            for i, item in enumerate(items):
                if i:
                    await self._sleep(self.chunk_delay)
                if self._stopping.is_set():
                    return
                yield json.dumps(item) + "\n"
            if on_complete:
                on_complete()

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    def _lookup(self, name: str | None) -> _Model | None:
        with self._lock:
            return self._models.get(_key(name)) if name else None

    # ----------------------------------------------------------------- model management

    def _version(self, body: dict[str, Any]) -> Response:
        return JSONResponse({"version": self.version})

    def _not_found(self, body: dict[str, Any]) -> Response:
        return PlainTextResponse("404 page not found", status_code=404)

    def _tags(self, body: dict[str, Any]) -> Response:
        with self._lock:
            models = list(self._models.values())
        return JSONResponse(
            {
                "models": [
                    {
                        "name": m.name,
                        "model": m.name,
                        "modified_at": m.modified_at,
                        "size": m.size,
                        "digest": m.digest,
                        "details": m.details,
                    }
                    for m in sorted(models, key=lambda m: m.modified_at, reverse=True)
                ]
            }
        )

    def _ps(self, body: dict[str, Any]) -> Response:
        now = datetime.now(timezone.utc)
        with self._lock:
            loaded = [(self._models[k], t) for k, t in self._loaded.items() if k in self._models and t > now]
        return JSONResponse(
            {
                "models": [
                    {
                        "name": m.name,
                        "model": m.name,
                        "size": m.size,
                        "digest": m.digest,
                        "details": m.details,
                        "expires_at": expires.isoformat().replace("+00:00", "Z"),
                        "size_vram": m.size,
                        "context_length": int(m.parameters.get("num_ctx", 4096)),
                    }
                    for m, expires in loaded
                ]
            }
        )

    def _show(self, body: dict[str, Any]) -> Response:
        name = body.get("model") or body.get("name")
        if not name:
            return _error(400, "model is required")
        m = self._lookup(name)
        if m is None:
            return _error(404, f"model '{name}' not found")
        modelfile = [
            '# Modelfile generated by "ollama show"',
            "# To build a new Modelfile based on this, replace FROM with:",
            f"# FROM {m.name}",
            "",
            f"FROM {_BLOB_DIR}/sha256-{m.weights}",
            f'TEMPLATE """{m.template}"""',
        ]
        if m.system is not None:
            modelfile.append(f'SYSTEM """{m.system}"""')
        modelfile += [f"PARAMETER {k} {v}" for k, v in _parameter_lines(m.parameters)]
        if m.license:
            modelfile.append(f'LICENSE """{m.license}"""')
        answer: dict[str, Any] = {
            "modelfile": "\n".join(modelfile) + "\n",
            "parameters": "\n".join(f"{k:<30} {v}" for k, v in _parameter_lines(m.parameters)),
            "template": m.template,
            "details": m.details,
            "model_info": {
                "general.architecture": m.family,
                "general.parameter_count": m.parameter_count,
                "general.file_type": 15,
                f"{m.family}.context_length": 131072,
                f"{m.family}.embedding_length": self.embedding_dim,
            },
            "capabilities": m.capabilities,
            "modified_at": m.modified_at,
        }
        if m.system is not None:
            answer["system"] = m.system
        if m.license:
            answer["license"] = m.license
        return JSONResponse(answer)

    async def _pull(self, body: dict[str, Any]) -> Response:
        name = body.get("model") or body.get("name")
        if not name:
            return _error(400, "invalid model name")
        name = _normalize(name)
        with self._lock:
            known = _key(name) in self._pullable or _key(name) in self._models
        items: list[dict[str, Any]] = [{"status": "pulling manifest"}]
        if not known:
            items.append({"error": "pull model manifest: file does not exist"})
            return await self._respond("/api/pull", items, stream=body.get("stream", True) is not False)
        model = _base_model(name)
        layers = [(model.weights, model.size), (hashlib.sha256(f"params:{name}".encode()).hexdigest(), 487)]
        for digest, total in layers:
            for completed in (0, total // 3, 2 * total // 3, total):
                status = f"pulling {digest[:12]}"
                items.append({"status": status, "digest": f"sha256:{digest}", "total": total, "completed": completed})
        items += [{"status": "verifying sha256 digest"}, {"status": "writing manifest"}, {"status": "success"}]

        def install() -> None:
            with self._lock:
                self._models[_key(name)] = model

        return await self._respond("/api/pull", items, stream=body.get("stream", True) is not False, on_complete=install)

    async def _create(self, body: dict[str, Any]) -> Response:
        name = body.get("model") or body.get("name")
        if not name:
            return _error(400, "invalid model name")
        source = body.get("from")
        if not source:
            if body.get("files") or body.get("modelfile"):
                return _error(400, "OllamaTestServer only supports creating a model 'from' another one")
            return _error(400, "neither 'from' or 'files' was specified")
        parent = self._lookup(source)
        if parent is None:
            return _error(404, f"model '{source}' not found")
        parameters = body.get("parameters") or {}
        if not isinstance(parameters, dict):
            return _error(400, "parameters must be an object")
        model = replace(
            parent,
            name=_normalize(name),
            parent=parent.name,
            system=body["system"] if body.get("system") is not None else parent.system,
            template=body.get("template") or parent.template,
            parameters={**parent.parameters, **parameters},
            license=body.get("license") if body.get("license") is not None else parent.license,
            modified_at=_now(),
        )
        if isinstance(model.license, list):
            model.license = "\n".join(model.license)
        items = [{"status": f"using existing layer sha256:{parent.weights}"}]
        for part in ("template", "system", "parameters"):
            layer = hashlib.sha256(json.dumps(getattr(model, part), sort_keys=True).encode()).hexdigest()
            items.append({"status": f"creating new layer sha256:{layer}"})
        items += [{"status": "writing manifest"}, {"status": "success"}]

        def install() -> None:
            with self._lock:
                self._models[_key(name)] = model
                self._loaded.pop(_key(name), None)

        return await self._respond("/api/create", items, stream=body.get("stream", True) is not False, on_complete=install)

    def _delete(self, body: dict[str, Any]) -> Response:
        name = body.get("model") or body.get("name")
        if not name:
            return _error(400, 'name "" is invalid')
        with self._lock:
            removed = self._models.pop(_key(name), None)
            self._loaded.pop(_key(name), None)
        if removed is None:
            return _error(404, f"model '{name}' not found")
        return Response(status_code=200)

    # ----------------------------------------------------------------- inference

    def _inference_model(self, body: dict[str, Any], action: str) -> _Model | Response:
        name = body.get("model")
        if not name:
            return _error(400, "model is required")
        m = self._lookup(name)
        if m is None:
            return _error(404, f'model "{name}" not found, try pulling it first')
        if action in ("chat", "generate") and "completion" not in m.capabilities:
            return _error(400, f'"{name}" does not support {action}')
        with self._lock:
            self._loaded[_key(name)] = datetime.now(timezone.utc) + timedelta(minutes=5)
        return m

    def _next_reply(self, model: _Model, body: dict[str, Any], user_text: str) -> str:
        with self._lock:
            for queue_key in (_key(model.name), None):
                queue = self._scripts.get(queue_key)
                if queue:
                    return queue.popleft()
        fmt = body.get("format")
        if isinstance(fmt, dict):
            return json.dumps(example_for_schema(fmt))
        if fmt == "json":
            return "{}"
        return f"echo: {user_text}".rstrip()

    async def _complete(self, body: dict[str, Any], kind: str) -> Response:
        started = time.monotonic_ns()
        model = self._inference_model(body, kind)
        if isinstance(model, Response):
            return model
        path, stream = f"/api/{kind}", body.get("stream", True) is not False
        if kind == "chat":
            messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
            user_text = next((str(m.get("content") or "") for m in reversed(messages) if m.get("role") == "user"), "")
            prompt_text = " ".join(str(m.get("content") or "") for m in messages)
            empty = not messages
        else:
            user_text = prompt_text = str(body.get("prompt") or "")
            empty = not user_text
        prompt_text = " ".join(filter(None, [body.get("system") or model.system or "", prompt_text]))

        def chunk(text: str, done: bool) -> dict[str, Any]:
            head: dict[str, Any] = {"model": body["model"], "created_at": _now()}
            if kind == "chat":
                return {**head, "message": {"role": "assistant", "content": text}, "done": done}
            return {**head, "response": text, "done": done}

        if empty:  # Ollama's "load the model" request
            return JSONResponse({**chunk("", True), "done_reason": "load"})

        tokens = _tokens(self._next_reply(model, body, user_text))
        done_reason = "stop"
        options = body.get("options") or {}
        limit = options.get("num_predict") if isinstance(options, dict) else None
        if isinstance(limit, int) and 0 < limit < len(tokens):
            tokens, done_reason = tokens[:limit], "length"

        items = [chunk(t, False) for t in tokens]
        prompt_eval_count = len(prompt_text.split()) + 12  # + template tokens
        eval_count = len(tokens)
        load, prompt_eval, evaluation = 1_800_000, prompt_eval_count * 350_000, eval_count * 16_000_000
        final = {
            **chunk("", True),
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
        text = "".join(tokens)
        reply = {"message": {"role": "assistant", "content": text}} if kind == "chat" else {"response": text}
        whole = {**final, **reply}
        return await self._respond(path, [*items, final], stream=stream, final=whole)

    async def _chat(self, body: dict[str, Any]) -> Response:
        return await self._complete(body, "chat")

    async def _generate(self, body: dict[str, Any]) -> Response:
        return await self._complete(body, "generate")

    def _vector(self, model: str, text: str, dimensions: int | None = None) -> list[float]:
        rng = random.Random(hashlib.sha256(f"{_key(model)}\0{text}".encode()).digest())
        vector = [rng.gauss(0.0, 1.0) for _ in range(self.embedding_dim)]
        if dimensions and 0 < dimensions < len(vector):
            vector = vector[:dimensions]
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

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
        model = self._inference_model(body, "embed")
        if isinstance(model, Response):
            return model
        name = body["model"]
        dimensions = body.get("dimensions") if isinstance(body.get("dimensions"), int) else None
        return JSONResponse(
            {
                "model": name,
                "embeddings": [self._vector(name, t, dimensions) for t in texts],
                "total_duration": 2_000_000 + time.monotonic_ns() - started,
                "load_duration": 1_000_000,
                "prompt_eval_count": sum(len(t.split()) + 2 for t in texts),
            }
        )

    def _embeddings(self, body: dict[str, Any]) -> Response:
        model = self._inference_model(body, "embed")
        if isinstance(model, Response):
            return model
        prompt = body.get("prompt") or ""
        return JSONResponse({"embedding": self._vector(body["model"], prompt) if prompt else []})
