"""No import cycles among strokesim's modules, and every module imports.

The graph is read from the source (AST): an edge A → B for every ``import`` of B
anywhere in A (top level or inside functions; not under ``if TYPE_CHECKING:``,
which never runs), B resolved
to the module it names (``from strokesim.x import y`` is ``strokesim.x.y`` when
that is a module, else ``strokesim.x``). Importing a package's submodule is not
counted as importing the package's ``__init__`` (Python runs it, but the parent
cannot import back a module that is half imported without naming it).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import strokesim

SRC = Path(strokesim.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = ("strokesim", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}

#: Cycles known and owned elsewhere, each as its set of modules; remove an entry when
#: its cycle is gone (a test fails on a stale entry).
KNOWN_CYCLES: tuple[frozenset[str], ...] = (
    # io.read_results reads a run folder with jobs.read_run; jobs.store writes parts
    # with io.write_results (both imports inside functions)
    frozenset(
        {
            "strokesim.io",
            "strokesim.io.results",
            "strokesim.jobs",
            "strokesim.jobs.executors",
            "strokesim.jobs.run",
            "strokesim.jobs.store",
            "strokesim.jobs.task",
        }
    ),
)


def _walk(tree: ast.AST):
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_walk(child)])
            continue
        yield node
        yield from _walk(node)


def _imports(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            targets = [t for t in targets[:-1] if t in MODULES] or [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the strokesim modules it imports."""
    return {name: _imports(name, path) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (``[a, b, …, a]``), or ``None``."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_graph_finds_a_cycle_when_there_is_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    graph = import_graph()
    assert "strokesim.trial.spec" in graph["strokesim.trial.emulation"]
    assert "strokesim.stats" in graph["strokesim.validate.external"]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles found by removing, one by one, the closing edge of each found cycle."""
    graph = {node: set(edges) for node, edges in graph.items()}
    found = []
    while (cycle := find_cycle(graph)) is not None:
        found.append(cycle)
        graph[cycle[-2]].discard(cycle[-1])
    return found


def test_strokesim_has_no_import_cycle():
    cycles = _cycles(import_graph())
    unknown = [c for c in cycles if not any(set(c) <= known for known in KNOWN_CYCLES)]
    assert unknown == []
    stale = [k for k in KNOWN_CYCLES if not any(set(c) <= k for c in cycles)]
    assert stale == [], "a known cycle is gone: remove it from KNOWN_CYCLES"


def test_every_module_imports():
    for name in sorted(MODULES):
        assert importlib.import_module(name).__name__ == name
