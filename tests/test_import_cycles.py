"""No import cycle among the core's modules, counting imports made inside functions.

A function-level import hides a cycle from Python at start-up, not from the reader: the two modules
still depend on each other. This test reads every module under `core/codexcontinue` with `ast`,
resolves relative imports, and fails naming each cycle it finds.
"""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "core" / "codexcontinue"
ROOT_PACKAGE = "codexcontinue"


def module_names(root: Path) -> dict[str, Path]:
    """Every module under `root` by its dotted name (a package by its own name, not `__init__`)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [ROOT_PACKAGE, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The core modules that module `name` imports anywhere in its body, functions included."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, node.module] if node.module else base_parts)
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in known else base)
    return {target for target in targets if target in known and target != name}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module name -> the core modules it imports."""
    modules = module_names(root)
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of two or more modules that import each other, directly or through others (Tarjan)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                lowlink[node] = min(lowlink[node], lowlink[successor])
            elif successor in on_stack:
                lowlink[node] = min(lowlink[node], index[successor])
        if lowlink[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def one_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A concrete import path through `group` that comes back to its start, for the failure message."""
    members = set(group)
    start = group[0]
    path = [start]
    seen = {start}
    while True:
        successors = sorted(graph[path[-1]] & members)
        if start in successors and len(path) > 1:
            return [*path, start]
        unvisited = [s for s in successors if s not in seen]
        if not unvisited:
            return [*path, successors[0]]
        path.append(unvisited[0])
        seen.add(unvisited[0])


def test_core_modules_have_no_import_cycle():
    graph = import_graph(CORE)
    cycles = [" -> ".join(one_cycle(graph, group)) for group in strongly_connected(graph)]
    assert not cycles, "Import cycles among core modules:\n" + "\n".join(cycles)


def test_the_check_finds_a_cycle_hidden_in_a_function(tmp_path):
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "first.py").write_text("from .second import helper\n")
    (tmp_path / "second.py").write_text(
        "def helper():\n    from codexcontinue import first\n    return first\n"
    )
    (tmp_path / "third.py").write_text("import codexcontinue.first\n")
    graph = import_graph(tmp_path)
    assert graph["codexcontinue.third"] == {"codexcontinue.first"}
    assert strongly_connected(graph) == [["codexcontinue.first", "codexcontinue.second"]]
