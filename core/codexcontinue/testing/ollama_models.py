"""What the Ollama test server knows about models, the way Ollama 0.12.3 knows it.

- `ModelName`: a model name parsed and displayed as Ollama's `types/model/name.go` does
  (`ParseName`, `DisplayShortest`): `llama3.2` is `registry.ollama.ai/library/llama3.2:latest`,
  shown as `llama3.2:latest`; the case of each part is kept.
- `StoredModel`: one model in the server's store (its manifest), with the `/api/show` and
  `/api/tags` views of it. A model without weights is what Ollama leaves behind when a create
  from a base it cannot pull goes on to write a manifest anyway (`server/create.go`).
- `stock_model`: the model a pull installs, with the parameters, template and capabilities of
  the Ollama library's model of that family (llama3.x, qwen3, deepseek-r1, nomic-embed-text), or
  a plain one for other names.
- `go_value`: a parameter value printed with Go's `%#v`, as `/api/show` prints `parameters`
  (`fmt.Sprintf("%-*s %#v", 30, k, v)` in `GetModelInfo`, `server/routes.go`).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

__all__ = ["ModelName", "StoredModel", "go_value", "stock_model"]

DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
DEFAULT_TAG = "latest"
BLOB_DIR = "/root/.ollama/models/blobs"
DEFAULT_TEMPLATE = "{{ .Prompt }}"  # template.DefaultTemplate: what GetModel uses when a model has no template layer

# --------------------------------------------------------------------------- names

_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_HOST = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-:]*")
_NAMESPACE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")


@dataclass(frozen=True)
class ModelName:
    """A fully qualified model name: host, namespace, model and tag, each as written."""

    host: str
    namespace: str
    model: str
    tag: str

    @classmethod
    def parse(cls, text: str) -> ModelName | None:
        """`[host/][namespace/]model[:tag][@digest]` with Ollama's defaults, or None when invalid."""
        text = text.split("@", 1)[0]
        if "://" in text:
            text = text.split("://", 1)[1]
        head, slash, last = text.rpartition("/")
        model, colon, tag = last.partition(":")
        tag = tag if colon else DEFAULT_TAG
        parts = head.split("/") if slash else []
        if len(parts) > 2:
            return None
        host = parts[0] if len(parts) == 2 else DEFAULT_HOST
        namespace = parts[-1] if parts else DEFAULT_NAMESPACE
        name = cls(host, namespace, model, tag)
        return name if name._valid() else None

    def _valid(self) -> bool:
        return (
            bool(_HOST.fullmatch(self.host)) and len(self.host) <= 350
            and bool(_NAMESPACE.fullmatch(self.namespace)) and len(self.namespace) <= 80
            and bool(_PART.fullmatch(self.model)) and len(self.model) <= 80
            and bool(_PART.fullmatch(self.tag)) and len(self.tag) <= 80
        )  # fmt: skip

    @property
    def shortest(self) -> str:
        """`DisplayShortest`: the default host and `library` namespace left out, the tag always shown."""
        if self.host.lower() != DEFAULT_HOST:
            return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"
        if self.namespace.lower() != DEFAULT_NAMESPACE:
            return f"{self.namespace}/{self.model}:{self.tag}"
        return f"{self.model}:{self.tag}"

    def folded(self) -> ModelName:
        """The name with every part lowercased, for `getExistingName`'s case-insensitive match."""
        return ModelName(self.host.lower(), self.namespace.lower(), self.model.lower(), self.tag.lower())

    def __str__(self) -> str:
        return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"


# --------------------------------------------------------------------------- stored models


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def blob_digest(content: Any) -> str:
    """sha256 of a layer's content (a JSON value, or the text of a template or system layer)."""
    data = content if isinstance(content, str) else json.dumps(content, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class StoredModel:
    """One model in the server's store: its layers, as far as the project relies on them.

    `weights` is None for a model without a weights layer (a half-made create); `template` is None
    when the model has no template layer (GetModel then uses `{{ .Prompt }}`).
    """

    name: ModelName
    weights: str | None
    size: int = 0
    family: str = ""
    parameter_size: str = ""
    parameter_count: int = 0
    context_length: int = 4096
    embedding: bool = False
    quantization_level: str = "Q4_K_M"
    template: str | None = DEFAULT_TEMPLATE
    system: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    license: str | None = None
    parent: str = ""
    modified_at: str = field(default_factory=_now)

    @property
    def layers(self) -> list[tuple[str, Any]]:
        """(kind, content) of each layer the manifest lists, weights first."""
        layers: list[tuple[str, Any]] = []
        if self.weights is not None:
            layers.append(("model", self.weights))
        for kind in ("template", "system", "license"):
            if getattr(self, kind) is not None:
                layers.append((kind, getattr(self, kind)))
        if self.parameters:
            layers.append(("params", self.parameters))
        return layers

    @property
    def digest(self) -> str:
        """The manifest's sha256: it changes whenever a layer does (a recreate with a new system prompt, ...)."""
        return blob_digest([[kind, blob_digest(content)] for kind, content in self.layers])

    @property
    def stored_size(self) -> int:
        """What `/api/tags` reports: the weights plus the small layers."""
        small = sum(len(json.dumps(content)) for kind, content in self.layers if kind != "model")
        return (self.size if self.weights is not None else 0) + small

    @property
    def template_text(self) -> str:
        """The template GetModel runs with."""
        return self.template if self.template is not None else DEFAULT_TEMPLATE

    @property
    def capabilities(self) -> list[str]:
        """What `Model.Capabilities()` (`server/images.go`) reads off the weights and the template."""
        found: list[str] = []
        if self.weights is not None:
            found.append("embedding" if self.embedding else "completion")
        template = self.template_text
        if ".Tools" in template:
            found.append("tools")
        if ".Suffix" in template:
            found.append("insert")
        if "<think>" in template and "</think>" in template:
            found.append("thinking")
        return found

    def details(self, *, with_parent: bool) -> dict[str, Any]:
        """`ModelDetails`: empty for a model without weights (its config names no format or family)."""
        if self.weights is None:
            return {"parent_model": "", "format": "", "family": "", "families": None, "parameter_size": "",
                    "quantization_level": ""}  # fmt: skip
        return {
            "parent_model": self.parent if with_parent else "",
            "format": "gguf",
            "family": self.family,
            "families": [self.family],
            "parameter_size": self.parameter_size,
            "quantization_level": self.quantization_level,
        }

    def parameter_lines(self) -> list[tuple[str, str]]:
        """(name, `%#v` value) of every parameter, names in random order as Go ranges over a map.

        A list gives one line per item, in its order.
        """
        names = list(self.parameters)
        random.shuffle(names)
        lines = []
        for name in names:
            value = self.parameters[name]
            for item in value if isinstance(value, list) else [value]:
                lines.append((name, go_value(item)))
        return lines

    @property
    def model_info(self) -> dict[str, Any]:
        """The GGUF metadata `/api/show` reports as `model_info`."""
        return {
            "general.architecture": self.family,
            "general.parameter_count": self.parameter_count,
            "general.file_type": 15,
            f"{self.family}.context_length": self.context_length,
        }


# --------------------------------------------------------------------------- the library's models

_LLAMA3_TEMPLATE = """<|start_header_id|>system<|end_header_id|>

Cutting Knowledge Date: December 2023

{{ if .System }}{{ .System }}
{{- end }}
{{- if .Tools }}When you receive a tool call response, use the output to format an answer to the orginal user question.

You are a helpful assistant with tool calling capabilities.
{{- end }}<|eot_id|>
{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 }}
{{- if eq .Role "user" }}<|start_header_id|>user<|end_header_id|>

{{ .Content }}<|eot_id|>{{ if $last }}<|start_header_id|>assistant<|end_header_id|>

{{ end }}
{{- else if eq .Role "assistant" }}<|start_header_id|>assistant<|end_header_id|>

{{ .Content }}{{ if not $last }}<|eot_id|>{{ end }}
{{- end }}
{{- end }}"""

_QWEN3_TEMPLATE = """{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}
{{- if .Tools }}<|im_start|>system
# Tools
{{- range .Tools }}
{"type": "function", "function": {{ .Function }}}
{{- end }}<|im_end|>
{{ end }}
{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
{{- if eq .Role "user" }}<|im_start|>user
{{ .Content }}{{ if and $last $.IsThinkSet (not $.Think) }} /no_think{{ end }}<|im_end|>
{{ else if eq .Role "assistant" }}<|im_start|>assistant
{{ if and $.IsThinkSet .Thinking }}<think>{{ .Thinking }}</think>
{{ end }}{{ .Content }}{{ if not $last }}<|im_end|>
{{ end }}
{{- end }}
{{- if and (ne .Role "assistant") $last }}<|im_start|>assistant
{{ if and $.IsThinkSet (not $.Think) }}<think>

</think>

{{ end }}
{{- end }}
{{- end }}"""

_DEEPSEEK_R1_TEMPLATE = """{{- if .System }}{{ .System }}{{ end }}
{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1}}
{{- if eq .Role "user" }}<｜User｜>{{ .Content }}
{{- else if eq .Role "assistant" }}<｜Assistant｜>
{{- if and $.IsThinkSet (and $last .Thinking) -}}
<think>
{{ .Thinking }}
</think>
{{- end }}{{ .Content }}{{- if not $last }}<｜end▁of▁sentence｜>{{- end }}
{{- end }}
{{- if and $last (ne .Role "assistant") }}<｜Assistant｜>
{{- if and $.IsThinkSet (not $.Think) -}}
<think>

</think>

{{ end }}
{{- end -}}
{{- end }}"""


@dataclass(frozen=True)
class _Family:
    """What a pull installs for names of one family: architecture, template, parameters, context."""

    architecture: str
    template: str
    parameters: dict[str, Any]
    context_length: int
    embedding: bool = False


_FAMILIES: list[tuple[re.Pattern[str], _Family]] = [
    (
        re.compile(r"llama3(\.\d+)?$"),
        _Family("llama", _LLAMA3_TEMPLATE, {"stop": ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]}, 131072),
    ),
    (
        re.compile(r"qwen3$"),
        _Family(
            "qwen3",
            _QWEN3_TEMPLATE,
            {"repeat_penalty": 1, "stop": ["<|im_start|>", "<|im_end|>"], "temperature": 0.6, "top_k": 20, "top_p": 0.95},
            40960,
        ),
    ),
    (
        re.compile(r"deepseek-r1$"),
        _Family(
            "qwen2",
            _DEEPSEEK_R1_TEMPLATE,
            {"stop": ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"]},
            131072,
        ),
    ),
    (re.compile(r"nomic-embed-text$"), _Family("nomic-bert", DEFAULT_TEMPLATE, {"num_ctx": 8192}, 2048, embedding=True)),
    (re.compile(r".*embed.*"), _Family("bert", DEFAULT_TEMPLATE, {}, 512, embedding=True)),
]


def stock_model(name: ModelName) -> StoredModel:
    """The model a pull of `name` installs: its family's template and parameters, size read off the tag."""
    base = name.model.lower()
    family = next((f for pattern, f in _FAMILIES if pattern.match(base)), None)
    if family is None:
        word = re.match(r"[a-z]+", base)
        family = _Family(word.group(0) if word else "llama", DEFAULT_TEMPLATE, {}, 4096)
    size_match = re.search(r"(\d+(?:\.\d+)?)([bm])\b", name.tag.lower())
    if size_match:
        amount, unit = float(size_match.group(1)), size_match.group(2)
        count = int(amount * (1e9 if unit == "b" else 1e6))
        parameter_size = f"{size_match.group(1)}{unit.upper()}"
    else:
        count, parameter_size = 3_200_000_000, "3.2B"
    return StoredModel(
        name=name,
        weights=hashlib.sha256(f"weights:{name.shortest}".encode()).hexdigest(),
        size=int(count * 0.6),  # ~4.8 bits per parameter, like a Q4_K_M gguf
        family=family.architecture,
        parameter_size=parameter_size,
        parameter_count=count,
        context_length=family.context_length,
        embedding=family.embedding,
        quantization_level="F16" if family.embedding else "Q4_K_M",
        template=family.template,
        parameters=json.loads(json.dumps(family.parameters)),
    )


# --------------------------------------------------------------------------- Go's %#v


def go_value(value: Any) -> str:
    """`value` (decoded from JSON, so numbers are Go float64s) as Go's `%#v` prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _go_float(float(value))
    if isinstance(value, str):
        return go_quote(value)
    return json.dumps(value)  # nested values do not occur in the parameters Ollama accepts


def _go_float(number: float) -> str:
    """`strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits, exponent form below 1e-4 and from 1e6 on.

    So `1e+06`, `1.5e-05`, `0.2`, `8192`, `123456`.
    """
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    if number == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # digits before the decimal point
    magnitude = point - 1
    minus = "-" if sign else ""
    if magnitude < -4 or magnitude >= 6:  # shortest formatting decides with precision 6
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{'+' if magnitude >= 0 else '-'}{abs(magnitude):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{minus}{text}{'0' * (point - len(text))}"
    return f"{minus}{text[:point]}.{text[point:]}"


_GO_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v",
               "\\": "\\\\", '"': '\\"'}  # fmt: skip


def go_quote(text: str) -> str:
    """Go's `strconv.Quote`: printable characters as they are, the rest as `\\x`, `\\u` or `\\U` escapes."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif char.isprintable():
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)
