"""Docstring coverage per module: how many public modules, classes, functions and properties have a docstring."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .package_api import PackageApi


class Undocumented(BaseModel):
    """A public object without a docstring."""

    path: str = Field(description="Where it is offered, e.g. 'package.module.Class.method'.")
    kind: str
    file: str
    lineno: int | None


class ModuleCoverage(BaseModel):
    """One module's count: the module itself and the public objects it offers."""

    module: str
    file: str
    documented: int
    total: int
    percent: float


class DocstringCoverage(BaseModel):
    """Coverage over every module, each module's, and the list of what lacks a docstring."""

    documented: int
    total: int
    percent: float
    modules: list[ModuleCoverage]
    undocumented: list[Undocumented]


def docstring_coverage(api: PackageApi) -> DocstringCoverage:
    """Count docstrings of public objects, each counted once even when offered by several modules."""
    seen: set[str] = set()
    modules: list[ModuleCoverage] = []
    undocumented: list[Undocumented] = []
    for module in api.modules:
        documented = int(bool(module.module.docstring))
        total = 1
        if not module.module.docstring:
            undocumented.append(Undocumented(path=module.path, kind="module", file=module.file, lineno=None))
        for obj in module.objects:
            if obj.target.path in seen:
                continue
            seen.add(obj.target.path)
            total += 1
            if obj.docstring:
                documented += 1
            else:
                undocumented.append(
                    Undocumented(path=obj.path, kind=obj.kind, file=obj.file, lineno=obj.target.lineno)
                )
        modules.append(ModuleCoverage(
            module=module.path, file=module.file, documented=documented, total=total,
            percent=_percent(documented, total),
        ))  # fmt: skip
    documented = sum(module.documented for module in modules)
    total = sum(module.total for module in modules)
    return DocstringCoverage(
        documented=documented, total=total, percent=_percent(documented, total), modules=modules,
        undocumented=undocumented,
    )  # fmt: skip


def _percent(documented: int, total: int) -> float:
    return round(100 * documented / total, 1) if total else 100.0
