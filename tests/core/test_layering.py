"""Apps import only downward and no module imports itself round a cycle (issue 13 §2, STYLE.md).

A plain `ast` walk over src/ rather than import-linter: no new dependency, and it sees imports inside
functions too, which import-linter's contracts would need extra care to count. Every import statement
is an edge, at module level or inside a function: a lazy import upward is still a dependency upward,
and a lazy import round a cycle still ties the two modules together (the cycles issue 13 named,
`cases/actions/deadlines.py` ↔ `cases/tasks.py` and the others, were all function-level).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# Lowest first; an app may import its own layer's apps only when listed in SAME_LAYER (urging and
# linkage share a layer and neither imports the other). `config` and `cli` wire the project
# together and sit on top.
LAYERS: list[set[str]] = [
    {"core"},
    {"orgs"},
    {"cases"},
    {"documents"},
    {"urging", "linkage"},
    # The ledger sits below the apps that read what is owed from it (a control's budget, a listing's
    # deletion once paid) and book money into it (a confirmed deduction); it tells them of payments
    # through core.events (issue 15).
    {"funds"},
    {"assets", "sanctions", "screening", "supervision", "portal"},
    {"demo"},
    {"config", "cli"},
]
LAYER = {app: n for n, apps in enumerate(LAYERS) for app in apps}
# Modules whose layer is not their app's: reading settings from the environment and the logging
# configuration (imports nothing of the project) are kernel-level.
MODULE_LAYER = {"enforcelink.config.env": 0, "enforcelink.config.logs": 0}
# No exceptions: a lower app that needs a higher one's data or action gets it through a registry the
# higher app fills in its AppConfig.ready() (core/events.py; documents/judgments.py for urging's
# judgments), not by importing it.
# Apps of one layer that may import each other's modules, as (importer, imported); none besides the
# project's wiring.
SAME_LAYER = {("cli", "config")}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


MODULES = _modules()


def _target(name: str) -> str | None:
    """The project module an imported name lives in (`enforcelink.cases.actions.case_close` →
    `enforcelink.cases.actions`), or None outside the project."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path, package: bool) -> set[str]:
    edges: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if package else module.split(".")[:-1]
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _target(name)
            if target is not None and target != module and target.startswith("enforcelink"):
                edges.add(target)
    return edges


GRAPH = {module: _imports(module, *where) for module, where in MODULES.items()}


def _app(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def _layer(module: str) -> int:
    return MODULE_LAYER.get(module, LAYER.get(_app(module), 0))


def test_every_app_has_a_layer():
    apps = {_app(module) for module in MODULES if "." in module}
    assert apps <= set(LAYER), f"put these apps in LAYERS: {sorted(apps - set(LAYER))}"


def test_no_app_imports_a_higher_one():
    """Nor another app of its own layer (urging and linkage know nothing of each other)."""
    upward = sorted(
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(target) > _layer(module)
        or (
            _layer(target) == _layer(module)
            and _app(target) != _app(module)
            and target not in MODULE_LAYER
            and (_app(module), _app(target)) not in SAME_LAYER
        )
    )
    assert not upward, "imports from a lower app to a higher one:\n" + "\n".join(
        f"  {a} -> {b}" for a, b in upward
    )


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative), each as one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(GRAPH):
        if root in index:
            continue
        work = [(root, iter(sorted(GRAPH[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(_one_cycle(set(component)))
    return found


def _one_cycle(component: set[str]) -> list[str]:
    """A concrete cycle inside the component, to print: a path back to its first module."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(GRAPH[node] & component):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return sorted(component)


# Known cycles, each to be removed (the test fails when one is no longer needed). None today: a
# background task lives beside the code it runs, and `tasks.py` only registers periodic sweeps.
KNOWN_CYCLES: list[list[str]] = []


def test_no_import_cycles():
    found = _cycles()
    assert [cycle for cycle in KNOWN_CYCLES if cycle not in found] == [], "remove from KNOWN_CYCLES"
    cycles = [cycle for cycle in found if cycle not in KNOWN_CYCLES]
    assert not cycles, "import cycles:\n" + "\n".join("  " + " -> ".join(cycle) for cycle in cycles)


def test_the_graph_sees_function_level_imports():
    """The walk must see what it polices: the lazy imports inside an AppConfig.ready()."""
    assert "enforcelink.linkage.actions" in GRAPH["enforcelink.linkage.apps"]
    assert "enforcelink.core.events" in GRAPH["enforcelink.cases.apps"]
