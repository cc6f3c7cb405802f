"""Every number that changes a result lives in a registry, not in the equations.

The sampler of the default population and the model's modules are scanned (AST) for
bare numeric literals. Structural numbers pass: 0, 1, 2 and -1, integer sizes and
indices (arguments of ``split``, ``reshape``, ``slice``, ``range``; subscripts;
module-level integer constants in capitals, such as unit counts and stream indices).
Anything else must be in :data:`ALLOWED`, one reason each, or move to a registry
(:mod:`strokesim.model.parameters`, :data:`strokesim.cohort.population.POPULATION_PARAMETERS`).
The registry module itself is not scanned: its literals are the registry.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "strokesim"

#: Files scanned, relative to ``src/strokesim``.
SCANNED: tuple[str, ...] = (
    "cohort/population.py",
    *sorted(
        str(p.relative_to(SRC))
        for p in (SRC / "model").glob("*.py")
        if p.name not in ("__init__.py", "parameters.py")
    ),
)

STRUCTURAL_VALUES = frozenset({0, 1, 2, -1})
_SIZE_CALLS = frozenset({"split", "reshape", "slice", "range", "arange"})

#: (file, enclosing definition, value) → why the literal stays; "*" as value: every
#: literal inside that definition.
ALLOWED: dict[tuple[str, str, object], str] = {
    ("cohort/population.py", "_lognormal", 0.5): "log-normal mean correction exp(−σ²/2)",
    ("model/lesion.py", "_lognormal", 0.5): "log-normal mean correction exp(−σ²/2)",
    ("model/dynamics.py", "*", 1e-06): "guard against division by zero",
    ("model/dynamics.py", "daily_step", 0.5): "bounds of a day's Hebbian change, IHI drive ratio",
    ("model/dynamics.py", "daily_step", 3.0): "stability bound of input weights (3× template)",
    ("model/dynamics.py", "daily_step", 0.05): "activity floor keeping the IHI ratio finite",
    ("model/network.py", "command_gain", 0.001): "guard against division by zero",
    ("model/network.py", "command_gain", 0.5): "a command is never scaled below half",
    ("model/network.py", "performance", 0.05): "activation a rater cannot see",
    ("model/network.py", "practice_loss", 0.1): "least weight of overshoot in the error",
    ("model/network.py", "SYNERGIES", "*"): "synergy table (Brunnstrom 1970)",
    ("model/state.py", "FLEXOR_BIAS", "*"): "flexor bias table (Brunnstrom 1970; Wissel 2010)",
    ("model/state.py", "initial_state", 0.5): "arm-use share starts even (structural half)",
    ("model/template.py", "_UNCROSSED_BIAS", "*"): "proximal bias table (Bawa et al. 2004)",
    ("model/template.py", "_MIXED_TUNING_SD", 0.03): "template shape, fixed with its seed",
    ("model/template.py", "_THRESHOLD", -0.08): "template shape, fixed with its seed",
    ("model/template.py", "_build", 20261121): "the template's fixed seed",
    ("model/template.py", "_build", 1e-09): "guard against division by zero",
    ("model/tasks.py", "_FMA_PATTERNS", "*"): "muscle patterns of the FMA-UE items (data)",
    ("model/tasks.py", "_ARAT_PATTERNS", "*"): "muscle patterns of the ARAT items (data)",
    ("model/tasks.py", "_DAILY", "*"): "muscle patterns of daily tasks (data)",
    ("model/tasks.py", "_SELECTIVE", "*"): "muscle patterns of selective tasks (data)",
}


def _definition(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    """Name of the function or top-level assignment that contains ``node``."""
    name = "<module>"
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return node.name
        if isinstance(node, ast.Assign | ast.AnnAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name):
                name = target.id
    return name


def _in_registry_entry(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether ``node`` is an argument of a ``Parameter(...)`` registry entry."""
    parent = parents.get(node)
    while isinstance(parent, ast.UnaryOp | ast.BinOp):
        parent = parents.get(parent)
    return isinstance(parent, ast.Call) and getattr(parent.func, "id", "") == "Parameter"


def _is_structural(node: ast.Constant, value: object, parents: dict[ast.AST, ast.AST]) -> bool:
    if value in STRUCTURAL_VALUES or _in_registry_entry(node, parents):
        return True
    if not isinstance(value, int):
        return False
    parent = parents.get(node)
    while isinstance(parent, ast.UnaryOp | ast.Tuple | ast.BinOp):
        parent = parents.get(parent)
    if isinstance(parent, ast.Call):
        func = parent.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return called in _SIZE_CALLS
    if isinstance(parent, ast.keyword):
        return parent.arg == "maxsize"
    if isinstance(parent, ast.Subscript | ast.Slice):
        return True
    if isinstance(parent, ast.Assign) and isinstance(parents.get(parent), ast.Module):
        return all(isinstance(t, ast.Name) and t.id.lstrip("_").isupper() for t in parent.targets)
    return False


def bare_literals(relative: str, text: str | None = None) -> list[str]:
    """``file:line: value (definition)`` for each literal that is neither structural nor allowed."""
    path = SRC / relative
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
            continue
        if not isinstance(node.value, int | float):
            continue
        parent = parents.get(node)
        negative = isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.USub)
        value = -node.value if negative else node.value
        if _is_structural(node, value, parents):
            continue
        where = _definition(node, parents)
        if any((relative, d, v) in ALLOWED for d in (where, "*") for v in (value, -value, "*")):
            continue
        found.append(f"src/strokesim/{relative}:{node.lineno}: {value!r} (in {where})")
    return sorted(found)


def test_scanned_files_exist_and_include_the_sampler_and_the_lesion() -> None:
    assert "cohort/population.py" in SCANNED and "model/lesion.py" in SCANNED
    assert "model/dynamics.py" in SCANNED
    for relative in SCANNED:
        assert (SRC / relative).is_file(), relative


def test_no_bare_numeric_literal_outside_the_registries() -> None:
    found = [line for relative in SCANNED for line in bare_literals(relative)]
    assert not found, "bare numeric literals (move to a registry or allow with a reason):\n" + (
        "\n".join(found)
    )


def test_every_allowed_literal_is_still_there() -> None:
    # an allow-list entry whose literal has gone is stale and must be removed
    for relative, where, value in ALLOWED:
        tree = ast.parse((SRC / relative).read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        hits = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and (value == "*" or value in (node.value, -node.value))
            and where in ("*", _definition(node, parents))
        ]
        assert hits, (relative, where, value)


def test_the_scan_reports_a_bare_literal_with_its_line() -> None:
    text = "def f(x):\n    return x * 1.3\n"
    assert bare_literals("cohort/population.py", text) == [
        "src/strokesim/cohort/population.py:2: 1.3 (in f)"
    ]
