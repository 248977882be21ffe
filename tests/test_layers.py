"""The allowed imports between top-level packages, written down once and checked.

Lower layers never import higher ones, so no import cycle can come back:

    server → routes → schema → resolvers → adapters, documents, notifications → core → models

`migrations/` may import `models/` only; tests and benchmarks may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ALLOWED: dict[str, set[str]] = {
    "models": set(),
    "core": {"models"},
    "adapters": {"core"},
    "documents": {"core", "models"},
    "notifications": {"core", "models"},
    "resolvers": {"adapters", "documents", "notifications", "core", "models"},
    "schema": {"resolvers", "notifications", "core", "models"},
    "routes": {"schema", "resolvers", "core", "models"},
    "server": {"routes", "schema", "resolvers", "notifications", "core", "models"},
    "migrations": {"models"},
}


def imports_of(path: Path) -> set[str]:
    """Top-level project packages a module imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


def project_modules() -> list[tuple[str, Path]]:
    modules = [("server", ROOT / "server.py")]
    for package in ALLOWED:
        if package != "server":
            modules += [(package, p) for p in sorted((ROOT / package).rglob("*.py"))]
    return modules


def test_every_top_level_package_is_listed() -> None:
    """A new top-level package needs its place in the layers before it can be used."""
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert packages - {"tests", "bench"} <= set(ALLOWED)


def test_no_package_imports_one_above_it() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {target}"
        for package, path in project_modules()
        for target in sorted(imports_of(path) - ALLOWED[package] - {package})
    ]
    assert wrong == []


def test_reads_are_decided_in_resolvers_not_in_the_schema() -> None:
    """The GraphQL layer runs no ORM query of its own: reads go through `resolvers/`, where
    `resolvers/access.py` decides visibility for reads and writes alike."""
    calls = (".filter(", ".get_or_none(", ".exists(", ".count()", ".all()", "select_for_update")
    wrong = [
        f"{path.relative_to(ROOT)}: {call}"
        for path in sorted((ROOT / "schema").rglob("*.py"))
        if path.name != "export.py"  # writes the schema files: `Path.exists()`, no ORM
        for call in calls
        if call in path.read_text(encoding="utf-8")
    ]
    assert wrong == []


CLOCK_MODULE = ROOT / "core" / "clock.py"


def clock_imports(path: Path) -> list[str]:
    """How a module reaches `core.clock` other than through its `Clock` class."""
    wrong = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            wrong += [f"import {a.name}" for a in node.names if a.name == "core.clock"]
        elif isinstance(node, ast.ImportFrom) and node.module == "core":
            wrong += ["from core import clock" for a in node.names if a.name == "clock"]
        elif isinstance(node, ast.ImportFrom) and node.module == "core.clock":
            wrong += [f"from core.clock import {a.name}" for a in node.names if a.name != "Clock"]
    return wrong


def test_no_module_keeps_the_time_of_day() -> None:
    """Issue 9: the clock is a process service, built once at start-up (`Services.clock`) and
    handed down like the gateway; no module holds process time state. So nothing imports
    `core.clock` as a module or takes functions from it (`clock.now()`, `from core.clock import
    now, today`): only the `Clock` class, whose instance comes from the caller. And
    `core/clock.py` itself has no module-level state or functions, only the class."""
    modules = [path for _, path in project_modules()]
    modules += sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py"))
    wrong = [
        f"{path.relative_to(ROOT)}: {found}"
        for path in modules
        if path != CLOCK_MODULE
        for found in clock_imports(path)
    ]
    assert wrong == []
    top_level = ast.parse(CLOCK_MODULE.read_text(encoding="utf-8")).body
    kept = [
        f"line {node.lineno}: {type(node).__name__}"
        for node in top_level
        if not isinstance(node, ast.Import | ast.ImportFrom | ast.ClassDef)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    assert kept == []
