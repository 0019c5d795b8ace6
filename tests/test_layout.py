"""The layers' import rules (docs/ARCHITECTURE.md), checked on the source: who may import whom, no circles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "index", "prompts")
MAX_LINES = 300


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top or inside functions (type-checking imports too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {i for i in _imports(path) if i in modules and i != name} for name, path in modules.items()}


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in packages)


def test_no_import_circles() -> None:
    graph = _graph()
    # A package's __init__ importing its own modules is how it re-exports them, not a circle.
    edges = {m: {i for i in targets if not (m.startswith(f"{i}.") and _under(m, i))} for m, targets in graph.items()}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_each_layer_imports_only_what_it_may() -> None:
    rules = [
        ("index", ("bot", "prompts"), "index/ builds and searches the index"),
        ("bot.core", ("bot.app", "bot.cli", "bot.discord", "typer", "rich", "discord", "chromadb", "pydantic_settings"),
         "bot/core/ takes plain arguments"),
        ("bot.app", ("bot.cli", "bot.discord"), "bot/app/ serves the front ends"),
        ("bot.cli", ("index", "chromadb"), "a front end (it starts the Discord one)"),
        ("bot.discord", ("index", "bot.cli", "chromadb"), "a front end"),
    ]  # fmt: skip
    broken = [
        f"{module} imports {target} ({why})"
        for module, path in _modules().items()
        for layer, forbidden, why in rules
        if _under(module, layer)
        for target in _imports(path)
        if _under(target, *forbidden)
    ]
    assert broken == []


def test_modules_stay_small() -> None:
    long = {name: n for name, path in _modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}
