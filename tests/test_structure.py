"""The shape of the house: no import cycle among etl/ and dashboard/ modules (counting
the imports inside functions too, not those only for type checkers), and etl/ never
imports dashboard/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("etl", "dashboard")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project's modules that `name` imports, anywhere in it (a package's own
    submodules through `from package import submodule` count as the submodule)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):  # `if TYPE_CHECKING:` imports never run
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING"):
            block.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_modules():
    graph = _graph()
    assert "etl.cli.app" in graph["dashboard.cli"] or "etl.cli" in graph["dashboard.cli"]
    assert "etl.cli.options" in graph["etl.cli.returns"]


def test_no_import_cycle():
    assert _cycles(_graph()) == []


def test_etl_never_imports_dashboard():
    crossing = {
        (name, other)
        for name, imported in _graph().items()
        if name.split(".")[0] == "etl"
        for other in imported
        if other.split(".")[0] == "dashboard"
    }
    assert crossing == set()


def test_dashboard_concepts_are_packages_not_prefixes():
    """The charts and the briefing are packages (dashboard/charts/, dashboard/briefing/),
    not modules side by side named charts_* or briefing_*."""
    prefixed = sorted(
        path.name
        for path in (ROOT / "dashboard").glob("*.py")
        if path.name.startswith(("briefing_", "charts_"))
    )
    assert prefixed == []
    assert (ROOT / "dashboard" / "charts" / "__init__.py").is_file()
    assert (ROOT / "dashboard" / "briefing" / "__init__.py").is_file()


def test_every_error_we_define_is_a_tracker_error():
    """One kind of error (issue 26): the command line and the pages translate TrackerError,
    so an error class of ours that is not one would reach a user as a type name."""
    import importlib

    from etl.errors import TrackerError

    defined = []
    for name in _modules():
        if name.startswith("dashboard.app_pages") or name == "dashboard.streamlit_app":
            continue  # page scripts run when imported
        module = importlib.import_module(name)
        defined += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, BaseException)
            and value.__module__ == name
        ]
    assert len(defined) > 20
    assert [e.__qualname__ for e in defined if not issubclass(e, TrackerError)] == []
