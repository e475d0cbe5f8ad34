"""A package's public API read statically with griffe: its modules, and the classes and functions they offer.

Nothing is imported: griffe parses the sources (`allow_inspection=False`). Public means what
griffe calls public (no leading underscore, and listed in `__all__` when a module has one); a
name re-exported from a private module is documented where it is re-exported. Test modules and
build scripts are left out and listed, as are files that could not be loaded, with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import cast

import griffe
from pydantic import BaseModel

from codexcontinue import InputError

from .definitions import parser_gave_up
from .source_tree import SourceTree

# Tests and build scripts. Not `testing`: a package's `testing` module is its public kit for its users'
# tests (click.testing's CliRunner, numpy.testing, codexcontinue.testing).
LEFT_OUT_NAMES = frozenset({"tests", "test", "conftest", "setup", "noxfile", "fabfile"})


class SkippedFile(BaseModel):
    """A module or file the documentation leaves out, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class ApiObject:
    """One documented object: where it is offered (its public path) and griffe's object itself."""

    path: str
    kind: str
    target: griffe.Object
    file: str

    @property
    def docstring(self) -> str | None:
        """Its docstring, or None when it has none."""
        return self.target.docstring.value if self.target.docstring else None


@dataclass(frozen=True)
class ApiModule:
    """A public module with the public objects it offers, classes followed by their members."""

    path: str
    file: str
    module: griffe.Module
    objects: list[ApiObject]


@dataclass
class PackageApi:
    """The public API of every package and module found in a source tree."""

    modules: list[ApiModule] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def read_api(tree: SourceTree) -> PackageApi:
    """The public API of the tree's packages and top-level modules, read without importing anything."""
    api = PackageApi()
    if "__init__.py" in tree.files:
        api.skipped.append(SkippedFile(path="__init__.py", reason=(
            "the upload's top level is the inside of a package, so the package's name is unknown; archive the "
            "package's folder itself (e.g. `zip -r mypackage.zip mypackage/`)"
        )))  # fmt: skip
        return api
    loaded_files: set[str] = set()
    for search_path, name in _import_roots(tree):
        folder = f"{search_path}/{name}".lstrip("/")
        shown = folder if (tree.root / folder).is_dir() else f"{folder}.py"
        if _left_out(name):
            api.skipped.append(SkippedFile(path=shown, reason="tests and build scripts are not part of the API"))
            continue
        try:
            top = griffe.load(
                name, search_paths=[tree.root / search_path], allow_inspection=False, try_relative_path=False
            )
        except (griffe.LoadingError, ModuleNotFoundError, ImportError) as error:
            api.skipped.append(SkippedFile(path=shown, reason=f"griffe could not load it: {error}"))
            continue
        except (MemoryError, RecursionError):
            raise InputError(parser_gave_up(shown)) from None
        for module in _modules(tree, top, api):
            relative = _relative_file(tree, module)
            loaded_files.add(relative)
            if not any(_private(part) for part in module.path.split(".")):
                api.modules.append(ApiModule(module.path, relative, module, list(_objects(tree, module))))
    left_out = {skip.path for skip in api.skipped}
    for path in tree.files:
        if path.endswith(".py") and path not in loaded_files and not _under(path, left_out):
            api.skipped.append(SkippedFile(path=path, reason=_why_not_loaded(tree, path)))
    api.modules.sort(key=lambda module: module.path)
    return api


def _import_roots(tree: SourceTree) -> list[tuple[str, str]]:
    """(folder to search, top-level name) for each package and stand-alone module in the tree."""
    present = set(tree.files)
    roots: set[tuple[str, str]] = set()
    for path in tree.files:
        file = PurePosixPath(path)
        if file.suffix != ".py":
            continue
        folders = file.parts[:-1]
        top = len(folders)
        while top > 0 and "/".join([*folders[:top], "__init__.py"]) in present:
            top -= 1
        if top == len(folders):
            roots.add(("/".join(folders), file.stem))
        else:
            roots.add(("/".join(folders[:top]), folders[top]))
    return sorted(roots)


def _modules(tree: SourceTree, top: griffe.Object | griffe.Alias, api: PackageApi) -> Iterator[griffe.Module]:
    """`top` and its submodules, depth first, leaving out (and listing) test packages."""
    if not isinstance(top, griffe.Module):
        return
    yield top
    for name, member in sorted(top.members.items()):
        if member.is_alias or not isinstance(member, griffe.Module):
            continue
        if _left_out(name):
            shown = _relative_file(tree, member).removesuffix("/__init__.py")  # a package: its folder
            api.skipped.append(SkippedFile(path=shown, reason="tests are not part of the API"))
            continue
        yield from _modules(tree, member, api)


def _objects(tree: SourceTree, module: griffe.Module) -> Iterator[ApiObject]:
    for name, member in module.members.items():
        if _dunder(name) or not member.is_public:
            continue
        target = _offered(member)
        if target is not None:
            yield from _with_members(tree, f"{module.path}.{name}", target)


def _offered(member: griffe.Object | griffe.Alias) -> griffe.Object | None:
    """What the member offers: itself, or the target of a name re-exported from a private module."""
    if not member.is_alias:
        return cast(griffe.Object, member) if _kind(member) else None
    try:
        target = member.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None  # imported from outside the package
    if not _kind(target) or not any(_private(part) for part in target.module.path.split(".")):
        return None  # documented where it is defined
    return target


def _with_members(tree: SourceTree, path: str, target: griffe.Object) -> Iterator[ApiObject]:
    yield ApiObject(path, _kind(target), target, _relative_file(tree, target.module))
    if isinstance(target, griffe.Class):
        for name, member in target.members.items():
            if member.is_alias or _dunder(name) or not member.is_public or not _kind(member):
                continue
            yield from _with_members(tree, f"{path}.{name}", cast(griffe.Object, member))


def _kind(obj: griffe.Object | griffe.Alias) -> str:
    """'class', 'function', 'method' or 'property'; '' for what the reference leaves out (attributes, modules)."""
    if isinstance(obj, griffe.Class):
        return "class"
    if isinstance(obj, griffe.Function):
        return "method" if isinstance(obj.parent, griffe.Class) else "function"
    if isinstance(obj, griffe.Attribute) and "property" in obj.labels:
        return "property"
    return ""


def _relative_file(tree: SourceTree, module: griffe.Module) -> str:
    filepath = module.filepath
    if isinstance(filepath, list):  # a namespace package has no file of its own
        filepath = filepath[0]
    return filepath.resolve().relative_to(tree.root.resolve()).as_posix()


def _why_not_loaded(tree: SourceTree, path: str) -> str:
    try:
        ast.parse(tree.read(path))
    except SyntaxError as error:
        return f"syntax error at line {error.lineno}: {error.msg}"
    except ValueError as error:
        return f"not valid Python source: {error}"
    except (MemoryError, RecursionError):
        raise InputError(parser_gave_up(path)) from None
    return "not importable by this name (its folder or file name is not a Python identifier)"


def _under(path: str, left_out: set[str]) -> bool:
    return any(path == skipped or path.startswith(f"{skipped}/") for skipped in left_out)


def _left_out(name: str) -> bool:
    return name in LEFT_OUT_NAMES or name.startswith("test_")


def _private(name: str) -> bool:
    return name.startswith("_") and not _dunder(name)


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")
