"""An API reference in Markdown from a package's public API (read statically by griffe)."""

from __future__ import annotations

import griffe

from .package_api import ApiModule, ApiObject, PackageApi

NO_DOCSTRING = "*No docstring.*"


def api_reference(title: str, api: PackageApi) -> str:
    """Markdown: one section per public module, with its classes, functions, methods and properties."""
    lines = [f"# API reference: {title}", ""]
    if not api.modules:
        lines += ["No public modules were found.", ""]
    for module in api.modules:
        lines += _module_section(module)
    if api.skipped:
        lines += ["## Left out", ""]
        lines += [f"- `{skipped.path}`: {skipped.reason}" for skipped in api.skipped]
        lines.append("")
    return "\n".join(lines)


def _module_section(module: ApiModule) -> list[str]:
    docstring = module.module.docstring.value if module.module.docstring else NO_DOCSTRING
    lines = [f"## `{module.path}`", "", f"Source: `{module.file}`", "", docstring, ""]
    for obj in module.objects:
        name = obj.path.removeprefix(f"{module.path}.")
        depth = "####" if "." in name else "###"
        lines += [f"{depth} {obj.kind} `{_heading(name, obj)}`", "", obj.docstring or NO_DOCSTRING, ""]
    return lines


def _heading(name: str, obj: ApiObject) -> str:
    target = obj.target
    if isinstance(target, griffe.Class):
        init = target.members.get("__init__")
        signature = f"({_parameters(init)})" if isinstance(init, griffe.Function) else ""
        bases = f" [bases: {', '.join(str(base) for base in target.bases)}]" if target.bases else ""
        return f"{name}{signature}{bases}"
    if isinstance(target, griffe.Function):
        returns = f" -> {target.returns}" if target.returns else ""
        return f"{name}({_parameters(target)}){returns}"
    annotation = getattr(target, "annotation", None)
    return f"{name}: {annotation}" if annotation else name


def _parameters(function: griffe.Function) -> str:
    """The parameters as Python writes them, with `/` and `*` markers; a method's self or cls left out."""
    parameters = list(function.parameters)
    if isinstance(function.parent, griffe.Class) and "staticmethod" not in function.labels and parameters:
        parameters = parameters[1:]
    kind = griffe.ParameterKind
    parts: list[str] = []
    star_written = False
    for index, parameter in enumerate(parameters):
        if parameter.kind is kind.keyword_only and not star_written:
            parts.append("*")
        star_written = star_written or parameter.kind in (kind.keyword_only, kind.var_positional)
        prefix = {kind.var_positional: "*", kind.var_keyword: "**"}.get(parameter.kind, "")
        text = prefix + parameter.name
        if parameter.annotation is not None:
            text += f": {parameter.annotation}"
        if parameter.default is not None and not prefix:
            text += f" = {parameter.default}" if parameter.annotation is not None else f"={parameter.default}"
        parts.append(text)
        following = parameters[index + 1].kind if index + 1 < len(parameters) else None
        if parameter.kind is kind.positional_only and following is not kind.positional_only:
            parts.append("/")
    return ", ".join(parts)
