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


# What a user does is one call in etl.actions (issue 26). The rule: a page or a command
# never performs these steps itself; it calls the action and lays out its result.
CALLERS = ("dashboard/app_pages", "dashboard/mail_panel.py", "etl/cli")
STEPS = {
    "etl.returns.check_return",  # checking a return: actions.check_return
    "etl.returns.validate_return",
    "etl.submissions.review.checked_figures",
    "etl.submissions.review.beside_last_quarter",
    "etl.submissions.replacing.replacing",
    "etl.mail.receipts",  # any of it: e-mailing receipts is part of storing
    "etl.submissions.send",
    "etl.submissions.ingest.ingest_return",
    "etl.submissions.versions.restore_version",
    "etl.mail.reminders.send",
    "etl.backup.take",
}


def _names_used(path: Path) -> set[str]:
    """Every dotted name of ours a file imports or reaches through an imported name
    (``from etl.mail import receipts as r`` … ``r.notify`` gives etl.mail.receipts.notify);
    not those only for type checkers, which never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING"):
            block.body = []
    bound, used = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = alias.asname and alias.name
                used.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                used.add(f"{node.module}.{alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (base := bound.get(node.value.id))
        ):
            used.add(f"{base}.{node.attr}")
    return used


def steps_composed(root: Path) -> dict[str, list[str]]:
    """For each page or command, the steps of an action it takes itself."""
    found = {}
    for caller in CALLERS:
        where = root / caller
        for path in sorted(where.rglob("*.py") if where.is_dir() else [where]):
            taken = sorted(
                name
                for name in _names_used(path)
                if any(name == step or name.startswith(step + ".") for step in STEPS)
            )
            if taken:
                found[str(path.relative_to(root))] = taken
    return found


def test_pages_and_commands_call_actions_rather_than_compose_steps():
    """The rule: no module in dashboard/app_pages/, dashboard/mail_panel.py or etl/cli/
    checks or stores a return, restores a version, sends reminders or receipts, or takes a
    backup through the steps (``STEPS``); each calls the one function in etl.actions."""
    assert steps_composed(ROOT) == {}
    uses = {name for path in (ROOT / "etl" / "cli").glob("*.py") for name in _names_used(path)}
    # The check sees the calls it asks for.
    assert {"etl.actions.send_return", "etl.actions.check_return"} <= uses
    assert "etl.actions.check_return" in _names_used(ROOT / "dashboard/app_pages/upload.py")


def test_a_page_or_command_that_checks_a_return_itself_is_named(tmp_path):
    """The rule catches a page checking a return through the steps, however imported."""
    page = tmp_path / "dashboard" / "app_pages" / "upload.py"
    page.parent.mkdir(parents=True)
    page.write_text(
        "from etl import returns\nfrom etl.submissions import review as r\n"
        "returns.check_return(con, data, name, strategy, today=today)\n"
        "r.beside_last_quarter(db, figures)\n"
    )
    command = tmp_path / "etl" / "cli" / "returns.py"
    command.parent.mkdir(parents=True)
    command.write_text("from etl.returns import validate_return\n")
    (tmp_path / "dashboard" / "mail_panel.py").write_text("")
    assert steps_composed(tmp_path) == {
        "dashboard/app_pages/upload.py": [
            "etl.returns.check_return",
            "etl.submissions.review.beside_last_quarter",
        ],
        "etl/cli/returns.py": ["etl.returns.validate_return"],
    }


LONGEST = 60  # lines of a function, its docstring included


def long_functions(root: Path) -> list[str]:
    """Each function in etl/ and dashboard/ longer than ``LONGEST`` lines, with its length."""
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = node.end_lineno - node.lineno + 1
                    if length > LONGEST:
                        found.append(f"{path.relative_to(root)}::{node.name} ({length} lines)")
    return found


def test_no_function_is_longer_than_sixty_lines():
    """A function that a reader cannot see whole is split into named steps."""
    assert long_functions(ROOT) == []


def test_backup_and_strategy_are_packages_not_prefixes():
    prefixed = sorted(
        path.name
        for path in (ROOT / "etl").glob("*.py")
        if path.name.startswith(("backup", "strategy", "yamlfile"))
    )
    assert prefixed == []
    assert (ROOT / "etl" / "backup" / "__init__.py").is_file()
    assert (ROOT / "etl" / "strategy" / "__init__.py").is_file()
