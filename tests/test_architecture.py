"""The package's shape: adapters outside the domain, one home per rule, no import circle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import community_governance

SOURCE = Path(community_governance.__file__).parent
PACKAGE = "community_governance"


def _module(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> list[str]:
    """The modules a file imports when it is imported (not under TYPE_CHECKING, not lazily)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _every_import(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def test_the_evaluation_imports_no_table_library_and_no_document_model() -> None:
    """E-1..E-6: pandas, pyarrow and the JSON documents are the adapters' business."""
    offenders = {
        f"{path.name}: {name}"
        for path in sorted((SOURCE / "evaluation").glob("*.py"))
        for name in _every_import(path)
        if name.split(".")[0] in {"pandas", "pyarrow"} or name.startswith(f"{PACKAGE}.schemas")
    }
    assert offenders == set()


def test_the_kernel_needs_nothing_but_the_standard_library() -> None:
    """E-2..E-6: the verifier replays with the kernel, so it imports only the stdlib."""
    imported = _every_import(SOURCE / "evaluation" / "kernel.py")
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names)


def test_a_city_is_scored_through_three_modules_of_the_evaluation() -> None:
    """E-1..E-6: evaluate_city reads city, scoring and kernel; the rest is lazy or an accelerator.

    ``accelerated`` replaces the per-community loop when NumPy is installed and
    ``unit_scoring`` builds an explanation when one is asked for; both are imported on use.
    """

    def evaluation_modules(name: str) -> set[str]:
        prefix = f"{PACKAGE}.evaluation."
        return {
            imported.removeprefix(prefix).split(".")[0]
            for imported in _top_level_imports(SOURCE / "evaluation" / f"{name}.py")
            if imported.startswith(prefix)
        }

    assert evaluation_modules("city") == {"scoring", "kernel"}
    assert evaluation_modules("scoring") == {"kernel"}
    assert evaluation_modules("kernel") == set()


def test_no_module_imports_itself_back_through_others() -> None:
    """No import circle anywhere in the package, counting what a module imports on load."""
    modules = {_module(path): path for path in SOURCE.rglob("*.py")}
    graph = {
        name: sorted({dep for dep in _top_level_imports(path) if dep in modules and dep != name})
        for name, path in modules.items()
    }
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                circles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_each_rule_s_arithmetic_is_written_once() -> None:
    """E-5, E-6: the weights, the rounding and the ranking are computed in the kernel.

    The NumPy accelerator rounds and ranks whole columns behind the same contract;
    ``test_the_numpy_path_equals_the_python_int_path`` checks it equals the kernel.
    """
    accelerator = "evaluation/accelerated.py"
    marks = {
        "E-5 re-weighting": "/ present",
        "E-5 rounding": "twice = 2 * remainder",
        "E-6 ranking": "key=lambda unit: (-values[unit], unit)",
    }
    for what, mark in marks.items():
        homes = [
            str(path.relative_to(SOURCE))
            for path in sorted(SOURCE.rglob("*.py"))
            if mark in path.read_text(encoding="utf-8")
        ]
        assert [h for h in homes if h != accelerator] == ["evaluation/kernel.py"], what


def test_each_document_shape_has_one_home() -> None:
    """All: no two modules of schemas/ define a class of the same name; the domain no to_dict."""
    homes: dict[str, list[str]] = {}
    for path in sorted((SOURCE / "schemas").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                homes.setdefault(node.name, []).append(path.name)
    assert {name: files for name, files in homes.items() if len(files) > 1} == {}
    domain = [p for p in SOURCE.rglob("*.py") if p.parent.name not in {"schemas", "cli"}]
    assert [str(p.relative_to(SOURCE)) for p in domain if "def to_dict(" in p.read_text()] == []


def test_no_test_module_imports_another() -> None:
    """Tests share helpers through conftest.py, strategies and helper modules, not each other."""
    tests = Path(__file__).parent
    offenders = [
        f"{path.relative_to(tests)}: {name}"
        for path in sorted(tests.rglob("*.py"))
        for name in _every_import(path)
        if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")
    ]
    assert offenders == []
    # The command line is imported only by the fixture that runs it, when a test asks.
    root_conftest = _top_level_imports(tests / "conftest.py")
    assert not [name for name in root_conftest if name.startswith(("click", f"{PACKAGE}.cli"))]
