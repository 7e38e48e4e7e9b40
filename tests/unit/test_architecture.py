"""Imports point down only: no cycle between top-level folders, none inside a folder, nothing imports app.py."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ingest", "index", "assistant", "eval", "web")
# A module may import modules of a lower layer and of its own folder; eval and web sit side by side and
# do not import each other, except the benchmarks (eval.bench), which measure the API from above.
LAYERS = {"ingest": 0, "index": 1, "assistant": 2, "eval": 3, "web": 3, "eval.bench": 4}


def layer(module: str) -> tuple[int, str]:
    """(layer, folder) of a module."""
    folder = "eval.bench" if module.startswith("eval.bench") else module.split(".")[0]
    return LAYERS[folder], folder


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every project module this file imports, at any depth in the file (TYPE_CHECKING blocks included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def project_graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in imports_of(path) if t in modules or t == "app"}
        graph[name] = {t for t in targets if t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_imports_app() -> None:
    offenders = sorted(m for m, targets in project_graph().items() if "app" in targets)
    assert offenders == []


def test_imports_point_down_between_folders() -> None:
    upward = []
    for module, targets in project_graph().items():
        for target in targets - {"app"}:
            (mine, my_folder), (theirs, their_folder) = layer(module), layer(target)
            if theirs > mine or (theirs == mine and my_folder != their_folder):
                upward.append(f"{module} → {target}")
    assert upward == []


def test_no_import_cycle() -> None:
    graph = project_graph()
    # a package's __init__ is not an edge of its own (it holds no imports here)
    assert find_cycle(graph) is None


def test_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
